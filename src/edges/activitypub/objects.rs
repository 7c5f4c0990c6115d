//! Proposals and gatherings as ActivityPub objects: open proposals as
//! Notes, closed ones as Tombstones with 410 Gone; gatherings as Events.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{activity_json, json_as};
use crate::domain::proposal::ProposalStatus;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::infra::wire::proposal::{ProposalNote, Tombstone};
use crate::infra::wire::ACTIVITY_JSON;

async fn serve(state: AppState, id: String, as_create: bool) -> HttpResult<Response> {
    let (proposal, handle) = state.services.proposal_any_status(&id).await?;
    let urls = &state.services.urls;
    if proposal.status == ProposalStatus::Closed {
        let deleted = proposal.closed_at.unwrap_or(proposal.updated_at);
        let tombstone = Tombstone::new(urls.proposal(&proposal.id), deleted);
        return Ok(json_as(StatusCode::GONE, ACTIVITY_JSON, &tombstone));
    }
    let note = ProposalNote::from_proposal(&proposal, &handle, urls);
    Ok(if as_create {
        activity_json(&note.into_create(&proposal.id, urls))
    } else {
        activity_json(&note)
    })
}

pub async fn proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    serve(state, id, false).await
}

pub async fn proposal_create(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    serve(state, id, true).await
}

pub async fn gathering(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    Ok(activity_json(&state.services.gathering_event(&id).await?))
}
