//! Gatherings over ActivityPub, against a stand-in remote server: the
//! gathering is an `Event` at its page's URL (pages to browsers), announced
//! to the organiser's followers; actors of other servers register with
//! `Join` and get `Accept` (or `Reject` when registration is closed), and
//! withdraw with `Leave` or `Undo{Join}`. Refusals change nothing.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::{assert_error, TestServer};
use crate::inbox::{follow_of, send_as, wait_received};

fn plan() -> Value {
    let day = (Utc::now() + Duration::days(10)).format("%Y-%m-%d");
    json!({
        "title": "Monthly inter-coop call",
        "description": "Three rounds: about, needs, offers.\n\nBring <your> needs.",
        "starts_at": format!("{day}T15:00:00-03:00"),
        "ends_at": format!("{day}T16:30:00-03:00"),
        "time_zone": "America/Argentina/Buenos_Aires",
        "call_url": "https://meet.example/coops",
        "languages": ["es", "en"],
    })
}

fn join(remote: &Remote, name: &str, n: &str, event: &str, delegate: Option<&str>) -> Value {
    let mut join = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{n}", remote.base()),
        "type": "Join",
        "actor": remote.actor(name),
        "object": event,
    });
    if let Some(d) = delegate {
        join["delegate"] = json!(d);
    }
    join
}

/// A path as a browser asks for it: status, `Vary` and the page.
async fn as_browser(s: &TestServer, path: &str) -> (StatusCode, String, String) {
    let resp = reqwest::Client::new()
        .get(format!("{}{path}", s.origin()))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("request");
    let status = resp.status();
    let vary = resp
        .headers()
        .get("vary")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, vary, resp.text().await.expect("body"))
}

