//! What a draft-cavage signature must cover before we spend an actor fetch
//! on checking it: the method and path, our host, a time, and the body's
//! digest, as Mastodon requires. A signature over less could be replayed
//! against another inbox, another node or at another time.

use axum::http::{HeaderMap, StatusCode};

use crate::edges::http::error::HttpError;

fn unsigned(message: String) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
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
