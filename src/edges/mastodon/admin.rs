//! Mastodon's admin API for domain blocks and allows, over the node's
//! federation policy, so blocklist tools that speak it work. A block's id
//! is its domain. Mastodon's `silence` is our `limit`; `noop` has no
//! meaning here and is refused.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::auth::Token;
use super::params::{flexible_bool, Params};
use super::views::timestamp;
use crate::domain::node::normalize_domain;
use crate::domain::policy::{DomainAllow, DomainBlock, Severity};
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::nodes::Admin;

const READ_BLOCKS: &[&str] = &["admin:read:domain_blocks"];
const WRITE_BLOCKS: &[&str] = &["admin:write:domain_blocks"];
const READ_ALLOWS: &[&str] = &["admin:read:domain_allows"];
const WRITE_ALLOWS: &[&str] = &["admin:write:domain_allows"];

/// Admin scopes are granted as `admin:read` / `admin:write` too.
fn admin_of(session: &crate::services::oauth::OAuthSession, scopes: &[&str]) -> HttpResult<Admin> {
    let (_, viewer) = session.person(scopes)?;
    Ok(Admin::of(&viewer)?)
}

/// The `Admin::DomainBlock` entity.
#[derive(Serialize)]
pub struct MastodonDomainBlock {
    id: String,
    domain: String,
    digest: String,
    created_at: String,
    severity: &'static str,
    reject_media: bool,
    reject_reports: bool,
    private_comment: Option<String>,
    public_comment: Option<String>,
    obfuscate: bool,
}

impl MastodonDomainBlock {
    fn of(b: &DomainBlock) -> Self {
        use sha2::Digest as _;
        MastodonDomainBlock {
            id: b.domain.clone(),
            domain: b.domain.clone(),
            digest: format!("{:x}", sha2::Sha256::digest(b.domain.as_bytes())),
            created_at: timestamp(b.created_at),
            severity: match b.severity {
                Severity::Limit => "silence",
                Severity::Suspend => "suspend",
            },
            reject_media: b.severity == Severity::Suspend,
            reject_reports: b.severity == Severity::Suspend,
            private_comment: None,
            public_comment: (!b.public_comment.is_empty()).then(|| b.public_comment.clone()),
            obfuscate: false,
        }
    }
}

fn allow_view(a: &DomainAllow) -> Value {
    json!({"id": a.domain, "domain": a.domain, "created_at": timestamp(a.created_at)})
}

fn severity(value: Option<&str>) -> HttpResult<Severity> {
    match value.map(str::trim) {
        None | Some("") | Some("silence") | Some("limit") => Ok(Severity::Limit),
        Some("suspend") => Ok(Severity::Suspend),
        Some("noop") => Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Validation failed: severity noop has no meaning here (use silence or suspend)",
        )),
        Some(other) => Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("Validation failed: severity '{other}' is not silence or suspend"),
        )),
    }
}

async fn find_block(state: &AppState, id: &str) -> HttpResult<Option<DomainBlock>> {
    let Ok(id) = normalize_domain(id) else {
        return Ok(None);
    };
    Ok(state
        .services
        .domain_blocks()
        .await?
        .into_iter()
        .find(|b| b.domain == id))
}

/// `GET /api/v1/admin/domain_blocks` (every block; lists stay short).
pub async fn blocks(
    State(state): State<AppState>,
    Token(session): Token,
) -> HttpResult<Json<Vec<MastodonDomainBlock>>> {
    admin_of(&session, READ_BLOCKS)?;
    let all = state.services.domain_blocks().await?;
    Ok(Json(all.iter().map(MastodonDomainBlock::of).collect()))
}

