//! Matching across nodes: a need on alpha and an offer on beta, whose
//! nodes follow each other, match on both nodes, with what only the wire
//! carries (the other coop's stage, whether help can be given remotely)
//! taken into account. From the match, alpha's coop asks for an
//! introduction, beta's accepts, and both then see each other's private
//! contact details. A close on beta ends the match on alpha.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use federation_tests::steps::{self, node_entry, WAIT};
use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn follow_node(node: &Node, admin: &str, other: &Node) {
    steps::follow_node(node, admin, other).await;
    eventually("the node follow accepted", WAIT, || async {
        node_entry(node, admin, &other.domain())
            .await
            .filter(|n| n["following"] == "accepted")
    })
    .await;
}

async fn publish(node: &Node, token: &str, body: Value) -> String {
    let (st, body) = node.post_as(token, "/proposals", body).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    body["id"].as_str().expect("id").to_string()
}

/// The matches of `id`, once the accounts of their coops satisfy `ok`.
async fn matched(
    node: &Node,
    token: &str,
    id: &str,
    what: &str,
    ok: impl Fn(&[String]) -> bool,
) -> Vec<Value> {
    eventually(what, WAIT, || async {
        let (st, body) = node
            .get_as(token, &format!("/proposals/{id}/matches"))
            .await;
        if st == StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        assert_eq!(st, StatusCode::OK, "{body}");
        let accounts: Vec<String> = body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|m| {
                m["proposal"]["coop"]["account"]
                    .as_str()
                    .expect("account")
                    .to_string()
            })
            .collect();
        ok(&accounts).then(|| body["items"].as_array().expect("items").clone())
    })
    .await
}

/// The reason codes and words of a match.
fn reasons(m: &Value) -> Vec<(String, String)> {
    m["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().expect("reason field").to_string();
            (s("code"), s("text"))
        })
        .collect()
}

