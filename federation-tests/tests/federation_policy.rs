//! Each node's admins decide whom it federates with: allow-list mode
//! refuses everyone not allowed and stores nothing of them; a suspension
//! removes what came from a domain, refuses what it sends and delivers
//! nothing more to it, and lifting it and following again brings the
//! content back through backfill. The command line changes the policy of
//! a running server.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use federation_tests::steps::{
    directory_titles, follow, follow_node, node_entry, publish, wait_backfilled, wait_for, WAIT,
};
use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A Follow as `node`'s coop `handle` would send it to `target`.
fn follow_from(node: &Node, handle: &str, target: &str) -> Value {
    let actor = format!("{}/users/{handle}", node.public_url());
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#follows/policy-test"),
        "type": "Follow",
        "actor": actor,
        "object": target,
    })
}

async fn queue_drained(node: &Node) {
    eventually("the delivery queue drained", WAIT, || async {
        (node.pending_deliveries().await == 0).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn allowlist_mode_refuses_everyone_not_allowed_and_stores_nothing() {
    let nodes = Node::start_all(&[("alpha", 12), ("beta", 13)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let alpha_admin = alpha.admin().await;
    let (fiqus, cotech) = tokio::join!(alpha.coop("fiqus"), beta.coop("cotech"));
    let fiqus_actor = format!("{}/users/fiqus", alpha.public_url());

    // Set from the command line while alpha runs.
    let (ok, out, err) = alpha.cli(&["admin", "policy", "allowlist"], None).await;
    assert!(ok, "{err}");
    assert!(out.contains("federation mode: allowlist"), "{out}");
    let (st, body) = alpha.get_as(&alpha_admin, "/admin/policy").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["federation_mode"], "allowlist");
    // The running server takes the change (NodeInfo shows the policy in force).
    eventually("the running server is in allowlist mode", WAIT, || async {
        let info: Value = alpha
            .http
            .get(format!("{}/nodeinfo/2.1", alpha.local_url()))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (info["metadata"]["federation"]["mode"] == "allowlist").then_some(())
    })
    .await;
    // An unsigned request learns nothing of the policy: its signature is
    // looked at first.
    let refused = follow_from(beta, "cotech", &fiqus_actor);
    let (st, body) = alpha.post_unsigned_to_inbox(&refused).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_signature", "{body}");

    // A real, signed follow from beta is refused too, and nothing is kept.
    let asked = follow(beta, &cotech, &format!("fiqus@{}", alpha.domain())).await;
    queue_drained(beta).await;
    let (st, body) = alpha.get_as(&fiqus, "/followers?state=pending").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["items"], json!([]), "{body}");
    let (st, body) = alpha.get_as(&fiqus, "/followers").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["items"], json!([]), "{body}");
    // Nor can alpha reach out to beta.
    let (st, body) = alpha
        .post_as(
            &fiqus,
            "/follows",
            json!({"account": format!("cotech@{}", beta.domain())}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "domain_refused");

    // Allowed (through the API this time), beta's follow goes through.
    let (st, _) = alpha
        .post_as(
            &alpha_admin,
            "/admin/allows",
            json!({"domain": beta.host()}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let entry = node_entry(alpha, &alpha_admin, &beta.host()).await;
    assert_eq!(entry.unwrap_or_default()["allowed"], true);
    // beta's first request was answered 403, which senders take as final:
    // its coop withdraws it and asks again.
    let id = asked["id"].as_str().expect("id");
    assert_eq!(
        beta.delete_as(&cotech, &format!("/follows/{id}")).await,
        StatusCode::NO_CONTENT
    );
    follow(beta, &cotech, &format!("fiqus@{}", alpha.domain())).await;
    wait_for(
        alpha,
        &fiqus,
        "/followers",
        "beta's follow accepted",
        WAIT,
        |b| b["items"].as_array().is_some_and(|i| i.len() == 1),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_suspension_removes_refuses_and_stops_delivery_until_lifted() {
    let mut nodes = Node::start_all(&[("alpha", 15), ("beta", 16)]).await;
    let alpha_admin = nodes[0].admin().await;
    let (fiqus, cotech) = tokio::join!(nodes[0].coop("fiqus"), nodes[1].coop("cotech"));
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    publish(beta, &cotech, "Early need on beta").await;
    follow_node(alpha, &alpha_admin, beta).await;
    wait_backfilled(alpha, &alpha_admin, beta).await;
    assert_eq!(directory_titles(alpha, beta).await, ["Early need on beta"]);
    // beta's coop follows alpha's, so alpha has deliveries for beta.
    follow(beta, &cotech, &format!("fiqus@{}", alpha.domain())).await;
    wait_for(
        alpha,
        &fiqus,
        "/followers",
        "beta follows fiqus",
        WAIT,
        |b| b["items"].as_array().is_some_and(|i| i.len() == 1),
    )
    .await;

    // beta goes down; what alpha publishes waits in its queue for beta.
    nodes[1].kill().await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    publish(alpha, &fiqus, "Queued for beta").await;
    eventually("a delivery for beta waiting", WAIT, || async {
        let n = node_entry(alpha, &alpha_admin, &beta.domain())
            .await
            .unwrap_or_default();
        (n["delivery_backlog"].as_i64().unwrap_or(0) > 0).then_some(())
    })
    .await;

    let (st, body) = alpha
        .post_as(
            &alpha_admin,
            "/admin/blocks",
            json!({"domain": beta.host(), "severity": "suspend", "public_comment": "test"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body["removed_actors"].as_u64().unwrap_or(0) >= 2, "{body}");
    assert!(
        body["dropped_deliveries"].as_u64().unwrap_or(0) >= 1,
        "{body}"
    );
    // Gone from the directory, the follower list and the queue at once.
    assert_eq!(directory_titles(alpha, beta).await, Vec::<String>::new());
    let (_, followers) = alpha.get_as(&fiqus, "/followers").await;
    assert_eq!(followers["items"], json!([]), "{followers}");
    let entry = node_entry(alpha, &alpha_admin, &beta.host())
        .await
        .unwrap_or_default();
    assert_eq!(entry["blocked"], "suspend", "{entry}");
    assert_eq!(entry["following"], "none", "{entry}");
    // The followed node's own entry (host and port) went with the purge.
    assert_eq!(node_entry(alpha, &alpha_admin, &beta.domain()).await, None);
    assert_eq!(alpha.pending_deliveries().await, 0);

    // beta comes back and announces a new proposal: refused, nothing stored.
    nodes[1].restart().await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    publish(beta, &cotech, "Sent while suspended").await;
    queue_drained(beta).await;
    assert_eq!(directory_titles(alpha, beta).await, Vec::<String>::new());
    // And alpha sends beta nothing more.
    publish(alpha, &fiqus, "Not for beta").await;
    assert_eq!(alpha.pending_deliveries().await, 0);
    let (_, got) = beta.get_as(&cotech, "/remote-proposals").await;
    assert_eq!(got["items"], json!([]), "{got}");
    // Nor can alpha's admins follow it while it is suspended.
    let (st, body) = alpha
        .post_as(
            &alpha_admin,
            "/admin/nodes",
            json!({"domain": beta.domain()}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");

    // Lifted (from the command line) and followed again: backfill restores it.
    let (ok, _, err) = alpha
        .cli(&["admin", "blocks", "remove", &beta.host()], None)
        .await;
    assert!(ok, "{err}");
    eventually("the running server sees the block lifted", WAIT, || async {
        let (st, _) = alpha
            .post_as(
                &alpha_admin,
                "/admin/nodes",
                json!({"domain": beta.domain()}),
            )
            .await;
        (st == StatusCode::CREATED).then_some(())
    })
    .await;
    eventually(
        "beta's proposals back in alpha's directory",
        WAIT,
        || async {
            let titles = directory_titles(alpha, beta).await;
            (titles == ["Early need on beta", "Sent while suspended"]).then_some(())
        },
    )
    .await;
    let (_, actions) = alpha.get_as(&alpha_admin, "/admin/actions").await;
    let done: Vec<&str> = actions["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert!(
        done.contains(&"blocks.add") && done.contains(&"blocks.remove"),
        "{done:?}"
    );
}
