//! `POST /oauth/token` and `POST /oauth/revoke` (RFC 6749, RFC 7009),
//! with client credentials in the body or as HTTP Basic.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::super::params::Params;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::extract::ClientAddress;
use crate::edges::http::state::AppState;
use crate::services::oauth::{AccessToken, OAuthError};

impl From<OAuthError> for HttpError {
    fn from(e: OAuthError) -> Self {
        let message = e.to_string();
        match e {
            OAuthError::Client => {
                HttpError::new(StatusCode::UNAUTHORIZED, "invalid_client", message)
            }
            OAuthError::Grant(_) => HttpError::bad_request("invalid_grant", message),
            OAuthError::Scope(_) => HttpError::bad_request("invalid_scope", message),
            OAuthError::Request(_) => HttpError::bad_request("invalid_request", message),
            OAuthError::GrantType(_) => HttpError::bad_request("unsupported_grant_type", message),
            OAuthError::Service(e) => e.into(),
        }
    }
}

/// Every parameter any grant takes; each grant checks the ones it needs,
/// and unknown ones are ignored.
#[derive(Deserialize, Default)]
pub struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    token: Option<String>,
}

#[derive(Serialize)]
pub struct TokenAnswer {
    access_token: String,
    token_type: &'static str,
    scope: String,
    created_at: i64,
}

impl From<AccessToken> for TokenAnswer {
    fn from(t: AccessToken) -> Self {
        TokenAnswer {
            access_token: t.token,
            token_type: "Bearer",
            scope: t.scopes.as_text(),
            created_at: t.created_at.and_utc().timestamp(),
        }
    }
}

fn missing(name: &str) -> HttpError {
    HttpError::bad_request(
        "invalid_request",
        format!("the parameter '{name}' is missing"),
    )
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, HttpError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing(name))
}

/// Client credentials from `Authorization: Basic` (RFC 6749 2.3.1) fill in
/// what the body left out.
fn with_basic_credentials(headers: &HeaderMap, form: &mut TokenForm) {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
    else {
        return;
    };
    let Some(decoded) = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return;
    };
    if let Some((id, secret)) = decoded.split_once(':') {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        form.client_id.get_or_insert_with(|| decode(id));
        form.client_secret.get_or_insert_with(|| decode(secret));
    }
}

pub async fn token(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Params(mut form): Params<TokenForm>,
) -> HttpResult<Json<TokenAnswer>> {
    with_basic_credentials(&headers, &mut form);
    let services = &state.services;
    let client_id = required(&form.client_id, "client_id")?;
    let scope = form.scope.as_deref();
    let issued = match required(&form.grant_type, "grant_type")? {
        "authorization_code" => {
            services
                .exchange_code(
                    client_id,
                    form.client_secret.as_deref().filter(|s| !s.is_empty()),
                    required(&form.code, "code")?,
                    required(&form.redirect_uri, "redirect_uri")?,
                    form.code_verifier.as_deref(),
                )
                .await?
        }
        "password" if state.services.node_settings().oauth_password_grant => {
            services
                .password_grant(
                    client_id,
                    required(&form.client_secret, "client_secret")?,
                    required(&form.username, "username")?,
                    form.password.clone().unwrap_or_default(),
                    scope,
                    client,
                )
                .await?
        }
        "client_credentials" => {
            services
                .client_credentials(
                    client_id,
                    required(&form.client_secret, "client_secret")?,
                    scope,
                )
                .await?
        }
        other => return Err(OAuthError::GrantType(other.to_string()).into()),
    };
    Ok(Json(issued.into()))
}

pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Params(mut form): Params<TokenForm>,
) -> HttpResult<Json<serde_json::Value>> {
    with_basic_credentials(&headers, &mut form);
    state
        .services
        .revoke(
            required(&form.client_id, "client_id")?,
            required(&form.client_secret, "client_secret")?,
            required(&form.token, "token")?,
        )
        .await?;
    Ok(Json(serde_json::json!({})))
}
