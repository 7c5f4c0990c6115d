//! `/admin/nodes`: following another node (through WebFinger to its node
//! actor), and every node known here with both directions of following,
//! the backfill of a followed node, blocks, and deliveries waiting; with
//! unfollow, approve and remove.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use super::{admin_of, when};
use crate::domain::node::normalize_domain;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::nodes::KnownNode;
use crate::services::ServiceError;

/// A node in the table.
pub struct NodeRow {
    pub domain: String,
    pub name: String,
    /// `none`, `pending` or `accepted`, each way.
    pub following: &'static str,
    pub followed_by: &'static str,
    /// The backfill of a followed node: state, items, pages, why it ended.
    pub backfill: Option<String>,
    pub blocked: Option<&'static str>,
    pub allowed: bool,
    pub unreachable_since: Option<String>,
    pub backlog: i64,
}

impl NodeRow {
    fn of(n: &KnownNode) -> NodeRow {
        NodeRow {
            domain: n.domain.clone(),
            name: n
                .actor
                .as_ref()
                .map(|a| a.display_name.clone())
                .unwrap_or_default(),
            following: n.following_state(),
            followed_by: n.followed_by_state(),
            backfill: n.following.as_ref().map(|f| {
                let b = &f.backfill;
                let mut text =
                    format!("{}: {} items, {} pages", b.state.as_str(), b.items, b.pages);
                if let Some(why) = b.ended_because() {
                    text.push_str(&format!(" ({why})"));
                }
                if let Some(e) = &b.error {
                    text.push_str(&format!(": {e}"));
                }
                text
            }),
            blocked: n.block.as_ref().map(|b| b.severity.as_str()),
            allowed: n.allowed,
            unreachable_since: n.unreachable_since.map(when),
            backlog: n.backlog,
        }
    }
}

#[derive(Template)]
#[template(path = "web/admin/nodes.html")]
struct NodesPage {
    frame: Frame,
    section: &'static str,
    domain: String,
    error: FormError,
    nodes: Vec<NodeRow>,
}

async fn page(
    state: &AppState,
    session: &Session,
    domain: String,
    error: FormError,
) -> HttpResult<NodesPage> {
    let mut nodes: Vec<NodeRow> = state
        .services
        .known_nodes()
        .await?
        .iter()
        .map(NodeRow::of)
        .collect();
    nodes.sort_by(|a, b| a.domain.cmp(&b.domain));
    Ok(NodesPage {
        frame: Frame::signed_in(state, session, "/admin/nodes"),
        section: "nodes",
        domain,
        error,
        nodes,
    })
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    admin_of(&session)?;
    let view = page(&state, &session, String::new(), FormError::default()).await?;
    Ok(session.page(StatusCode::OK, &view))
}

#[derive(Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    domain: String,
}

pub async fn follow(
    State(state): State<AppState>,
    Posted { session, form }: Posted<FollowForm>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    let services = &state.services;
    let outcome = async {
        let domain =
            normalize_domain(&form.domain).map_err(|m| ServiceError::invalid("domain", m))?;
        let actor = services.resolve_node(&*state.resolver, &domain).await?;
        services.follow_node(admin, actor).await
    }
    .await;
    match outcome.map_err(refused) {
        Ok(_) => Ok(Redirect::to("/admin/nodes").into_response()),
        Err(Ok((status, mut error))) => {
            error.field = "domain".into();
            let view = page(&state, &session, form.domain, error).await?;
            Ok(session.page(status, &view))
        }
        Err(Err(e))
            if e.status.is_server_error() && e.status != StatusCode::INTERNAL_SERVER_ERROR =>
        {
            // Another server that did not answer: said next to the field.
            let error = FormError::on("domain", e.message);
            let view = page(&state, &session, form.domain, error).await?;
            Ok(session.page(e.status, &view))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

/// `unfollow`, `approve` (its follow of us) or `remove` (it as a follower).
pub async fn act(
    State(state): State<AppState>,
    Path((domain, action)): Path<(String, String)>,
    Posted { session, .. }: Posted<Nothing>,
) -> HttpResult<Response> {
    let admin = admin_of(&session)?;
    let domain = normalize_domain(&domain).map_err(|m| ServiceError::invalid("domain", m))?;
    let services = &state.services;
    match action.as_str() {
        "unfollow" => services.unfollow_node(admin, domain).await?,
        "approve" => services.approve_node_follower(admin, domain).await?,
        "remove" => services.remove_node_follower(admin, domain).await?,
        _ => return Err(ServiceError::NotFound("no such action on a node".into()).into()),
    }
    Ok(Redirect::to("/admin/nodes").into_response())
}
