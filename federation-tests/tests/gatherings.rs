//! A gathering across two nodes, through their public interfaces only: a
//! coop on alpha plans it; a coop on beta registers by the gathering's URL
//! (a `Join` that alpha accepts), contributes asynchronously (what it is
//! about and a need, which alpha then shows in the rounds), alpha's
//! note-taker publishes the notes and they reach beta, and beta's coop
//! withdraws with `Leave`.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use federation_tests::steps::{publish, WAIT};
use federation_tests::{eventually, Node};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn participants(alpha: &Node, id: &str) -> Vec<Value> {
    let (st, g) = alpha.get(&format!("/gatherings/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{g}");
    g["participants"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coop_on_beta_joins_contributes_to_and_gets_the_notes_of_a_gathering_on_alpha() {
    let nodes = Node::start_all(&[("alpha", 80), ("beta", 81)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let (fiqus, tierra) = tokio::join!(alpha.coop("fiqus"), beta.coop("tierra"));
    let day = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%d");
    let (st, g) = alpha
        .post_as(
            &fiqus,
            "/gatherings",
            json!({
                "title": "Monthly inter-coop call",
                "description": "Three rounds: about, needs, offers.",
                "starts_at": format!("{day}T15:00:00-03:00"),
                "ends_at": format!("{day}T16:30:00-03:00"),
                "time_zone": "America/Argentina/Buenos_Aires",
                "call_url": "https://meet.example/coops",
                "languages": ["es", "en"],
            }),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().unwrap().to_string();
    let url = format!("{}/gatherings/{id}", alpha.public_url());

    // Refused, nothing registered: a URL that is not a gathering.
    let (st, body) = beta
        .post_as(
            &tierra,
            "/remote-gatherings",
            json!({"url": format!("{}/actors/fiqus", alpha.public_url()), "delegate": "Ana"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // tierra registers by the URL; alpha accepts the Join.
    let (st, joined) = beta
        .post_as(
            &tierra,
            "/remote-gatherings",
            json!({"url": url, "delegate": "Ana"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["title"], "Monthly inter-coop call");
    assert_eq!(joined["organiser"], alpha.account("fiqus"));
    assert_eq!(joined["call_url"], "https://meet.example/coops");
    assert_eq!(joined["time_zone"], "America/Argentina/Buenos_Aires");
    let rid = joined["id"].as_str().unwrap().to_string();
    eventually("alpha accepts the Join", WAIT, || async {
        let (_, j) = beta
            .get_as(&tierra, &format!("/remote-gatherings/{rid}"))
            .await;
        (j["state"] == "accepted").then_some(())
    })
    .await;
    let listed = participants(alpha, &id).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["coop"]["handle"], beta.account("tierra"));
    assert_eq!(listed[0]["delegate"], "Ana");
    let (st, again) = beta
        .post_as(
            &tierra,
            "/remote-gatherings",
            json!({"url": url, "delegate": "Ana"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{again}");

    // tierra contributes asynchronously: what it is about and a need.
    let need = publish(beta, &tierra, "Two developers for a month").await;
    let (st, sent) = beta
        .put_as(
            &tierra,
            &format!("/remote-gatherings/{rid}/contribution"),
            json!({"about": "A **worker coop** in Rosario.", "proposals": [need]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{sent}");
    let (st, refused) = beta
        .put_as(
            &tierra,
            &format!("/remote-gatherings/{rid}/contribution"),
            json!({"proposals": ["not-ours"]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let contributed = eventually("the contribution reaches alpha", WAIT, || async {
        participants(alpha, &id)
            .await
            .into_iter()
            .find(|p| p["contributed_at"].is_string())
    })
    .await;
    assert_eq!(
        contributed["about_html"],
        "<p>A <strong>worker coop</strong> in Rosario.</p>\n"
    );
    assert_eq!(
        contributed["needs"][0]["title"],
        "Two developers for a month"
    );

    // alpha's note-taker publishes the notes; they reach beta.
    let (st, notes) = alpha
        .put_as(
            &fiqus,
            &format!("/gatherings/{id}/notes"),
            json!({"notes": "We agreed to **meet again**.", "publish": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{notes}");
    let received = eventually("the notes reach beta", WAIT, || async {
        let (_, j) = beta
            .get_as(&tierra, &format!("/remote-gatherings/{rid}"))
            .await;
        j["notes_html"].as_str().map(str::to_string)
    })
    .await;
    assert!(
        received.contains("<strong>meet again</strong>"),
        "{received}"
    );
    assert!(
        received.contains("Tierra") || received.contains("tierra"),
        "attendance: {received}"
    );

    // tierra withdraws.
    let (st, _) = beta
        .post_as(
            &tierra,
            &format!("/remote-gatherings/{rid}/leave"),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    eventually("the Leave reaches alpha", WAIT, || async {
        participants(alpha, &id).await.is_empty().then_some(())
    })
    .await;
    let (st, _) = beta
        .get_as(&tierra, &format!("/remote-gatherings/{rid}"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}
