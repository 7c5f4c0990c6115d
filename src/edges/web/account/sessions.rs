//! `/account/sessions`: where the member is signed in (browsers, native
//! API tokens) and which Mastodon apps it authorised, each with a button
//! to revoke it. Revoking this browser's own session signs it out.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::session::{secure_cookies, Posted, Session, SESSION_COOKIE};
use super::super::views::Frame;
use crate::domain::session::{SignIn, SignInKind};
use crate::edges::http::cookies;
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;
use crate::services::sessions::sign_in_id;

/// A sign-in as the page shows it.
pub struct SignInRow {
    pub id: String,
    /// `web`, `api` or `app`, for its label.
    pub kind: &'static str,
    pub agent: String,
    pub website: Option<String>,
    pub scopes: Option<String>,
    pub created: String,
    pub last_used: Option<String>,
    pub expires: Option<String>,
    pub current: bool,
}

impl SignInRow {
    fn of(s: SignIn, tr: &Tr) -> SignInRow {
        SignInRow {
            kind: s.kind.as_str(),
            agent: s.agent,
            website: s.website,
            scopes: s.scopes,
            created: tr.date_time(s.created_at),
            last_used: s.last_used_at.map(|at| tr.date_time(at)),
            expires: s.expires_at.map(|at| tr.date(at)),
            current: s.current,
            id: s.id,
        }
    }
}

#[derive(Template)]
#[template(path = "web/account/sessions.html")]
struct SessionsPage {
    frame: Frame,
    section: &'static str,
    own: Vec<SignInRow>,
    apps: Vec<SignInRow>,
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    let all = state
        .services
        .sign_ins(&session.viewer, &session.token)
        .await?;
    let (apps, own): (Vec<SignIn>, Vec<SignIn>) =
        all.into_iter().partition(|s| s.kind == SignInKind::App);
    let view = SessionsPage {
        frame: Frame::signed_in(&state, &session, "/account/sessions"),
        section: "sessions",
        own: own
            .into_iter()
            .map(|s| SignInRow::of(s, &session.tr))
            .collect(),
        apps: apps
            .into_iter()
            .map(|s| SignInRow::of(s, &session.tr))
            .collect(),
    };
    Ok(session.page(StatusCode::OK, &view))
}

#[derive(Deserialize)]
pub struct Nothing {}

pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, .. }: Posted<Nothing>,
) -> HttpResult<Response> {
    let own = id == sign_in_id(&session.token);
    state.services.revoke_sign_in(&session.viewer, &id).await?;
    if own {
        // This browser's own session: it is signed out.
        let mut response = Redirect::to("/sign-in").into_response();
        cookies::set(&mut response, SESSION_COOKIE, "", 0, secure_cookies(&state));
        return Ok(response);
    }
    Ok(Redirect::to("/account/sessions").into_response())
}
