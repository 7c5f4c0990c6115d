//! `/admin/log`: what admins did (here and from the command line), newest
//! first, 50 a page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::session::Session;
use super::super::views::Frame;
use super::{admin_of, when};
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;

pub struct LogRow {
    pub at: String,
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Deserialize, Default)]
pub struct LogParams {
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/log.html")]
struct LogPage {
    frame: Frame,
    section: &'static str,
    rows: Vec<LogRow>,
    next: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<LogParams>,
) -> HttpResult<Response> {
    admin_of(&session)?;
    let page = state
        .services
        .admin_actions(params.cursor, Some(50))
        .await?;
    let view = LogPage {
        frame: Frame::signed_in(&state, &session, "/admin/log"),
        section: "log",
        rows: page
            .items
            .into_iter()
            .map(|a| LogRow {
                at: when(a.created_at),
                admin: a.admin,
                action: a.action,
                target: a.target,
                detail: a.detail,
            })
            .collect(),
        next: page.next_cursor,
    };
    Ok(session.page(StatusCode::OK, &view))
}
