//! Mastodon's admin API for domain blocks and allows, over the node's
//! federation policy: what blocklist tools that speak it call.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{TestServer, PASSWORD};
use crate::mastodon_oauth::{assert_mastodon_error, register, send, Answer, Body};

/// A token by the password grant for `email`, with `scope`.
async fn token_for(s: &TestServer, email: &str, scope: &str) -> String {
    let app = register(s, "read write admin:read admin:write").await;
    let t = send(
        s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", email),
            ("password", PASSWORD),
            ("scope", scope),
        ]),
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    t.json()["access_token"].as_str().unwrap().to_string()
}

async fn call(
    s: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Answer {
    let body = match body {
        Some(v) => Body::Json(v),
        None => Body::None,
    };
    send(s, method, path, Some(token), body).await
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_block_and_allow_domains_the_way_blocklist_tools_ask() {
    let s = TestServer::start().await;
    let native_admin = s.admin().await;
    s.coop("fiqus").await;
    let admin = token_for(&s, "admin@coops.test", "admin:read admin:write").await;
    let reader = token_for(&s, "admin@coops.test", "admin:read:domain_blocks").await;
    let coop = token_for(&s, "fiqus@coops.test", "admin:read admin:write").await;
    let plain = token_for(&s, "admin@coops.test", "read write").await;
    let blocks = "/api/v1/admin/domain_blocks";

    let a = call(
        &s,
        Method::POST,
        blocks,
        &admin,
        Some(
            json!({"domain": "Spam.Example", "severity": "suspend", "public_comment": "spam",
                    "private_comment": "seen in reports", "reject_media": true}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let block = a.json();
    assert_eq!(block["id"], "spam.example");
    assert_eq!(block["domain"], "spam.example");
    assert_eq!(block["severity"], "suspend");
    assert_eq!(block["public_comment"], "spam");
    assert_eq!(block["digest"].as_str().map(str::len), Some(64));
    // The native API sees the same policy.
    let (_, native) = s.get("/admin/blocks", Some(&native_admin)).await;
    assert_eq!(native["items"][0]["domain"], "spam.example", "{native}");
    assert_eq!(native["items"][0]["severity"], "suspend", "{native}");

    // Listing and reading need only the read scope.
    let list = call(&s, Method::GET, blocks, &reader, None).await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let one = call(
        &s,
        Method::GET,
        &format!("{blocks}/spam.example"),
        &reader,
        None,
    )
    .await;
    assert_eq!(one.json()["severity"], "suspend");
    let a = call(
        &s,
        Method::POST,
        blocks,
        &reader,
        Some(json!({"domain": "x.example"})),
    )
    .await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);

    // Refusals change nothing.
    for body in [
        json!({"domain": "spam.example"}),
        json!({"domain": "other.example", "severity": "noop"}),
        json!({"domain": "other.example", "severity": "mute"}),
        json!({"domain": "not a domain!"}),
        json!({"domain": "coops.test"}),
    ] {
        let a = call(&s, Method::POST, blocks, &admin, Some(body.clone())).await;
        assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    }
    for token in [&coop, &plain] {
        let a = call(&s, Method::GET, blocks, token, None).await;
        assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    }
    let list = call(&s, Method::GET, blocks, &admin, None).await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");

    // Changed to a limit (Mastodon's silence), then lifted.
    let a = call(
        &s,
        Method::PUT,
        &format!("{blocks}/spam.example"),
        &admin,
        Some(json!({"severity": "silence"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["severity"], "silence");
    assert_eq!(a.json()["public_comment"], "spam", "kept");
    let (_, native) = s.get("/admin/blocks", Some(&native_admin)).await;
    assert_eq!(native["items"][0]["severity"], "limit", "{native}");
    let a = call(
        &s,
        Method::DELETE,
        &format!("{blocks}/spam.example"),
        &admin,
        None,
    )
    .await;
    assert_eq!((a.status, a.json()), (StatusCode::OK, json!({})));
    let a = call(
        &s,
        Method::GET,
        &format!("{blocks}/spam.example"),
        &admin,
        None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    let a = call(
        &s,
        Method::DELETE,
        &format!("{blocks}/spam.example"),
        &admin,
        None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);

    // Allows.
    let allows = "/api/v1/admin/domain_allows";
    let a = call(
        &s,
        Method::POST,
        allows,
        &admin,
        Some(json!({"domain": "friends.example"})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["id"], "friends.example");
    let list = call(&s, Method::GET, allows, &admin, None).await.json();
    assert_eq!(list[0]["domain"], "friends.example", "{list}");
    let a = call(
        &s,
        Method::GET,
        &format!("{allows}/friends.example"),
        &admin,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let a = call(
        &s,
        Method::DELETE,
        &format!("{allows}/friends.example"),
        &admin,
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        call(&s, Method::GET, allows, &admin, None).await.json(),
        json!([])
    );
    let (_, actions) = s.get("/admin/actions", Some(&native_admin)).await;
    let recorded: Vec<&str> = actions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert!(
        recorded.contains(&"blocks.add") && recorded.contains(&"allows.remove"),
        "{recorded:?}"
    );
    s.stop().await;
}
