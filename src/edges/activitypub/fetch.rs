//! Reading a document from its origin, signed by our node actor, for what
//! must not be taken on trust: the object inside an `Announce`, and the
//! pages of a followed node's directory.
//!
//! Written here rather than with the library's `fetch_object_http` because
//! a deleted object must be told apart from a broken answer: 404 and 410
//! mean gone (Mastodon answers 404 for a deleted post), anything else that
//! is not an ActivityPub document is an error.

use activitypub_federation::config::Data;
use axum::body::Bytes;
use axum::http::{header, StatusCode};
use serde_json::Value;
use url::Url;

use super::Context;
use crate::domain::limits::INBOX_BODY_MAX_BYTES;

/// What the origin says about a URL.
#[derive(Debug)]
pub enum Fetched {
    /// It serves this document, whose `id` is the URL asked for.
    Live(Value),
    /// 404 or 410, or a `Tombstone`.
    Gone,
}

const ACCEPT: &str = r#"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams""#;

fn is_activity_json(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == "application/activity+json"
        || (media == "application/ld+json" && content_type.contains("activitystreams"))
}

/// Why a fetch from the origin gave no answer to use.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// The origin could not be reached or failed (network, 5xx, 429):
    /// asking again later may work.
    #[error("{0}")]
    Unreachable(String),
    /// The origin, or our policy, gave an answer that cannot be used.
    #[error("{0}")]
    Refused(String),
}

impl From<FetchError> for String {
    fn from(e: FetchError) -> String {
        e.to_string()
    }
}

/// Fetches `url` from its origin, signed by the node actor. The client
/// follows no redirects and, outside development mode, refuses private and
/// loopback addresses; hosts the federation policy refuses are not asked.
pub async fn from_origin(url: &Url, data: &Data<Context>) -> Result<Fetched, FetchError> {
    use FetchError::{Refused, Unreachable};
    let host = crate::domain::urls::origin_of(url).unwrap_or_default();
    if let Err(why) = data.policy().check(&host) {
        return Err(Refused(why.message(&host)));
    }
    let client = &data.http;
    let request = client
        .get(url.as_str())
        .header(header::ACCEPT.as_str(), ACCEPT);
    let signed = data
        .sign_request(request, Bytes::new())
        .await
        .map_err(|e| Refused(format!("cannot sign the fetch of {url}: {e}")))?;
    let response = client
        .execute(signed)
        .await
        .map_err(|e| Unreachable(format!("cannot fetch {url}: {e}")))?;
    let status = response.status();
    if status == StatusCode::GONE || status == StatusCode::NOT_FOUND {
        return Ok(Fetched::Gone);
    }
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        return Err(Unreachable(format!("{url} answered {status}")));
    }
    if !status.is_success() {
        return Err(Refused(format!("{url} answered {status}")));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !is_activity_json(&content_type) {
        return Err(Refused(format!(
            "{url} is not an ActivityPub document ({content_type})"
        )));
    }
    if response
        .content_length()
        .is_some_and(|n| n > INBOX_BODY_MAX_BYTES as u64)
    {
        return Err(Refused(format!(
            "{url} is larger than {INBOX_BODY_MAX_BYTES} bytes"
        )));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| Unreachable(format!("cannot read {url}: {e}")))?;
    if body.len() > INBOX_BODY_MAX_BYTES {
        return Err(Refused(format!(
            "{url} is larger than {INBOX_BODY_MAX_BYTES} bytes"
        )));
    }
    let doc: Value =
        serde_json::from_slice(&body).map_err(|e| Refused(format!("{url} is not JSON: {e}")))?;
    if doc.get("id").and_then(Value::as_str) != Some(url.as_str()) {
        return Err(Refused(format!("{url} serves a document with another id")));
    }
    if doc.get("type").and_then(Value::as_str) == Some("Tombstone") {
        return Ok(Fetched::Gone);
    }
    Ok(Fetched::Live(doc))
}

#[cfg(test)]
mod tests {
    use super::is_activity_json;

    #[test]
    fn only_activitypub_media_types_are_read() {
        assert!(is_activity_json("application/activity+json"));
        assert!(is_activity_json("application/activity+json; charset=utf-8"));
        assert!(is_activity_json(
            r#"application/ld+json; profile="https://www.w3.org/ns/activitystreams""#
        ));
        assert!(!is_activity_json("application/ld+json"));
        assert!(!is_activity_json("text/html"));
        assert!(!is_activity_json("application/json"));
    }
}
