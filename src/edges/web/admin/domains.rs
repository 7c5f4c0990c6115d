//! `/admin/domains`: the domain blocks (suspend or limit, with a public
//! comment) and their import and export in Mastodon's CSV format, and the
//! allowed domains (the only ones federated with in allow-list mode).

use askama::Template;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::session::{refused_token, same_secret, Posted, Session};
use super::super::views::Frame;
use super::{admin_of, when};
use crate::domain::policy::Severity;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::ServiceError;

pub struct BlockRow {
    pub domain: String,
    pub severity: &'static str,
    pub comment: String,
    pub since: String,
}

pub struct AllowRow {
    pub domain: String,
    pub since: String,
}

/// What the last import did, shown once after it.
pub struct ImportDone {
    pub added: usize,
    pub unchanged: usize,
    pub noop: usize,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BlockForm {
    domain: String,
    severity: String,
    public_comment: String,
}

#[derive(Template)]
#[template(path = "web/admin/domains.html")]
struct DomainsPage {
    frame: Frame,
    section: &'static str,
    mode: &'static str,
    blocks: Vec<BlockRow>,
    allows: Vec<AllowRow>,
    block: BlockForm,
    allow: String,
    csv: String,
    /// The error of the form it is about (`block`, `allow` or `import`).
    error: FormError,
    error_of: &'static str,
    imported: Option<ImportDone>,
}

struct Typed {
    block: BlockForm,
    allow: String,
    csv: String,
    error: FormError,
    error_of: &'static str,
    imported: Option<ImportDone>,
}

impl Default for Typed {
    fn default() -> Typed {
        Typed {
            block: BlockForm {
                severity: "suspend".into(),
                ..Default::default()
            },
            allow: String::new(),
            csv: String::new(),
            error: FormError::default(),
            error_of: "",
            imported: None,
        }
    }
}

async fn page(state: &AppState, session: &Session, typed: Typed) -> HttpResult<DomainsPage> {
    let services = &state.services;
    Ok(DomainsPage {
        frame: Frame::signed_in(state, session, "/admin/domains"),
        section: "domains",
        mode: services.federation_mode().await?.as_str(),
        blocks: services
            .domain_blocks()
            .await?
            .into_iter()
            .map(|b| BlockRow {
                domain: b.domain,
                severity: b.severity.as_str(),
                comment: b.public_comment,
                since: when(b.created_at),
            })
            .collect(),
        allows: services
            .domain_allows()
            .await?
            .into_iter()
            .map(|a| AllowRow {
                domain: a.domain,
                since: when(a.created_at),
            })
            .collect(),
        block: typed.block,
        allow: typed.allow,
        csv: typed.csv,
        error: typed.error,
        error_of: typed.error_of,
        imported: typed.imported,
    })
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    admin_of(&session)?;
    let view = page(&state, &session, Typed::default()).await?;
    Ok(session.page(StatusCode::OK, &view))
}

/// The page again after a refusal, the error with the form it is about.
async fn again(
    state: &AppState,
    session: &Session,
    e: ServiceError,
    typed: Typed,
) -> HttpResult<Response> {
    match refused(e) {
        Ok((status, error)) => {
            let view = page(state, session, Typed { error, ..typed }).await?;
            Ok(session.page(status, &view))
        }
        Err(e) => Err(e),
    }
}

pub async fn block(
    State(state): State<AppState>,
    Posted { session, form }: Posted<BlockForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    let outcome = match Severity::parse(&form.severity) {
        Some(severity) => state
            .services
            .block_domain(admin, &form.domain, severity, form.public_comment.clone())
            .await
            .map(|_| ()),
        None => Err(ServiceError::invalid(
            "severity",
            "must be suspend or limit",
        )),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/domains").into_response()),
        Err(e) => {
            let typed = Typed {
                block: form,
                error_of: "block",
                ..Typed::default()
            };
            again(&state, &session, e, typed).await
        }
    }
}

#[derive(Deserialize)]
pub struct AllowForm {
    #[serde(default)]
    domain: String,
}

pub async fn allow(
    State(state): State<AppState>,
    Posted { session, form }: Posted<AllowForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    match state.services.allow_domain(admin, &form.domain).await {
        Ok(_) => Ok(Redirect::to("/admin/domains").into_response()),
        Err(e) => {
            let typed = Typed {
                allow: form.domain,
                error_of: "allow",
                ..Typed::default()
            };
            again(&state, &session, e, typed).await
        }
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

/// Lifts a block (`blocks`) or an allow (`allows`).
pub async fn remove(
    State(state): State<AppState>,
    Path((list, domain)): Path<(String, String)>,
    Posted { session, .. }: Posted<Nothing>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    match list.as_str() {
        "blocks" => state.services.unblock_domain(admin, &domain).await?,
        "allows" => state.services.disallow_domain(admin, &domain).await?,
        _ => return Err(ServiceError::NotFound("no such list".into()).into()),
    }
    Ok(Redirect::to("/admin/domains").into_response())
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
}

/// A pasted block list in Mastodon's CSV format (or one domain a line).
pub async fn import(
    State(state): State<AppState>,
    Posted { session, form }: Posted<ImportForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    imported(&state, &session, admin, form.csv, true).await
}

/// A block list file (Mastodon's export, up to the API's 2 MiB), sent as
/// `multipart/form-data`. The form's CSRF token is its first part and is
/// checked before the file is read.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    mut parts: Multipart,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    let unreadable = |e: MultipartError| HttpError::new(e.status(), "invalid_body", e.body_text());
    let token = match parts.next_field().await.map_err(unreadable)? {
        Some(field) if field.name() == Some("csrf") => field.text().await.map_err(unreadable)?,
        _ => String::new(),
    };
    if !same_secret(&token, &session.csrf) {
        return Ok(refused_token());
    }
    let mut file = None;
    while let Some(field) = parts.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            file = Some(field.bytes().await.map_err(unreadable)?);
            break;
        }
    }
    let csv = match file.map(|bytes| String::from_utf8(bytes.to_vec())) {
        Some(Ok(text)) => text,
        Some(Err(_)) => {
            return again(
                &state,
                &session,
                upload_error("is not UTF-8 text"),
                uploaded(),
            )
            .await
        }
        None => {
            return again(
                &state,
                &session,
                upload_error("choose a file to send"),
                uploaded(),
            )
            .await
        }
    };
    // A file is not shown back in the form.
    imported(&state, &session, admin, csv, false).await
}

fn upload_error(message: &str) -> ServiceError {
    ServiceError::invalid("list", message)
}

fn uploaded() -> Typed {
    Typed {
        error_of: "import",
        ..Typed::default()
    }
}

/// Imports a block list and shows the page with what it did, or with the
/// refusal (and the list as it was pasted, when `echo`).
async fn imported(
    state: &AppState,
    session: &Session,
    admin: crate::services::nodes::Admin,
    csv: String,
    echo: bool,
) -> HttpResult<Response> {
    match state.services.import_blocks(admin, &csv).await {
        Ok(done) => {
            let typed = Typed {
                imported: Some(ImportDone {
                    added: done.added.len(),
                    unchanged: done.unchanged.len(),
                    noop: done.noop,
                }),
                ..Typed::default()
            };
            let view = page(state, session, typed).await?;
            Ok(session.page(StatusCode::OK, &view))
        }
        Err(e) => {
            let typed = Typed {
                csv: if echo { csv } else { String::new() },
                ..uploaded()
            };
            again(state, session, e, typed).await
        }
    }
}

/// Every block as Mastodon's CSV, to download.
pub async fn export(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    admin_of(&session)?;
    let csv = state.services.export_blocks().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"domain_blocks.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    )
        .into_response())
}
