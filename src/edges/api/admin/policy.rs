//! The federation policy: mode and follow approval, domain blocks (with
//! Mastodon-format CSV import and export) and domain allows.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::limits::BLOCKLIST_BYTES_MAX;
use crate::domain::node::NodeApproval;
use crate::domain::policy::{DomainAllow, DomainBlock, FederationMode, Severity};
use crate::edges::http::error::{ErrorBody, HttpError, HttpResult};
use crate::edges::http::extract::{ApiJson, Auth};
use crate::edges::http::state::AppState;
use crate::services::nodes::Admin;
use crate::services::ServiceError;

#[derive(Serialize, ToSchema)]
pub struct PolicyView {
    /// `auto` (default) or `manual`: whether other nodes' follows are accepted at once.
    pub node_follow_approval: String,
    /// `open` (default: everyone but blocked domains) or `allowlist`
    /// (only allowed domains, and of those not the blocked ones).
    pub federation_mode: String,
}

/// The settings to change; those left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyChange {
    pub node_follow_approval: Option<String>,
    pub federation_mode: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// `host[:port]`; without a port it also covers every port and subdomain.
    pub domain: String,
    /// `suspend` or `limit`.
    pub severity: String,
    /// Why, in words fit to share with other nodes.
    #[serde(default)]
    pub public_comment: String,
}

#[derive(Serialize, ToSchema)]
pub struct BlockView {
    pub domain: String,
    /// `suspend` or `limit`.
    pub severity: String,
    pub public_comment: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct BlockAdded {
    #[serde(flatten)]
    pub block: BlockView,
    /// Remote actors removed with all they brought (suspend only).
    pub removed_actors: usize,
    /// Waiting deliveries to the domain that were dropped (suspend only).
    pub dropped_deliveries: usize,
}

#[derive(Serialize, ToSchema)]
pub struct BlockList {
    pub items: Vec<BlockView>,
}

#[derive(Serialize, ToSchema)]
pub struct BlocksImported {
    /// Domains blocked by this import.
    pub added: Vec<String>,
    /// Domains already blocked, left as they were.
    pub unchanged: Vec<String>,
    /// `noop` rows (Mastodon's media-only blocks), which have nothing to enforce here.
    pub noop: usize,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowRequest {
    pub domain: String,
}

#[derive(Serialize, ToSchema)]
pub struct AllowView {
    pub domain: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AllowList {
    pub items: Vec<AllowView>,
}

fn block_view(b: DomainBlock) -> BlockView {
    BlockView {
        domain: b.domain,
        severity: b.severity.as_str().into(),
        public_comment: b.public_comment,
        created_at: b.created_at.and_utc().to_rfc3339(),
    }
}

fn allow_view(a: DomainAllow) -> AllowView {
    AllowView {
        domain: a.domain,
        created_at: a.created_at.and_utc().to_rfc3339(),
    }
}

async fn policy_view(state: &AppState) -> HttpResult<PolicyView> {
    Ok(PolicyView {
        node_follow_approval: state.services.node_approval().await?.as_str().into(),
        federation_mode: state.services.federation_mode().await?.as_str().into(),
    })
}

/// The node's federation policy.
#[utoipa::path(get, path = "/admin/policy", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = PolicyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<PolicyView>> {
    Admin::of(&viewer)?;
    Ok(Json(policy_view(&state).await?))
}

/// Change the node's federation policy. Switching to `allowlist` refuses
/// at once every domain not allowed; nothing stored is removed.
#[utoipa::path(put, path = "/admin/policy", tag = "admin", security(("bearer" = [])), request_body = PolicyChange,
    responses((status = 200, body = PolicyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_policy(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<PolicyChange>,
) -> HttpResult<Json<PolicyView>> {
    let admin = Admin::of(&viewer)?;
    // Both checked before either is applied.
    let approval = body
        .node_follow_approval
        .map(|v| {
            NodeApproval::parse(&v).ok_or_else(|| {
                ServiceError::invalid("node_follow_approval", "must be auto or manual")
            })
        })
        .transpose()?;
    let mode = body
        .federation_mode
        .map(|v| {
            FederationMode::parse(&v).ok_or_else(|| {
                ServiceError::invalid("federation_mode", "must be open or allowlist")
            })
        })
        .transpose()?;
    if let Some(approval) = approval {
        state
            .services
            .set_node_approval(admin.clone(), approval)
            .await?;
    }
    if let Some(mode) = mode {
        state.services.set_federation_mode(admin, mode).await?;
    }
    Ok(Json(policy_view(&state).await?))
}

/// Blocked domains.
#[utoipa::path(get, path = "/admin/blocks", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = BlockList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_blocks(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<BlockList>> {
    Admin::of(&viewer)?;
    let blocks = state.services.domain_blocks().await?;
    Ok(Json(BlockList {
        items: blocks.into_iter().map(block_view).collect(),
    }))
}

/// Block a domain, or change its block. `suspend` removes at once what is
/// stored from it (actors, their proposals, follows either way, node
/// follows) and the deliveries waiting for it.
#[utoipa::path(post, path = "/admin/blocks", tag = "admin", security(("bearer" = [])), request_body = BlockRequest,
    responses((status = 200, body = BlockAdded), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_block(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<BlockRequest>,
) -> HttpResult<Json<BlockAdded>> {
    let admin = Admin::of(&viewer)?;
    let severity = Severity::parse(&body.severity)
        .ok_or_else(|| ServiceError::invalid("severity", "must be suspend or limit"))?;
    let (block, purged) = state
        .services
        .block_domain(admin, &body.domain, severity, body.public_comment)
        .await?;
    Ok(Json(BlockAdded {
        block: block_view(block),
        removed_actors: purged.actors,
        dropped_deliveries: purged.deliveries,
    }))
}

/// Lift a block. Severed follows stay severed; following again restores
/// the content through backfill.
#[utoipa::path(delete, path = "/admin/blocks/{domain}", tag = "admin", security(("bearer" = [])), params(("domain" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_block(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(domain): Path<String>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state.services.unblock_domain(admin, &domain).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every block as CSV in Mastodon's format
/// (`#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`;
/// limit is written as `silence`).
#[utoipa::path(get, path = "/admin/blocks/export", tag = "admin", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn export_blocks(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<impl IntoResponse> {
    Admin::of(&viewer)?;
    let csv = state.services.export_blocks().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"domain_blocks.csv\"",
            ),
        ],
        csv,
    ))
}

