//! Bearer tokens of the Mastodon client API and the scopes each endpoint
//! needs. Answers as Mastodon does: 401 for a missing, unknown or revoked
//! token, 403 for a token without the scope, 422 for an app's own token on
//! an endpoint that needs a person.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};

use crate::domain::user::User;
use crate::edges::http::error::HttpError;
use crate::edges::http::state::AppState;
use crate::services::oauth::OAuthSession;
use crate::services::Viewer;

fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_string())
}

fn invalid_token() -> HttpError {
    HttpError::unauthorized("The access token is invalid")
}

/// A request with a valid access token (of a person or of an app).
pub struct Token(pub OAuthSession);

impl FromRequestParts<AppState> for Token {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let token = bearer(parts).ok_or_else(invalid_token)?;
        let session = state
            .services
            .oauth_session(&token)
            .await
            .map_err(|e| match e {
                crate::services::ServiceError::Unauthorized(_) => invalid_token(),
                other => other.into(),
            })?;
        Ok(Token(session))
    }
}

impl OAuthSession {
    /// Refuses unless the token's scopes cover one of `required`.
    pub fn require(&self, required: &[&str]) -> Result<(), HttpError> {
        if self.scopes.allow_any(required) {
            Ok(())
        } else {
            Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "This action is outside the authorized scopes",
            ))
        }
    }

    /// The signed-in person, with one of `required`; an app's own token
    /// gets Mastodon's 422.
    pub fn person(&self, required: &[&str]) -> Result<(User, Viewer), HttpError> {
        self.require(required)?;
        match self.viewer() {
            Some(viewer) => Ok((viewer.user.clone(), viewer)),
            None => Err(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "This method requires an authenticated user",
            )),
        }
    }
}

/// A request that may carry a token (public endpoints that show more to
/// its coop); a token sent must be valid.
pub struct MaybeToken(pub Option<OAuthSession>);

impl FromRequestParts<AppState> for MaybeToken {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        if parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(MaybeToken(None));
        }
        let Token(session) = Token::from_request_parts(parts, state).await?;
        Ok(MaybeToken(Some(session)))
    }
}
