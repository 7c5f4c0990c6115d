//! Two nodes in authorized-fetch mode federate as usual: every document one
//! reads from the other (actors, directory pages) is a signed GET the other
//! verifies, and keys come from the node actor, which stays open.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use federation_tests::steps::{
    directory_titles, follow, follow_node, publish, wait_backfilled, wait_for, WAIT,
};
use federation_tests::{Node, Spec};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread")]
async fn nodes_in_authorized_fetch_mode_follow_each_other_and_backfill() {
    let strict = |name: &str, octet: u8| Spec::new(name, octet).setting("authorized_fetch", "true");
    let nodes = Node::start_specs(vec![strict("alpha", 60), strict("beta", 61)], &[]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let alpha_admin = alpha.admin().await;
    let (fiqus, cotech) = tokio::join!(alpha.coop("fiqus"), beta.coop("cotech"));
    publish(beta, &cotech, "Need on beta").await;

    // Unsigned, beta's documents are refused.
    let unsigned = beta
        .http
        .get(format!("{}/actors/cotech/outbox", beta.local_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);

    // A coop follows a coop: alpha reads cotech's actor with a signed GET.
    follow(alpha, &fiqus, &beta.account("cotech")).await;
    wait_for(alpha, &fiqus, "/follows", "cotech accepts", WAIT, |p| {
        p["items"][0]["state"] == "accepted"
    })
    .await;

    // A node follows a node: the backfill reads beta's directory, signed.
    follow_node(alpha, &alpha_admin, beta).await;
    let entry = wait_backfilled(alpha, &alpha_admin, beta).await;
    assert!(
        entry["backfill"]["pages"].as_i64().unwrap_or(0) >= 1,
        "{entry}"
    );
    assert_eq!(directory_titles(alpha, beta).await, ["Need on beta"]);
}
