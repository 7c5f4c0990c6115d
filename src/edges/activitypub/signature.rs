//! Checking the draft-cavage HTTP signatures of requests from other
//! servers: what a signature must cover before we spend an actor fetch on
//! it (the method and path, our host, a time, and the body's digest, as
//! Mastodon requires; a signature over less could be replayed against
//! another inbox, another node or at another time), the `Date` window, and
//! the verification of a signed GET (authorized fetch). The inbox leaves
//! the verification itself to activitypub_federation.

use std::time::{Duration, SystemTime};

use activitypub_federation::config::Data;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use base64::Engine as _;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use url::Url;

use super::inbox::{read_actor, InboxError};
use super::Context;
use crate::domain::remote::RemoteActor;
use crate::domain::urls::origin_of;
use crate::edges::http::error::HttpError;

/// How far a request's `Date` may be from our clock, either way. The
/// library refuses signatures older than an hour but not future ones.
pub const DATE_WINDOW: Duration = Duration::from_secs(60 * 60);

fn unsigned(message: String) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
}

fn bad_date(message: impl Into<String>) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_date", message)
}

/// A `Date` header within [`DATE_WINDOW`] of our clock.
pub fn check_date(headers: &HeaderMap) -> Result<(), HttpError> {
    let date = headers
        .get(header::DATE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| bad_date("a signed Date header is required"))?;
    let date = httpdate::parse_http_date(date)
        .map_err(|_| bad_date(format!("'{date}' is not an HTTP date")))?;
    let now = SystemTime::now();
    let skew = now
        .duration_since(date)
        .or_else(|_| date.duration_since(now))
        .unwrap_or(Duration::MAX);
    if skew > DATE_WINDOW {
        return Err(bad_date(format!(
            "the Date header is more than {} minutes away from this node's clock",
            DATE_WINDOW.as_secs() / 60
        )));
    }
    Ok(())
}

/// Whether the request carries a signature at all.
pub fn is_signed(headers: &HeaderMap) -> bool {
    headers.contains_key("signature")
        || headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Signature "))
}

/// Verifies the signature of a request without a body (a GET): its date
/// and coverage, the federation policy on the signer's host (a refused
/// host's key is never fetched: 403), then the RSA-SHA256 signature against
/// the key of the actor the `keyId` names (read or fetched). Returns that
/// actor.
pub async fn verify_get(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    data: &Data<Context>,
) -> Result<RemoteActor, HttpError> {
    check_date(headers)?;
    check_coverage(headers, false)?;
    let mut map = std::collections::BTreeMap::new();
    for (name, value) in headers {
        if let Ok(value) = value.to_str() {
            map.insert(name.as_str().to_string(), value.to_string());
        }
    }
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let unverified = http_signature_normalization::Config::new()
        .set_expiration(DATE_WINDOW)
        .begin_verify(method.as_str(), target, map)
        .map_err(|e| unsigned(format!("the Signature header cannot be read: {e}")))?;
    // `https://host/users/ana#main-key` names the actor `…/users/ana`.
    let mut actor_id = Url::parse(unverified.key_id())
        .map_err(|_| unsigned(format!("keyId '{}' is not a URL", unverified.key_id())))?;
    actor_id.set_fragment(None);
    let host = origin_of(&actor_id).unwrap_or_default();
    if let Err(why) = data.policy().check(&host) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "domain_refused",
            why.message(&host),
        ));
    }
    let actor = read_actor(&actor_id, data)
        .await
        .map_err(|e| match e {
            InboxError::Remote(crate::services::remote::RemoteFailure::Unreachable(m)) => {
                HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "origin_unreachable", m)
            }
            other => HttpError::new(
                StatusCode::UNAUTHORIZED,
                "unknown_actor",
                format!("cannot read the signing actor {actor_id}: {other}"),
            ),
        })?
        .actor;
    let key = RsaPublicKey::from_public_key_pem(&actor.public_key_pem)
        .map_err(|e| unsigned(format!("the key of {actor_id} cannot be read: {e}")))?;
    let verified = unverified.verify(|signature, signing_string| {
        base64::engine::general_purpose::STANDARD
            .decode(signature)
            .ok()
            .is_some_and(|sig| {
                key.verify(
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(signing_string.as_bytes()),
                    &sig,
                )
                .is_ok()
            })
    });
    if !verified {
        return Err(unsigned(format!(
            "the signature does not verify with the key of {actor_id}"
        )));
    }
    Ok(actor)
}

