//! Introductions through the API: between two coops of this node, and with
//! a stand-in remote server in both directions (our `Offer` and `Note` out,
//! its `Accept` in; its `Offer` in, our `Accept` out). Contact details stay
//! hidden until an accept; bad requests are refused and change nothing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::{assert_error, TestServer};
use crate::inbox::{proposal_note, send_as, wait_received, wrap};

async fn set_contacts(s: &TestServer, token: &str, email: &str) {
    let (st, body) = s
        .patch(
            "/coop",
            token,
            json!({"private_contact": {"email": email, "person": "Ana"}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
}

async fn introduce(s: &TestServer, token: &str, proposal: &str) -> (StatusCode, Value) {
    s.post(
        "/introductions",
        token,
        json!({"proposal": proposal, "message": "Hola! We would like to talk."}),
    )
    .await
}

async fn list(s: &TestServer, token: &str, query: &str) -> Vec<Value> {
    let (st, body) = s.get(&format!("/introductions{query}"), Some(token)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"].as_array().expect("items").clone()
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_local_coops_are_introduced_and_see_each_others_contacts_only_after_an_accept() {
    let s = TestServer::start().await;
    let (fiqus, cotech, third) = (
        s.coop("fiqus").await,
        s.coop("cotech").await,
        s.coop("third").await,
    );
    let offer = id(&s
        .publish(
            &cotech,
            json!({"kind": "offer", "category": "technical", "title": "Web hosting"}),
        )
        .await);
    let own = id(&s
        .publish(
            &fiqus,
            json!({"kind": "need", "category": "technical", "title": "Hosting"}),
        )
        .await);

    // Nothing to share yet: refused, and nothing is recorded.
    let (st, body) = introduce(&s, &fiqus, &offer).await;
    let message = assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(message.contains("private_contact"), "{message}");
    assert!(list(&s, &fiqus, "?direction=sent").await.is_empty());
    set_contacts(&s, &fiqus, "hola@fiqus.coop").await;
    set_contacts(&s, &cotech, "hello@cotech.coop").await;
    set_contacts(&s, &third, "hi@third.coop").await;

    // Bad requests.
    let (st, body) = introduce(&s, &fiqus, "no-such-proposal").await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    let (st, body) = introduce(&s, &fiqus, &own).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    for message in [json!(""), json!("x".repeat(2001))] {
        let (st, body) = s
            .post(
                "/introductions",
                &fiqus,
                json!({"proposal": offer, "message": message}),
            )
            .await;
        assert_error(
            st,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (st, body) = s
        .post("/introductions", &fiqus, json!({"proposal": offer}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(list(&s, &fiqus, "?direction=sent").await.is_empty());

    let (st, sent) = introduce(&s, &fiqus, &offer).await;
    assert_eq!(st, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["direction"], "sent");
    assert_eq!(sent["state"], "pending");
    assert_eq!(sent["coop"]["account"], "cotech@coops.test");
    assert_eq!(sent["coop"]["local"], true);
    assert_eq!(sent["proposal"]["id"], offer.as_str());
    assert_eq!(sent["proposal"]["title"], "Web hosting");
    assert_eq!(sent["contacts"], Value::Null);
    // Twice is refused while the first is open.
    let (st, body) = introduce(&s, &fiqus, &offer).await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    assert_eq!(list(&s, &fiqus, "?direction=sent").await.len(), 1);

    let received = list(&s, &cotech, "").await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["direction"], "received");
    assert_eq!(received[0]["coop"]["account"], "fiqus@coops.test");
    assert_eq!(received[0]["message"], "Hola! We would like to talk.");
    assert_eq!(
        received[0]["contacts"],
        Value::Null,
        "hidden until accepted"
    );
    let intro = id(&received[0]);
    // Only the asked coop answers; others do not even see it.
    let (st, body) = s
        .post(&format!("/introductions/{intro}/accept"), &fiqus, json!({}))
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = s
        .get(&format!("/introductions/{intro}"), Some(&third))
        .await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    let (st, body) = s
        .post(
            &format!("/introductions/{intro}/decline"),
            &third,
            json!({}),
        )
        .await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");

    let (st, accepted) = s
        .post(
            &format!("/introductions/{intro}/accept"),
            &cotech,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(accepted["contacts"]["email"], "hola@fiqus.coop");
    assert!(accepted["answered_at"].is_string());
    let (_, seen) = s
        .get(&format!("/introductions/{intro}"), Some(&fiqus))
        .await;
    assert_eq!(seen["state"], "accepted");
    assert_eq!(seen["contacts"]["email"], "hello@cotech.coop");
    let (st, body) = s
        .post(
            &format!("/introductions/{intro}/decline"),
            &cotech,
            json!({}),
        )
        .await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    // Accepted stays open: asking again is still refused.
    let (st, body) = introduce(&s, &fiqus, &offer).await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");

    // A declined introduction shows nothing, and may be asked again.
    let (st, asked) = introduce(&s, &third, &offer).await;
    assert_eq!(st, StatusCode::CREATED, "{asked}");
    let (st, declined) = s
        .post(
            &format!("/introductions/{}/decline", id(&asked)),
            &cotech,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{declined}");
    assert_eq!(declined["state"], "declined");
    assert_eq!(declined["contacts"], Value::Null);
    let (_, seen) = s
        .get(&format!("/introductions/{}", id(&asked)), Some(&third))
        .await;
    assert_eq!(
        (seen["state"].clone(), seen["contacts"].clone()),
        (json!("declined"), Value::Null)
    );
    let (st, again) = introduce(&s, &third, &offer).await;
    assert_eq!(st, StatusCode::CREATED, "{again}");
    assert_eq!(list(&s, &cotech, "?state=pending").await.len(), 1);
    assert_eq!(list(&s, &cotech, "?state=declined").await.len(), 1);

    // A closed proposal takes no introductions, and to anyone but its
    // owner it answers as if it never existed (as everywhere else).
    let (st, body) = s
        .patch(
            &format!("/proposals/{own}"),
            &fiqus,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) = introduce(&s, &cotech, &own).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    assert!(list(&s, &cotech, "?direction=sent").await.is_empty());

    // Bad list parameters.
    for query in ["?direction=both", "?state=maybe", "?limit=0"] {
        let (st, body) = s
            .get(&format!("/introductions{query}"), Some(&cotech))
            .await;
        assert_error(
            st,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
}

/// ana's `Offer` of an introduction about our proposal `proposal`.
pub(crate) fn remote_offer(remote: &Remote, n: &str, proposal: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/introductions/{n}", remote.base()),
        "type": "Offer", "actor": remote.actor("ana"),
        "to": ["https://coops.test/actors/fiqus"],
        "content": "<p>We host <b>Nextcloud</b></p>",
        "object": {"type": "Agreement", "stipulates": {"type": "Commitment",
            "satisfies": format!("https://coops.test/proposals/{proposal}#primary"),
            "resourceQuantity": {"hasUnit": "month", "hasNumericalValue": "3"}}},
        "contactPoint": {"type": "ContactPoint", "email": "ana@remote.coop"}
    })
}

/// Follows `name` on the remote and receives one of its offers; returns
/// the offer's id on this node.
pub(crate) async fn followed_remote_offer(s: &TestServer, token: &str, remote: &Remote) -> String {
    let (_, sent) = crate::inbox::follow_remote(s, token, remote, "ana").await;
    let accept = wrap(remote, "Accept", "accept-follow", sent);
    let (st, b) = send_as(s, remote, "ana", "/actors/fiqus/inbox", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let create = wrap(
        remote,
        "Create",
        "c1",
        proposal_note(remote, 1, "Nextcloud hosting"),
    );
    let (st, b) = send_as(s, remote, "ana", "/inbox", &create).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, page) = s.get("/remote-proposals", Some(token)).await;
    id(&page["items"][0])
}

#[tokio::test(flavor = "multi_thread")]
async fn an_introduction_to_a_remote_coop_goes_out_as_an_offer_and_a_note_and_its_accept_shares_contacts(
) {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    set_contacts(&s, &fiqus, "hola@fiqus.coop").await;
    let remote = Remote::start(&["ana", "mallory"]).await;
    let offer = followed_remote_offer(&s, &fiqus, &remote).await;

    let (st, sent) = introduce(&s, &fiqus, &offer).await;
    assert_eq!(st, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["coop"]["account"], remote.account("ana"));
    assert_eq!(sent["coop"]["local"], false);
    assert_eq!(sent["proposal"]["ap_id"], remote.object_url(1));
    assert_eq!(sent["proposal"]["id"], Value::Null);

    let (inbox, offer_activity) =
        wait_received(&remote, "our Offer", |(_, a)| a["type"] == "Offer").await;
    assert_eq!(
        inbox, "/users/ana/inbox",
        "ana's own inbox, not the shared one"
    );
    assert_eq!(offer_activity["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(offer_activity["to"], json!([remote.actor("ana")]));
    assert_eq!(offer_activity["object"]["type"], "Agreement");
    assert_eq!(
        offer_activity["object"]["stipulates"]["satisfies"],
        format!("{}#primary", remote.object_url(1))
    );
    assert_eq!(offer_activity["contactPoint"]["email"], "hola@fiqus.coop");
    let (_, note) = wait_received(&remote, "our Note", |(_, a)| {
        a["type"] == "Create" && a["object"]["tag"][0]["type"] == "Mention"
    })
    .await;
    assert_eq!(note["object"]["to"], json!([remote.actor("ana")]));
    let content = note["object"]["content"].as_str().unwrap_or_default();
    assert!(content.contains("Nextcloud hosting"), "{content}");
    assert!(!content.contains("hola@fiqus.coop"), "{content}");

    // Mallory cannot answer for ana.
    let offer_id = offer_activity["id"].clone();
    let answer = |who: &str, n: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{n}", remote.base()),
            "type": "Accept", "actor": remote.actor(who), "object": offer_id,
            "contactPoint": {"type": "ContactPoint", "email": "ana@remote.coop", "name": "Ana"}
        })
    };
    let (st, b) = send_as(&s, &remote, "mallory", "/inbox", &answer("mallory", "m1")).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (_, seen) = s
        .get(&format!("/introductions/{}", id(&sent)), Some(&fiqus))
        .await;
    assert_eq!(seen["state"], "pending");

    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &answer("ana", "a1")).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, seen) = s
        .get(&format!("/introductions/{}", id(&sent)), Some(&fiqus))
        .await;
    assert_eq!(seen["state"], "accepted");
    assert_eq!(
        seen["contacts"],
        json!({"email": "ana@remote.coop", "person": "Ana"})
    );

    // A node this one no longer federates with takes no introductions.
    let admin = s.admin().await;
    let (st, b) = s
        .call(
            Method::PUT,
            "/admin/policy",
            Some(&admin),
            Some(json!({"node_follow_approval": "auto", "federation_mode": "allowlist"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, body) = s
        .post(
            "/introductions",
            &fiqus,
            json!({"proposal": offer, "message": "again"}),
        )
        .await;
    let message = assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    assert!(message.contains(&remote.domain()), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_offer_is_answered_with_an_accept_carrying_our_contacts() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    set_contacts(&s, &fiqus, "hola@fiqus.coop").await;
    let remote = Remote::start(&["ana"]).await;
    let need = id(&s
        .publish(
            &fiqus,
            json!({"kind": "need", "category": "technical", "title": "Hosting",
                   "quantity": {"value": "3", "unit": "month"}}),
        )
        .await);
    let closed = id(&s
        .publish(
            &fiqus,
            json!({"kind": "need", "category": "human", "title": "Closed"}),
        )
        .await);
    let (st, b) = s
        .patch(
            &format!("/proposals/{closed}"),
            &fiqus,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let offer = |n: &str, proposal: &str| remote_offer(&remote, n, proposal);

    // Refused: unknown and closed proposals, a non-Agreement object.
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &offer("x1", "nope")).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &offer("x2", &closed)).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let mut odd = offer("x3", &need);
    odd["object"] = json!({"type": "Note"});
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &odd).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(list(&s, &fiqus, "").await.is_empty());

    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &offer("1", &need)).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    // The same Offer again changes nothing; another one about the same
    // proposal is refused while the first is open.
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &offer("1", &need)).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &offer("2", &need)).await;
    assert_error(st, &b, StatusCode::CONFLICT, "conflict");
    let received = list(&s, &fiqus, "").await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["coop"]["account"], remote.account("ana"));
    assert_eq!(received[0]["message"], "We host Nextcloud");
    assert_eq!(received[0]["proposal"]["id"], need.as_str());
    assert_eq!(received[0]["contacts"], Value::Null, "carried, but hidden");

    let (st, accepted) = s
        .post(
            &format!("/introductions/{}/accept", id(&received[0])),
            &fiqus,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["contacts"], json!({"email": "ana@remote.coop"}));
    let (_, accept) = wait_received(&remote, "our Accept", |(_, a)| {
        a["type"] == "Accept" && a["object"] == format!("{}/introductions/1", remote.base())
    })
    .await;
    assert_eq!(accept["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(accept["result"]["type"], "Agreement");
    assert_eq!(
        accept["result"]["attributedTo"],
        "https://coops.test/actors/fiqus"
    );
    assert_eq!(
        accept["result"]["stipulates"]["resourceQuantity"],
        json!({"hasUnit": "month", "hasNumericalValue": "3"})
    );
    assert_eq!(accept["contactPoint"]["email"], "hola@fiqus.coop");
}

#[tokio::test(flavor = "multi_thread")]
async fn declining_a_remote_offer_sends_a_reject() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    let need = id(&s
        .publish(
            &fiqus,
            json!({"kind": "need", "category": "technical", "title": "Hosting"}),
        )
        .await);
    let offer = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/introductions/1", remote.base()),
        "type": "Offer", "actor": remote.actor("ana"),
        "content": "Hi",
        "object": {"type": "Agreement", "stipulates": {"type": "Commitment",
            "satisfies": format!("https://coops.test/proposals/{need}#primary"),
            "resourceQuantity": {"hasUnit": "one"}}},
        "contactPoint": {"type": "ContactPoint", "email": "ana@remote.coop"}
    });
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &offer).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let intro = id(&list(&s, &fiqus, "").await[0]);
    // Declining needs no contact details of our own.
    let (st, declined) = s
        .post(
            &format!("/introductions/{intro}/decline"),
            &fiqus,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{declined}");
    assert_eq!(declined["state"], "declined");
    let (_, reject) = wait_received(&remote, "our Reject", |(_, a)| a["type"] == "Reject").await;
    assert_eq!(
        reject["object"],
        format!("{}/introductions/1", remote.base())
    );
    assert!(reject.get("contactPoint").is_none(), "{reject}");
    let (st, b) = s
        .call(
            Method::POST,
            &format!("/introductions/{intro}/accept"),
            Some(&fiqus),
            None,
        )
        .await;
    assert_error(st, &b, StatusCode::CONFLICT, "conflict");
}
