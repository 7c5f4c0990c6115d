//! Actor documents and their collections.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde::Deserialize;
use url::Url;

use super::authorized_fetch::Reader;
use super::{activity_json, json_as};
use crate::domain::limits;
use crate::domain::node::NodeApproval;
use crate::domain::proposal::{ProposalFilter, ProposalStatus};
use crate::edges::http::error::HttpResult;
use crate::edges::http::extract::ApiQuery;
use crate::edges::http::state::AppState;
use crate::infra::wire::actor::{ActorDocument, NodeFacts};
use crate::infra::wire::collection::{OrderedCollection, OrderedCollectionPage};
use crate::infra::wire::context;
use crate::infra::wire::proposal::{CreateActivity, ProposalNote, Tombstone};
use crate::infra::wire::ACTIVITY_JSON;
use crate::services::proposals::ProposalQuery;
use crate::services::ServiceError;

const OUTBOX_PAGE: i64 = 20;
/// Directory pages are read by machines: larger.
const DIRECTORY_PAGE: i64 = 50;

pub async fn node(State(state): State<AppState>) -> HttpResult<Response> {
    let keys = state.services.node_actor_keys().await?;
    let stats = state.services.node_stats().await?;
    let approval = state.services.node_approval().await?;
    let facts = NodeFacts {
        name: state.config.node_name.clone(),
        coops: stats.coops,
        open_proposals: stats.open_proposals,
        manually_approves_nodes: approval == NodeApproval::Manual,
        federation_mode: state.services.policy().get().mode().as_str(),
    };
    let doc = ActorDocument::node(&keys, &state.services.urls, &facts);
    Ok(activity_json(&doc))
}

/// How many nodes follow this one; who they are is the admins' business.
pub async fn node_followers(State(state): State<AppState>) -> HttpResult<Response> {
    let total = state.services.node_follower_count().await?;
    let doc: OrderedCollection<Url> = OrderedCollection::count_only(
        context::plain(),
        state.services.urls.node_followers(),
        total,
    );
    Ok(activity_json(&doc))
}

