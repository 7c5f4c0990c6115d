//! The page a browser gets when there is nothing to show or a request
//! failed: every error of the web edge's routes (from a handler, a service
//! or an extractor) is turned into this page by [`as_pages`], in the
//! visitor's language, with the same status and `Retry-After`.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::language::{choose, LangParam};
use super::views::Frame;
use crate::edges::http::error::HttpError;
use crate::edges::http::i18n::Tr;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;

#[derive(Template)]
#[template(path = "web/problem.html")]
struct Problem {
    frame: Frame,
    status: u16,
    /// What went wrong, when it helps the visitor (never for faults of
    /// the node itself, which are logged instead).
    message: Option<String>,
}

pub fn page(
    state: &AppState,
    tr: Tr,
    status: StatusCode,
    path: &str,
    headers: &HeaderMap,
) -> Response {
    with_message(state, tr, status, path, headers, None)
}

fn with_message(
    state: &AppState,
    tr: Tr,
    status: StatusCode,
    path: &str,
    headers: &HeaderMap,
    message: Option<String>,
) -> Response {
    let page = Problem {
        frame: Frame::new(state, tr, path, headers),
        status: status.as_u16(),
        message,
    };
    html(status, &page, Policy::Strict)
}

/// A layer over the web edge's router: errors become pages.
pub async fn as_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let param = LangParam {
        lang: request.uri().query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .map(|(_, v)| v.into_owned())
        }),
    };
    let headers = request.headers().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<HttpError>().cloned() else {
        return response;
    };
    let tr = choose(&param, &headers);
    let message = (error.status != StatusCode::INTERNAL_SERVER_ERROR).then_some(error.message);
    let mut page = with_message(&state, tr, error.status, &path, &headers, message);
    if let Some(seconds) = error.retry_after {
        page.headers_mut()
            .insert(header::RETRY_AFTER, seconds.into());
    }
    page
}
