//! Arbitrary `Signature` and `Digest` headers on an otherwise correct inbox
//! request: the node never answers 5xx or drops the connection, a refusal
//! is in the error shape, and a refused Follow changes nothing.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::{signed_headers, Remote, Signing};
use crate::common::TestServer;

/// Header-safe text (visible ASCII and spaces), as a sender could put there.
fn header_text() -> impl Strategy<Value = String> {
    "[ -~]{0,300}"
}

/// Signature parameters in the right syntax with odd values.
fn signature_like() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("https://elsewhere.example/users/x#main-key".to_string()),
            "[ -~&&[^\"]]{0,60}",
        ],
        prop_oneof![
            Just("rsa-sha256"),
            Just("hs2019"),
            Just("rsa-sha512"),
            Just("ed25519"),
            Just("")
        ],
        prop::collection::vec(
            prop_oneof![
                Just("(request-target)"),
                Just("host"),
                Just("date"),
                Just("digest"),
                Just("content-type"),
                Just("(created)"),
                Just("x-unknown"),
            ],
            0..6,
        ),
        "[A-Za-z0-9+/=]{0,400}",
    )
        .prop_map(|(key_id, algorithm, headers, signature)| {
            format!(
                "keyId=\"{key_id}\",algorithm=\"{algorithm}\",headers=\"{}\",signature=\"{signature}\"",
                headers.join(" ")
            )
        })
}

#[derive(Debug, Clone)]
enum Spoil {
    Signature(String),
    Digest(String),
    Both(String, String),
}

fn spoil() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        header_text().prop_map(Spoil::Signature),
        signature_like().prop_map(Spoil::Signature),
        header_text().prop_map(Spoil::Digest),
        "SHA-256=[A-Za-z0-9+/=]{0,60}".prop_map(Spoil::Digest),
        (signature_like(), header_text()).prop_map(|(s, d)| Spoil::Both(s, d)),
    ]
}

#[test]
fn arbitrary_signature_and_digest_headers_never_break_the_inbox() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (s, remote, token) = runtime.block_on(async {
        let s = TestServer::start().await;
        let token = s.coop("fiqus").await;
        let remote = Remote::start(&["ana"]).await;
        (s, remote, token)
    });
    let url = format!("{}/actors/fiqus/inbox", s.origin());
    let counter = std::sync::atomic::AtomicU32::new(0);
    let mut runner = TestRunner::new(Config::with_cases(64));
    let result = runner.run(&spoil(), |spoiled| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/{n}", remote.actor("ana")),
            "type": "Follow", "actor": remote.actor("ana"),
            "object": "https://coops.test/actors/fiqus"
        });
        let body = follow.to_string().into_bytes();
        let signing = Signing::as_person(&remote, "ana", remote.person("ana"));
        let mut headers = signed_headers(&url, &body, &signing);
        let correct = headers.clone();
        for (name, value) in headers.iter_mut() {
            match (&spoiled, *name) {
                (Spoil::Signature(v) | Spoil::Both(v, _), "signature") => *value = v.clone(),
                (Spoil::Digest(v) | Spoil::Both(_, v), "digest") => *value = v.clone(),
                _ => {}
            }
        }
        prop_assume!(headers != correct);
        let (status, answer) = runtime.block_on(async {
            let mut req = s.http.post(&url).body(body.clone());
            for (name, value) in &headers {
                req = req.header(*name, value.as_str());
            }
            let resp = req
                .send()
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let status = resp.status();
            let answer: Value = resp.json().await.unwrap_or(Value::Null);
            Ok::<_, TestCaseError>((status, answer))
        })?;
        prop_assert!(
            matches!(
                status,
                StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ),
            "{status} {answer} for {spoiled:?}"
        );
        prop_assert!(
            answer["error"].is_string() && answer["message"].is_string(),
            "{answer}"
        );
        Ok(())
    });
    runtime.block_on(async {
        // Nothing refused was applied.
        let (_, page) = s.get("/followers?state=accepted", Some(&token)).await;
        assert_eq!(page["items"], json!([]), "{page}");
        let (_, pending) = s.get("/followers?state=pending", Some(&token)).await;
        assert_eq!(pending["items"], json!([]), "{pending}");
        assert!(remote.received().is_empty(), "no Accept was sent");
        // The same request, unspoiled, is accepted: the refusals above were
        // the headers' doing.
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/control", remote.actor("ana")),
            "type": "Follow", "actor": remote.actor("ana"),
            "object": "https://coops.test/actors/fiqus"
        });
        let (st, b) =
            crate::inbox::send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &follow).await;
        assert_eq!(st, StatusCode::ACCEPTED, "{b}");
        let (_, page) = s.get("/followers?state=accepted", Some(&token)).await;
        assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "{page}");
        s.stop().await;
    });
    drop(remote);
    if let Err(e) = result {
        panic!("{e}");
    }
}
