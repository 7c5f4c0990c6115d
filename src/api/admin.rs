//! Node administration: following other nodes, follower nodes, the
//! approval policy, and the record of admin actions. Admins only.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiQuery, Auth};
use super::follows::PageParams;
use crate::domain::limits;
use crate::domain::node::{normalize_domain, NodeApproval};
use crate::services::nodes::{Admin, KnownNode};
use crate::services::ServiceError;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeRequest {
    /// The other node's domain (`host[:port]`).
    pub domain: String,
}

#[derive(Serialize, ToSchema)]
pub struct BackfillView {
    /// `waiting` (until accepted), `running`, `done` or `failed`.
    pub state: String,
    /// Coops and proposals read so far.
    pub items: i64,
    pub error: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NodeView {
    pub domain: String,
    pub name: String,
    /// Its node actor.
    pub actor: String,
    /// Our follow of it: `none`, `pending` or `accepted`.
    pub following: String,
    /// Its follow of us: `none`, `pending` or `accepted`.
    pub followed_by: String,
    pub backfill: Option<BackfillView>,
}

#[derive(Serialize, ToSchema)]
pub struct NodeList {
    pub items: Vec<NodeView>,
}

#[derive(Serialize, ToSchema)]
pub struct AdminActionView {
    pub id: String,
    /// The admin's email, or `cli`.
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdminActionPage {
    pub items: Vec<AdminActionView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyView {
    /// `auto` (default) or `manual`: whether other nodes' follows are accepted at once.
    pub node_follow_approval: String,
}

fn state_of(accepted: Option<bool>) -> String {
    match accepted {
        None => "none",
        Some(false) => "pending",
        Some(true) => "accepted",
    }
    .into()
}

pub fn node_view(n: &KnownNode) -> NodeView {
    NodeView {
        domain: n.domain.clone(),
        name: n.actor.display_name.clone(),
        actor: n.actor.ap_id.clone(),
        following: state_of(n.following.as_ref().map(|f| f.accepted)),
        followed_by: state_of(n.follower.as_ref().map(|f| f.accepted)),
        backfill: n.following.as_ref().map(|f| BackfillView {
            state: f.backfill.state.as_str().into(),
            items: f.backfill.items,
            error: f.backfill.error.clone(),
            updated_at: f.backfill.updated_at.map(|t| t.and_utc().to_rfc3339()),
        }),
    }
}

fn domain(input: &str) -> Result<String, ServiceError> {
    normalize_domain(input)
        .map_err(|m| ServiceError::Invalid(crate::domain::ValidationError::new("domain", m)))
}

/// Other nodes this node follows or is followed by, with their state.
#[utoipa::path(get, path = "/admin/nodes", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = NodeList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_nodes(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> ApiResult<Json<NodeList>> {
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
) -> ApiResult<(StatusCode, Json<NodeView>)> {
    let admin = Admin::of(&viewer)?;
    let domain = domain(&body.domain)?;
    let actor = crate::federation::routes::resolve_node(&state, &domain).await?;
    let (follow, created) = state.services.follow_node(admin, actor.clone()).await?;
    let view = node_view(&KnownNode {
        domain: follow.domain.clone(),
        actor,
        following: Some(follow),
        follower: None,
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
) -> ApiResult<StatusCode> {
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
) -> ApiResult<StatusCode> {
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
) -> ApiResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state
        .services
        .remove_node_follower(admin, domain(&d)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The node's federation policy.
#[utoipa::path(get, path = "/admin/policy", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = PolicyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> ApiResult<Json<PolicyView>> {
    Admin::of(&viewer)?;
    let approval = state.services.node_approval().await?;
    Ok(Json(PolicyView {
        node_follow_approval: approval.as_str().into(),
    }))
}

/// Change the node's federation policy.
#[utoipa::path(put, path = "/admin/policy", tag = "admin", security(("bearer" = [])), request_body = PolicyView,
    responses((status = 200, body = PolicyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_policy(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<PolicyView>,
) -> ApiResult<Json<PolicyView>> {
    let admin = Admin::of(&viewer)?;
    let approval = NodeApproval::parse(&body.node_follow_approval).ok_or_else(|| {
        ServiceError::Invalid(crate::domain::ValidationError::new(
            "node_follow_approval",
            "must be auto or manual",
        ))
    })?;
    state.services.set_node_approval(admin, approval).await?;
    Ok(Json(body))
}

/// What admins did, newest first.
#[utoipa::path(get, path = "/admin/actions", tag = "admin", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = AdminActionPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn actions(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Json<AdminActionPage>> {
    Admin::of(&viewer)?;
    let page = state
        .services
        .admin_actions(
            params.cursor,
            params.limit.unwrap_or(limits::PAGE_SIZE_DEFAULT),
        )
        .await?;
    Ok(Json(AdminActionPage {
        items: page
            .items
            .into_iter()
            .map(|a| AdminActionView {
                id: a.id,
                admin: a.admin,
                action: a.action,
                target: a.target,
                detail: a.detail,
                created_at: a.created_at.and_utc().to_rfc3339(),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
