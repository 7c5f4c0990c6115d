//! HTML pages, as every edge that serves them answers: rendered from a
//! compile-time checked template, with the headers that keep them out of
//! frames, caches and other origins' reach.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::error::HttpError;

/// The stylesheet every page links (served by the web edge), versioned so
/// browsers fetch it again after an upgrade.
pub const STYLESHEET: &str = concat!("/assets/intercoop.css?v=", env!("CARGO_PKG_VERSION"));

/// What a page may load and where its forms may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Our own stylesheet and images only; forms post to this node.
    Strict,
    /// The same, but a form may end in a redirect elsewhere (the OAuth
    /// sign-in sends the browser back to the app, whatever its address).
    FormsRedirect,
}

impl Policy {
    fn csp(self) -> &'static str {
        match self {
            Policy::Strict => {
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'"
            }
            Policy::FormsRedirect => {
                "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; \
                 base-uri 'none'"
            }
        }
    }
}

/// A rendered page, or the logged failure to render it.
pub fn html(status: StatusCode, page: &impl Template, policy: Policy) -> Response {
    let body = match page.render() {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            return HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the page failed to render; it has been logged",
            )
            .into_response();
        }
    };
    let mut response = (status, axum::response::Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy.csp()),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
