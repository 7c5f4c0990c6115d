//! Nodes follow nodes: a node's coops and open proposals, those from
//! before the follow included, reach the follower's directory and follow
//! every change; unfollowing stops it; each node's admins decide.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use federation_tests::steps::{
    directory_titles, follow_node, node_entry, publish, wait_backfilled, WAIT,
};
use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::json;

async fn wait_titles(node: &Node, from: &Node, what: &str, ok: impl Fn(&[String]) -> bool) {
    eventually(what, WAIT, || async {
        let t = directory_titles(node, from).await;
        ok(&t).then_some(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_followed_node_backfills_and_keeps_the_follower_up_to_date() {
    let nodes = Node::start_all(&[("alpha", 2), ("beta", 3), ("gamma", 4)]).await;
    let (alpha, beta, gamma) = (&nodes[0], &nodes[1], &nodes[2]);
    let (alpha_admin, beta_admin, gamma_admin) =
        tokio::join!(alpha.admin(), beta.admin(), gamma.admin());
    // "quiet" publishes nothing; it must still reach alpha's directory.
    let (cotech, _quiet, fiqus) =
        tokio::join!(beta.coop("cotech"), beta.coop("quiet"), alpha.coop("fiqus"));
    // Profile facts the directory filters on travel with the actor.
    let (st, body) = beta
        .patch_as(
            &cotech,
            "/coop",
            json!({"country": "gb", "languages": ["en-GB", "cy"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // Published before any follow: only a backfill can bring it.
    let early = publish(beta, &cotech, "Early need on beta").await;
    publish(alpha, &fiqus, "Need on alpha").await;

    // Non-admins may not run the node.
    let (st, _) = alpha
        .post_as(&fiqus, "/admin/nodes", json!({"domain": beta.domain()}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    follow_node(alpha, &alpha_admin, beta).await;
    let entry = wait_backfilled(alpha, &alpha_admin, beta).await;
    assert!(
        entry["backfill"]["items"].as_i64().unwrap_or(0) >= 3,
        "{entry}"
    );
    assert_eq!(directory_titles(alpha, beta).await, ["Early need on beta"]);
    let (_, coops) = alpha
        .get(&format!("/directory/coops?node={}", beta.domain()))
        .await;
    assert_eq!(coops["total"], 2, "{coops}");
    let accounts: Vec<&str> = coops["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["account"].as_str())
        .collect();
    assert!(
        accounts.contains(&beta.account("quiet").as_str()),
        "{coops}"
    );
    // Search by text, kind and category, with counts.
    let (_, found) = alpha
        .get("/directory/proposals?text=early%20BETA&kind=need&category=technical")
        .await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, none) = alpha
        .get("/directory/proposals?text=early&kind=offer")
        .await;
    assert_eq!(none["total"], 0, "{none}");
    // By the coop's country and language, and by tag, on both sides.
    for (query, want) in [
        ("country=GB", 1),
        ("country=ar", 0),
        ("language=en", 1),
        ("language=cy", 1),
        ("language=es", 0),
        ("tag=hosting", 2),
        ("tag=%23hosting&country=GB", 1),
        ("tag=rust", 0),
    ] {
        let (st, found) = alpha.get(&format!("/directory/proposals?{query}")).await;
        assert_eq!(st, StatusCode::OK, "{query}: {found}");
        assert_eq!(found["total"], want, "{query}: {found}");
    }
    let (_, gb) = alpha.get("/directory/coops?country=GB").await;
    assert_eq!(gb["total"], 1, "{gb}");
    assert_eq!(gb["items"][0]["account"], beta.account("cotech"), "{gb}");
    assert_eq!(gb["items"][0]["languages"], json!(["en-GB", "cy"]), "{gb}");
    // The local one is listed too.
    let (_, all) = alpha.get("/directory/proposals").await;
    assert_eq!(all["total"], 2, "{all}");
    // Beta sees alpha as a follower node.
    let seen = node_entry(beta, &beta_admin, &alpha.domain())
        .await
        .expect("alpha on beta");
    assert_eq!(seen["followed_by"], "accepted");

    // New, edited and closed proposals on beta reach alpha through Announce.
    let fresh = publish(beta, &cotech, "Fresh need on beta").await;
    wait_titles(alpha, beta, "the new proposal on alpha", |t| {
        t.contains(&"Fresh need on beta".to_string())
    })
    .await;
    let (st, _) = beta
        .patch_as(
            &cotech,
            &format!("/proposals/{fresh}"),
            json!({"title": "Edited need on beta"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    wait_titles(alpha, beta, "the edit on alpha", |t| {
        t == ["Early need on beta", "Edited need on beta"]
    })
    .await;
    assert_eq!(
        beta.delete_as(&cotech, &format!("/proposals/{early}"))
            .await,
        StatusCode::NO_CONTENT
    );
    wait_titles(alpha, beta, "the close on alpha", |t| {
        t == ["Edited need on beta"]
    })
    .await;

    // Gamma needs beta's approval; it follows alpha at once.
    let (st, _) = beta
        .send(
            beta.http
                .put(beta.api("/admin/policy"))
                .bearer_auth(&beta_admin)
                .json(&json!({"node_follow_approval": "manual"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    follow_node(gamma, &gamma_admin, alpha).await;
    follow_node(gamma, &gamma_admin, beta).await;
    wait_backfilled(gamma, &gamma_admin, alpha).await;
    let pending = eventually("gamma's request on beta", WAIT, || async {
        node_entry(beta, &beta_admin, &gamma.domain())
            .await
            .filter(|n| n["followed_by"] == "pending")
    })
    .await;
    assert_eq!(pending["following"], "none");
    assert_eq!(
        node_entry(gamma, &gamma_admin, &beta.domain())
            .await
            .unwrap()["following"],
        "pending"
    );
    let (st, _) = beta
        .post_as(
            &beta_admin,
            &format!("/admin/nodes/{}/approve", gamma.domain()),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    wait_backfilled(gamma, &gamma_admin, beta).await;
    assert_eq!(directory_titles(gamma, beta).await, ["Edited need on beta"]);
    assert_eq!(directory_titles(gamma, alpha).await, ["Need on alpha"]);

    // Gamma unfollows beta: beta's content is forgotten and no more arrives.
    assert_eq!(
        gamma
            .delete_as(&gamma_admin, &format!("/admin/nodes/{}", beta.domain()))
            .await,
        StatusCode::NO_CONTENT
    );
    assert!(directory_titles(gamma, beta).await.is_empty());
    eventually("beta drops gamma as a follower", WAIT, || async {
        node_entry(beta, &beta_admin, &gamma.domain())
            .await
            .is_none()
            .then_some(())
    })
    .await;
    publish(beta, &cotech, "After gamma left").await;
    // Alpha still follows beta: once alpha has it, beta's fan-out is over.
    wait_titles(alpha, beta, "beta's last proposal on alpha", |t| {
        t.contains(&"After gamma left".to_string())
    })
    .await;
    assert!(directory_titles(gamma, beta).await.is_empty());

    // Every admin action was recorded.
    let (_, actions) = gamma.get_as(&gamma_admin, "/admin/actions").await;
    let done: Vec<&str> = actions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(
        done,
        ["nodes.unfollow", "nodes.follow", "nodes.follow"],
        "{actions}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_and_deleted_coops_reach_follower_nodes() {
    let nodes = Node::start_all(&[("alpha", 5), ("beta", 6)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let (alpha_admin, beta_admin, fiqus, cotech) = tokio::join!(
        alpha.admin(),
        beta.admin(),
        alpha.coop("fiqus"),
        beta.coop("cotech")
    );
    follow_node(alpha, &alpha_admin, beta).await;
    wait_backfilled(alpha, &alpha_admin, beta).await;
    // A coop on alpha also follows cotech directly.
    federation_tests::steps::follow(alpha, &fiqus, &beta.account("cotech")).await;
    let coops_from_beta = || async {
        let (_, page) = alpha
            .get(&format!("/directory/coops?node={}", beta.domain()))
            .await;
        federation_tests::steps::accounts(&page)
    };

    // A coop created after the backfill arrives at once, announced.
    let newcomer = beta.coop("newcomer").await;
    eventually("the new coop on alpha", WAIT, || async {
        coops_from_beta()
            .await
            .contains(&beta.account("newcomer"))
            .then_some(())
    })
    .await;
    publish(beta, &newcomer, "Newcomer's need").await;
    publish(beta, &cotech, "CoTech's need").await;
    wait_titles(alpha, beta, "both needs on alpha", |t| t.len() == 2).await;

    // Deleted by an admin through the API: gone from alpha's directory.
    let (st, body) = beta
        .send(
            beta.http
                .delete(beta.api("/admin/coops/newcomer"))
                .bearer_auth(&cotech),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a member is no admin: {body}");
    let (st, body) = beta
        .send(
            beta.http
                .delete(beta.api("/admin/coops/newcomer"))
                .bearer_auth(&beta_admin),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    wait_titles(
        alpha,
        beta,
        "the deleted coop's need gone from alpha",
        |t| t == ["CoTech's need"],
    )
    .await;
    assert!(!coops_from_beta().await.contains(&beta.account("newcomer")));

    // Deleted from the command line while beta runs: its direct follower
    // hears the Delete (signed with the deleted coop's key) and forgets it.
    let (ok, out, err) = beta
        .cli(&["admin", "delete-coop", "cotech", "--yes"], None)
        .await;
    assert!(ok, "{out}{err}");
    eventually("cotech gone from alpha", WAIT, || async {
        let (_, following) = alpha.get_as(&fiqus, "/follows").await;
        (federation_tests::steps::accounts(&following).is_empty()
            && coops_from_beta().await.is_empty())
        .then_some(())
    })
    .await;
    assert!(directory_titles(alpha, beta).await.is_empty());
    // Its actor is gone for good, and the handle is not given out again.
    let (st, _) = beta.get_raw("/actors/cotech").await;
    assert_eq!(st, StatusCode::GONE);
    let (ok, _, err) = beta
        .cli(
            &[
                "admin",
                "create-coop",
                "cotech",
                "--name",
                "Again",
                "--email",
                "x@beta.test",
                "--password-stdin",
            ],
            Some("a long enough password"),
        )
        .await;
    assert!(!ok && err.contains("already taken"), "{err}");
}
