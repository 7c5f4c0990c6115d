//! Timelines: home, public and hashtag, and an account's statuses, paged
//! as Mastodon pages them (`max_id`, `since_id`, `min_id`, `limit`, and a
//! `Link` header).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde::Deserialize;

use super::auth::{MaybeToken, Token};
use super::paging::{link, paging_url, PageParams};
use super::params::{flexible_bool, Query};
use super::statuses::statuses_of;
use super::views::Status;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::statuses::{TimelineQuery, TimelineSource};
use crate::services::Viewer;

type StatusPage = (HeaderMap, Json<Vec<Status>>);

#[derive(Deserialize, Default)]
pub struct TimelineParams {
    #[serde(flatten)]
    page: PageParams,
    #[serde(default, deserialize_with = "flexible_bool")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    remote: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    only_media: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    pinned: Option<bool>,
    tagged: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: Option<&Viewer>,
    uri: &Uri,
    source: TimelineSource,
    hashtag: Option<String>,
    params: TimelineParams,
) -> HttpResult<StatusPage> {
    // Nothing here has media, and nothing is pinned.
    if params.only_media == Some(true) || params.pinned == Some(true) {
        return Ok((HeaderMap::new(), Json(Vec::new())));
    }
    let p = params.page;
    let query = TimelineQuery {
        source,
        hashtag: hashtag.or(params.tagged),
        limit: p.size(20, 40),
        max_id: p.max_id,
        since_id: p.since_id,
        min_id: p.min_id,
        gatherings: true,
    };
    let posts = state.services.timeline(viewer, query).await?;
    let statuses = statuses_of(state, &posts).await?;
    let headers = match (statuses.first(), statuses.last()) {
        (Some(first), Some(last)) => link(&paging_url(state, uri), Some(&last.id), Some(&first.id)),
        _ => HeaderMap::new(),
    };
    Ok((headers, Json(statuses)))
}

/// `GET /api/v1/timelines/home`: this node's needs and offers, and those
/// of the accounts the coop follows elsewhere.
pub async fn home(
    State(state): State<AppState>,
    Token(session): Token,
    uri: Uri,
    Query(params): Query<TimelineParams>,
) -> HttpResult<StatusPage> {
    let (_, viewer) = session.person(&["read:statuses"])?;
    page(
        &state,
        Some(&viewer),
        &uri,
        TimelineSource::Home,
        None,
        params,
    )
    .await
}

fn public_source(params: &TimelineParams) -> TimelineSource {
    let (local, remote) = (params.local == Some(true), params.remote == Some(true));
    match (local, remote) {
        (true, false) => TimelineSource::Public {
            local: true,
            remote: false,
        },
        (false, true) => TimelineSource::Public {
            local: false,
            remote: true,
        },
        _ => TimelineSource::Public {
            local: true,
            remote: true,
        },
    }
}

/// `GET /api/v1/timelines/public` (`local=true`, `remote=true`).
pub async fn public(
    State(state): State<AppState>,
    token: MaybeToken,
    uri: Uri,
    Query(params): Query<TimelineParams>,
) -> HttpResult<StatusPage> {
    let viewer = token.0.as_ref().and_then(|s| s.viewer());
    let source = public_source(&params);
    page(&state, viewer.as_ref(), &uri, source, None, params).await
}

/// `GET /api/v1/timelines/tag/:hashtag`: `#need`, `#technical`, `#hosting`.
pub async fn tag(
    State(state): State<AppState>,
    token: MaybeToken,
    uri: Uri,
    Path(hashtag): Path<String>,
    Query(params): Query<TimelineParams>,
) -> HttpResult<StatusPage> {
    let viewer = token.0.as_ref().and_then(|s| s.viewer());
    let source = public_source(&params);
    page(&state, viewer.as_ref(), &uri, source, Some(hashtag), params).await
}

/// `GET /api/v1/accounts/:id/statuses`: its open needs and offers.
pub async fn account(
    State(state): State<AppState>,
    token: MaybeToken,
    uri: Uri,
    Path(id): Path<String>,
    Query(params): Query<TimelineParams>,
) -> HttpResult<StatusPage> {
    let viewer = token.0.as_ref().and_then(|s| s.viewer());
    page(
        &state,
        viewer.as_ref(),
        &uri,
        TimelineSource::Account(id),
        None,
        params,
    )
    .await
}
