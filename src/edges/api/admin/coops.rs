//! Local coops as the admins manage them.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::Auth;
use crate::edges::http::state::AppState;
use crate::services::nodes::Admin;

/// Delete a local coop for good: its profile, members, proposals and
/// follows. `Delete` of its actor reaches the servers it had relations with
/// and the follower nodes; the handle stays taken and its actor URL answers
/// 410 Gone.
#[utoipa::path(delete, path = "/admin/coops/{handle}", tag = "admin", security(("bearer" = [])),
    params(("handle" = String, Path, description = "The coop's handle")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_coop(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(handle): Path<String>,
) -> HttpResult<StatusCode> {
    let admin = Admin::of(&viewer)?;
    state.services.delete_coop(admin, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}
