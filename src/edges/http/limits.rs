//! Request limits every HTTP edge applies the same way: bodies are capped
//! before they are read, and a body over its cap is a 413 in the edge's
//! error shape; URLs carrying control characters are refused up front; a
//! request has a deadline.

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

/// Whether decoded URL text holds a control character: none may appear in
/// a path, and in a query only tab and line breaks (a multi-line search).
fn has_control(raw: &str, allow_breaks: bool) -> bool {
    percent_encoding::percent_decode_str(raw)
        .flat_map(|b| [b])
        .any(|b| (b < 0x20 || b == 0x7f) && !(allow_breaks && matches!(b, b'\t' | b'\n' | b'\r')))
}

/// Refuses a request whose path or query carries a control character (NUL
/// first of all) before any handler or database sees it: a path with one
/// names nothing (404), a query with one is bad input (422).
pub async fn refuse_control_characters(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let uri = request.uri();
    if has_control(uri.path(), false) {
        return HttpError::not_found("no such path: it holds a control character").into_response();
    }
    if uri.query().is_some_and(|q| has_control(q, true)) {
        return HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "query: must not contain control characters",
        )
        .into_response();
    }
    next.run(request).await
}

/// Ends a request that takes longer than its deadline to send its body and
/// be answered (a client trickling its body holds nothing for long), with
/// 408 in the error shape.
pub async fn request_deadline(
    axum::extract::State(deadline): axum::extract::State<std::time::Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => HttpError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "the request was not sent and answered within {} s",
                deadline.as_secs()
            ),
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_encoded_or_not() {
        assert!(has_control("/proposals/a%00b", false));
        assert!(has_control("/x%1B[31m", false));
        assert!(has_control("/x%7f", false));
        assert!(!has_control("/proposals/%C3%B1and%C3%BA", false));
        assert!(has_control("q=a%0Ab", false));
        assert!(!has_control("q=a%0Ab", true));
        assert!(has_control("q=a%00b", true));
    }

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
