//! `/admin/coops`: the coops of this node, creating a coop with its first
//! member account, and deleting one (typing its handle to confirm: it is
//! gone for good, and other servers are told).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use super::{admin_of, when};
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::accounts::NewCoopAccount;
use crate::services::ServiceError;

const PAGE: i64 = 50;

pub struct CoopRow {
    pub handle: String,
    pub name: String,
    pub href: String,
    pub since: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewCoopForm {
    handle: String,
    display_name: String,
    email: String,
    password: String,
}

#[derive(Template)]
#[template(path = "web/admin/coops.html")]
struct CoopsPage {
    frame: Frame,
    section: &'static str,
    coops: Vec<CoopRow>,
    /// The handle to list from for the next page.
    next: Option<String>,
    form: NewCoopForm,
    error: FormError,
}

impl CoopsPage {
    fn shown(&self) -> &'static [&'static str] {
        &["handle", "display_name", "email", "password"]
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    after: Option<String>,
}

async fn page(
    state: &AppState,
    session: &Session,
    after: Option<String>,
    form: NewCoopForm,
    error: FormError,
) -> HttpResult<CoopsPage> {
    let services = &state.services;
    let mut coops = services.coops_after(after, PAGE + 1).await?;
    let next = (coops.len() as i64 > PAGE).then(|| {
        coops.truncate(PAGE as usize);
        coops.last().map(|c| c.handle.clone()).unwrap_or_default()
    });
    Ok(CoopsPage {
        frame: Frame::signed_in(state, session, "/admin/coops"),
        section: "coops",
        coops: coops
            .into_iter()
            .map(|c| CoopRow {
                href: services.urls.actor(&c.handle).to_string(),
                handle: c.handle,
                name: c.profile.display_name,
                since: when(c.created_at),
            })
            .collect(),
        next,
        // The password is never sent back.
        form: NewCoopForm {
            password: String::new(),
            ..form
        },
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<ListParams>,
) -> HttpResult<Response> {
    admin_of(&session)?;
    let view = page(
        &state,
        &session,
        params.after,
        NewCoopForm::default(),
        FormError::default(),
    )
    .await?;
    Ok(session.page(StatusCode::OK, &view))
}

pub async fn create(
    State(state): State<AppState>,
    Posted { session, form }: Posted<NewCoopForm>,
) -> HttpResult<Response> {
    admin_of(&session)?;
    let created = state
        .services
        .create_coop_account(NewCoopAccount {
            handle: form.handle.trim().to_string(),
            display_name: form.display_name.clone(),
            email: form.email.trim().to_string(),
            password: form.password.clone(),
        })
        .await;
    match created.map_err(refused) {
        Ok(_) => Ok(Redirect::to("/admin/coops").into_response()),
        Err(Ok((status, error))) => {
            let view = page(&state, &session, None, form, error).await?;
            Ok(session.page(status, &view))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

pub async fn delete(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    Posted { session, form }: Posted<DeleteForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    if form.confirm.trim() != handle {
        return Err(ServiceError::invalid(
            "confirm",
            format!("type the coop's handle, {handle}, to delete it"),
        )
        .into());
    }
    state.services.delete_coop(admin, &handle).await?;
    Ok(Redirect::to("/admin/coops").into_response())
}
