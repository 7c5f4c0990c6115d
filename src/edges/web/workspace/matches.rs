//! `/workspace/matches`: needs and offers elsewhere that answer the coop's
//! own, best first, with the score and the reasons, each with the way to
//! ask for an introduction.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

use super::super::session::Session;
use super::super::views::{category_label, entry_links, kind_key, Frame};
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;
use crate::services::matching::{FoundMatch, MatchQuery, Reason, ReasonArg};
use crate::services::proposals::ProposalQuery;

pub const SHOWN_ON_OVERVIEW: i64 = 5;
const PAGE: i64 = 20;

/// A match in a list.
pub struct MatchItem {
    /// The other proposal's id, to ask for an introduction about it.
    pub id: String,
    pub href: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub category: String,
    pub title: String,
    pub coop: String,
    pub coop_href: String,
    /// The other node, when not this one.
    pub host: Option<String>,
    /// The score in percent (boosts may take it past 100).
    pub percent: u32,
    pub reasons: Vec<String>,
    /// The title of the coop's own proposal it answers, when known.
    pub answers: Option<String>,
}

impl MatchItem {
    pub fn of(m: &FoundMatch, tr: &Tr, state: &AppState) -> MatchItem {
        let e = &m.proposal;
        let (href, coop_href) = entry_links(e, state);
        MatchItem {
            id: e.id.clone(),
            href,
            kind: kind_key(e.kind),
            kind_label: tr.t(&format!("kind-{}", kind_key(e.kind))),
            category: category_label(tr, e.category),
            title: e.title.clone(),
            coop: e.coop_name.clone(),
            coop_href,
            host: e.node.clone(),
            percent: (m.score * 100.0).round().max(0.0) as u32,
            reasons: m.reasons.iter().map(|r| say_reason(tr, r)).collect(),
            answers: None,
        }
    }
}

/// A match's reason in the page's language.
pub(super) fn say_reason(tr: &Tr, reason: &Reason) -> String {
    let args: Vec<(&'static str, FluentValue<'static>)> = reason
        .args
        .iter()
        .map(|(name, arg)| {
            let value = match arg {
                ReasonArg::Text(t) => FluentValue::from(t.clone()),
                ReasonArg::List(items) => FluentValue::from(tr.list(items)),
                ReasonArg::Languages(codes) => {
                    let names: Vec<String> = codes
                        .iter()
                        .map(|c| tr.t(&format!("language-name-{c}")))
                        .collect();
                    FluentValue::from(tr.list(&names))
                }
                ReasonArg::Count(n) => FluentValue::from(*n),
                ReasonArg::Category(code) => FluentValue::from(tr.t(&format!("category-{code}"))),
            };
            (*name, value)
        })
        .collect();
    tr.values(reason.message, &args)
}

#[derive(Deserialize, Default)]
pub struct MatchParams {
    #[serde(default)]
    offset: Option<i64>,
}

#[derive(Template)]
#[template(path = "web/workspace/matches.html")]
struct MatchesPage {
    frame: Frame,
    section: &'static str,
    items: Vec<MatchItem>,
    total: usize,
    next: Option<i64>,
    previous: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<MatchParams>,
) -> HttpResult<Response> {
    let services = &state.services;
    let viewer = &session.viewer;
    let offset = params.offset.unwrap_or(0).max(0);
    let page = services
        .coop_matches(
            viewer,
            MatchQuery {
                offset: Some(offset),
                limit: Some(PAGE),
                ..Default::default()
            },
        )
        .await?;
    let own: HashMap<String, String> = services
        .list_proposals(
            Some(viewer),
            ProposalQuery {
                mine: true,
                limit: Some(100),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|(p, _)| (p.id, p.draft.title))
        .collect();
    let items = page
        .items
        .iter()
        .map(|m| MatchItem {
            answers: own.get(&m.for_proposal).cloned(),
            ..MatchItem::of(m, &session.tr, &state)
        })
        .collect();
    let shown_to = offset as usize + PAGE as usize;
    let view = MatchesPage {
        frame: Frame::signed_in(&state, &session, "/workspace/matches"),
        section: "matches",
        items,
        total: page.total,
        next: (shown_to < page.total).then_some(offset + PAGE),
        previous: (offset > 0).then(|| (offset - PAGE).max(0)),
    };
    Ok(session.page(StatusCode::OK, &view))
}