async fn set_stage(node: &Node, token: &str, stage: &str) {
    let (st, body) = node.patch_as(token, "/coop", json!({"stage": stage})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_need_on_alpha_and_an_offer_on_beta_match_on_both_nodes() {
    let nodes = Node::start_all(&[("alpha", 2), ("beta", 3)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let (alpha_admin, beta_admin) = tokio::join!(alpha.admin(), beta.admin());
    let (fiqus, cotech) = tokio::join!(alpha.coop("fiqus"), beta.coop("cotech"));
    // A start-up on alpha that prefers established partners; beta's coop
    // is established. Each node learns the other's stage from its actor.
    set_stage(alpha, &fiqus, "start-coop").await;
    set_stage(beta, &cotech, "established").await;
    let (st, body) = alpha
        .put_as(
            &fiqus,
            "/matches/settings",
            json!({"prefer_stage_pairing": true, "notify_min_score": null}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    follow_node(alpha, &alpha_admin, beta).await;
    follow_node(beta, &beta_admin, alpha).await;

    let need = publish(
        alpha,
        &fiqus,
        json!({"kind": "need", "category": "technical", "title": "Alojamiento web para nuestros servidores",
               "tags": ["hosting"], "place": "Rosario", "remote": true}),
    )
    .await;
    let offer = publish(
        beta,
        &cotech,
        json!({"kind": "offer", "category": "technical", "title": "Web hosting on renewable energy",
               "tags": ["hosting"], "place": "Leeds", "remote": true}),
    )
    .await;
    let cotech_account = beta.account("cotech");
    let fiqus_account = alpha.account("fiqus");
    let found = matched(alpha, &fiqus, &need, "beta's offer on alpha", |a| {
        a == [cotech_account.clone()]
    })
    .await;
    let why = reasons(&found[0]);
    assert!(
        why.iter().any(|(code, _)| code == "pairing"),
        "beta's stage reached alpha: {why:?}"
    );
    assert!(
        why.contains(&("place".into(), "both can work remotely".into())),
        "beta's remote flag reached alpha: {why:?}"
    );
    let found = matched(beta, &cotech, &offer, "alpha's need on beta", |a| {
        a == [fiqus_account.clone()]
    })
    .await;
    let why = reasons(&found[0]);
    assert!(
        why.contains(&("place".into(), "both can work remotely".into())),
        "alpha's remote flag reached beta: {why:?}"
    );
    assert!(
        !why.iter().any(|(code, _)| code == "pairing"),
        "cotech did not ask for pairing: {why:?}"
    );

    // From the match on alpha: an introduction, accepted on beta.
    for (node, token, email) in [
        (alpha, &fiqus, "hola@fiqus.coop"),
        (beta, &cotech, "hello@cotech.coop"),
    ] {
        let (st, body) = node
            .patch_as(token, "/coop", json!({"private_contact": {"email": email}}))
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let found = matched(alpha, &fiqus, &need, "beta's offer on alpha", |a| {
        a == [cotech_account.clone()]
    })
    .await;
    let their_offer = found[0]["proposal"]["id"].as_str().expect("id").to_string();
    let (st, sent) = alpha
        .post_as(
            &fiqus,
            "/introductions",
            json!({"proposal": their_offer, "message": "¡Hola! Can we talk about hosting?"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{sent}");
    let sent_id = sent["id"].as_str().expect("id").to_string();
    let received = eventually("the introduction on beta", WAIT, || async {
        let (st, body) = beta.get_as(&cotech, "/introductions").await;
        assert_eq!(st, StatusCode::OK, "{body}");
        body["items"]
            .as_array()
            .and_then(|items| items.first().cloned())
    })
    .await;
    assert_eq!(received["coop"]["account"], fiqus_account.as_str());
    assert_eq!(received["message"], "¡Hola! Can we talk about hosting?");
    assert_eq!(received["proposal"]["id"], offer.as_str());
    assert_eq!(received["contacts"], Value::Null);
    let (st, accepted) = beta
        .post_as(
            &cotech,
            &format!(
                "/introductions/{}/accept",
                received["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["contacts"]["email"], "hola@fiqus.coop");
    let seen = eventually("the accept on alpha", WAIT, || async {
        let (st, body) = alpha
            .get_as(&fiqus, &format!("/introductions/{sent_id}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
        (body["state"] == "accepted").then_some(body)
    })
    .await;
    assert_eq!(seen["contacts"]["email"], "hello@cotech.coop");
    assert_eq!(seen["coop"]["account"], cotech_account.as_str());

    // The other way: beta's coop asks about alpha's need; alpha declines.
    let found = matched(beta, &cotech, &offer, "alpha's need on beta", |a| {
        a == [fiqus_account.clone()]
    })
    .await;
    let their_need = found[0]["proposal"]["id"].as_str().expect("id").to_string();
    let (st, asked) = beta
        .post_as(
            &cotech,
            "/introductions",
            json!({"proposal": their_need, "message": "We host in Leeds."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{asked}");
    let asked_id = asked["id"].as_str().expect("id").to_string();
    let on_alpha = eventually("beta's introduction on alpha", WAIT, || async {
        let (_, body) = alpha.get_as(&fiqus, "/introductions").await;
        body["items"]
            .as_array()
            .and_then(|items| items.first().cloned())
    })
    .await;
    assert_eq!(on_alpha["coop"]["account"], cotech_account.as_str());
    assert_eq!(on_alpha["proposal"]["id"], need.as_str());
    let (st, declined) = alpha
        .post_as(
            &fiqus,
            &format!(
                "/introductions/{}/decline",
                on_alpha["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{declined}");
    let seen = eventually("the decline on beta", WAIT, || async {
        let (_, body) = beta
            .get_as(&cotech, &format!("/introductions/{asked_id}"))
            .await;
        (body["state"] == "declined").then_some(body)
    })
    .await;
    assert_eq!(seen["contacts"], Value::Null);

    // A need in Spanish and an offer in German that share no word at all:
    // they meet by what they mean (a loan, computers), across the nodes.
    let loan_need = publish(
        alpha,
        &fiqus,
        json!({"kind": "need", "category": "financial",
               "title": "Préstamo para renovar las computadoras",
               "description": "Somos siete socias en Rosario y trabajamos con máquinas \
                   de hace diez años que se cuelgan a diario."}),
    )
    .await;
    publish(
        beta,
        &cotech,
        json!({"kind": "offer", "category": "financial", "title": "Darlehen für neue Rechner",
               "description": "Unser Solidaritätsfonds leiht Genossenschaften Geld für \
                   Laptops und Bildschirme, zinslos und in kleinen Raten."}),
    )
    .await;
    let found = matched(
        alpha,
        &fiqus,
        &loan_need,
        "the German loan offer on alpha",
        |a| a == [cotech_account.clone()],
    )
    .await;
    assert_eq!(found[0]["proposal"]["title"], "Darlehen für neue Rechner");
    let why = reasons(&found[0]);
    assert!(
        why.iter()
            .any(|(code, text)| code == "text" && text.contains("loan")),
        "the shared meaning is named: {why:?}"
    );
    // And which of their words means which of ours, as each wrote it.
    assert!(
        why.iter().any(|(code, text)| code == "meaning"
            && text == "their \u{201c}Darlehen\u{201d} means your \u{201c}Préstamo\u{201d}"),
        "the corresponding words are named: {why:?}"
    );

    // Closed on beta: gone from alpha's matches too.
    let (st, body) = beta
        .patch_as(
            &cotech,
            &format!("/proposals/{offer}"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    matched(alpha, &fiqus, &need, "no match after the close", |a| {
        a.is_empty()
    })
    .await;
}
