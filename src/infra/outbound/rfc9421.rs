//! HTTP Message Signatures (RFC 9421) as the fediverse uses them (Mastodon
//! 4.5, Fedify, Mitra): one signature, `rsa-v1_5-sha256`, a `created`
//! time, covering `@method`, `@target-uri` and, with a body,
//! `content-digest` (RFC 9530). Plain values in and out: the HTTP edges
//! read the headers and the keys.

use base64::Engine as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use sfv::{BareItem, Dictionary, InnerList, Item, Key, ListEntry, ListSerializer, Parser};
use sha2::{Digest, Sha256};
use url::Url;

/// The only algorithm we sign and verify with (RSA keys, as everyone has).
pub const ALG: &str = "rsa-v1_5-sha256";

/// How long a signature is good for after its `created`, and how far in
/// the future `created` may be: the same hour as draft-cavage dates.
pub const WINDOW_SECS: i64 = 60 * 60;

/// What an RFC 9421 signature says about itself.
#[derive(Debug, Clone)]
pub struct SignatureInput {
    pub label: String,
    /// Component identifiers, lower-cased (`@method`, `content-digest`).
    pub components: Vec<String>,
    pub key_id: String,
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub alg: Option<String>,
    /// The inner list as serialized, the last line of the signature base.
    params: String,
    signature: Vec<u8>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `sha-256=:…:`, the `Content-Digest` of `body`.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", b64(&Sha256::digest(body)))
}

/// Whether a `Content-Digest` header carries the SHA-256 of `body` (other
/// algorithms listed beside it are ignored; SHA-256 must be there).
pub fn content_digest_matches(header: &str, body: &[u8]) -> bool {
    let Ok(dict) = Parser::new(header).parse::<Dictionary>() else {
        return false;
    };
    let expected = Sha256::digest(body);
    match dict.get("sha-256") {
        Some(ListEntry::Item(item)) => {
            item.bare_item.as_byte_sequence() == Some(expected.as_slice())
        }
        _ => false,
    }
}

/// Reads the first signature of `Signature-Input` and its bytes from
/// `Signature`.
pub fn parse(signature_input: &str, signature: &str) -> Result<SignatureInput, String> {
    let inputs: Dictionary = Parser::new(signature_input)
        .parse()
        .map_err(|e| format!("Signature-Input is not a structured dictionary: {e}"))?;
    let (label, entry) = inputs.iter().next().ok_or("Signature-Input is empty")?;
    let ListEntry::InnerList(list) = entry else {
        return Err(format!("Signature-Input {label} is not an inner list"));
    };
    let signatures: Dictionary = Parser::new(signature)
        .parse()
        .map_err(|e| format!("Signature is not a structured dictionary: {e}"))?;
    let bytes = match signatures.get(label.as_str()) {
        Some(ListEntry::Item(item)) => item
            .bare_item
            .as_byte_sequence()
            .ok_or_else(|| format!("Signature {label} is not a byte sequence"))?
            .to_vec(),
        _ => return Err(format!("no Signature labelled {label}")),
    };
    let mut components = Vec::new();
    for item in &list.items {
        if !item.params.is_empty() {
            return Err("component parameters (;sf, ;key, ;req) are not supported".into());
        }
        let name = item
            .bare_item
            .as_string()
            .ok_or("a component identifier is not a string")?;
        components.push(name.as_str().to_ascii_lowercase());
    }
    let param = |name: &str| list.params.get(name);
    let text = |name: &str| {
        param(name)
            .and_then(|v| v.as_string())
            .map(|s| s.as_str().to_string())
    };
    let int = |name: &str| param(name).and_then(|v| v.as_integer()).map(i64::from);
    let mut ser = ListSerializer::new();
    ser.members([entry]);
    Ok(SignatureInput {
        label: label.as_str().to_string(),
        components,
        key_id: text("keyid").ok_or("the signature has no keyid")?,
        created: int("created"),
        expires: int("expires"),
        alg: text("alg"),
        params: ser.finish().unwrap_or_default(),
        signature: bytes,
    })
}

/// The request as signature bases see it.
pub struct Request<'a> {
    pub method: &'a str,
    /// The full URI asked for, as the client named it.
    pub target: &'a Url,
    /// A header's value by lower-case name (several joined with ", ").
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

