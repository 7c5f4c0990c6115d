//! Follow relations of the signed-in coop with coops on other servers, and
//! the needs and offers received from the coops it follows.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::views::{FollowPage, FollowView, RemoteProposalPage, RemoteProposalView};
use crate::domain::remote::WithActor;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, ApiQuery, Auth};
use crate::edges::http::state::AppState;
use crate::services::follows::FollowState;
use crate::services::proposals::Page;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowRequest {
    /// `handle@domain` of a coop (or any actor) on another server.
    pub account: String,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StateFilter {
    Accepted,
    Pending,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowListParams {
    /// `accepted` (default) or `pending`.
    pub state: Option<StateFilter>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

fn follow_page(page: Page<WithActor>) -> FollowPage {
    FollowPage {
        items: page
            .items
            .iter()
            .map(|(f, a)| FollowView::new(f, a))
            .collect(),
        next_cursor: page.next_cursor,
    }
}

fn state_of(p: &FollowListParams) -> FollowState {
    match p.state.unwrap_or(StateFilter::Accepted) {
        StateFilter::Accepted => FollowState::Accepted,
        StateFilter::Pending => FollowState::Pending,
    }
}

/// Follow a coop on another server by `handle@domain` (found through
/// WebFinger). The relation is `pending` until the other side accepts.
#[utoipa::path(post, path = "/follows", tag = "follows", security(("bearer" = [])), request_body = FollowRequest,
    responses((status = 201, body = FollowView, description = "Follow request sent"),
        (status = 200, body = FollowView, description = "Already following or requested"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody, description = "The account cannot be found"),
        (status = 422, body = ErrorBody)))]
pub async fn follow(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<FollowRequest>,
) -> HttpResult<(StatusCode, Json<FollowView>)> {
    viewer.coop_id()?;
    let actor = state
        .services
        .resolve_account(&*state.resolver, &body.account)
        .await?;
    let (follow, created) = state.services.follow(&viewer, actor.clone()).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(FollowView::new(&follow, &actor))))
}

/// Who the signed-in coop follows (or has asked to follow).
#[utoipa::path(get, path = "/follows", tag = "follows", security(("bearer" = [])), params(FollowListParams),
    responses((status = 200, body = FollowPage), (status = 401, body = ErrorBody)))]
pub async fn list_following(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<FollowListParams>,
) -> HttpResult<Json<FollowPage>> {
    let page = state
        .services
        .followed_by(&viewer, state_of(&params), params.cursor, params.limit)
        .await?;
    Ok(Json(follow_page(page)))
}

/// Stop following (or withdraw a request). `id` is the actor's `id` in lists.
#[utoipa::path(delete, path = "/follows/{id}", tag = "follows", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unfollow(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    state.services.unfollow(&viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who follows the signed-in coop; `state=pending` lists requests waiting
/// for approval (when the coop approves followers by hand).
#[utoipa::path(get, path = "/followers", tag = "follows", security(("bearer" = [])), params(FollowListParams),
    responses((status = 200, body = FollowPage), (status = 401, body = ErrorBody)))]
pub async fn list_followers(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<FollowListParams>,
) -> HttpResult<Json<FollowPage>> {
    let page = state
        .services
        .followers_of(&viewer, state_of(&params), params.cursor, params.limit)
        .await?;
    Ok(Json(follow_page(page)))
}

/// Approve a pending follow request.
#[utoipa::path(post, path = "/followers/{id}/approve", tag = "follows", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = FollowView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<FollowView>> {
    let (f, a) = state.services.approve_follower(&viewer, &id).await?;
    Ok(Json(FollowView::new(&f, &a)))
}

/// Reject a pending follow request, or remove a follower.
#[utoipa::path(post, path = "/followers/{id}/reject", tag = "follows", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reject(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    state.services.reject_follower(&viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Needs and offers published by the remote coops the signed-in coop
/// follows, newest first.
#[utoipa::path(get, path = "/remote-proposals", tag = "follows", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = RemoteProposalPage), (status = 401, body = ErrorBody)))]
pub async fn remote_proposals(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> HttpResult<Json<RemoteProposalPage>> {
    let page = state
        .services
        .received_proposals(&viewer, params.cursor, params.limit)
        .await?;
    Ok(Json(RemoteProposalPage {
        items: page
            .items
            .into_iter()
            .map(|(p, a)| RemoteProposalView::new(p, &a))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
