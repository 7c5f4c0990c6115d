//! A liveness and readiness probe for load balancers and operators.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always "ok" when the answer is 200.
    pub status: &'static str,
    pub version: &'static str,
    /// "sqlite" or "postgres".
    pub database: &'static str,
}

/// 200 when the node can reach its database, 503 otherwise.
#[utoipa::path(get, path = "/health", tag = "node",
    responses((status = 200, body = Health), (status = 503, body = ErrorBody)))]
pub async fn health(State(state): State<AppState>) -> HttpResult<Json<Health>> {
    state.services.ping().await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        database: state.services.database_kind(),
    }))
}
