//! Mastodon's paging: `max_id`, `since_id`, `min_id` and `limit` in (lists
//! of accounts page backwards only, by `max_id`), a `Link` header with the
//! next and previous pages out.

use axum::http::{header, HeaderMap, HeaderValue, Uri};
use serde::Deserialize;

use super::params::flexible_u64;
use crate::edges::http::state::AppState;

/// Paging parameters as apps send them.
#[derive(Deserialize, Default, Debug, Clone)]
pub struct PageParams {
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub limit: Option<u64>,
}

impl PageParams {
    /// The page size: Mastodon's default 20 (40 for account lists), at
    /// most `max`; a larger ask is cut to the maximum, as Mastodon does.
    pub fn size(&self, default: u64, max: u64) -> i64 {
        self.limit.unwrap_or(default).clamp(1, max) as i64
    }
}

/// The request's own URL without its paging, for the `Link` header: the
/// node's public root, the path, and the other parameters it was sent.
pub fn paging_url(state: &AppState, uri: &Uri) -> String {
    let kept: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "since_id" | "min_id"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let path = uri.path().trim_start_matches('/');
    let mut url = format!("{}{path}", state.services.urls.root());
    if !kept.is_empty() {
        url.push('?');
        url.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept)
                .finish(),
        );
    }
    url
}

/// A `Link` header naming the next page (older items, `max_id`) and the
/// previous one (newer items, `min_id`), on `url` (absolute; a query it
/// has, such as `local=true`, is kept).
pub fn link(url: &str, next_max_id: Option<&str>, prev_min_id: Option<&str>) -> HeaderMap {
    let join = if url.contains('?') { '&' } else { '?' };
    let mut parts = Vec::new();
    if let Some(id) = next_max_id {
        parts.push(format!("<{url}{join}max_id={}>; rel=\"next\"", encode(id)));
    }
    if let Some(id) = prev_min_id {
        parts.push(format!("<{url}{join}min_id={}>; rel=\"prev\"", encode(id)));
    }
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&parts.join(", ")) {
        if !parts.is_empty() {
            headers.insert(header::LINK, value);
        }
    }
    headers
}

fn encode(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}
