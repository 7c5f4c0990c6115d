//! Gatherings of other servers: the signed-in coop registers for one by
//! its URL (an ActivityPub `Event`), sees the organiser's answer and the
//! published conclusions, contributes to the rounds and withdraws.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::gatherings::ContributionRequest;
use crate::domain::gathering::utc;
use crate::domain::remote_gathering::JoinState;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, Auth};
use crate::edges::http::state::AppState;
use crate::services::remote_gatherings::JoinedGathering;

/// A gathering of another server and your coop's registration for it.
#[derive(Serialize, ToSchema)]
pub struct RemoteGatheringView {
    pub id: String,
    /// The Event's id.
    pub ap_id: String,
    pub title: String,
    /// Sanitised HTML, as the organiser wrote it.
    pub content_html: String,
    pub url: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: Option<String>,
    pub call_url: Option<String>,
    /// `name@server` of the organiser.
    pub organiser: String,
    pub organiser_name: String,
    pub delegate: String,
    /// pending until the organiser answers; accepted or rejected.
    pub state: JoinState,
    /// Your contribution as last sent.
    pub about: String,
    pub proposals: Vec<String>,
    pub contributed_at: Option<DateTime<Utc>>,
    /// The conclusions, once the organiser published them (sanitised HTML).
    pub notes_html: Option<String>,
}

impl From<JoinedGathering> for RemoteGatheringView {
    fn from(j: JoinedGathering) -> Self {
        let g = j.gathering;
        RemoteGatheringView {
            id: g.id,
            ap_id: g.ap_id,
            title: g.title,
            content_html: g.content_html,
            url: g.url,
            starts_at: utc(g.starts_at),
            ends_at: utc(g.ends_at),
            time_zone: g.time_zone,
            call_url: g.call_url,
            organiser: j.organiser.address(),
            organiser_name: j.organiser.display_name,
            delegate: j.join.delegate,
            state: j.join.state,
            about: j.join.about,
            proposals: j.join.proposals,
            contributed_at: j.join.contributed_at.map(utc),
            notes_html: g.notes_html,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoteJoinRequest {
    /// The gathering's URL on its server.
    pub url: String,
    /// Who speaks for your coop in the call (up to 100 characters).
    pub delegate: String,
}

/// Register your coop for a gathering of another server, by its URL; the
/// organiser's server answers (`state`).
#[utoipa::path(post, path = "/remote-gatherings", tag = "gatherings", security(("bearer" = [])), request_body = RemoteJoinRequest,
    responses((status = 201, body = RemoteGatheringView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "The federation policy refuses that server"),
        (status = 409, body = ErrorBody, description = "Already registered, or the gathering is over"),
        (status = 422, body = ErrorBody, description = "Not a URL, a gathering of this node, or not an Event"),
        (status = 502, body = ErrorBody, description = "The other server gave no usable answer")))]
pub async fn join(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<RemoteJoinRequest>,
) -> HttpResult<(StatusCode, Json<RemoteGatheringView>)> {
    let joined = state
        .services
        .join_remote_gathering(&viewer, &*state.resolver, &body.url, &body.delegate)
        .await?;
    Ok((StatusCode::CREATED, Json(joined.into())))
}

/// The gatherings of other servers your coop registered for, soonest first.
#[utoipa::path(get, path = "/remote-gatherings", tag = "gatherings", security(("bearer" = [])),
    responses((status = 200, body = [RemoteGatheringView]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<Vec<RemoteGatheringView>>> {
    let all = state.services.remote_gatherings(&viewer).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/remote-gatherings/{id}", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = RemoteGatheringView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<RemoteGatheringView>> {
    Ok(Json(
        state.services.remote_gathering(&viewer, &id).await?.into(),
    ))
}

/// Your coop's contribution to the rounds, sent to the organiser; sending
/// it again replaces it.
#[utoipa::path(put, path = "/remote-gatherings/{id}/contribution", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = ContributionRequest,
    responses((status = 200, body = RemoteGatheringView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Not accepted (yet), or the gathering is over"),
        (status = 422, body = ErrorBody, description = "A proposal that is not an open one of your coop, or a bad text")))]
pub async fn contribute(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContributionRequest>,
) -> HttpResult<Json<RemoteGatheringView>> {
    Ok(Json(
        state
            .services
            .contribute_to_remote_gathering(&viewer, &id, body.about, body.proposals)
            .await?
            .into(),
    ))
}

/// Withdraw your coop's registration: a `Leave` to the organiser.
#[utoipa::path(post, path = "/remote-gatherings/{id}/leave", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    state.services.leave_remote_gathering(&viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
