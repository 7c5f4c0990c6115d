//! Checking the draft-cavage HTTP signatures of requests from other
//! servers: what a signature must cover before we spend an actor fetch on
//! it (the method and path, our host, a time, and the body's digest, as
//! Mastodon requires; a signature over less could be replayed against
//! another inbox, another node or at another time), the `Date` window, and
//! the verification of a signed GET (authorized fetch), and RFC 9421
//! signatures. The inbox leaves draft-cavage verification to
//! activitypub_federation.

use std::time::{Duration, SystemTime};

use activitypub_federation::config::Data;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use url::Url;

use super::fetch::{from_origin, Fetched};
use super::inbox::{read_actor, InboxError};
use super::Context;
use crate::domain::remote::RemoteActor;
use crate::domain::urls::origin_of;
use crate::edges::http::error::HttpError;
use crate::infra::outbound::keys;
use crate::infra::outbound::knocks::Standard;
use crate::infra::outbound::rfc9421::{self, SignatureInput};
use crate::services::remote::RemoteFailure;

/// How far a request's `Date` may be from our clock, either way. The
/// library refuses signatures older than an hour but not future ones.
pub const DATE_WINDOW: Duration = Duration::from_secs(60 * 60);

fn unsigned(message: String) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
}

fn bad_date(message: impl Into<String>) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_date", message)
}

/// The request's time within [`DATE_WINDOW`] of our clock: its `Date`
/// header, or, without one, the signed `(created)` time.
pub fn check_date(headers: &HeaderMap) -> Result<(), HttpError> {
    let date = match headers.get(header::DATE).and_then(|v| v.to_str().ok()) {
        Some(date) => httpdate::parse_http_date(date)
            .map_err(|_| bad_date(format!("'{date}' is not an HTTP date")))?,
        None => signature_value(headers)
            .filter(|v| signed_headers(v).iter().any(|h| h == "(created)"))
            .and_then(|v| param(v, "created"))
            .and_then(|c| c.parse::<u64>().ok())
            .map(|secs| std::time::UNIX_EPOCH + Duration::from_secs(secs))
            .ok_or_else(|| bad_date("a signed Date header (or a signed (created)) is required"))?,
    };
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

/// Whether the request is signed the RFC 9421 way (`Signature-Input`).
pub fn is_rfc9421(headers: &HeaderMap) -> bool {
    headers.contains_key("signature-input")
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Reads an RFC 9421 signature and checks what it covers and when it was
/// made (401 `invalid_signature` naming what is wrong).
pub fn read_rfc9421(headers: &HeaderMap, has_body: bool) -> Result<SignatureInput, HttpError> {
    let input = header_text(headers, "signature-input").unwrap_or_default();
    let signature = header_text(headers, "signature")
        .ok_or_else(|| unsigned("Signature-Input without a Signature header".into()))?;
    let parsed = rfc9421::parse(input, signature).map_err(unsigned)?;
    rfc9421::check_input(&parsed, has_body, chrono::Utc::now().timestamp()).map_err(unsigned)?;
    Ok(parsed)
}

/// Checks an RFC 9421 signature read by [`read_rfc9421`] against a key; with
/// a body, its `Content-Digest` too (401 `invalid_digest`).
pub fn verify_rfc9421(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Option<&[u8]>,
    input: &SignatureInput,
    public_key_pem: &str,
    data: &Data<Context>,
) -> Result<(), HttpError> {
    if let Some(body) = body {
        let digest_ok = header_text(headers, "content-digest")
            .is_some_and(|d| rfc9421::content_digest_matches(d, body));
        if !digest_ok {
            return Err(HttpError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_digest",
                "a Content-Digest header with the body's sha-256 is required",
            ));
        }
    }
    // The URI as the client named it: ours, from our public URL (a client
    // reaches us through it; behind a proxy the Host and scheme we see may
    // be another).
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let target = data
        .urls
        .root()
        .join(target)
        .map_err(|e| unsigned(format!("the request's URI cannot be rebuilt: {e}")))?;
    let lookup = |name: &str| {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    let request = rfc9421::Request {
        method: method.as_str(),
        target: &target,
        header: &lookup,
    };
    rfc9421::verify(&request, input, public_key_pem).map_err(unsigned)
}

/// A host that signed to us the RFC 9421 way verifies it too (Fedify,
/// Mitra): sign to it that way first from now on.
pub fn took_rfc9421(actor: &RemoteActor, data: &Data<Context>) {
    if let Some(host) = Url::parse(&actor.ap_id).ok().as_ref().and_then(origin_of) {
        data.knocks().remember(&host, Standard::Rfc9421);
    }
}

/// The actor a key id names: the document before `#` (Mastodon, us:
/// `…/users/ana#main-key`), or the one above `/main-key` (GoToSocial:
/// `…/users/ana/main-key`). Safe either way: the signature must then verify
/// with that actor's own key, served by the same origin.
fn key_actor(key_id: &str) -> Result<Url, HttpError> {
    let mut actor =
        Url::parse(key_id).map_err(|_| unsigned(format!("keyId '{key_id}' is not a URL")))?;
    if actor.fragment().is_some() {
        actor.set_fragment(None);
    } else if let Some(parent) = actor.path().strip_suffix("/main-key").map(str::to_string) {
        actor.set_path(&parent);
    }
    Ok(actor)
}

/// The actor a key id names (see [`key_actor`]), read or fetched; a host the
/// policy refuses is 403 and its key is never fetched.
async fn key_owner(key_id: &str, data: &Data<Context>) -> Result<RemoteActor, HttpError> {
    let actor_id = key_actor(key_id)?;
    let host = origin_of(&actor_id).unwrap_or_default();
    if let Err(why) = data.policy().check(&host) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "domain_refused",
            why.message(&host),
        ));
    }
    match read_actor(&actor_id, data).await {
        Ok(known) => Ok(known.actor),
        // A key id that is a document of its own (neither `#…` nor
        // `/main-key`): a key whose owner must hold that same key, the
        // rule Mastodon applies.
        Err(InboxError::Remote(RemoteFailure::Invalid(why))) if actor_id.as_str() == key_id => {
            key_document_owner(&actor_id, data)
                .await
                .map_err(|e| unsigned(format!("{why}; as a key document: {e}")))
        }
        Err(e) => Err(key_error(&actor_id, e)),
    }
}

