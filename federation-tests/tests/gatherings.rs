//! A gathering across two nodes, through their public interfaces only: a
//! coop on alpha plans it; a coop on beta registers by the gathering's URL
//! (a `Join` that alpha accepts), contributes asynchronously (what it is
//! about and a need, which alpha then shows in the rounds); the facilitator
//! on alpha confirms the synergy point between beta's need and an alpha
//! coop's offer, both coops accept the introduction (each on its node) and
//! see each other's contacts; alpha's note-taker publishes the notes and
//! they reach beta; and beta's coop withdraws with `Leave`.
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

    // fiqus brings an offer that answers tierra's need: the facilitator's
    // board pairs them across the two nodes, and confirming the synergy
    // point opens an introduction that both coops accept, each on its own
    // node, and then both see the other's contacts.
    for (node, token, email) in [
        (alpha, &fiqus, "hola@fiqus.coop"),
        (beta, &tierra, "hola@tierra.coop"),
    ] {
        let (st, b) = node
            .patch_as(token, "/coop", json!({"private_contact": {"email": email}}))
            .await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    let (st, offer) = alpha
        .post_as(
            &fiqus,
            "/proposals",
            json!({"kind": "offer", "category": "technical", "title": "Two developers to hire",
                   "tags": ["hosting"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{offer}");
    let offer = offer["id"].as_str().unwrap().to_string();
    let (st, b) = alpha
        .post_as(
            &fiqus,
            &format!("/gatherings/{id}/join"),
            json!({"delegate": "Bo"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, b) = alpha
        .put_as(
            &fiqus,
            &format!("/gatherings/{id}/contribution"),
            json!({"proposals": [offer]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let pair = eventually(
        "the board pairs beta's need with alpha's offer",
        WAIT,
        || async {
            let (st, board) = alpha
                .get_as(&fiqus, &format!("/gatherings/{id}/board"))
                .await;
            if st != StatusCode::OK {
                return None;
            }
            board["items"].as_array().and_then(|items| {
                items
                    .iter()
                    .find(|c| c["offer"]["id"] == offer.as_str())
                    .cloned()
            })
        },
    )
    .await;
    assert_eq!(pair["need"]["title"], "Two developers for a month");
    assert_eq!(pair["need_coop"]["handle"], beta.account("tierra"));
    assert_eq!(pair["need_coop"]["remote"], true);
    let (st, confirmed) = alpha
        .post_as(
            &fiqus,
            &format!("/gatherings/{id}/synergies"),
            json!({"need": pair["need"]["id"], "offer": offer, "decision": "confirm"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{confirmed}");
    let intro = confirmed["introduction_id"]
        .as_str()
        .expect("introduction")
        .to_string();
    let (st, accepted) = alpha
        .post_as(&fiqus, &format!("/introductions/{intro}/accept"), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{accepted}");
    assert_eq!(
        accepted["state"], "pending",
        "the other coop has not accepted yet"
    );
    assert_eq!(accepted["contacts"], Value::Null);
    let asked = eventually("the introduction reaches beta", WAIT, || async {
        let (_, body) = beta.get_as(&tierra, "/introductions").await;
        body["items"].as_array().and_then(|i| i.first().cloned())
    })
    .await;
    assert_eq!(asked["coop"]["account"], alpha.account("fiqus"));
    assert_eq!(asked["proposal"]["id"], need.as_str());
    let (st, answered) = beta
        .post_as(
            &tierra,
            &format!("/introductions/{}/accept", asked["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{answered}");
    assert_eq!(answered["contacts"]["email"], "hola@fiqus.coop");
    let seen = eventually("the Accept reaches alpha", WAIT, || async {
        let (_, body) = alpha
            .get_as(&fiqus, &format!("/introductions/{intro}"))
            .await;
        (body["state"] == "accepted").then_some(body)
    })
    .await;
    assert_eq!(seen["contacts"]["email"], "hola@tierra.coop");

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
    let tierra_account = beta.account("tierra");
    eventually("the Leave reaches alpha", WAIT, || async {
        let left = participants(alpha, &id).await;
        left.iter()
            .all(|p| p["coop"]["handle"] != tierra_account.as_str())
            .then_some(())
    })
    .await;
    assert_eq!(participants(alpha, &id).await.len(), 1, "fiqus stays");
    let (st, _) = beta
        .get_as(&tierra, &format!("/remote-gatherings/{rid}"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}
