//! Any local coop's public profile.

use axum::extract::{Path, State};
use axum::Json;

use super::views::{CoopWithProposalsView, ProposalView, PublicCoopView};
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::state::AppState;

/// A local coop's public profile and its newest open proposals.
#[utoipa::path(get, path = "/coops/{handle}", tag = "coops",
    params(("handle" = String, Path, description = "The coop's handle")),
    responses((status = 200, body = CoopWithProposalsView), (status = 404, body = ErrorBody)))]
pub async fn get_public(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> HttpResult<Json<CoopWithProposalsView>> {
    let (coop, open) = state.services.public_coop(&handle).await?;
    let handle = coop.handle.clone();
    Ok(Json(CoopWithProposalsView {
        coop: PublicCoopView::new(&coop, &state.config.domain()),
        open_proposals: open
            .into_iter()
            .map(|p| ProposalView::new(p, handle.clone()))
            .collect(),
    }))
}
