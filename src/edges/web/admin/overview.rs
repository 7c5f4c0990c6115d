//! `/admin`: the node's federation mode and follow approval, and its
//! delivery queue per destination host (waiting, failing since, next try),
//! with a way to try a host again now.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::session::{Posted, Session};
use super::super::views::Frame;
use super::{admin_of, when};
use crate::domain::node::NodeApproval;
use crate::domain::policy::FederationMode;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::ServiceError;

/// One host's queue.
pub struct HostRow {
    pub host: String,
    pub waiting: i64,
    pub next_try: String,
    pub failing_since: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/overview.html")]
struct OverviewPage {
    frame: Frame,
    section: &'static str,
    mode: &'static str,
    approval: &'static str,
    pending: i64,
    failing: i64,
    hosts: Vec<HostRow>,
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    admin_of(&session)?;
    let services = &state.services;
    let hosts = services
        .delivery_queue()
        .await?
        .into_iter()
        .map(|q| HostRow {
            host: q.host,
            waiting: q.waiting,
            next_try: when(q.next_try),
            failing_since: q.failing_since.map(when),
            last_error: q.last_error,
        })
        .collect();
    let page = OverviewPage {
        frame: Frame::signed_in(&state, &session, "/admin"),
        section: "overview",
        mode: services.federation_mode().await?.as_str(),
        approval: services.node_approval().await?.as_str(),
        pending: services.pending_deliveries().await?,
        failing: services.failing_deliveries().await?,
        hosts,
    };
    Ok(session.page(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct PolicyForm {
    federation_mode: String,
    node_follow_approval: String,
}

pub async fn set_policy(
    State(state): State<AppState>,
    Posted { session, form }: Posted<PolicyForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    let mode = FederationMode::parse(&form.federation_mode)
        .ok_or_else(|| ServiceError::invalid("federation_mode", "must be open or allowlist"))?;
    let approval = NodeApproval::parse(&form.node_follow_approval)
        .ok_or_else(|| ServiceError::invalid("node_follow_approval", "must be auto or manual"))?;
    let services = &state.services;
    if services.federation_mode().await? != mode {
        services.set_federation_mode(admin.clone(), mode).await?;
    }
    if services.node_approval().await? != approval {
        services.set_node_approval(admin, approval).await?;
    }
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct RetryForm {
    #[serde(default)]
    host: String,
}

pub async fn retry(
    State(state): State<AppState>,
    Posted { session, form }: Posted<RetryForm>,
) -> HttpResult<Response> {
    admin_of(&session)?;
    let host = Some(form.host.trim().to_string()).filter(|h| !h.is_empty());
    state.services.retry_deliveries_now(host).await?;
    Ok(Redirect::to("/admin").into_response())
}
