//! Why an inbox refused an activity, in the API's error shape.

use activitypub_federation::error::Error as LibError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::edges::http::error::HttpError;
use crate::services::remote::RemoteFailure;
use crate::services::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error(transparent)]
    Federation(#[from] LibError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// An object could not be checked with its origin right now; the
    /// sender may deliver again later (503, which senders retry).
    #[error("{0}")]
    OriginUnreachable(String),
    /// The signing actor's server gave no usable answer.
    #[error(transparent)]
    Remote(#[from] RemoteFailure),
}

impl From<InboxError> for HttpError {
    fn from(e: InboxError) -> Self {
        let lib = match e {
            InboxError::Service(s) => return HttpError::from(s),
            InboxError::OriginUnreachable(m) => {
                return HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "origin_unreachable", m)
            }
            // Its key cannot be read now; the sender retries a 503.
            InboxError::Remote(RemoteFailure::Unreachable(m)) => {
                return HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "origin_unreachable", m)
            }
            // Not said to a sender that has not proven who it is: whether
            // this node refuses its host is the admins' business.
            InboxError::Remote(RemoteFailure::Policy(_)) => {
                return HttpError::new(
                    StatusCode::UNAUTHORIZED,
                    "unknown_actor",
                    "cannot read the signing actor, so the signature cannot be checked",
                )
            }
            InboxError::Remote(other) => {
                return HttpError::new(
                    StatusCode::UNAUTHORIZED,
                    "unknown_actor",
                    format!("cannot read the signing actor: {other}"),
                )
            }
            InboxError::Federation(lib) => lib,
        };
        let (status, code) = match &lib {
            LibError::ActivityBodyDigestInvalid => (StatusCode::UNAUTHORIZED, "invalid_digest"),
            LibError::ActivitySignatureInvalid | LibError::Other(_) => {
                (StatusCode::UNAUTHORIZED, "invalid_signature")
            }
            LibError::ParseReceivedActivity { .. } => (StatusCode::BAD_REQUEST, "invalid_activity"),
            LibError::UrlVerificationError(_) | LibError::ResolveInternalIpError(..) => {
                (StatusCode::FORBIDDEN, "forbidden_origin")
            }
            // The signing actor could not be fetched, so nothing can be verified.
            _ => (StatusCode::UNAUTHORIZED, "unknown_actor"),
        };
        HttpError::new(status, code, lib.to_string())
    }
}

impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        HttpError::from(self).into_response()
    }
}
