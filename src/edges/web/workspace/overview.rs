//! `/workspace`: the coop's needs and offers (open and closed), what is
//! waiting for it (introductions to answer, follow requests) and its best
//! matches.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::super::session::Session;
use super::super::views::{category_label, kind_key, Frame};
use super::matches::{MatchItem, SHOWN_ON_OVERVIEW};
use crate::domain::introduction::{Direction, IntroductionState};
use crate::domain::proposal::ProposalStatus;
use crate::domain::user::Role;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::follows::FollowState;
use crate::services::matching::MatchQuery;
use crate::services::proposals::ProposalQuery;
use crate::services::ServiceError;

/// One of the coop's own needs or offers.
pub struct OwnItem {
    pub id: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub category: String,
    pub title: String,
    pub open: bool,
    pub date: String,
}

#[derive(Template)]
#[template(path = "web/workspace/overview.html")]
struct Overview {
    frame: Frame,
    section: &'static str,
    coop_name: String,
    coop_href: String,
    items: Vec<OwnItem>,
    to_answer: usize,
    requests: usize,
    /// None while the matching index is still being built.
    matches: Option<Vec<MatchItem>>,
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    if session.viewer.user.coop_id.is_none() && session.viewer.user.role == Role::Admin {
        return Ok(Redirect::to("/admin").into_response());
    }
    let services = &state.services;
    let viewer = &session.viewer;
    let coop = services.own_coop(viewer).await?;
    let tr = &session.tr;
    let own = services
        .list_proposals(
            Some(viewer),
            ProposalQuery {
                mine: true,
                limit: Some(100),
                ..Default::default()
            },
        )
        .await?;
    let mut items: Vec<OwnItem> = own
        .items
        .iter()
        .map(|(p, _)| OwnItem {
            id: p.id.clone(),
            kind: kind_key(p.draft.kind),
            kind_label: tr.t(&format!("kind-{}", kind_key(p.draft.kind))),
            category: category_label(tr, p.draft.category),
            title: p.draft.title.clone(),
            open: p.status == ProposalStatus::Open,
            date: tr.date(p.created_at),
        })
        .collect();
    items.sort_by_key(|i| !i.open);
    let to_answer = services
        .introductions(
            viewer,
            Direction::Received,
            Some(IntroductionState::Pending),
            None,
            Some(100),
        )
        .await?
        .items
        .len();
    let requests = services
        .followers_of(viewer, FollowState::Pending, None, Some(100))
        .await?
        .items
        .len();
    let matches = match services
        .coop_matches(
            viewer,
            MatchQuery {
                limit: Some(SHOWN_ON_OVERVIEW),
                ..Default::default()
            },
        )
        .await
    {
        Ok(page) => Some(
            page.items
                .iter()
                .map(|m| MatchItem::of(m, tr, &state))
                .collect(),
        ),
        Err(ServiceError::Unavailable(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let page = Overview {
        frame: Frame::signed_in(&state, &session, "/workspace"),
        section: "overview",
        coop_href: services.urls.actor(&coop.handle).to_string(),
        coop_name: coop.profile.display_name,
        items,
        to_answer,
        requests,
        matches,
    };
    Ok(session.page(StatusCode::OK, &page))
}
