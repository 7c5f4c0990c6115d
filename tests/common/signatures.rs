//! An independent draft-cavage HTTP signature verifier (the `rsa` crate,
//! not the federation library), with the rules of Mastodon's secure mode:
//! the signature must cover `(request-target)`, `host` and `date`, and
//! `digest` when there is a body, whose value must match it.

use axum::http::HeaderMap;
use base64::Engine as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};

/// The parameters of a `Signature` header.
#[derive(Debug, Clone)]
pub struct SignatureParams {
    pub key_id: String,
    pub algorithm: Option<String>,
    /// The signed headers, in order (draft-cavage's default is `(created)`).
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    pub created: Option<String>,
    pub expires: Option<String>,
}

pub fn parse(header: &str) -> Result<SignatureParams, String> {
    let mut params = std::collections::HashMap::new();
    for part in header.split(',') {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("'{part}' is not key=value"))?;
        params.insert(k.trim().to_string(), v.trim().trim_matches('"').to_string());
    }
    let key_id = params.remove("keyId").ok_or("no keyId")?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(params.remove("signature").ok_or("no signature")?)
        .map_err(|e| format!("signature is not base64: {e}"))?;
    Ok(SignatureParams {
        key_id,
        algorithm: params.remove("algorithm"),
        headers: params
            .remove("headers")
            .unwrap_or_else(|| "(created)".into())
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect(),
        signature,
        created: params.remove("created"),
        expires: params.remove("expires"),
    })
}

/// What Mastodon's secure mode and GoToSocial insist on being signed.
pub fn strict_coverage(p: &SignatureParams, has_body: bool) -> Result<(), String> {
    let mut needed = vec!["(request-target)", "host", "date"];
    if has_body {
        needed.push("digest");
    }
    let missing: Vec<&str> = needed
        .into_iter()
        .filter(|h| !p.headers.iter().any(|s| s == h))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("signature does not cover {}", missing.join(", ")))
    }
}

/// Rebuilds the signing string of a request and checks it against the key.
pub fn verify(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    p: &SignatureParams,
    public_key_pem: &str,
) -> Result<(), String> {
    let mut lines = Vec::new();
    for name in &p.headers {
        let value = match name.as_str() {
            "(request-target)" => format!("{} {path_and_query}", method.to_ascii_lowercase()),
            "(created)" => p.created.clone().ok_or("(created) signed but absent")?,
            "(expires)" => p.expires.clone().ok_or("(expires) signed but absent")?,
            header => headers
                .get(header)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| format!("{header} signed but not sent"))?
                .to_string(),
        };
        lines.push(format!("{name}: {value}"));
    }
    let key = rsa::RsaPublicKey::from_public_key_pem(public_key_pem)
        .map_err(|e| format!("bad public key: {e}"))?;
    let signature = Signature::try_from(p.signature.as_slice()).map_err(|e| e.to_string())?;
    VerifyingKey::<Sha256>::new(key)
        .verify(lines.join("\n").as_bytes(), &signature)
        .map_err(|_| "signature does not verify".to_string())
}

/// The `Digest` header equals the body's SHA-256.
pub fn digest_matches(headers: &HeaderMap, body: &[u8]) -> bool {
    let expected = format!(
        "SHA-256={}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))
    );
    headers.get("digest").and_then(|v| v.to_str().ok()) == Some(expected.as_str())
}

/// The `Date` header is within 12 hours of now (Mastodon's window).
pub fn date_is_recent(headers: &HeaderMap) -> bool {
    let Some(date) = headers
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(|d| httpdate::parse_http_date(d).ok())
    else {
        return false;
    };
    let now = std::time::SystemTime::now();
    let skew = now
        .duration_since(date)
        .or_else(|_| date.duration_since(now))
        .unwrap_or_default();
    skew < std::time::Duration::from_secs(12 * 3600)
}
