//! Reading documents from other servers, signed by our node actor: actors
//! (to check a signature, to follow, to refresh), the object inside an
//! `Announce`, the pages of a followed node's directory, and WebFinger.
//!
//! Written here rather than with the library's fetch because its answer
//! must say why it failed: a refusal (401/403, e.g. a server that serves
//! signed requests only), a deletion (410), no answer (network, 5xx), or a
//! document we cannot use, each naming the URL and the status.

use activitypub_federation::config::Data;
use axum::body::Bytes;
use axum::http::{header, StatusCode};
use serde_json::Value;
use url::Url;

use super::Context;
use crate::domain::limits::INBOX_BODY_MAX_BYTES;
use crate::infra::outbound::knocks::Standard;
use crate::infra::outbound::rfc9421;
use crate::infra::wire::webfinger::ReceivedWebfinger;
use crate::services::remote::RemoteFailure;

/// What the origin says about a URL.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// It serves this document, whose `id` is the URL asked for.
    Live(Value),
    /// 404 or 410, or a `Tombstone`.
    Gone,
}

const ACCEPT: &str = r#"application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams""#;
const ACCEPT_JRD: &str = "application/jrd+json, application/json";

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

/// An answer with a body, or the 404/410 that says there is none.
enum Answer {
    Body { content_type: String, body: Bytes },
    Missing(StatusCode),
}

/// GETs `url` (signed by the node actor when `signed`), with the client that
/// follows no redirects and, outside development mode, refuses private and
/// loopback addresses; hosts the federation policy refuses are not asked.
async fn get(
    url: &Url,
    accept: &str,
    signed: bool,
    data: &Data<Context>,
) -> Result<Answer, RemoteFailure> {
    use RemoteFailure::{Invalid, Policy, Refused, Unreachable};
    let plain_http_allowed = data.dev_mode && url.scheme() == "http";
    if url.scheme() != "https" && !plain_http_allowed {
        return Err(Invalid(format!("{url}: only https URLs are fetched")));
    }
    let host = crate::domain::urls::origin_of(url).unwrap_or_default();
    if let Err(why) = data.policy().check(&host) {
        return Err(Policy(why.message(&host)));
    }
    let client = &data.http;
    let request = || {
        client
            .get(url.as_str())
            .header(header::ACCEPT.as_str(), accept)
    };
    let unreachable =
        |e: reqwest_middleware::Error| Unreachable(format!("{host} did not answer for {url}: {e}"));
    let mut response = None;
    if signed && data.knocks().first(&host) == Standard::Rfc9421 {
        // A host known to take RFC 9421; on a refusal, knock again below.
        let now = httpdate::fmt_http_date(std::time::SystemTime::now());
        let mut rfc = request()
            .header(header::DATE.as_str(), now)
            .build()
            .map_err(|e| Invalid(format!("cannot build the fetch of {url}: {e}")))?;
        let (key_id, key) = &*data.node_key;
        rfc9421::sign_request(&mut rfc, key_id.as_str(), key).map_err(Invalid)?;
        let answer = client.execute(rfc).await.map_err(unreachable)?;
        if matches!(
            answer.status(),
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            tracing::info!(%host, status = %answer.status(), "RFC 9421 signature refused; fetching with draft-cavage");
            data.knocks().remember(&host, Standard::DraftCavage);
        } else {
            response = Some(answer);
        }
    }
    let response = match response {
        Some(r) => r,
        None if signed => {
            let signed = data
                .sign_request(request(), Bytes::new())
                .await
                .map_err(|e| Invalid(format!("cannot sign the fetch of {url}: {e}")))?;
            client.execute(signed).await.map_err(unreachable)?
        }
        None => request().send().await.map_err(unreachable)?,
    };
    let status = response.status();
    if status == StatusCode::GONE || status == StatusCode::NOT_FOUND {
        return Ok(Answer::Missing(status));
    }
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        return Err(Unreachable(format!("{host} answered {status} for {url}")));
    }
    if !status.is_success() {
        let hint = match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                " (it may serve signed requests only, or refuse this node)"
            }
            _ => "",
        };
        return Err(Refused(format!("{host} answered {status} for {url}{hint}")));
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let too_large = || Invalid(format!("{url} is larger than {INBOX_BODY_MAX_BYTES} bytes"));
    if response
        .content_length()
        .is_some_and(|n| n > INBOX_BODY_MAX_BYTES as u64)
    {
        return Err(too_large());
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| Unreachable(format!("cannot read {url}: {e}")))?;
    if body.len() > INBOX_BODY_MAX_BYTES {
        return Err(too_large());
    }
    Ok(Answer::Body { content_type, body })
}

/// Fetches the ActivityPub document `url` from its origin, signed; callers
/// asking for the same URL while it is fetched share that one fetch.
pub async fn from_origin(url: &Url, data: &Data<Context>) -> Result<Fetched, RemoteFailure> {
    data.fetches
        .run(url.clone(), || fetch_document(url, data))
        .await
}

async fn fetch_document(url: &Url, data: &Data<Context>) -> Result<Fetched, RemoteFailure> {
    use RemoteFailure::Invalid;
    let (content_type, body) = match get(url, ACCEPT, true, data).await? {
        Answer::Missing(_) => return Ok(Fetched::Gone),
        Answer::Body { content_type, body } => (content_type, body),
    };
    if !is_activity_json(&content_type) {
        return Err(Invalid(format!(
            "{url} is not an ActivityPub document ({content_type})"
        )));
    }
    let doc: Value =
        serde_json::from_slice(&body).map_err(|e| Invalid(format!("{url} is not JSON: {e}")))?;
    if doc.get("id").and_then(Value::as_str) != Some(url.as_str()) {
        return Err(Invalid(format!("{url} serves a document with another id")));
    }
    if doc.get("type").and_then(Value::as_str) == Some("Tombstone") {
        return Ok(Fetched::Gone);
    }
    Ok(Fetched::Live(doc))
}

/// Asks `domain` over WebFinger (unsigned, as everyone serves it) for the
/// ActivityPub actor of `account` (`handle@domain`).
pub async fn webfinger(account: &str, data: &Data<Context>) -> Result<Url, RemoteFailure> {
    use RemoteFailure::{Gone, Invalid, NotFound};
    let domain = account.rsplit_once('@').map(|(_, d)| d).unwrap_or(account);
    let scheme = if data.dev_mode { "http" } else { "https" };
    let mut url = Url::parse(&format!("{scheme}://{domain}/.well-known/webfinger"))
        .map_err(|e| Invalid(format!("'{domain}' is not a host name: {e}")))?;
    url.query_pairs_mut()
        .append_pair("resource", &format!("acct:{account}"));
    match get(&url, ACCEPT_JRD, false, data).await? {
        Answer::Missing(StatusCode::GONE) => Err(Gone(format!(
            "{domain} answered 410 Gone: {account} was deleted"
        ))),
        Answer::Missing(status) => Err(NotFound(format!(
            "{domain} has no account {account} (WebFinger answered {status})"
        ))),
        Answer::Body { body, .. } => serde_json::from_slice::<ReceivedWebfinger>(&body)
            .map_err(|e| Invalid(format!("{domain} answered WebFinger with no JRD: {e}")))?
            .actor()
            .ok_or_else(|| {
                Invalid(format!(
                    "{domain} answered WebFinger for {account} without an ActivityPub actor link"
                ))
            }),
    }
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