/// Import a block list in Mastodon's CSV format (or one domain per line,
/// meaning suspend); the body is the CSV itself. Domains already blocked
/// keep their block. Any bad row refuses the whole list.
#[utoipa::path(post, path = "/admin/blocks/import", tag = "admin", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = BlocksImported), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_blocks(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    body: Result<Bytes, BytesRejection>,
) -> HttpResult<Json<BlocksImported>> {
    let admin = Admin::of(&viewer)?;
    let body = body.map_err(|_| {
        HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("a block list may be at most {BLOCKLIST_BYTES_MAX} bytes"),
        )
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ServiceError::invalid("list", "is not UTF-8 text"))?;
    let imported = state.services.import_blocks(admin, text).await?;
    Ok(Json(BlocksImported {
        added: imported.added,
        unchanged: imported.unchanged,
        noop: imported.noop,
    }))
}

/// Allowed domains: in allow-list mode, the only ones this node federates with.
#[utoipa::path(get, path = "/admin/allows", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = AllowList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_allows(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<AllowList>> {
    Admin::of(&viewer)?;
    let allows = state.services.domain_allows().await?;
    Ok(Json(AllowList {
        items: allows.into_iter().map(allow_view).collect(),
    }))
}

/// Allow a domain (covers its subdomains).
#[utoipa::path(post, path = "/admin/allows", tag = "admin", security(("bearer" = [])), request_body = AllowRequest,
    responses((status = 201, description = "Allowed"), (status = 200, description = "Already allowed"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_allow(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<AllowRequest>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    let added = state.services.allow_domain(admin, &body.domain).await?;
    Ok(if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

/// Take a domain off the allow list.
#[utoipa::path(delete, path = "/admin/allows/{domain}", tag = "admin", security(("bearer" = [])), params(("domain" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_allow(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(domain): Path<String>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state.services.disallow_domain(admin, &domain).await?;
    Ok(StatusCode::NO_CONTENT)
}