/// The owner of a key served as a document of its own (`{"id", "owner",
/// "publicKeyPem"}`), when the owner, on the same origin, holds that key.
async fn key_document_owner(key_url: &Url, data: &Data<Context>) -> Result<RemoteActor, String> {
    let doc = match from_origin(key_url, data).await {
        Ok(Fetched::Live(doc)) => doc,
        Ok(Fetched::Gone) => return Err("it is gone".into()),
        Err(e) => return Err(e.to_string()),
    };
    let owner = doc
        .get("owner")
        .and_then(serde_json::Value::as_str)
        .and_then(|o| Url::parse(o).ok())
        .filter(|o| crate::domain::urls::same_origin(o, key_url))
        .ok_or("it names no owner on its own origin")?;
    let pem = doc
        .get("publicKeyPem")
        .and_then(serde_json::Value::as_str)
        .ok_or("it holds no publicKeyPem")?;
    let actor = read_actor(&owner, data)
        .await
        .map_err(|e| format!("its owner {owner} cannot be read: {e}"))?
        .actor;
    if actor.public_key_pem.trim() != pem.trim() {
        return Err(format!("its owner {owner} does not hold that key"));
    }
    Ok(actor)
}

/// Why the signing actor could not be read, as an HTTP answer.
pub fn key_error(actor_id: &Url, e: InboxError) -> HttpError {
    match e {
        InboxError::Remote(RemoteFailure::Unreachable(m)) => {
            HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "origin_unreachable", m)
        }
        other => HttpError::new(
            StatusCode::UNAUTHORIZED,
            "unknown_actor",
            format!("cannot read the signing actor {actor_id}: {other}"),
        ),
    }
}

/// Verifies the signature of a request without a body (a GET), draft-cavage
/// or RFC 9421: its time and coverage, the federation policy on the
/// signer's host, then the RSA-SHA256 signature against the key of the
/// actor the key id names. Returns that actor.
pub async fn verify_get(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    data: &Data<Context>,
) -> Result<RemoteActor, HttpError> {
    if is_rfc9421(headers) {
        let input = read_rfc9421(headers, false)?;
        let actor = key_owner(&input.key_id, data).await?;
        verify_rfc9421(
            method,
            uri,
            headers,
            None,
            &input,
            &actor.public_key_pem,
            data,
        )?;
        took_rfc9421(&actor, data);
        return Ok(actor);
    }
    check_date(headers)?;
    check_coverage(headers, false)?;
    let key_id = cavage_key_id(headers)?;
    let actor = key_owner(&key_id, data).await?;
    verify_cavage(method, uri, headers, &actor.public_key_pem)?;
    Ok(actor)
}

