//! Signing in and out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::user::Role;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, Auth, ClientAddress};
use crate::edges::http::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SignedInUser {
    pub id: String,
    pub email: String,
    pub role: Role,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    pub expires_at: DateTime<Utc>,
    pub user: SignedInUser,
    /// Handle of the coop this account acts for; null for node admins.
    pub coop: Option<String>,
}

/// Exchange email and password for a bearer token (valid 30 days).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 422, description = "Missing or unknown fields", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins from this address or for this account; see Retry-After", body = ErrorBody),
        (status = 503, description = "Too many sign-ins being checked at once; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiJson(body): ApiJson<LoginRequest>,
) -> HttpResult<Json<LoginResponse>> {
    let session = state
        .services
        .login(&body.email, body.password, client)
        .await?;
    Ok(Json(LoginResponse {
        token: session.token,
        token_type: "Bearer",
        expires_at: DateTime::from_naive_utc_and_offset(session.expires_at, Utc),
        user: SignedInUser {
            id: session.user.id,
            email: session.user.email,
            role: session.user.role,
        },
        coop: session.coop_handle,
    }))
}

/// Revoke the token this request is signed with.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, Auth(_, token): Auth) -> HttpResult<StatusCode> {
    state.services.logout(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}
