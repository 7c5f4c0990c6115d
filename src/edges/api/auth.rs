//! Signing in and out.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::session::SignInKind;
use crate::domain::user::Role;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{user_agent, ApiJson, Auth, ClientAddress};
use crate::edges::http::state::AppState;
use crate::services::accounts::SignInFrom;

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
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> HttpResult<Json<LoginResponse>> {
    let session = state
        .services
        .login(
            &body.email,
            body.password,
            SignInFrom {
                client,
                kind: SignInKind::Api,
                agent: user_agent(&headers),
            },
        )
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

#[derive(Serialize, ToSchema)]
pub struct SignInView {
    /// What names it in `DELETE /auth/sessions/{id}`.
    pub id: String,
    /// `web` (a browser), `api` (a token from `/auth/login`) or `app` (a
    /// Mastodon app, all its tokens together).
    pub kind: &'static str,
    /// The browser or program (its User-Agent, cut short), or the app's name.
    pub agent: String,
    pub website: Option<String>,
    /// An app's scopes, space-separated.
    pub scopes: Option<String>,
    pub created_at: DateTime<Utc>,
    /// To the hour.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether this request is signed with it.
    pub current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SignInList {
    pub items: Vec<SignInView>,
}

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

/// Where the signed-in account is signed in: browser sessions, API
/// tokens, and the Mastodon apps it authorised.
#[utoipa::path(get, path = "/auth/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SignInList), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<AppState>,
    Auth(viewer, token): Auth,
) -> HttpResult<Json<SignInList>> {
    let found = state.services.sign_ins(&viewer, &token).await?;
    Ok(Json(SignInList {
        items: found
            .into_iter()
            .map(|s| SignInView {
                id: s.id,
                kind: s.kind.as_str(),
                agent: s.agent,
                website: s.website,
                scopes: s.scopes,
                created_at: utc(s.created_at),
                last_used_at: s.last_used_at.map(utc),
                expires_at: s.expires_at.map(utc),
                current: s.current,
            })
            .collect(),
    }))
}

/// Revoke a session, token or app of the signed-in account (this
/// request's own token too).
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = String, Path, description = "From `GET /auth/sessions`")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    state.services.revoke_sign_in(&viewer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// 8 to 256 characters.
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct PasswordChanged {
    /// Other sessions, tokens and app tokens that were revoked.
    pub ended: usize,
}

/// Change the account's password. Every other session, token and app of
/// the account is signed out; the token of this request keeps working.
/// The current password goes through the sign-in throttle.
#[utoipa::path(put, path = "/auth/password", tag = "auth", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 200, body = PasswordChanged), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A wrong current password (field current_password) or a new one that is too short or long"),
        (status = 429, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Auth(viewer, token): Auth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> HttpResult<Json<PasswordChanged>> {
    let ended = state
        .services
        .change_password(
            &viewer,
            &token,
            body.current_password,
            body.new_password,
            client,
        )
        .await?;
    Ok(Json(PasswordChanged { ended }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageChange {
    /// `en`, `es`, or null for the browser's.
    pub language: Option<String>,
}

/// Set the language of the account's web pages.
#[utoipa::path(put, path = "/auth/language", tag = "auth", security(("bearer" = [])), request_body = LanguageChange,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_language(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<LanguageChange>,
) -> HttpResult<StatusCode> {
    state
        .services
        .set_account_language(&viewer, body.language.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeZoneChange {
    /// An IANA name (`Europe/Madrid`), or null for none.
    pub time_zone: Option<String>,
}

/// The time zone the account reads times in.
#[derive(Serialize, ToSchema)]
pub struct TimeZoneSet {
    pub time_zone: Option<String>,
}

/// Set the time zone the account's pages give gatherings' times in, beside
/// the gathering's own zone and UTC.
#[utoipa::path(put, path = "/auth/time-zone", tag = "auth", security(("bearer" = [])), request_body = TimeZoneChange,
    responses((status = 200, body = TimeZoneSet), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_time_zone(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<TimeZoneChange>,
) -> HttpResult<Json<TimeZoneSet>> {
    let time_zone = state
        .services
        .set_account_time_zone(&viewer, body.time_zone.as_deref())
        .await?;
    Ok(Json(TimeZoneSet { time_zone }))
}
