//! The federated directory: every coop and open need or offer this node
//! knows, local and from followed coops and nodes. Public.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::directory::{CoopEntry, ProposalEntry};
use crate::domain::remote::Reciprocal;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::ApiQuery;
use crate::edges::http::state::AppState;
use crate::services::directory::DirectoryQuery;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Words that must all appear (in the title; for coops, the name or handle).
    pub text: Option<String>,
    /// `need` or `offer` (proposals only).
    pub kind: Option<String>,
    /// `financial`, `human`, `technical`, `knowledge` or `work` (proposals only).
    pub category: Option<String>,
    /// Only entries from this node (`host[:port]`); this node's own domain for local ones.
    pub node: Option<String>,
    /// Proposals carrying this tag (`rust`, with or without `#`).
    pub tag: Option<String>,
    /// Coops in this country, and their proposals (ISO 3166-1 code: `AR`).
    pub country: Option<String>,
    /// Coops working in this language, and their proposals (`es` also finds `es-AR`).
    pub language: Option<String>,
    /// How many matching entries to skip (0 to 10000).
    pub offset: Option<i64>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

impl From<DirectoryParams> for DirectoryQuery {
    fn from(p: DirectoryParams) -> Self {
        DirectoryQuery {
            text: p.text,
            kind: p.kind,
            category: p.category,
            node: p.node,
            tag: p.tag,
            country: p.country,
            language: p.language,
            offset: p.offset,
            limit: p.limit,
            after: None,
            before: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryCoopView {
    /// `handle@domain`.
    pub account: String,
    pub name: String,
    /// The node it lives on.
    pub node: String,
    pub local: bool,
    /// Its ActivityPub id.
    pub url: String,
    /// ISO 3166-1 code, when the coop gives one (coop listings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// BCP 47 tags (coop listings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<String>>,
    /// Its ActivityPub actor type (coop listings only): `Organization` for
    /// coops; a remote author of needs or offers may be a `Person`,
    /// `Service`, `Group` or `Application`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_type: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryProposalView {
    /// The id here: local proposals are read at `/proposals/{id}`.
    pub id: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub tags: Vec<String>,
    pub coop: DirectoryCoopView,
    /// Its ActivityPub id.
    pub url: String,
    pub published_at: String,
    /// What a remote proposal asks (an offer) or gives (a need) in return,
    /// when its server says (FEP-0837 `reciprocal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reciprocal: Option<Reciprocal>,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryCoopPage {
    pub items: Vec<DirectoryCoopView>,
    /// How many match, counted up to 50 or to the end of this page,
    /// whichever is further.
    pub total: i64,
    /// False when more match than were counted: `total` is then "at least".
    pub total_exact: bool,
    pub offset: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryProposalPage {
    pub items: Vec<DirectoryProposalView>,
    /// How many match, counted up to 50 or to the end of this page,
    /// whichever is further.
    pub total: i64,
    /// False when more match than were counted: `total` is then "at least".
    pub total_exact: bool,
    pub offset: i64,
}

fn coop_view(
    state: &AppState,
    node: Option<&str>,
    handle: &str,
    name: &str,
    ap_id: Option<&str>,
) -> DirectoryCoopView {
    let urls = &state.services.urls;
    let local = node.is_none();
    let node = node.map(str::to_string).unwrap_or_else(|| urls.domain());
    DirectoryCoopView {
        account: format!("{handle}@{node}"),
        name: name.to_string(),
        url: ap_id
            .map(str::to_string)
            .unwrap_or_else(|| urls.actor(handle).to_string()),
        local,
        node,
        country: None,
        languages: None,
        actor_type: None,
    }
}

pub(super) fn proposal_view(state: &AppState, e: ProposalEntry) -> DirectoryProposalView {
    DirectoryProposalView {
        url: e
            .ap_id
            .clone()
            .unwrap_or_else(|| state.services.urls.proposal(&e.id).to_string()),
        coop: coop_view(
            state,
            e.node.as_deref(),
            &e.handle,
            &e.coop_name,
            e.coop_ap_id.as_deref(),
        ),
        published_at: e.published_at.and_utc().to_rfc3339(),
        kind: e.kind.as_str().to_string(),
        category: e.category.as_str().to_string(),
        tags: e.tags,
        reciprocal: e.reciprocal,
        id: e.id,
        title: e.title,
    }
}

/// Open needs and offers this node knows, newest first.
#[utoipa::path(get, path = "/directory/proposals", tag = "directory", params(DirectoryParams),
    responses((status = 200, body = DirectoryProposalPage), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn proposals(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<DirectoryParams>,
) -> HttpResult<Json<DirectoryProposalPage>> {
    let found = state.services.directory_proposals(params.into()).await?;
    Ok(Json(DirectoryProposalPage {
        items: found
            .items
            .into_iter()
            .map(|e| proposal_view(&state, e))
            .collect(),
        total: found.total,
        total_exact: found.total_exact,
        offset: found.offset,
    }))
}

/// Coops this node knows, by name.
#[utoipa::path(get, path = "/directory/coops", tag = "directory", params(DirectoryParams),
    responses((status = 200, body = DirectoryCoopPage), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn coops(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<DirectoryParams>,
) -> HttpResult<Json<DirectoryCoopPage>> {
    let found = state.services.directory_coops(params.into()).await?;
    Ok(Json(DirectoryCoopPage {
        items: found
            .items
            .iter()
            .map(|e: &CoopEntry| DirectoryCoopView {
                country: e.country.clone(),
                languages: Some(e.languages.clone()),
                actor_type: Some(e.actor_type.clone()),
                ..coop_view(
                    &state,
                    e.node.as_deref(),
                    &e.handle,
                    &e.name,
                    e.ap_id.as_deref(),
                )
            })
            .collect(),
        total: found.total,
        total_exact: found.total_exact,
        offset: found.offset,
    }))
}