fn component(request: &Request<'_>, name: &str) -> Result<String, String> {
    let url = request.target;
    let authority = || match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    Ok(match name {
        "@method" => request.method.to_ascii_uppercase(),
        "@target-uri" => url.to_string(),
        "@authority" => authority().to_ascii_lowercase(),
        "@scheme" => url.scheme().to_string(),
        "@path" => url.path().to_string(),
        "@query" => format!("?{}", url.query().unwrap_or("")),
        "@request-target" => match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        },
        derived if derived.starts_with('@') => {
            return Err(format!("component {derived} is not supported"))
        }
        header => (request.header)(header)
            .map(|v| v.trim().to_string())
            .ok_or_else(|| format!("{header} is signed but not sent"))?,
    })
}

/// The signature base (RFC 9421 section 2.5).
fn base(request: &Request<'_>, components: &[String], params: &str) -> Result<String, String> {
    let mut lines = Vec::with_capacity(components.len() + 1);
    for name in components {
        lines.push(format!("\"{name}\": {}", component(request, name)?));
    }
    lines.push(format!("\"@signature-params\": {params}"));
    Ok(lines.join("\n"))
}

/// What a received signature must cover, and when it may be: `@method`,
/// the target (`@target-uri`, or `@authority` with `@path` or
/// `@request-target`), `content-digest` with a body, and a `created` within
/// [`WINDOW_SECS`] of `now`.
pub fn check_input(input: &SignatureInput, has_body: bool, now: i64) -> Result<(), String> {
    let has = |c: &str| input.components.iter().any(|x| x == c);
    let mut missing = Vec::new();
    if !has("@method") {
        missing.push("@method");
    }
    let target =
        has("@target-uri") || (has("@authority") && (has("@path") || has("@request-target")));
    if !target {
        missing.push("@target-uri");
    }
    if has_body && !has("content-digest") {
        missing.push("content-digest");
    }
    if !missing.is_empty() {
        return Err(format!("the signature must cover {}", missing.join(", ")));
    }
    if let Some(alg) = &input.alg {
        if alg != ALG {
            return Err(format!("algorithm {alg} is not supported; use {ALG}"));
        }
    }
    let created = input.created.ok_or("the signature has no created time")?;
    if created > now + WINDOW_SECS || created < now - WINDOW_SECS {
        return Err("the signature's created time is more than an hour from now".into());
    }
    if input.expires.is_some_and(|e| e < now) {
        return Err("the signature has expired".into());
    }
    Ok(())
}

/// Checks the signature against an RSA public key in PEM.
pub fn verify(
    request: &Request<'_>,
    input: &SignatureInput,
    public_key_pem: &str,
) -> Result<(), String> {
    let base = base(request, &input.components, &input.params)?;
    super::keys::verify_rsa_sha256(public_key_pem, base.as_bytes(), &input.signature)
}

/// Signs a request: the `Signature-Input` and `Signature` values, over
/// `@method`, `@target-uri`, and `content-digest` when `has_body` (the
/// caller sends the header [`content_digest`] gives).
pub fn sign(
    request: &Request<'_>,
    has_body: bool,
    key_id: &str,
    private_key_pem: &str,
    created: i64,
) -> Result<(String, String), String> {
    let mut names = vec!["@method", "@target-uri"];
    if has_body {
        names.push("content-digest");
    }
    let string = |s: &str| {
        sfv::String::from_string(s.to_string())
            .map(BareItem::String)
            .map_err(|(e, _)| format!("'{s}' cannot be a structured string: {e}"))
    };
    let mut list = InnerList::new(
        names
            .iter()
            .map(|n| string(n).map(Item::new))
            .collect::<Result<_, _>>()?,
    );
    let key = |k: &str| Key::from_string(k.to_string()).map_err(|(e, _)| e.to_string());
    list.params.insert(
        key("created")?,
        BareItem::Integer(created.try_into().map_err(|_| "created is out of range")?),
    );
    list.params.insert(key("keyid")?, string(key_id)?);
    list.params.insert(key("alg")?, string(ALG)?);
    let entry = ListEntry::InnerList(list);
    let mut ser = ListSerializer::new();
    ser.members([&entry]);
    let params = ser.finish().unwrap_or_default();
    let components: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let base = base(request, &components, &params)?;
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(private_key_pem)
        .map_err(|e| format!("the private key cannot be read: {e}"))?;
    let signature = SigningKey::<Sha256>::new(private).sign(base.as_bytes());
    Ok((
        format!("sig1={params}"),
        format!("sig1=:{}:", b64(&signature.to_bytes())),
    ))
}

