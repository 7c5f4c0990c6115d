//! One URL, two readers: a coop's actor, a proposal's Note and a
//! gathering's Event are served as ActivityPub JSON to servers and as pages
//! to browsers, so "open original page" in a Mastodon app and a link shared
//! anywhere both work. Applied around every route by the app; it answers
//! only GETs of those routes whose `Accept` asks for HTML (and not for
//! ActivityPub), and marks every answer of them `Vary: Accept` for caches.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::language::LangParam;
use crate::edges::http::state::AppState;

const COOP: &str = "/actors/{handle}";
const PROPOSAL: &str = "/proposals/{id}";
const GATHERING: &str = "/gatherings/{id}";

/// Whether the reader wants a page: HTML asked for, ActivityPub not.
pub fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase();
    accept.contains("text/html")
        && !accept.contains("application/activity+json")
        && !accept.contains("application/ld+json")
}

pub async fn pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let page_route = matches!(
        matched.as_deref(),
        Some(COOP) | Some(PROPOSAL) | Some(GATHERING)
    );
    if !page_route {
        return next.run(request).await;
    }
    let mut response = if matches!(*request.method(), Method::GET | Method::HEAD)
        && wants_html(request.headers())
    {
        let last = request.uri().path().rsplit('/').next().unwrap_or_default();
        let key = percent_encoding::percent_decode_str(last)
            .decode_utf8_lossy()
            .into_owned();
        let param: LangParam = request
            .uri()
            .query()
            .and_then(lang_of_query)
            .unwrap_or_default();
        let headers = request.headers().clone();
        let path = request.uri().path().to_string();
        let shown = match matched.as_deref() {
            Some(COOP) => super::coop::show(&state, &key, &headers, &param).await,
            Some(GATHERING) => super::gatherings::show(&state, &key, &headers, &param).await,
            _ => super::proposal::show(&state, &key, &headers, &param).await,
        };
        let tr = super::language::choose(&param, &headers);
        let mut response = match shown {
            Ok(page) => page,
            Err(e) => super::problem::page(&state, tr.clone(), e.status, &path, &headers),
        };
        super::language::remember(&mut response, &param, &tr);
        response
    } else {
        next.run(request).await
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// The `lang` of a query string.
fn lang_of_query(query: &str) -> Option<LangParam> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| LangParam {
            lang: Some(v.into_owned()),
        })
}