/// The `headers` parameter of a `Signature` (or `Authorization: Signature`)
/// header, lower-cased; draft-cavage's default when absent is `(created)`.
fn signed_headers(value: &str) -> Vec<String> {
    value
        .split(',')
        .filter_map(|part| part.split_once('='))
        .find(|(k, _)| k.trim() == "headers")
        .map(|(_, v)| v.trim().trim_matches('"'))
        .unwrap_or("(created)")
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Refuses (401, naming what is missing) a request whose signature does not
/// cover `(request-target)`, `host`, `date` or `(created)`, and `digest`
/// when there is a body.
pub fn check_coverage(headers: &HeaderMap, has_body: bool) -> Result<(), HttpError> {
    let value = headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Signature "))
        })
        .ok_or_else(|| unsigned("the request is not signed (no Signature header)".into()))?;
    if headers.contains_key("signature-input") {
        return Err(unsigned(
            "RFC 9421 signatures are not verified here yet; sign with draft-cavage HTTP \
             signatures over (request-target) host date digest"
                .into(),
        ));
    }
    let signed = signed_headers(value);
    let has = |h: &str| signed.iter().any(|s| s == h);
    let mut missing = Vec::new();
    for needed in ["(request-target)", "host"] {
        if !has(needed) {
            missing.push(needed);
        }
    }
    if !has("date") && !has("(created)") {
        missing.push("date");
    }
    if has_body && !has("digest") {
        missing.push("digest");
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(unsigned(format!(
        "the signature must cover {}; it covers only '{}'",
        missing.join(", "),
        signed.join(" ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(signature: &str, has_body: bool) -> Result<(), String> {
        let mut headers = HeaderMap::new();
        headers.insert("signature", signature.parse().unwrap());
        check_coverage(&headers, has_body).map_err(|e| e.message)
    }

    #[test]
    fn mastodon_and_our_own_coverage_pass() {
        let ours = r#"keyId="https://a.test/actor#main-key",algorithm="hs2019",headers="(request-target) content-type date digest host",signature="AA==""#;
        assert_eq!(check(ours, true), Ok(()));
        let mastodon = r#"keyId="k",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",signature="AA==""#;
        assert_eq!(check(mastodon, true), Ok(()));
        let created =
            r#"keyId="k",headers="(request-target) (created) host digest",signature="AA==""#;
        assert_eq!(check(created, true), Ok(()));
        let get = r#"keyId="k",headers="(request-target) host date",signature="AA==""#;
        assert_eq!(check(get, false), Ok(()));
    }

    #[test]
    fn weak_coverage_is_refused_naming_what_is_missing() {
        let only = |h: &str| format!(r#"keyId="k",headers="{h}",signature="AA==""#);
        let why = check(&only("digest"), true).unwrap_err();
        assert!(
            why.contains("(request-target), host, date"),
            "names each missing header: {why}"
        );
        assert!(check(&only("date digest"), true)
            .unwrap_err()
            .contains("(request-target), host"));
        assert!(check(&only("(request-target) digest"), true)
            .unwrap_err()
            .contains("host, date"));
        assert!(check(&only("(request-target) host date"), true)
            .unwrap_err()
            .contains("digest"));
        // No `headers`: draft-cavage's default is `(created)` alone.
        assert!(check(r#"keyId="k",signature="AA==""#, true).is_err());
        assert!(check_coverage(&HeaderMap::new(), true).is_err());
    }
}
