//! `/account`: the language the account's pages are shown in and the time
//! zone it reads times in (applied at once and at every sign-in), and
//! changing the password, which signs the account out everywhere but this
//! browser.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::language::{forget, remember, LangParam};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use crate::edges::http::error::HttpResult;
use crate::edges::http::extract::ClientAddress;
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;
use crate::edges::http::state::AppState;

#[derive(Template)]
#[template(path = "web/account/account.html")]
struct AccountPage {
    frame: Frame,
    section: &'static str,
    email: String,
    /// The language saved with the account; empty: the browser's.
    language: String,
    /// The time zone saved with the account, or the one typed when refused.
    time_zone: String,
    error: FormError,
    /// What was just done (`language`, `time-zone`, `password`), to say so.
    done: Option<String>,
    /// Sign-ins ended by a password change.
    ended: i64,
}

impl AccountPage {
    fn shown(&self) -> &'static [&'static str] {
        &[
            "language",
            "time_zone",
            "current_password",
            "new_password",
            "confirm_password",
        ]
    }
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    done: Option<String>,
    #[serde(default)]
    ended: i64,
}

fn page(state: &AppState, session: &Session, error: FormError, params: ShowParams) -> AccountPage {
    let time_zone = session.viewer.user.time_zone.clone().unwrap_or_default();
    AccountPage {
        time_zone,
        frame: Frame::signed_in(state, session, "/account"),
        section: "account",
        email: session.viewer.user.email.clone(),
        language: session.viewer.user.language.clone().unwrap_or_default(),
        error,
        done: params
            .done
            .filter(|d| ["language", "time-zone", "password"].contains(&d.as_str())),
        ended: params.ended.max(0),
    }
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<ShowParams>,
) -> HttpResult<Response> {
    let view = page(&state, &session, FormError::default(), params);
    Ok(session.page(StatusCode::OK, &view))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
}

pub async fn set_language(
    State(state): State<AppState>,
    Posted { session, form }: Posted<LanguageForm>,
) -> HttpResult<Response> {
    let chosen = Some(form.language.trim()).filter(|l| !l.is_empty());
    match state
        .services
        .set_account_language(&session.viewer, chosen)
        .await
        .map_err(refused)
    {
        Ok(()) => {
            let mut response = Redirect::to("/account?done=language").into_response();
            match chosen {
                // In force at once in this browser, as the switch would be.
                Some(code) => remember(
                    &mut response,
                    &LangParam {
                        lang: Some(code.to_string()),
                    },
                    &Tr::new(Lang::negotiate(Some(code), &Default::default())),
                ),
                None => forget(&mut response),
            }
            Ok(response)
        }
        Err(Ok((status, error))) => {
            let view = page(&state, &session, error, ShowParams::default());
            Ok(session.page(status, &view))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

pub async fn set_time_zone(
    State(state): State<AppState>,
    Posted { session, form }: Posted<TimeZoneForm>,
) -> HttpResult<Response> {
    let typed = Some(form.time_zone.as_str());
    match state
        .services
        .set_account_time_zone(&session.viewer, typed)
        .await
        .map_err(refused)
    {
        Ok(zone) => {
            let mut response = Redirect::to("/account?done=time-zone").into_response();
            // In force at once in this browser, public pages included.
            super::super::time_zone::remember(&mut response, zone.as_deref());
            Ok(response)
        }
        Err(Ok((status, error))) => {
            let mut view = page(&state, &session, error, ShowParams::default());
            view.time_zone = form.time_zone;
            Ok(session.page(status, &view))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Posted { session, form }: Posted<PasswordForm>,
) -> HttpResult<Response> {
    let again = |(status, error): (StatusCode, FormError)| {
        let view = page(&state, &session, error, ShowParams::default());
        session.page(status, &view)
    };
    if form.new_password != form.confirm_password {
        return Ok(again((
            StatusCode::UNPROCESSABLE_ENTITY,
            FormError::on(
                "confirm_password",
                session.tr.t("account-password-mismatch"),
            ),
        )));
    }
    match state
        .services
        .change_password(
            &session.viewer,
            &session.token,
            form.current_password,
            form.new_password,
            client,
        )
        .await
        .map_err(refused)
    {
        Ok(ended) => {
            Ok(Redirect::to(&format!("/account?done=password&ended={ended}")).into_response())
        }
        Err(Ok(refusal)) => Ok(again(refusal)),
        Err(Err(e)) => Err(e),
    }
}
