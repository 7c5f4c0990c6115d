//! Introductions of the signed-in coop: ask for one about another coop's
//! need or offer, list those sent and received, accept or decline.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::coop::ContactDetails;
use crate::domain::introduction::Direction;
use crate::domain::introduction::IntroductionState;
use crate::domain::proposal::ProposalKind;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, ApiQuery, Auth};
use crate::edges::http::state::AppState;
use crate::services::introductions::IntroductionEntry;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntroductionRequest {
    /// The other coop's need or offer: its `id` as matches and the
    /// directory give it.
    pub proposal: String,
    /// What you would like to talk about; plain text, 1 to 2000 characters.
    pub message: String,
}

#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum DirectionView {
    Sent,
    Received,
}

/// The other coop of an introduction.
#[derive(Serialize, ToSchema)]
pub struct IntroducedCoopView {
    /// `handle@domain`.
    pub account: String,
    pub name: String,
    /// Its ActivityPub id.
    pub actor: String,
    /// Whether it is on this node.
    pub local: bool,
}

/// The need or offer an introduction is about (the asked coop's).
#[derive(Serialize, ToSchema)]
pub struct IntroducedProposalView {
    /// Its id here when it is this node's; null for other servers'.
    pub id: Option<String>,
    /// Its ActivityPub id.
    pub ap_id: String,
    pub url: String,
    pub kind: ProposalKind,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct IntroductionView {
    pub id: String,
    /// `sent` when the signed-in coop asked, `received` when it was asked.
    pub direction: DirectionView,
    pub state: IntroductionState,
    pub coop: IntroducedCoopView,
    pub proposal: IntroducedProposalView,
    pub message: String,
    /// The other coop's private contact details: null until accepted.
    pub contacts: Option<ContactDetails>,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Set when a gathering's facilitator opened it (a confirmed synergy
    /// point): then both coops accept, and it is accepted once both have.
    pub gathering_id: Option<String>,
    /// Whether the signed-in coop may still accept or decline it.
    pub can_answer: bool,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

impl From<IntroductionEntry> for IntroductionView {
    fn from(e: IntroductionEntry) -> Self {
        let i = e.introduction;
        IntroductionView {
            id: i.id,
            direction: match e.direction {
                Direction::Sent => DirectionView::Sent,
                Direction::Received => DirectionView::Received,
            },
            state: i.state,
            coop: IntroducedCoopView {
                account: e.other.account,
                name: e.other.name,
                actor: e.other.actor,
                local: e.other.local,
            },
            proposal: IntroducedProposalView {
                id: i.proposal_id,
                ap_id: i.proposal_ap_id,
                url: e.proposal_url,
                kind: i.proposal_kind,
                title: i.proposal_title,
            },
            message: i.message,
            contacts: e.contacts,
            created_at: utc(i.created_at),
            answered_at: i.answered_at.map(utc),
            gathering_id: i.gathering_id,
            can_answer: e.can_answer,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IntroductionPage {
    pub items: Vec<IntroductionView>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntroductionListParams {
    /// `received` (default) or `sent`.
    pub direction: Option<String>,
    /// Only `pending`, `accepted` or `declined` ones.
    pub state: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

fn bad(field: &str, message: String) -> crate::services::ServiceError {
    crate::domain::ValidationError::new(field, message).into()
}

/// Ask to be introduced to the coop behind a need or offer. Your coop's
/// private contact details must be set: they are what an accept shares.
#[utoipa::path(post, path = "/introductions", tag = "introductions", security(("bearer" = [])), request_body = IntroductionRequest,
    responses((status = 201, body = IntroductionView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "The other coop's node is blocked"),
        (status = 404, body = ErrorBody, description = "No open proposal with that id (another coop's closed proposal is not shown)"),
        (status = 409, body = ErrorBody, description = "An introduction about this proposal was already asked for"),
        (status = 422, body = ErrorBody, description = "Your own proposal, an empty or long message, or no private contact details")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<IntroductionRequest>,
) -> HttpResult<(StatusCode, Json<IntroductionView>)> {
    let entry = state
        .services
        .introduce(&viewer, &body.proposal, &body.message)
        .await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

/// The signed-in coop's introductions, newest first: received (default)
/// or sent.
#[utoipa::path(get, path = "/introductions", tag = "introductions", security(("bearer" = [])), params(IntroductionListParams),
    responses((status = 200, body = IntroductionPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<IntroductionListParams>,
) -> HttpResult<Json<IntroductionPage>> {
    let direction = match params.direction.as_deref() {
        None | Some("received") => Direction::Received,
        Some("sent") => Direction::Sent,
        Some(_) => return Err(bad("direction", "must be received or sent".into()).into()),
    };
    let filter = match params.state.as_deref() {
        None => None,
        Some(s) => Some(
            IntroductionState::parse(s)
                .ok_or_else(|| bad("state", format!("must be {}", IntroductionState::choices())))?,
        ),
    };
    let page = state
        .services
        .introductions(&viewer, direction, filter, params.cursor, params.limit)
        .await?;
    Ok(Json(IntroductionPage {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One introduction of the signed-in coop.
#[utoipa::path(get, path = "/introductions/{id}", tag = "introductions", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = IntroductionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<IntroductionView>> {
    Ok(Json(
        state.services.introduction(&viewer, &id).await?.into(),
    ))
}

/// Accept an introduction the signed-in coop received: both coops now see
/// each other's private contact details.
#[utoipa::path(post, path = "/introductions/{id}/accept", tag = "introductions", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = IntroductionView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop asked; only the other can answer"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already answered"),
        (status = 422, body = ErrorBody, description = "No private contact details to share")))]
pub async fn accept(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<IntroductionView>> {
    answer(&state, &viewer, &id, true).await
}

async fn answer(
    state: &AppState,
    viewer: &crate::services::Viewer,
    id: &str,
    accept: bool,
) -> HttpResult<Json<IntroductionView>> {
    let entry = state
        .services
        .answer_introduction(viewer, id, accept)
        .await?;
    Ok(Json(entry.into()))
}

/// Decline an introduction the signed-in coop received. The asking coop
/// may ask again later.
#[utoipa::path(post, path = "/introductions/{id}/decline", tag = "introductions", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = IntroductionView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<IntroductionView>> {
    answer(&state, &viewer, &id, false).await
}