/// `GET /api/v1/admin/domain_blocks/:id`.
pub async fn block(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<MastodonDomainBlock>> {
    admin_of(&session, READ_BLOCKS)?;
    let b = find_block(&state, &id)
        .await?
        .ok_or_else(|| HttpError::not_found("Record not found"))?;
    Ok(Json(MastodonDomainBlock::of(&b)))
}

#[derive(Deserialize, Default)]
pub struct BlockForm {
    domain: Option<String>,
    severity: Option<String>,
    public_comment: Option<String>,
    /// Accepted and not kept: this node keeps only public comments.
    #[serde(rename = "private_comment")]
    _private_comment: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool", rename = "reject_media")]
    _reject_media: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool", rename = "reject_reports")]
    _reject_reports: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool", rename = "obfuscate")]
    _obfuscate: Option<bool>,
}

/// `POST /api/v1/admin/domain_blocks`. A domain already blocked is 422, as
/// in Mastodon; change it with `PUT`.
pub async fn add_block(
    State(state): State<AppState>,
    Token(session): Token,
    Params(form): Params<BlockForm>,
) -> HttpResult<Json<MastodonDomainBlock>> {
    let admin = admin_of(&session, WRITE_BLOCKS)?;
    let domain = form.domain.unwrap_or_default();
    let severity = severity(form.severity.as_deref())?;
    if let Some(existing) = find_block(&state, &domain).await? {
        return Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("{} is already blocked; change it with PUT", existing.domain),
        ));
    }
    let comment = form.public_comment.unwrap_or_default();
    let (block, _) = state
        .services
        .block_domain(admin, &domain, severity, comment)
        .await?;
    Ok(Json(MastodonDomainBlock::of(&block)))
}

/// `PUT /api/v1/admin/domain_blocks/:id`: severity and comment.
pub async fn change_block(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
    Params(form): Params<BlockForm>,
) -> HttpResult<Json<MastodonDomainBlock>> {
    let admin = admin_of(&session, WRITE_BLOCKS)?;
    let existing = find_block(&state, &id)
        .await?
        .ok_or_else(|| HttpError::not_found("Record not found"))?;
    let severity = match form.severity {
        Some(s) => severity(Some(&s))?,
        None => existing.severity,
    };
    let comment = form.public_comment.unwrap_or(existing.public_comment);
    let (block, _) = state
        .services
        .block_domain(admin, &existing.domain, severity, comment)
        .await?;
    Ok(Json(MastodonDomainBlock::of(&block)))
}

/// `DELETE /api/v1/admin/domain_blocks/:id`.
pub async fn remove_block(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let admin = admin_of(&session, WRITE_BLOCKS)?;
    state.services.unblock_domain(admin, &id).await?;
    Ok(Json(json!({})))
}

/// `GET /api/v1/admin/domain_allows`.
pub async fn allows(
    State(state): State<AppState>,
    Token(session): Token,
) -> HttpResult<Json<Vec<Value>>> {
    admin_of(&session, READ_ALLOWS)?;
    let all = state.services.domain_allows().await?;
    Ok(Json(all.iter().map(allow_view).collect()))
}

/// `GET /api/v1/admin/domain_allows/:id`.
pub async fn allow(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    admin_of(&session, READ_ALLOWS)?;
    let id = normalize_domain(&id).map_err(|_| HttpError::not_found("Record not found"))?;
    let all = state.services.domain_allows().await?;
    let found = all
        .iter()
        .find(|a| a.domain == id)
        .ok_or_else(|| HttpError::not_found("Record not found"))?;
    Ok(Json(allow_view(found)))
}

#[derive(Deserialize, Default)]
pub struct AllowForm {
    domain: Option<String>,
}

/// `POST /api/v1/admin/domain_allows`: adding one already there answers it.
pub async fn add_allow(
    State(state): State<AppState>,
    Token(session): Token,
    Params(form): Params<AllowForm>,
) -> HttpResult<Json<Value>> {
    let admin = admin_of(&session, WRITE_ALLOWS)?;
    let domain = form.domain.unwrap_or_default();
    state.services.allow_domain(admin, &domain).await?;
    let all = state.services.domain_allows().await?;
    let wanted = normalize_domain(&domain).unwrap_or_default();
    let found = all
        .iter()
        .find(|a| a.domain == wanted)
        .ok_or_else(|| HttpError::not_found("Record not found"))?;
    Ok(Json(allow_view(found)))
}

/// `DELETE /api/v1/admin/domain_allows/:id`.
pub async fn remove_allow(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let admin = admin_of(&session, WRITE_ALLOWS)?;
    state.services.disallow_domain(admin, &id).await?;
    Ok(Json(json!({})))
}
