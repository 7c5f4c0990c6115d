//! Coops on different nodes follow each other and receive each other's
//! needs and offers, through nothing but the nodes' public interfaces.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::time::Duration;

use federation_tests::steps::{accounts, follow, publish, titles, wait_for, WAIT};
use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::json;

/// A sender killed mid-send holds its lease (30 s) before another try.
const WAIT_AFTER_KILL: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn follows_are_accepted_and_proposals_reach_every_follower() {
    let nodes = Node::start_all(&[("alpha", 10), ("beta", 11), ("gamma", 12)]).await;
    let (alpha, beta, gamma) = (&nodes[0], &nodes[1], &nodes[2]);
    let (fiqus, cotech, agaric) = tokio::join!(
        alpha.coop("fiqus"),
        beta.coop("cotech"),
        gamma.coop("agaric")
    );
    let fiqus_account = alpha.account("fiqus");

    let requested = follow(beta, &cotech, &fiqus_account).await;
    assert_eq!(requested["state"], "pending");
    assert_eq!(requested["account"], fiqus_account);
    assert_eq!(requested["type"], "Organization");
    follow(gamma, &agaric, &fiqus_account).await;
    // Following again changes nothing.
    let (st, again) = beta
        .post_as(&cotech, "/follows", json!({ "account": fiqus_account }))
        .await;
    assert_eq!(st, StatusCode::OK, "{again}");

    for (node, token) in [(beta, &cotech), (gamma, &agaric)] {
        wait_for(
            node,
            token,
            "/follows",
            "the follow is accepted",
            WAIT,
            |p| accounts(p) == [fiqus_account.clone()],
        )
        .await;
    }
    let (_, followers) = alpha.get_as(&fiqus, "/followers").await;
    assert_eq!(
        accounts(&followers),
        [gamma.account("agaric"), beta.account("cotech")]
    );
    // A profile change reaches followers as Update of the actor.
    let (st, _) = alpha
        .patch_as(
            &fiqus,
            "/coop",
            json!({"display_name": "Fiqus Cooperativa"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    for (node, token) in [(beta, &cotech), (gamma, &agaric)] {
        wait_for(node, token, "/follows", "the new name arrives", WAIT, |p| {
            p["items"][0]["name"] == "Fiqus Cooperativa"
        })
        .await;
    }
    let (_, collection) = alpha
        .send(
            alpha
                .http
                .get(format!("{}/actors/fiqus/followers", alpha.public_url()))
                .header("accept", "application/activity+json"),
        )
        .await;
    assert_eq!(collection["totalItems"], 2);

    // Published, edited, closed: every follower sees each step.
    let id = publish(alpha, &fiqus, "Three servers for a month").await;
    for (node, token) in [(beta, &cotech), (gamma, &agaric)] {
        let page = wait_for(
            node,
            token,
            "/remote-proposals",
            "the proposal arrives",
            WAIT,
            |p| titles(p) == ["Three servers for a month"],
        )
        .await;
        let p = &page["items"][0];
        assert_eq!(p["kind"], "need");
        assert_eq!(p["category"], "technical");
        assert_eq!(p["tags"], json!(["hosting"]));
        assert_eq!(p["quantity"], json!({"value": "3", "unit": "server"}));
        assert_eq!(p["place"], "Rosario, AR");
        assert_eq!(p["coop"]["account"], fiqus_account);
        assert_eq!(p["ap_id"], format!("{}/proposals/{id}", alpha.public_url()));
    }
    let (st, _) = alpha
        .patch_as(
            &fiqus,
            &format!("/proposals/{id}"),
            json!({"title": "Four servers for a month"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    for (node, token) in [(beta, &cotech), (gamma, &agaric)] {
        wait_for(
            node,
            token,
            "/remote-proposals",
            "the edit arrives",
            WAIT,
            |p| titles(p) == ["Four servers for a month"],
        )
        .await;
    }
    let (st, _) = alpha
        .patch_as(
            &fiqus,
            &format!("/proposals/{id}"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    for (node, token) in [(beta, &cotech), (gamma, &agaric)] {
        wait_for(
            node,
            token,
            "/remote-proposals",
            "the closing arrives",
            WAIT,
            |p| titles(p).is_empty(),
        )
        .await;
    }

    // Unfollowing stops delivery.
    let (_, following) = gamma.get_as(&agaric, "/follows").await;
    let remote_id = following["items"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        gamma
            .delete_as(&agaric, &format!("/follows/{remote_id}"))
            .await,
        StatusCode::NO_CONTENT
    );
    wait_for(
        alpha,
        &fiqus,
        "/followers",
        "alpha drops the follower",
        WAIT,
        |p| accounts(p) == [beta.account("cotech")],
    )
    .await;
    publish(alpha, &fiqus, "A designer for two weeks").await;
    wait_for(
        beta,
        &cotech,
        "/remote-proposals",
        "beta still receives",
        WAIT,
        |p| titles(p) == ["A designer for two weeks"],
    )
    .await;
    let (_, on_gamma) = gamma.get_as(&agaric, "/remote-proposals").await;
    assert!(titles(&on_gamma).is_empty(), "{on_gamma}");
    let (_, following) = gamma.get_as(&agaric, "/follows").await;
    assert!(accounts(&following).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coop_that_approves_followers_by_hand_decides() {
    let nodes = Node::start_all(&[("alpha", 13), ("beta", 14), ("gamma", 15)]).await;
    let (alpha, beta, gamma) = (&nodes[0], &nodes[1], &nodes[2]);
    let (fiqus, cotech, agaric) = tokio::join!(
        alpha.coop("fiqus"),
        beta.coop("cotech"),
        gamma.coop("agaric")
    );
    let (st, body) = alpha
        .patch_as(
            &fiqus,
            "/coop",
            json!({"manually_approves_followers": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let fiqus_account = alpha.account("fiqus");
    follow(beta, &cotech, &fiqus_account).await;
    follow(gamma, &agaric, &fiqus_account).await;

    let pending = wait_for(
        alpha,
        &fiqus,
        "/followers?state=pending",
        "both requests wait",
        WAIT,
        |p| accounts(p).len() == 2,
    )
    .await;
    let (_, accepted) = alpha.get_as(&fiqus, "/followers").await;
    assert!(accounts(&accepted).is_empty());
    let id_of = |account: String| {
        pending["items"]
            .as_array()
            .and_then(|items| items.iter().find(|f| f["account"] == account.as_str()))
            .and_then(|f| f["id"].as_str())
            .expect("listed")
            .to_string()
    };
    let (cotech_id, agaric_id) = (
        id_of(beta.account("cotech")),
        id_of(gamma.account("agaric")),
    );

    let (st, approved) = alpha
        .post_as(
            &fiqus,
            &format!("/followers/{cotech_id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{approved}");
    assert_eq!(approved["state"], "accepted");
    let (st, _) = alpha
        .post_as(&fiqus, &format!("/followers/{agaric_id}/reject"), json!({}))
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);

    wait_for(beta, &cotech, "/follows", "beta is accepted", WAIT, |p| {
        accounts(p) == [fiqus_account.clone()]
    })
    .await;
    wait_for(
        gamma,
        &agaric,
        "/follows?state=pending",
        "gamma's request is gone",
        WAIT,
        |p| accounts(p).is_empty(),
    )
    .await;
    let (_, following) = gamma.get_as(&agaric, "/follows").await;
    assert!(accounts(&following).is_empty());

    publish(alpha, &fiqus, "Legal advice on statutes").await;
    wait_for(
        beta,
        &cotech,
        "/remote-proposals",
        "the approved follower receives",
        WAIT,
        |p| titles(p) == ["Legal advice on statutes"],
    )
    .await;
    let (_, on_gamma) = gamma.get_as(&agaric, "/remote-proposals").await;
    assert!(titles(&on_gamma).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follower_that_was_down_gets_everything_when_it_returns() {
    let mut nodes = Node::start_all(&[("alpha", 16), ("beta", 17)]).await;
    let (fiqus, cotech) = tokio::join!(nodes[0].coop("fiqus"), nodes[1].coop("cotech"));
    follow(&nodes[1], &cotech, &nodes[0].account("fiqus")).await;
    wait_for(&nodes[1], &cotech, "/follows", "accepted", WAIT, |p| {
        accounts(p).len() == 1
    })
    .await;

    nodes[1].kill().await;
    let mut expected = Vec::new();
    for i in 0..3 {
        let title = format!("Published while beta was down {i}");
        publish(&nodes[0], &fiqus, &title).await;
        expected.push(title);
    }
    expected.sort();
    let alpha = &nodes[0];
    eventually("alpha tried and failed", WAIT, || async {
        let (ok, out, _) = alpha.cli(&["admin", "deliveries", "pending"], None).await;
        (ok && out.starts_with("3 deliveries waiting, 3 of them after a failed attempt"))
            .then_some(())
    })
    .await;

    nodes[1].restart().await;
    // The operator tells alpha its peer is back instead of waiting for the backoff.
    let (ok, out, err) = nodes[0].cli(&["admin", "deliveries", "retry"], None).await;
    assert!(ok, "{err}");
    assert!(out.starts_with("3 deliveries are due now"), "{out}");
    wait_for(
        &nodes[1],
        &cotech,
        "/remote-proposals",
        "everything arrives",
        WAIT,
        |p| titles(p) == expected,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sender_killed_mid_fan_out_delivers_everything_after_restart() {
    let mut nodes = Node::start_all(&[("alpha", 18), ("beta", 19), ("gamma", 20)]).await;
    let (fiqus, cotech, agaric) = tokio::join!(
        nodes[0].coop("fiqus"),
        nodes[1].coop("cotech"),
        nodes[2].coop("agaric")
    );
    let account = nodes[0].account("fiqus");
    follow(&nodes[1], &cotech, &account).await;
    follow(&nodes[2], &agaric, &account).await;
    wait_for(&nodes[0], &fiqus, "/followers", "both follow", WAIT, |p| {
        accounts(p).len() == 2
    })
    .await;

    let mut expected = Vec::new();
    for i in 0..15 {
        let title = format!("Offer number {i:02}");
        publish(&nodes[0], &fiqus, &title).await;
        expected.push(title);
    }
    expected.sort();
    // No warning: whatever was queued, claimed or in flight is in the database.
    nodes[0].kill().await;
    nodes[0].restart().await;

    for (i, token) in [(1, &cotech), (2, &agaric)] {
        wait_for(
            &nodes[i],
            token,
            "/remote-proposals?limit=100",
            "every proposal arrives once",
            WAIT_AFTER_KILL,
            |p| titles(p) == expected,
        )
        .await;
    }
}
