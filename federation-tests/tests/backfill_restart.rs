//! A follower killed in the middle of a backfill resumes where it stopped
//! after a restart (once the lease the killed process held, 30 s, runs
//! out), and completes without reading a page twice.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::{Duration, Instant};

use federation_tests::steps::{node_entry, WAIT};
use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::json;

/// 12 directory pages of proposals (50 a page) after the coops' page.
const PROPOSALS: usize = 600;

#[tokio::test(flavor = "multi_thread")]
async fn a_follower_restarted_mid_backfill_resumes_and_completes() {
    let mut nodes = Node::start_all(&[("alpha", 2), ("beta", 3)]).await;
    let (alpha_admin, cotech) = tokio::join!(nodes[0].admin(), nodes[1].coop("cotech"));
    for i in 0..PROPOSALS {
        let (st, body) = nodes[1]
            .post_as(
                &cotech,
                "/proposals",
                json!({"kind": "offer", "category": "knowledge", "title": format!("Offer {i}")}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
    }
    let beta_domain = nodes[1].domain();
    let (st, body) = nodes[0]
        .post_as(&alpha_admin, "/admin/nodes", json!({"domain": beta_domain}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");

    // As soon as a page has been read, freeze beta so the backfill stops
    // half-way, then kill alpha outright. A tight, bounded poll: the
    // backfill of a few pages takes about a second.
    let started = Instant::now();
    let read = loop {
        let entry = node_entry(&nodes[0], &alpha_admin, &beta_domain).await;
        let items = entry
            .as_ref()
            .and_then(|e| e["backfill"]["items"].as_i64())
            .unwrap_or(0);
        if items > 0 {
            nodes[1].pause();
            break entry.expect("entry");
        }
        assert!(started.elapsed() < WAIT, "the backfill never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(read["backfill"]["state"], "running", "{read}");
    nodes[0].kill().await;
    nodes[1].resume();
    nodes[0].restart().await;

    let done = eventually("the backfill completed after the restart", WAIT, || async {
        node_entry(&nodes[0], &alpha_admin, &beta_domain)
            .await
            .filter(|n| n["backfill"]["state"] == "done")
    })
    .await;
    // One coop and every proposal, each counted once: it resumed from the
    // saved page rather than starting over.
    assert_eq!(done["backfill"]["items"], PROPOSALS as i64 + 1, "{done}");
    // All 600 are listed: the oldest is the 600th, newest first, and a page
    // that deep is counted to its end, so the count is exact.
    let (_, last) = nodes[0]
        .get(&format!(
            "/directory/proposals?node={beta_domain}&offset=599&limit=5"
        ))
        .await;
    assert_eq!(
        federation_tests::steps::titles(&last),
        ["Offer 0"],
        "{last}"
    );
    assert_eq!(
        (&last["total"], &last["total_exact"]),
        (&json!(600), &json!(true)),
        "{last}"
    );
}
