//! The one error type of the HTTP edges. Each edge writes its body in its
//! own shape: the native API and the ActivityPub routes as
//! `{"error": "<code>", "message": "<what went wrong>"}` (the default),
//! Mastodon's client API as Mastodon does (`{"error": "<what went wrong>"}`).
//! An edge picks its shape with [`shaped`], a layer over its router, so the
//! extractors and the services' errors stay the same for every edge.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::services::ServiceError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code such as `validation_failed`.
    pub error: String,
    /// What went wrong, in words, naming the field or value at fault.
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct HttpError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, sent as `Retry-After` (with 429).
    pub retry_after: Option<u64>,
}

impl HttpError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

/// How an edge writes an error's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorShape {
    /// `{"error": code, "message": text}`.
    Native,
    /// `{"error": text}`, as Mastodon answers its client API.
    Mastodon,
    /// `{"error": code, "error_description": text}`, as OAuth 2 answers
    /// (RFC 6749 section 5.2).
    OAuth,
}

/// Mastodon's error body.
#[derive(Debug, Serialize)]
struct MastodonErrorBody {
    error: String,
}

/// OAuth's error body.
#[derive(Debug, Serialize)]
struct OAuthErrorBody {
    error: &'static str,
    error_description: String,
}

impl HttpError {
    /// The response in `shape`.
    pub fn into_response_shaped(self, shape: ErrorShape) -> Response {
        let mut response = match shape {
            ErrorShape::Native => (
                self.status,
                Json(ErrorBody {
                    error: self.code.to_string(),
                    message: self.message.clone(),
                }),
            )
                .into_response(),
            ErrorShape::Mastodon => (
                self.status,
                Json(MastodonErrorBody {
                    error: self.message.clone(),
                }),
            )
                .into_response(),
            ErrorShape::OAuth => (
                self.status,
                Json(OAuthErrorBody {
                    error: self.code,
                    error_description: self.message.clone(),
                }),
            )
                .into_response(),
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        // Kept for a `shaped` layer above, which may write it again.
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.into_response_shaped(ErrorShape::Native)
    }
}

/// A layer for an edge's router that writes every error in `shape`.
pub fn shaped<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    shape: ErrorShape,
) -> axum::Router<S> {
    router.layer(axum::middleware::map_response(
        move |response: Response| async move {
            match response.extensions().get::<HttpError>() {
                Some(e) if shape != ErrorShape::Native => e.clone().into_response_shaped(shape),
                _ => response,
            }
        },
    ))
}

impl From<ServiceError> for HttpError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(v) => HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                v.to_string(),
            ),
            ServiceError::NotFound(m) => HttpError::not_found(m),
            ServiceError::Conflict(m) => HttpError::new(StatusCode::CONFLICT, "conflict", m),
            ServiceError::Unauthorized(m) => HttpError::unauthorized(m),
            ServiceError::Forbidden(m) => HttpError::new(StatusCode::FORBIDDEN, "forbidden", m),
            ServiceError::DomainRefused(m) => {
                HttpError::new(StatusCode::FORBIDDEN, "domain_refused", m)
            }
            ServiceError::Remote(failure) => {
                use crate::services::remote::RemoteFailure as F;
                let status = match &failure {
                    F::NotFound(_) => StatusCode::NOT_FOUND,
                    F::Refused(_) | F::Invalid(_) => StatusCode::BAD_GATEWAY,
                    F::Gone(_) => StatusCode::GONE,
                    F::Unreachable(_) => StatusCode::GATEWAY_TIMEOUT,
                    F::Policy(_) => StatusCode::FORBIDDEN,
                };
                HttpError::new(status, failure.code(), failure.to_string())
            }
            ServiceError::RateLimited { retry_after } => {
                let seconds = retry_after.as_secs().max(1);
                let mut e = HttpError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!("too many failed sign-in attempts; try again in {seconds} s"),
                );
                e.retry_after = Some(seconds);
                e
            }
            ServiceError::Unavailable(m) => {
                let mut e = HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", m);
                e.retry_after = Some(5);
                e
            }
            ServiceError::Internal(m) => {
                tracing::error!(error = %m, "internal failure");
                HttpError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the node failed to do this; it has been logged",
                )
            }
            ServiceError::Store(e) => {
                // The details may name tables or hosts; log them, do not send them.
                tracing::error!(error = %e, "storage failure");
                HttpError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the node could not reach its database; try again shortly",
                )
            }
        }
    }
}

pub type HttpResult<T> = Result<T, HttpError>;

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or_default()
    }

    #[tokio::test]
    async fn each_shape_writes_its_body_with_the_same_status_and_headers() {
        let mut e = HttpError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "slow down");
        e.retry_after = Some(7);
        let native = e.clone().into_response();
        assert_eq!(native.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(native.headers()["retry-after"], "7");
        assert_eq!(
            body(native).await,
            serde_json::json!({"error": "rate_limited", "message": "slow down"})
        );
        let mastodon = e.into_response_shaped(ErrorShape::Mastodon);
        assert_eq!(mastodon.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(mastodon.headers()["retry-after"], "7");
        assert_eq!(
            body(mastodon).await,
            serde_json::json!({"error": "slow down"})
        );
    }

    #[tokio::test]
    async fn a_shaped_router_rewrites_errors_from_extractors_and_handlers_alike() {
        use tower::ServiceExt;
        let router: axum::Router = shaped(
            axum::Router::new()
                .route(
                    "/fail",
                    axum::routing::get(|| async { HttpError::not_found("no such thing") }),
                )
                .route(
                    "/query",
                    axum::routing::get(
                        |_: crate::edges::http::extract::ApiQuery<
                            std::collections::HashMap<String, i64>,
                        >| async { "parsed" },
                    ),
                )
                .route("/ok", axum::routing::get(|| async { "fine" })),
            ErrorShape::Mastodon,
        );
        let request = |uri: &str| {
            axum::http::Request::builder()
                .uri(uri)
                .body(axum::body::Body::empty())
                .unwrap_or_default()
        };
        let failed = router
            .clone()
            .oneshot(request("/fail"))
            .await
            .unwrap_or_default();
        assert_eq!(failed.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            body(failed).await,
            serde_json::json!({"error": "no such thing"})
        );
        let bad = router
            .clone()
            .oneshot(request("/query?x=abc"))
            .await
            .unwrap_or_default();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let text = body(bad).await["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(text.contains("invalid digit"), "{text}");
        let fine = router.oneshot(request("/ok")).await.unwrap_or_default();
        assert_eq!(fine.status(), StatusCode::OK);
    }
}