/// Signs an outgoing request the RFC 9421 way: adds `Content-Digest` when
/// it has a body, then `Signature-Input` and `Signature`.
pub fn sign_request(
    request: &mut reqwest::Request,
    key_id: &str,
    private_key_pem: &str,
) -> Result<(), String> {
    let body = request
        .body()
        .and_then(|b| b.as_bytes())
        .map(<[u8]>::to_vec);
    if let Some(body) = &body {
        let digest = content_digest(body)
            .parse()
            .map_err(|_| "the digest is not a header value".to_string())?;
        request.headers_mut().insert("content-digest", digest);
    }
    let method = request.method().as_str().to_string();
    let url = request.url().clone();
    let headers = request.headers().clone();
    let lookup = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (input, signature) = sign(
        &Request {
            method: &method,
            target: &url,
            header: &lookup,
        },
        body.is_some(),
        key_id,
        private_key_pem,
        chrono::Utc::now().timestamp(),
    )?;
    for (name, value) in [("signature-input", input), ("signature", signature)] {
        let value = value
            .parse()
            .map_err(|_| format!("{name} is not a header value"))?;
        request.headers_mut().insert(name, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (String, String) {
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        (
            private
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .unwrap(),
            private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        )
    }

    fn headers(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn what_we_sign_verifies_and_tampering_does_not() {
        let (public, private) = keys();
        let url = Url::parse("https://b.example/users/ana/inbox").unwrap();
        let body = br#"{"type":"Follow"}"#;
        let digest = content_digest(body);
        let h = headers(&[("content-digest", &digest)]);
        let request = Request {
            method: "POST",
            target: &url,
            header: &h,
        };
        let now = 1_760_000_000;
        let (input, signature) = sign(
            &request,
            true,
            "https://a.example/actor#main-key",
            &private,
            now,
        )
        .unwrap();
        assert_eq!(
            input,
            format!(
                "sig1=(\"@method\" \"@target-uri\" \"content-digest\");created={now};keyid=\"https://a.example/actor#main-key\";alg=\"rsa-v1_5-sha256\""
            )
        );
        let parsed = parse(&input, &signature).unwrap();
        assert_eq!(parsed.key_id, "https://a.example/actor#main-key");
        check_input(&parsed, true, now + 10).unwrap();
        verify(&request, &parsed, &public).unwrap();
        assert!(content_digest_matches(&digest, body));
        assert!(!content_digest_matches(&digest, b"{}"));

        // Another method, another URI, another key: refused.
        let other = Url::parse("https://b.example/inbox").unwrap();
        for (method, target) in [("PUT", &url), ("POST", &other)] {
            let changed = Request {
                method,
                target,
                header: &h,
            };
            assert!(verify(&changed, &parsed, &public).is_err());
        }
        let (someone_else, _) = keys();
        assert!(verify(&request, &parsed, &someone_else).is_err());
        // Too old, or too weak.
        assert!(check_input(&parsed, true, now + 2 * WINDOW_SECS).is_err());
        let mut weak = parsed.clone();
        weak.components.retain(|c| c != "content-digest");
        let why = check_input(&weak, true, now).unwrap_err();
        assert!(why.contains("content-digest"), "{why}");
    }

    #[test]
    fn a_base_is_built_as_rfc_9421_shows() {
        // RFC 9421 B.2.1 shape: components, then the serialized params.
        let url = Url::parse("https://example.com/foo?param=Value&Pet=dog").unwrap();
        let h = headers(&[("date", "Tue, 20 Apr 2021 02:07:55 GMT")]);
        let request = Request {
            method: "post",
            target: &url,
            header: &h,
        };
        let input = parse(
            r#"sig-b21=("@method" "@authority" "@path" "@query" "date");created=1618884473;keyid="test-key-rsa-pss""#,
            "sig-b21=:AAAA:",
        )
        .unwrap();
        assert_eq!(
            base(&request, &input.components, &input.params).unwrap(),
            "\"@method\": POST\n\"@authority\": example.com\n\"@path\": /foo\n\
             \"@query\": ?param=Value&Pet=dog\n\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\
             \"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" \"date\");created=1618884473;keyid=\"test-key-rsa-pss\""
        );
    }
}