/// The node's directory, which follower nodes read to backfill: every coop
/// (as its actor document), then every open proposal (as its Note). The
/// cursor says which part and where: `c:<handle>` or `p:<proposal id>`.
pub async fn node_directory(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> HttpResult<Response> {
    let urls = &state.services.urls;
    let id = urls.node_directory();
    if q.page != Some(true) {
        let stats = state.services.node_stats().await?;
        let mut first = id.clone();
        first.set_query(Some("page=true"));
        let doc: OrderedCollection<serde_json::Value> = OrderedCollection::paged(
            context::plain(),
            id,
            stats.coops + stats.open_proposals,
            first,
        );
        return Ok(activity_json(&doc));
    }
    let page_url = |cursor: &str| -> Url {
        let mut u = id.clone();
        u.query_pairs_mut()
            .append_pair("page", "true")
            .append_pair("cursor", cursor);
        u
    };
    let cursor = q.cursor.clone().unwrap_or_else(|| "c:".into());
    let (items, next): (Vec<serde_json::Value>, Option<String>) =
        if let Some(after) = cursor.strip_prefix("c:") {
            let after = Some(after.to_string()).filter(|a| !a.is_empty());
            let coops = state
                .services
                .coops_after(after, DIRECTORY_PAGE + 1)
                .await?;
            let more = coops.len() as i64 > DIRECTORY_PAGE;
            let ids = coops.iter().map(|c| c.id.clone()).collect();
            let pictures = state.services.coops_pictures(ids).await?;
            let mut items = Vec::new();
            for coop in coops.iter().take(DIRECTORY_PAGE as usize) {
                let Some(keys) = &coop.keys else { continue };
                let own = pictures.get(&coop.id).cloned().unwrap_or_default();
                let mut doc = ActorDocument::from_coop(coop, keys, urls, &own);
                doc.context = serde_json::Value::Null;
                items.push(serde_json::to_value(doc).unwrap_or_default());
            }
            let next = match coops.get(DIRECTORY_PAGE as usize - 1) {
                Some(last) if more => format!("c:{}", last.handle),
                _ => "p:".to_string(),
            };
            (items, Some(next))
        } else if let Some(before) = cursor.strip_prefix("p:") {
            let page = state
                .services
                .list_proposals(
                    None,
                    ProposalQuery {
                        filter: ProposalFilter {
                            status: Some(ProposalStatus::Open),
                            before: Some(before.to_string()).filter(|b| !b.is_empty()),
                            limit: DIRECTORY_PAGE,
                            ..Default::default()
                        },
                        ..Default::default()
                    },
                )
                .await?;
            let items = page
                .items
                .iter()
                .map(|(p, h)| {
                    let mut note = ProposalNote::from_proposal(p, h, urls);
                    note.context = None;
                    serde_json::to_value(note).unwrap_or_default()
                })
                .collect();
            (items, page.next_cursor.map(|c| format!("p:{c}")))
        } else {
            return Err(ServiceError::Invalid(crate::domain::ValidationError::new(
                "cursor",
                "must start with c: or p:",
            ))
            .into());
        };
    let this_page = match &q.cursor {
        Some(c) => page_url(c),
        None => {
            let mut first = id.clone();
            first.set_query(Some("page=true"));
            first
        }
    };
    let doc = OrderedCollectionPage {
        context: context::actor(),
        id: this_page,
        kind: "OrderedCollectionPage".into(),
        part_of: id.clone(),
        ordered_items: items,
        next: next.as_deref().map(page_url),
    };
    Ok(activity_json(&doc))
}

/// The node actor publishes nothing of its own yet.
pub async fn node_outbox(State(state): State<AppState>) -> Response {
    let urls = &state.services.urls;
    let empty: OrderedCollection<CreateActivity> =
        OrderedCollection::inline(context::plain(), urls.url_for_node_outbox(), Vec::new());
    activity_json(&empty)
}

pub async fn coop(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    reader: Option<Extension<Reader>>,
) -> HttpResult<Response> {
    let coop = match state.services.coop_by_handle(&handle).await {
        Ok(coop) => coop,
        Err(ServiceError::NotFound(m)) => {
            // A deleted coop is gone for good, as Mastodon answers.
            return match state.services.coop_deleted_at(&handle).await? {
                Some(at) => {
                    let tombstone = Tombstone::new(state.services.urls.actor(&handle), at);
                    Ok(json_as(StatusCode::GONE, ACTIVITY_JSON, &tombstone))
                }
                None => Err(ServiceError::NotFound(m).into()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    let keys = coop
        .keys
        .as_ref()
        .ok_or_else(|| ServiceError::Internal(format!("coop {} has no keys", coop.handle)))?;
    let pictures = state.services.coop_pictures(&coop.id).await?;
    let doc = ActorDocument::from_coop(&coop, keys, &state.services.urls, &pictures);
    if reader.is_some_and(|Extension(r)| r == Reader::Unsigned) {
        return Ok(activity_json(&doc.key_only()));
    }
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
) -> HttpResult<Response> {
    let coop = state.services.coop_by_handle(&handle).await?;
    let urls = &state.services.urls;
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
            let mut create = ProposalNote::from_proposal(p, h, urls).into_create(&p.id, urls);
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
) -> HttpResult<Response> {
    let (coop, open) = state.services.public_coop(&handle).await?;
    let urls = &state.services.urls;
    let notes: Vec<ProposalNote> = open
        .iter()
        .take(limits::PAGE_SIZE_MAX as usize)
        .map(|p| {
            let mut note = ProposalNote::from_proposal(p, &coop.handle, urls);
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
async fn count_collection(state: AppState, handle: String, part: &str) -> HttpResult<Response> {
    let coop = state.services.coop_by_handle(&handle).await?;
    let (followers, following) = state.services.follow_counts(&coop.id).await?;
    let total = if part == "followers" {
        followers
    } else {
        following
    };
    let doc: OrderedCollection<Url> = OrderedCollection::count_only(
        context::plain(),
        state.services.urls.actor_part(&coop.handle, part),
        total,
    );
    Ok(activity_json(&doc))
}

pub async fn followers(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> HttpResult<Response> {
    count_collection(state, handle, "followers").await
}

pub async fn following(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> HttpResult<Response> {
    count_collection(state, handle, "following").await
}
