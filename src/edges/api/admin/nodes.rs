//! Other nodes as the admins manage them: follow, unfollow, approve or
//! remove follower nodes, and the list of known nodes with their state.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, Auth};
use crate::edges::http::state::AppState;
use crate::services::nodes::{Admin, KnownNode};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeRequest {
    /// The other node's domain (`host[:port]`).
    pub domain: String,
}

#[derive(Serialize, ToSchema)]
pub struct BackfillView {
    /// `waiting` (until accepted), `running`, `done`, `stopped` or `failed`.
    pub state: String,
    /// Coops and proposals read so far.
    pub items: i64,
    /// Directory pages read so far.
    pub pages: i64,
    pub started_at: Option<String>,
    /// Why the walk ended: `complete`, `page_seen_twice` (the directory
    /// loops), `page_budget`, `time_budget` or `errors`; null until it ends.
    pub ended_because: Option<String>,
    pub error: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NodeView {
    pub domain: String,
    /// Its node actor's name, once known.
    pub name: Option<String>,
    /// Its node actor, once known.
    pub actor: Option<String>,
    /// Our follow of it: `none`, `pending` or `accepted`.
    pub following: String,
    /// Its follow of us: `none`, `pending` or `accepted`.
    pub followed_by: String,
    pub backfill: Option<BackfillView>,
    /// `suspend` or `limit` if the domain is blocked.
    pub blocked: Option<String>,
    /// Whether it is on the allow list (what counts in allow-list mode).
    pub allowed: bool,
    /// Since when deliveries to it fail, if they do.
    pub unreachable_since: Option<String>,
    /// Deliveries waiting for it.
    pub delivery_backlog: i64,
}

#[derive(Serialize, ToSchema)]
pub struct NodeList {
    pub items: Vec<NodeView>,
}

pub fn node_view(n: &KnownNode) -> NodeView {
    NodeView {
        domain: n.domain.clone(),
        name: n.actor.as_ref().map(|a| a.display_name.clone()),
        actor: n.actor.as_ref().map(|a| a.ap_id.clone()),
        following: n.following_state().into(),
        followed_by: n.followed_by_state().into(),
        backfill: n.following.as_ref().map(|f| BackfillView {
            state: f.backfill.state.as_str().into(),
            items: f.backfill.items,
            pages: f.backfill.pages,
            started_at: f.backfill.started_at.map(|t| t.and_utc().to_rfc3339()),
            ended_because: f.backfill.ended_because().map(str::to_string),
            error: f.backfill.error.clone(),
            updated_at: f.backfill.updated_at.map(|t| t.and_utc().to_rfc3339()),
        }),
        blocked: n.block.as_ref().map(|b| b.severity.as_str().into()),
        allowed: n.allowed,
        unreachable_since: n.unreachable_since.map(|t| t.and_utc().to_rfc3339()),
        delivery_backlog: n.backlog,
    }
}

/// Other nodes this node follows, is followed by, or names in its policy,
/// with their state.
#[utoipa::path(get, path = "/admin/nodes", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = NodeList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_nodes(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<NodeList>> {
    Admin::of(&viewer)?;
    let nodes = state.services.known_nodes().await?;
    Ok(Json(NodeList {
        items: nodes.iter().map(node_view).collect(),
    }))
}

/// Follow another node through the node actors. Pending until it accepts;
/// then its coops and open proposals are backfilled.
#[utoipa::path(post, path = "/admin/nodes", tag = "admin", security(("bearer" = [])), request_body = NodeRequest,
    responses((status = 201, body = NodeView, description = "Follow request sent"),
        (status = 200, body = NodeView, description = "Already following or requested"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No node actor found there"), (status = 422, body = ErrorBody)))]
pub async fn follow_node(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<NodeRequest>,
) -> HttpResult<(StatusCode, Json<NodeView>)> {
    let admin = Admin::of(&viewer)?;
    let domain = domain(&body.domain)?;
    let actor = state
        .services
        .resolve_node(&*state.resolver, &domain)
        .await?;
    let (follow, created) = state.services.follow_node(admin, actor.clone()).await?;
    let view = node_view(&KnownNode {
        actor: Some(actor),
        following: Some(follow.clone()),
        ..KnownNode::new(follow.domain)
    });
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// Stop following a node (`Undo{Follow}`); what only it brought is forgotten.
#[utoipa::path(delete, path = "/admin/nodes/{domain}", tag = "admin", security(("bearer" = [])), params(("domain" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unfollow_node(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(d): Path<String>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state.services.unfollow_node(admin, domain(&d)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept a node's pending follow request.
#[utoipa::path(post, path = "/admin/nodes/{domain}/approve", tag = "admin", security(("bearer" = [])), params(("domain" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn approve_node(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(d): Path<String>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state
        .services
        .approve_node_follower(admin, domain(&d)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuse a node's follow request, or remove a follower node (`Reject`).
#[utoipa::path(post, path = "/admin/nodes/{domain}/remove-follower", tag = "admin", security(("bearer" = [])), params(("domain" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_follower_node(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(d): Path<String>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state
        .services
        .remove_node_follower(admin, domain(&d)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