/// The `keyId` of a draft-cavage signature.
fn cavage_key_id(headers: &HeaderMap) -> Result<String, HttpError> {
    cavage_unverified(&Method::GET, &Uri::from_static("/"), headers).map(|u| u.key_id().to_string())
}

fn cavage_unverified(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<http_signature_normalization::verify::Unverified, HttpError> {
    let mut map = std::collections::BTreeMap::new();
    for (name, value) in headers {
        if let Ok(value) = value.to_str() {
            map.insert(name.as_str().to_string(), value.to_string());
        }
    }
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    http_signature_normalization::Config::new()
        .set_expiration(DATE_WINDOW)
        .begin_verify(method.as_str(), target, map)
        .map_err(|e| unsigned(format!("the Signature header cannot be read: {e}")))
}

/// Checks a draft-cavage signature (RSA-SHA256, whatever `algorithm` says,
/// as Mastodon does for RSA keys) against a key.
pub fn verify_cavage(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    public_key_pem: &str,
) -> Result<(), HttpError> {
    let unverified = cavage_unverified(method, uri, headers)?;
    let mut outcome = Err("the signature does not verify".to_string());
    unverified.verify(|signature, signing_string| {
        outcome = match base64::engine::general_purpose::STANDARD.decode(signature) {
            Ok(sig) => keys::verify_rsa_sha256(public_key_pem, signing_string.as_bytes(), &sig),
            Err(_) => Err("the signature is not base64".to_string()),
        };
        outcome.is_ok()
    });
    outcome.map_err(|e| {
        if e.starts_with("the key") {
            unsigned(format!("the signer's key cannot be read: {e}"))
        } else {
            unsigned("the signature does not verify with the signer's key".into())
        }
    })
}

/// A `Digest` header with the body's SHA-256 (other algorithms listed
/// beside it are ignored; SHA-256 must be there).
pub fn check_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), HttpError> {
    let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
    let matches = headers
        .get_all("digest")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().split_once('='))
        .any(|(alg, value)| alg.eq_ignore_ascii_case("sha-256") && value == expected);
    if matches {
        Ok(())
    } else {
        Err(HttpError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_digest",
            "a Digest header with the body's SHA-256 is required",
        ))
    }
}

/// The draft-cavage `Signature` (or `Authorization: Signature`) value.
fn signature_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Signature "))
        })
}

/// One `name="value"` (or `name=value`) parameter of a signature value.
fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value
        .split(',')
        .filter_map(|part| part.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
}

/// The `headers` parameter of a signature value, lower-cased; draft-cavage's
/// default when absent is `(created)`.
fn signed_headers(value: &str) -> Vec<String> {
    param(value, "headers")
        .unwrap_or("(created)")
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Refuses (401, naming what is missing) a request whose signature does not
/// cover `(request-target)`, `host`, `date` or `(created)`, and `digest`
/// when there is a body.
pub fn check_coverage(headers: &HeaderMap, has_body: bool) -> Result<(), HttpError> {
    let value = signature_value(headers)
        .ok_or_else(|| unsigned("the request is not signed (no Signature header)".into()))?;
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
    fn without_a_date_header_a_signed_created_time_counts() {
        let with = |signature: String| {
            let mut headers = HeaderMap::new();
            headers.insert("signature", signature.parse().unwrap());
            check_date(&headers)
        };
        let now = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let created = |t: u64, covers: &str| {
            format!(r#"keyId="k",headers="{covers}",created={t},signature="AA==""#)
        };
        assert!(with(created(now, "(request-target) (created) host digest")).is_ok());
        let stale = with(created(
            now - 2 * 3600,
            "(request-target) (created) host digest",
        ));
        assert_eq!(stale.unwrap_err().code, "invalid_date");
        let future = with(created(
            now + 2 * 3600,
            "(request-target) (created) host digest",
        ));
        assert_eq!(future.unwrap_err().code, "invalid_date");
        // `created` given but not signed: it proves nothing.
        assert!(with(created(now, "(request-target) host digest")).is_err());
        assert!(check_date(&HeaderMap::new()).is_err());
    }

    #[test]
    fn key_ids_name_their_actor() {
        let actor = |k: &str| key_actor(k).unwrap().to_string();
        assert_eq!(
            actor("https://m.example/users/ana#main-key"),
            "https://m.example/users/ana"
        );
        assert_eq!(
            actor("https://gts.example/users/ana/main-key"),
            "https://gts.example/users/ana"
        );
        assert_eq!(actor("https://x.example/actor"), "https://x.example/actor");
        assert!(key_actor("not a url").is_err());
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
