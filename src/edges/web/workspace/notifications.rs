//! `/workspace/notifications`: what happened to the coop, newest first
//! (follows and follow requests, new matches, introductions asked of it
//! and answered), each linking to where to act; dismissing one or all.

use askama::Template;

use crate::domain::notification::NotificationKind;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::session::{Posted, Session};
use super::super::views::Frame;
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;
use crate::services::notifications::{About, NotificationItem, NotificationQuery};

const PAGE: i64 = 30;

pub struct NoticeRow {
    pub id: String,
    /// What happened, in words.
    pub text: String,
    /// Where to look or act.
    pub href: String,
    pub date: String,
}

impl NoticeRow {
    fn of(item: &NotificationItem, tr: &Tr) -> NoticeRow {
        let n = &item.notification;
        let (key, who, href) = match &item.about {
            About::Follower(actor) => (
                n.kind.as_str(),
                actor.display_name.clone(),
                "/workspace/follows".to_string(),
            ),
            About::Match(m) => (
                "match",
                m.proposal.title.clone(),
                format!("/workspace/proposals/{}", m.for_proposal),
            ),
            // A facilitator opened it: nobody asked.
            About::Introduction(e)
                if e.introduction.gathering_id.is_some()
                    && n.kind == NotificationKind::IntroductionRequest =>
            {
                (
                    "introduction_proposed",
                    e.other.name.clone(),
                    "/workspace/introductions".to_string(),
                )
            }
            About::Introduction(e) => (
                n.kind.as_str(),
                e.other.name.clone(),
                "/workspace/introductions".to_string(),
            ),
        };
        NoticeRow {
            id: n.id.clone(),
            text: tr.t1(&format!("notice-{key}"), "who", who),
            href,
            date: tr.date(n.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "web/workspace/notifications.html")]
struct NotificationsPage {
    frame: Frame,
    section: &'static str,
    rows: Vec<NoticeRow>,
    /// The `max_id` of the next (older) page.
    older: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PageParams {
    max_id: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<PageParams>,
) -> HttpResult<Response> {
    let items = state
        .services
        .notifications(
            &session.viewer,
            NotificationQuery {
                max_id: params.max_id,
                limit: PAGE,
                ..Default::default()
            },
        )
        .await?;
    let rows: Vec<NoticeRow> = items
        .iter()
        .map(|i| NoticeRow::of(i, &session.tr))
        .collect();
    let older = (items.len() as i64 == PAGE)
        .then(|| items.last().map(|i| i.notification.id.clone()))
        .flatten();
    let page = NotificationsPage {
        frame: Frame::signed_in(&state, &session, "/workspace/notifications"),
        section: "notifications",
        rows,
        older,
    };
    Ok(session.page(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct Nothing {}

pub async fn dismiss(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, .. }: Posted<Nothing>,
) -> HttpResult<Response> {
    state
        .services
        .dismiss_notification(&session.viewer, &id)
        .await?;
    Ok(Redirect::to("/workspace/notifications").into_response())
}

pub async fn clear(
    State(state): State<AppState>,
    Posted { session, .. }: Posted<Nothing>,
) -> HttpResult<Response> {
    state.services.clear_notifications(&session.viewer).await?;
    Ok(Redirect::to("/workspace/notifications").into_response())
}
