//! Needs and offers: create, read, update, close, delete, list.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::patch;
use super::views::{ProposalPage, ProposalView};
use crate::domain::proposal::{
    Category, ProposalDraft, ProposalFilter, ProposalKind, ProposalPatch, ProposalStatus, Quantity,
};
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, ApiQuery, Auth, MaybeAuth};
use crate::edges::http::state::AppState;
use crate::services::proposals::{ProposalQuery, Published};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProposalRequest {
    pub kind: ProposalKind,
    pub category: Category,
    /// At most 200 characters.
    pub title: String,
    /// Markdown, at most 10,000 characters.
    #[serde(default)]
    pub description: String,
    /// At most 20; letters, digits, `_` and `-`; a leading `#` is dropped.
    #[serde(default)]
    pub tags: Vec<String>,
    pub quantity: Option<Quantity>,
    /// A place in words, e.g. "Rosario, AR".
    pub place: Option<String>,
    /// Whether it can be done remotely.
    #[serde(default)]
    pub remote: bool,
    /// YYYY-MM-DD, today or later.
    pub deadline: Option<NaiveDate>,
}

/// Fields to change; absent fields stay, `null` clears. `status` closes or reopens.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalPatchRequest {
    pub kind: Option<ProposalKind>,
    pub category: Option<Category>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<Quantity>)]
    pub quantity: Option<Option<Quantity>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub place: Option<Option<String>>,
    pub remote: Option<bool>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub deadline: Option<Option<NaiveDate>>,
    pub status: Option<ProposalStatus>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    Open,
    Closed,
    All,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub kind: Option<ProposalKind>,
    pub category: Option<Category>,
    /// One tag, with or without `#`.
    pub tag: Option<String>,
    /// Words that must all appear in the title, description or tags.
    pub text: Option<String>,
    /// `open` (default), `closed` or `all`. Closed proposals are listed only for their own coop.
    pub status: Option<StatusFilter>,
    /// Only this local coop's proposals (a handle).
    pub coop: Option<String>,
    /// Only the signed-in coop's proposals.
    pub mine: Option<bool>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

fn view((p, handle): Published) -> ProposalView {
    ProposalView::new(p, handle)
}

/// Publish a need or an offer for the signed-in coop.
#[utoipa::path(post, path = "/proposals", tag = "proposals", security(("bearer" = [])), request_body = NewProposalRequest,
    responses((status = 201, body = ProposalView), (status = 401, body = ErrorBody),
        (status = 422, description = "A field is missing or invalid; the message names it", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<NewProposalRequest>,
) -> HttpResult<(StatusCode, Json<ProposalView>)> {
    let draft = ProposalDraft {
        kind: body.kind,
        category: body.category,
        title: body.title,
        description: body.description,
        tags: body.tags,
        quantity: body.quantity,
        place: body.place,
        remote: body.remote,
        deadline: body.deadline,
    };
    let published = state.services.create_proposal(&viewer, draft).await?;
    Ok((StatusCode::CREATED, Json(view(published))))
}

/// One proposal. Closed proposals are visible only to their own coop.
#[utoipa::path(get, path = "/proposals/{id}", tag = "proposals",
    params(("id" = String, Path)),
    responses((status = 200, body = ProposalView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    Path(id): Path<String>,
) -> HttpResult<Json<ProposalView>> {
    Ok(Json(view(
        state.services.proposal(viewer.as_ref(), &id).await?,
    )))
}

/// Edit, close (`"status": "closed"`) or reopen one of the signed-in coop's proposals.
#[utoipa::path(patch, path = "/proposals/{id}", tag = "proposals", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ProposalPatchRequest,
    responses((status = 200, body = ProposalView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProposalPatchRequest>,
) -> HttpResult<Json<ProposalView>> {
    let patch = ProposalPatch {
        kind: body.kind,
        category: body.category,
        title: body.title,
        description: body.description,
        tags: body.tags,
        quantity: body.quantity,
        place: body.place,
        remote: body.remote,
        deadline: body.deadline,
        status: body.status,
    };
    Ok(Json(view(
        state.services.update_proposal(&viewer, &id, patch).await?,
    )))
}

/// Delete one of the signed-in coop's proposals for good.
#[utoipa::path(delete, path = "/proposals/{id}", tag = "proposals", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    state.services.delete_proposal(&viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Proposals of the coops on this node, newest first, filtered and paged.
#[utoipa::path(get, path = "/proposals", tag = "proposals", params(ListParams),
    responses((status = 200, body = ProposalPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiQuery(params): ApiQuery<ListParams>,
) -> HttpResult<Json<ProposalPage>> {
    let status = match params.status.unwrap_or(StatusFilter::Open) {
        StatusFilter::Open => Some(ProposalStatus::Open),
        StatusFilter::Closed => Some(ProposalStatus::Closed),
        StatusFilter::All => None,
    };
    let query = ProposalQuery {
        filter: ProposalFilter {
            kind: params.kind,
            category: params.category,
            tag: params.tag,
            status,
            before: params.cursor,
            ..Default::default()
        },
        limit: params.limit,
        text: params.text,
        coop_handle: params.coop,
        mine: params.mine.unwrap_or(false),
    };
    let page = state
        .services
        .list_proposals(viewer.as_ref(), query)
        .await?;
    Ok(Json(ProposalPage {
        items: page.items.into_iter().map(view).collect(),
        next_cursor: page.next_cursor,
    }))
}
