//! Request limits every HTTP edge applies the same way: bodies are capped
//! before they are read, and a body over its cap is a 413 in the edge's
//! error shape.

use axum::body::{Body, Bytes};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;

use super::error::HttpError;

/// A cap on the bodies a router's extractors read.
pub fn body_limit(max_bytes: usize) -> DefaultBodyLimit {
    DefaultBodyLimit::max(max_bytes)
}

/// Reads a whole body of at most `max_bytes` (for handlers that need the
/// bytes themselves, such as the inbox, which checks their digest).
pub async fn read_body(body: Body, max_bytes: usize, what: &str) -> Result<Bytes, HttpError> {
    axum::body::to_bytes(body, max_bytes).await.map_err(|_| {
        HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("{what} may be at most {max_bytes} bytes"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_over_its_cap_is_refused_and_one_at_it_is_read() {
        let at = read_body(Body::from(vec![b'x'; 16]), 16, "a test body").await;
        assert_eq!(at.map(|b| b.len()).ok(), Some(16));
        let over = read_body(Body::from(vec![b'x'; 17]), 16, "a test body").await;
        let e = over
            .err()
            .map(|e| (e.status, e.message))
            .unwrap_or_default();
        assert_eq!(e.0, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(e.1.contains("16 bytes"), "{}", e.1);
    }
}
