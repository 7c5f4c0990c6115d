//! Steps the multi-node tests share: follow, publish, wait for a page to
//! show something, and read names out of API pages.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::{eventually, Node};

/// How long a step across processes may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// The sorted `title`s of an API page of proposals.
pub fn titles(page: &Value) -> Vec<String> {
    let mut t: Vec<String> = page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|p| p["title"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    t.sort();
    t
}

/// The sorted `account`s of an API page of follows.
pub fn accounts(page: &Value) -> Vec<String> {
    let mut a: Vec<String> = page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|f| f["account"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    a.sort();
    a
}

/// Waits until `path` (as `token` on `node`) satisfies `ok`; returns the body.
pub async fn wait_for(
    node: &Node,
    token: &str,
    path: &str,
    what: &str,
    limit: Duration,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    eventually(what, limit, || async {
        let (st, body) = node.get_as(token, path).await;
        (st == StatusCode::OK && ok(&body)).then_some(body)
    })
    .await
}

/// `POST /follows`, expecting a new relation.
pub async fn follow(node: &Node, token: &str, account: &str) -> Value {
    let (st, body) = node
        .post_as(token, "/follows", json!({ "account": account }))
        .await;
    assert_eq!(st, StatusCode::CREATED, "follow {account}: {body}");
    body
}

/// Publishes a need; returns its id.
pub async fn publish(node: &Node, token: &str, title: &str) -> String {
    let (st, body) = node
        .post_as(
            token,
            "/proposals",
            json!({"kind": "need", "category": "technical", "title": title, "tags": ["hosting"],
                   "quantity": {"value": "3", "unit": "server"}, "place": "Rosario, AR"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("id").to_string()
}

/// The sorted titles in `node`'s directory that come from `from`.
pub async fn directory_titles(node: &Node, from: &Node) -> Vec<String> {
    let (st, body) = node
        .get(&format!(
            "/directory/proposals?node={}&limit=100",
            from.domain()
        ))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    titles(&body)
}

/// `domain`'s entry in `node`'s list of known nodes (`/admin/nodes`).
pub async fn node_entry(node: &Node, admin: &str, domain: &str) -> Option<Value> {
    let (st, body) = node.get_as(admin, "/admin/nodes").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|n| n["domain"] == domain)
        .cloned()
}

/// An admin of `node` follows `other` (201, pending until `other` accepts).
pub async fn follow_node(node: &Node, admin: &str, other: &Node) {
    let (st, body) = node
        .post_as(admin, "/admin/nodes", json!({"domain": other.domain()}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["following"], "pending");
}

/// `other`'s entry on `node` once the follow is accepted and the backfill done.
pub async fn wait_backfilled(node: &Node, admin: &str, other: &Node) -> Value {
    eventually(
        "the follow accepted and the backfill done",
        WAIT,
        || async {
            node_entry(node, admin, &other.domain())
                .await
                .filter(|n| n["following"] == "accepted" && n["backfill"]["state"] == "done")
        },
    )
    .await
}