async fn event(s: &TestServer, id: &str) -> Value {
    let (st, content_type, body) = s.fetch(&format!("/gatherings/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(content_type, "application/activity+json");
    body
}

async fn participants(s: &TestServer, id: &str) -> Vec<Value> {
    let (st, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(st, StatusCode::OK, "{g}");
    g["participants"].as_array().expect("participants").clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gathering_is_an_event_that_remote_actors_join_and_leave() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    let remote = Remote::start(&["ana", "bea"]).await;
    let follow = follow_of(&remote, "ana", 1, "https://coops.test/actors/fiqus");
    let (st, b) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &follow).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    let (st, g) = s.post("/gatherings", &fiqus, plan()).await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().expect("id").to_string();
    let url = format!("https://coops.test/gatherings/{id}");

    // Its followers get it as a post: Create{Event}.
    let (_, create) = wait_received(&remote, "the Create of the Event", |(_, a)| {
        a["type"] == "Create" && a["object"]["type"] == "Event"
    })
    .await;
    assert_eq!(create["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(create["object"]["id"], url.as_str());
    assert_eq!(
        create["cc"],
        json!(["https://coops.test/actors/fiqus/followers"])
    );

    // Servers get the Event at the page's URL; browsers the page.
    let e = event(&s, &id).await;
    assert_eq!(e["type"], "Event");
    assert_eq!(e["id"], url.as_str());
    assert_eq!(e["name"], "Monthly inter-coop call");
    assert_eq!(e["attributedTo"], "https://coops.test/actors/fiqus");
    assert_eq!(e["timezone"], "America/Argentina/Buenos_Aires");
    assert!(
        e["startTime"]
            .as_str()
            .unwrap()
            .ends_with("T15:00:00-03:00"),
        "{e}"
    );
    assert!(e["endTime"].as_str().unwrap().ends_with("T16:30:00-03:00"));
    assert_eq!(e["isOnline"], true);
    assert_eq!(e["attachment"][0]["href"], "https://meet.example/coops");
    assert_eq!(e["joinMode"], "free");
    assert_eq!(e["participantCount"], 0);
    assert_eq!(e["remainingAttendeeCapacity"], 500);
    assert_eq!(e["inLanguage"], "es");
    let content = e["content"].as_str().unwrap();
    assert!(content.contains("Bring &lt;your&gt; needs."), "{content}");
    assert!(content.contains(&url), "Mastodon shows the link: {content}");
    let (st, vary, html) = as_browser(&s, &format!("/gatherings/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(vary.contains("Accept"), "{vary}");
    assert!(html.contains("<html"), "a page: {html:.200}");
    let (st, _, _) = s.fetch("/gatherings/nope").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Refused, nothing changes: a gathering we do not have, and a Join
    // signed by someone else than its actor.
    let nope = join(
        &remote,
        "ana",
        "j0",
        "https://coops.test/gatherings/nope",
        None,
    );
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &nope).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let forged = join(&remote, "bea", "j-forged", &url, None);
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &forged).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(participants(&s, &id).await.is_empty());

    // ana joins with her delegate, and is accepted; joining again is
    // accepted again and changes nothing.
    let first = join(&remote, "ana", "j1", &url, Some("Ana Pérez"));
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &first).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, accept) = wait_received(&remote, "the Accept of the Join", |(_, a)| {
        a["type"] == "Accept" && a["object"]["id"] == first["id"]
    })
    .await;
    assert_eq!(accept["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(accept["object"]["type"], "Join");
    assert_eq!(accept["object"]["object"], url.as_str());
    assert_eq!(accept["to"], json!([remote.actor("ana")]));
    let again = join(&remote, "ana", "j2", &url, Some("Someone else"));
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &again).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    wait_received(&remote, "the second Accept", |(_, a)| {
        a["type"] == "Accept" && a["object"]["id"] == again["id"]
    })
    .await;
    let listed = participants(&s, &id).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["coop"]["handle"], remote.account("ana"));
    assert_eq!(listed[0]["coop"]["remote"], true);
    assert_eq!(listed[0]["delegate"], "Ana Pérez");
    assert_eq!(event(&s, &id).await["participantCount"], 1);
    let (_, _, html) = as_browser(&s, &format!("/gatherings/{id}")).await;
    assert!(
        html.contains(&format!("@{}", remote.account("ana"))) && html.contains("Ana Pérez"),
        "the page lists her with her address and delegate"
    );

    // A local coop registers after her: it speaks after her.
    let cotech = s.coop("cotech").await;
    let (st, b) = s
        .post(
            &format!("/gatherings/{id}/join"),
            &cotech,
            json!({"delegate": "Bo"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let order: Vec<Value> = participants(&s, &id)
        .await
        .iter()
        .map(|p| p["coop"]["handle"].clone())
        .collect();
    assert_eq!(order, vec![json!(remote.account("ana")), json!("cotech")]);

    // Leave: she withdraws; bea's Leave of a registration she has not is no
    // change.
    let leave = json!({
        "id": format!("{}/activities/l1", remote.base()),
        "type": "Leave", "actor": remote.actor("bea"), "object": url,
    });
    let (st, _) = send_as(&s, &remote, "bea", "/inbox", &leave).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(participants(&s, &id).await.len(), 2);
    let leave = json!({
        "id": format!("{}/activities/l2", remote.base()),
        "type": "Leave", "actor": remote.actor("ana"), "object": url,
    });
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &leave).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(participants(&s, &id).await.len(), 1);

    // bea joins without naming a delegate (as Mobilizon does): she speaks
    // for herself; then she undoes her Join.
    let bea = join(&remote, "bea", "j3", &url, None);
    let (st, _) = send_as(&s, &remote, "bea", "/inbox", &bea).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let listed = participants(&s, &id).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["coop"]["handle"], remote.account("bea"));
    assert!(!listed[1]["delegate"].as_str().unwrap().is_empty());
    let undo = json!({
        "id": format!("{}/activities/u1", remote.base()),
        "type": "Undo", "actor": remote.actor("bea"), "object": bea,
    });
    let (st, _) = send_as(&s, &remote, "bea", "/inbox", &undo).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(participants(&s, &id).await.len(), 1);

    // The facilitator closes registration: followers get the Update, and a
    // Join is rejected.
    let (st, b) = s
        .call(
            reqwest::Method::PUT,
            &format!("/gatherings/{id}/registration"),
            Some(&fiqus),
            Some(json!({"open": false})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, update) = wait_received(&remote, "the Update of the Event", |(_, a)| {
        a["type"] == "Update" && a["object"]["type"] == "Event"
    })
    .await;
    assert_eq!(update["object"]["remainingAttendeeCapacity"], 0);
    let late = join(&remote, "ana", "j4", &url, None);
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &late).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (_, reject) = wait_received(&remote, "the Reject of the Join", |(_, a)| {
        a["type"] == "Reject" && a["object"]["id"] == late["id"]
    })
    .await;
    assert_eq!(reject["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(participants(&s, &id).await.len(), 1);
}
