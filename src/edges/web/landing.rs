//! `/`: what the node is, its coops, the newest needs and offers it sees
//! (here and from the nodes and coops it follows), and the network map.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::language::{choose, remember, LangParam};
use super::network;
use super::views::{Card, Frame};
use crate::domain::coop::Coop;
use crate::edges::http::error::HttpResult;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;

/// Coops listed on the landing page (the directory pages the rest).
const COOPS_SHOWN: i64 = 60;
const NEWEST_SHOWN: i64 = 20;

/// A coop in the list.
pub struct CoopItem {
    pub name: String,
    pub href: String,
    pub avatar: String,
    pub city: Option<String>,
}

impl CoopItem {
    fn of(coop: &Coop, state: &AppState) -> CoopItem {
        let urls = &state.services.urls;
        CoopItem {
            name: coop.profile.display_name.clone(),
            href: urls.actor(&coop.handle).to_string(),
            avatar: urls.avatar(&coop.id).to_string(),
            city: coop.profile.city.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/landing.html")]
struct Landing {
    frame: Frame,
    coops_count: i64,
    open_count: i64,
    coops: Vec<CoopItem>,
    cards: Vec<Card>,
    feed: String,
    /// The network map's section, rendered (see [`network::section`]).
    map: std::sync::Arc<str>,
    /// The run-time settings: the admins' words about the node, the
    /// language they wrote them in, and where to reach them.
    settings: std::sync::Arc<crate::domain::node_settings::NodeSettings>,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(param): Query<LangParam>,
) -> HttpResult<Response> {
    let tr = choose(&param, &headers);
    let services = &state.services;
    let stats = services.node_stats().await?;
    let coops = services.coops_after(None, COOPS_SHOWN).await?;
    // The feed's entries, shared for a few seconds; the page shows the first.
    let newest = services.public_front(true, true, NEWEST_SHOWN).await?;
    let map = services.network_map().await?;
    let page = Landing {
        map: network::section(&map, &tr),
        coops_count: stats.coops,
        open_count: stats.open_proposals,
        coops: coops.iter().map(|c| CoopItem::of(c, &state)).collect(),
        cards: newest
            .iter()
            .filter_map(|p| Card::of(p, &tr, &state))
            .collect(),
        feed: services.urls.node_feed().to_string(),
        settings: services.node_settings(),
        frame: Frame::new(&state, tr.clone(), "/", &headers),
    };
    let mut response = html(StatusCode::OK, &page, Policy::Strict);
    remember(&mut response, &param, &tr);
    Ok(response)
}
