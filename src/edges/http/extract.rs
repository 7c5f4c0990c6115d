//! Request extractors that answer bad input in the API's error shape
//! instead of axum's plain-text rejections.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use super::error::HttpError;
use crate::edges::http::state::AppState;
use crate::services::Viewer;

/// A JSON body.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HttpError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

fn json_error(rejection: JsonRejection) -> HttpError {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with Content-Type: application/json",
        ),
        JsonRejection::JsonSyntaxError(_) => HttpError::bad_request("invalid_json", text),
        JsonRejection::JsonDataError(_) => HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            text.trim_start_matches("Failed to deserialize the JSON body into the target type: ")
                .to_string(),
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the body is larger than {} bytes",
                crate::domain::limits::BODY_MAX_BYTES
            ),
        ),
        other => HttpError::bad_request("invalid_body", other.body_text()),
    }
}

/// Query-string parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(query_error(rejection)),
        }
    }
}

fn query_error(rejection: QueryRejection) -> HttpError {
    HttpError::bad_request(
        "invalid_query",
        rejection
            .body_text()
            .trim_start_matches("Failed to deserialize query string: ")
            .to_string(),
    )
}

/// The bearer token of the request, if it carries one; a malformed
/// Authorization header is an error rather than "anonymous".
fn bearer(parts: &Parts) -> Result<Option<String>, HttpError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| HttpError::unauthorized("the Authorization header is not valid text"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_string()))
        }
        _ => Err(HttpError::unauthorized(
            "the Authorization header must be 'Bearer <token>'",
        )),
    }
}

/// A signed-in user; answers 401 without a valid token.
pub struct Auth(pub Viewer, pub String);

impl FromRequestParts<AppState> for Auth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let token = bearer(parts)?.ok_or_else(|| {
            HttpError::unauthorized("sign in first: send Authorization: Bearer <token>")
        })?;
        let viewer = state.services.authenticate(&token).await?;
        Ok(Auth(viewer, token))
    }
}

/// A signed-in user if a token is sent; anonymous otherwise.
pub struct MaybeAuth(pub Option<Viewer>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        match bearer(parts)? {
            None => Ok(MaybeAuth(None)),
            Some(token) => Ok(MaybeAuth(Some(state.services.authenticate(&token).await?))),
        }
    }
}

/// The address a request comes from, as the sign-in throttle counts it:
/// the TCP peer, or, when the node is configured with
/// `client_address_header` and the peer is on this machine (a reverse
/// proxy), the address that header names.
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| {
                HttpError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the connection's address is unknown",
                )
            })?;
        let header = state.config.limits.client_address_header.as_deref();
        let forwarded = header
            .filter(|_| peer.is_loopback())
            .and_then(|name| parts.headers.get(name))
            .and_then(|v| v.to_str().ok())
            // The proxy appends the address it saw last; earlier entries
            // are whatever the client claimed.
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok());
        Ok(ClientAddress(forwarded.unwrap_or(peer)))
    }
}

/// The User-Agent a request names (kept with sign-ins so a member can
/// tell them apart; bytes that are not UTF-8 become U+FFFD).
pub fn user_agent(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::USER_AGENT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}
