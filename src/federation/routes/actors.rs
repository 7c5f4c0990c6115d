//! Actor documents and their collections.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use url::Url;

use super::{activity_json, urls};
use crate::api::error::ApiResult;
use crate::api::extract::ApiQuery;
use crate::domain::limits;
use crate::domain::proposal::{ProposalFilter, ProposalStatus};
use crate::federation::wire::actor::ActorDocument;
use crate::federation::wire::collection::{OrderedCollection, OrderedCollectionPage};
use crate::federation::wire::context;
use crate::federation::wire::proposal::{CreateActivity, ProposalNote};
use crate::services::proposals::ProposalQuery;
use crate::services::ServiceError;
use crate::state::AppState;

const OUTBOX_PAGE: i64 = 20;

pub async fn node(State(state): State<AppState>) -> ApiResult<Response> {
    let keys = state.services.node_actor_keys().await?;
    let doc = ActorDocument::node(&keys, &urls(&state), &state.config.node_name);
    Ok(activity_json(&doc))
}

/// The node actor publishes nothing of its own yet.
pub async fn node_outbox(State(state): State<AppState>) -> Response {
    let urls = urls(&state);
    let empty: OrderedCollection<CreateActivity> =
        OrderedCollection::inline(context::plain(), urls.url_for_node_outbox(), Vec::new());
    activity_json(&empty)
}

pub async fn coop(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> ApiResult<Response> {
    let coop = state.services.coop_by_handle(&handle).await?;
    let keys = coop
        .keys
        .as_ref()
        .ok_or_else(|| ServiceError::Internal(format!("coop {} has no keys", coop.handle)))?;
    let doc = ActorDocument::from_coop(&coop, keys, &urls(&state));
    Ok(activity_json(&doc))
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: Option<bool>,
    cursor: Option<String>,
}

/// Paged: the collection names its first page; each page its next.
pub async fn outbox(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let coop = state.services.coop_by_handle(&handle).await?;
    let urls = urls(&state);
    let id = urls.actor_part(&coop.handle, "outbox");
    if q.page != Some(true) {
        let total = state.services.open_proposal_count(&coop.id).await?;
        let mut first = id.clone();
        first.set_query(Some("page=true"));
        let doc: OrderedCollection<CreateActivity> =
            OrderedCollection::paged(context::plain(), id, total, first);
        return Ok(activity_json(&doc));
    }
    let page = state
        .services
        .list_proposals(
            None,
            ProposalQuery {
                filter: ProposalFilter {
                    status: Some(ProposalStatus::Open),
                    before: q.cursor.clone(),
                    limit: OUTBOX_PAGE,
                    ..Default::default()
                },
                coop_handle: Some(coop.handle.clone()),
                ..Default::default()
            },
        )
        .await?;
    let page_url = |cursor: Option<&str>| -> Url {
        let mut u = id.clone();
        match cursor {
            Some(c) => u
                .query_pairs_mut()
                .append_pair("page", "true")
                .append_pair("cursor", c),
            None => u.query_pairs_mut().append_pair("page", "true"),
        };
        u
    };
    let items: Vec<CreateActivity> = page
        .items
        .iter()
        .map(|(p, h)| {
            let mut create = ProposalNote::from_proposal(p, h, &urls).into_create(&p.id, &urls);
            create.context = None;
            create
        })
        .collect();
    let doc = OrderedCollectionPage {
        context: context::proposal(),
        id: page_url(q.cursor.as_deref()),
        kind: "OrderedCollectionPage".into(),
        part_of: id.clone(),
        ordered_items: items,
        next: page.next_cursor.as_deref().map(|c| page_url(Some(c))),
    };
    Ok(activity_json(&doc))
}

/// The coop's open needs and offers, which Mastodon shows pinned on its profile.
pub async fn featured(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> ApiResult<Response> {
    let (coop, open) = state.services.public_coop(&handle).await?;
    let urls = urls(&state);
    let notes: Vec<ProposalNote> = open
        .iter()
        .take(limits::PAGE_SIZE_MAX as usize)
        .map(|p| {
            let mut note = ProposalNote::from_proposal(p, &coop.handle, &urls);
            note.context = None;
            note
        })
        .collect();
    let doc = OrderedCollection::inline(
        context::proposal(),
        urls.actor_part(&coop.handle, "featured"),
        notes,
    );
    Ok(activity_json(&doc))
}

/// Followers and following show their size only: who follows whom is the
/// coops' business (Mastodon's "hide your network" behaves the same).
async fn count_collection(state: AppState, handle: String, part: &str) -> ApiResult<Response> {
    let coop = state.services.coop_by_handle(&handle).await?;
    let (followers, following) = state.services.follow_counts(&coop.id).await?;
    let total = if part == "followers" {
        followers
    } else {
        following
    };
    let doc: OrderedCollection<Url> = OrderedCollection::count_only(
        context::plain(),
        urls(&state).actor_part(&coop.handle, part),
        total,
    );
    Ok(activity_json(&doc))
}

pub async fn followers(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> ApiResult<Response> {
    count_collection(state, handle, "followers").await
}

pub async fn following(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> ApiResult<Response> {
    count_collection(state, handle, "following").await
}
