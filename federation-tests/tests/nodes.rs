//! Several independent nodes on one machine: each has its own database,
//! identity and governance; what one node stores survives a hard kill.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::Duration;

use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn three_nodes_run_side_by_side_with_their_own_data() {
    let (alpha, beta, gamma) = tokio::join!(
        Node::start("alpha", 2),
        Node::start("beta", 3),
        Node::start("gamma", 4)
    );

    // The same handle on two nodes is two different coops.
    let a = alpha.coop("fiqus").await;
    let b = beta.coop("fiqus").await;
    let (_, ca) = alpha.get("/coops/fiqus").await;
    let (_, cb) = beta.get("/coops/fiqus").await;
    assert_eq!(ca["address"], format!("@fiqus@alpha.test:{}", alpha.port));
    assert_eq!(cb["address"], format!("@fiqus@beta.test:{}", beta.port));

    let (st, _) = alpha
        .send(
            alpha
                .http
                .post(alpha.api("/proposals"))
                .bearer_auth(&a)
                .json(&json!({
                    "kind": "need", "category": "technical", "title": "Hosting on alpha"
                })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, on_beta) = beta.get("/proposals").await;
    assert_eq!(
        on_beta["items"].as_array().unwrap().len(),
        0,
        "nothing federates yet"
    );

    // A token from one node means nothing on another.
    let (st, _) = beta
        .send(beta.http.get(beta.api("/coop")).bearer_auth(&a))
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = beta
        .send(beta.http.get(beta.api("/coop")).bearer_auth(&b))
        .await;
    assert_eq!(st, StatusCode::OK);

    let (st, _) = gamma.get("/coops/fiqus").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn accepted_writes_survive_a_hard_kill() {
    let mut alpha = Node::start("alpha", 5).await;
    let token = alpha.coop("cotech").await;
    let mut ids = Vec::new();
    for i in 0..20 {
        let (st, body) = alpha
            .send(
                alpha
                    .http
                    .post(alpha.api("/proposals"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "kind": "offer", "category": "knowledge", "title": format!("Workshop {i}")
                    })),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    alpha.kill().await;
    alpha.restart().await;
    let listed = eventually(
        "proposals listed after restart",
        Duration::from_secs(30),
        || {
            let alpha = &alpha;
            async move {
                let (st, body) = alpha.get("/proposals?limit=100").await;
                (st == StatusCode::OK).then_some(body)
            }
        },
    )
    .await;
    let mut found: Vec<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    ids.sort();
    assert_eq!(found, ids, "every acknowledged write is still there");
    // The token issued before the kill still works.
    let (st, _) = alpha
        .send(alpha.http.get(alpha.api("/coop")).bearer_auth(&token))
        .await;
    assert_eq!(st, StatusCode::OK);
}
