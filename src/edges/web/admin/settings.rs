//! `/admin/settings`: the node's settings that are safe to change while it
//! runs (domain/node_settings.rs): what it says about itself and in which
//! language, where to reach its admins, OAuth's password grant, authorized
//! fetch, and how long posts of followed accounts stay.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, unreadable, FormError};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use super::admin_of;
use crate::domain::node_settings::{NodeSettings, SettingsChange};
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;

/// The form as typed; checkboxes are sent only when ticked.
#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    about: String,
    #[serde(default)]
    about_language: String,
    #[serde(default)]
    contact_email: String,
    oauth_password_grant: Option<String>,
    authorized_fetch: Option<String>,
    #[serde(default)]
    home_posts_days: String,
}

impl SettingsForm {
    fn of(s: &NodeSettings) -> SettingsForm {
        let on = |b: bool| b.then(|| "on".to_string());
        SettingsForm {
            about: s.about.clone().unwrap_or_default(),
            about_language: s.about_language.clone().unwrap_or_default(),
            contact_email: s.contact_email.clone().unwrap_or_default(),
            oauth_password_grant: on(s.oauth_password_grant),
            authorized_fetch: on(s.authorized_fetch),
            home_posts_days: s.home_posts_days.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/admin/settings.html")]
struct SettingsPage {
    frame: Frame,
    section: &'static str,
    form: SettingsForm,
    error: FormError,
    saved: bool,
}

impl SettingsPage {
    fn shown(&self) -> &'static [&'static str] {
        &[
            "about",
            "about_language",
            "contact_email",
            "home_posts_days",
        ]
    }
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Query(params): axum::extract::Query<ShowParams>,
) -> HttpResult<Response> {
    admin_of(&session)?;
    let view = SettingsPage {
        frame: Frame::signed_in(&state, &session, "/admin/settings"),
        section: "settings",
        form: SettingsForm::of(&state.services.node_settings()),
        error: FormError::default(),
        saved: params.saved.is_some(),
    };
    Ok(session.page(StatusCode::OK, &view))
}

pub async fn save(
    State(state): State<AppState>,
    Posted { session, form }: Posted<SettingsForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    let again = |form: SettingsForm, (status, error): (StatusCode, FormError)| {
        let view = SettingsPage {
            frame: Frame::signed_in(&state, &session, "/admin/settings"),
            section: "settings",
            form,
            error,
            saved: false,
        };
        session.page(status, &view)
    };
    let Ok(days) = form.home_posts_days.trim().parse::<i64>() else {
        let refusal = unreadable("home_posts_days", "must be a whole number of days");
        return Ok(again(form, refusal));
    };
    let change = SettingsChange {
        about: Some(form.about.clone()),
        about_language: Some(form.about_language.clone()),
        contact_email: Some(form.contact_email.clone()),
        oauth_password_grant: Some(form.oauth_password_grant.is_some()),
        authorized_fetch: Some(form.authorized_fetch.is_some()),
        home_posts_days: Some(days),
    };
    match state
        .services
        .change_settings(admin, change)
        .await
        .map_err(refused)
    {
        Ok(_) => Ok(Redirect::to("/admin/settings?saved=1").into_response()),
        Err(Ok(refusal)) => Ok(again(form, refusal)),
        Err(Err(e)) => Err(e),
    }
}
