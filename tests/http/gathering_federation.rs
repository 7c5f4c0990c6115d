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
use crate::web_client::Browser;

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

/// A contribution from the stand-in's `name`: a Note in reply to the Event
/// carrying `attached` as its needs and offers.
fn contribution(remote: &Remote, name: &str, n: &str, event: &str, attached: Vec<Value>) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/c{n}", remote.base()),
        "type": "Create",
        "actor": remote.actor(name),
        "object": {
            "id": format!("{}/contributions/{n}", remote.base()),
            "type": "Note",
            "attributedTo": remote.actor(name),
            "inReplyTo": event,
            "content": "<p>We host <b>Nextcloud</b>.</p><script>x()</script>",
            "attachment": attached,
        }
    })
}

fn need_of(remote: &Remote, name: &str, n: u32, title: &str) -> Value {
    json!({
        "id": format!("{}/proposals/{n}", remote.base()),
        "type": "Note",
        "attributedTo": remote.actor(name),
        "name": title,
        "content": format!("<p>{title}</p>"),
        "purpose": "request",
        "publishes": {"type": "Intent", "action": "deliverService",
                      "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"}}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn remote_participants_contribute_and_receive_the_published_notes() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    let remote = Remote::start(&["ana", "bea"]).await;
    let (st, g) = s.post("/gatherings", &fiqus, plan()).await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().expect("id").to_string();
    let url = format!("https://coops.test/gatherings/{id}");
    let need = need_of(&remote, "ana", 1, "Two developers");

    // Refused, nothing kept: a contribution from an actor that is not
    // registered.
    let c = contribution(&remote, "ana", "0", &url, vec![need.clone()]);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &c).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");

    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &join(&remote, "ana", "j1", &url, None),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    // Refused: a need attributed to someone else, too many needs.
    let mut theirs = need_of(&remote, "bea", 2, "Not hers");
    theirs["attributedTo"] = json!(remote.actor("bea"));
    let c = contribution(&remote, "ana", "1", &url, vec![theirs]);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &c).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let many: Vec<Value> = (10..31)
        .map(|n| need_of(&remote, "ana", n, "Many"))
        .collect();
    let c = contribution(&remote, "ana", "2", &url, many);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &c).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(participants(&s, &id).await[0]["contributed_at"].is_null());

    // Her contribution: shown in the rounds, its HTML made safe.
    let c = contribution(&remote, "ana", "3", &url, vec![need]);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &c).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let listed = participants(&s, &id).await;
    assert_eq!(listed[0]["about_html"], "<p>We host <b>Nextcloud</b>.</p>");
    assert!(listed[0]["about"]
        .as_str()
        .unwrap()
        .starts_with("We host Nextcloud"));
    assert_eq!(listed[0]["needs"][0]["title"], "Two developers");
    assert_eq!(listed[0]["needs"][0]["remote"], true);
    assert_eq!(
        listed[0]["needs"][0]["url"],
        format!("{}/proposals/1", remote.base())
    );
    let (_, _, html) = as_browser(&s, &format!("/gatherings/{id}")).await;
    assert!(html.contains("<b>Nextcloud</b>") && !html.contains("<script>x()"));
    assert!(html.contains("Two developers"));

    // The note-taker publishes the notes: they reach her.
    let (st, b) = s
        .call(
            reqwest::Method::PUT,
            &format!("/gatherings/{id}/notes"),
            Some(&fiqus),
            Some(json!({"notes": "We agreed to **meet again**.", "publish": true})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, notes) = wait_received(&remote, "the notes", |(_, a)| {
        a["type"] == "Create" && a["object"]["inReplyTo"] == url.as_str()
    })
    .await;
    assert_eq!(notes["actor"], "https://coops.test/actors/fiqus");
    let content = notes["object"]["content"].as_str().unwrap();
    assert!(content.contains("<strong>meet again</strong>"), "{content}");
    assert!(
        content.contains("Attendance: ANA (ANA)"),
        "attendance: {content}"
    );
    assert_eq!(notes["object"]["cc"], json!([remote.actor("ana")]));

    // Once the gathering is over, taking part in it no longer lets her
    // send needs and offers to keep; what she brought stays with it.
    s.state
        .services
        .db
        .write(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(
                "UPDATE gatherings SET starts_at = '2020-01-01 15:00:00', ends_at = '2020-01-01 16:00:00'",
            )
            .map_err(intercoop::infra::store::StoreError::from)
        })
        .await
        .expect("moved to the past");
    let later = need_of(&remote, "ana", 40, "After the call");
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/after", remote.base()),
        "type": "Create",
        "actor": remote.actor("ana"),
        "object": later,
    });
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &create).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let kept = |n: u32| {
        let ap_id = format!("{}/proposals/{n}", remote.base());
        let db = s.state.services.db.clone();
        async move {
            db.read(move |conn| intercoop::infra::store::remote_proposals::by_ap_id(conn, &ap_id))
                .await
                .expect("read")
                .is_some()
        }
    };
    assert!(kept(1).await, "what she brought stays");
    assert!(!kept(40).await, "nothing new is kept");
    assert_eq!(
        participants(&s, &id).await[0]["needs"][0]["title"],
        "Two developers"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coop_joins_a_gathering_of_another_server_and_only_its_organiser_answers() {
    let s = TestServer::start().await;
    let tierra = s.coop("tierra").await;
    let remote = Remote::start(&["ana", "bea"]).await;
    let day = (Utc::now() + Duration::days(10)).format("%Y-%m-%d");
    let event = remote.object_url(1);
    remote.serve_object(
        1,
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": event, "type": "Event", "name": "Asamblea",
            "content": "<p>Hola</p>",
            "startTime": format!("{day}T15:00:00-03:00"),
            "endTime": format!("{day}T16:00:00-03:00"),
            "timezone": "America/Argentina/Buenos_Aires",
            "attributedTo": remote.actor("ana"),
        }),
    );
    // Refused: not a URL; a gathering of this node; not an Event.
    for (url, code) in [
        ("nope", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "https://coops.test/gatherings/x",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            remote.actor("ana").as_str(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (st, b) = s
            .post(
                "/remote-gatherings",
                &tierra,
                json!({"url": url, "delegate": "Ana"}),
            )
            .await;
        assert_eq!(st, code, "{url}: {b}");
    }
    let (st, b) = s
        .post(
            "/remote-gatherings",
            &tierra,
            json!({"url": event, "delegate": ""}),
        )
        .await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, list) = s.get("/remote-gatherings", Some(&tierra)).await;
    assert_eq!(list, json!([]));

    let (st, joined) = s
        .post(
            "/remote-gatherings",
            &tierra,
            json!({"url": event, "delegate": "Ana"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["state"], "pending");
    let rid = joined["id"].as_str().unwrap().to_string();
    let (_, sent) = wait_received(&remote, "our Join", |(_, a)| a["type"] == "Join").await;
    assert_eq!(sent["actor"], "https://coops.test/actors/tierra");
    assert_eq!(sent["object"], event.as_str());
    assert_eq!(sent["delegate"], "Ana");
    // Contributing waits for the organiser's answer.
    let (st, b) = s
        .call(
            reqwest::Method::PUT,
            &format!("/remote-gatherings/{rid}/contribution"),
            Some(&tierra),
            Some(json!({"proposals": []})),
        )
        .await;
    assert_error(st, &b, StatusCode::CONFLICT, "conflict");

    // Only the organiser answers the Join, and publishes notes.
    let answer = |who: &str, n: &str| {
        json!({"id": format!("{}/activities/{n}", remote.base()), "type": "Accept",
               "actor": remote.actor(who), "object": sent.clone()})
    };
    let (st, b) = send_as(&s, &remote, "bea", "/inbox", &answer("bea", "a1")).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let notes = |who: &str, n: &str| {
        json!({"id": format!("{}/activities/{n}", remote.base()), "type": "Create",
               "actor": remote.actor(who),
               "object": {"id": format!("{}/notes/{n}", remote.base()), "type": "Note",
                          "attributedTo": remote.actor(who), "inReplyTo": event,
                          "content": "<p>Notes</p><script>x()</script>"}})
    };
    let (st, b) = send_as(&s, &remote, "bea", "/inbox", &notes("bea", "n1")).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (_, j) = s
        .get(&format!("/remote-gatherings/{rid}"), Some(&tierra))
        .await;
    assert_eq!(j["state"], "pending");
    assert_eq!(j["notes_html"], Value::Null);

    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &answer("ana", "a2")).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &notes("ana", "n2")).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (_, j) = s
        .get(&format!("/remote-gatherings/{rid}"), Some(&tierra))
        .await;
    assert_eq!(j["state"], "accepted");
    assert_eq!(j["notes_html"], "<p>Notes</p>");
    assert_eq!(j["time_zone"], "America/Argentina/Buenos_Aires");

    // Contributing sends a Create, then an Update, of the contribution.
    let (st, need) = s
        .post(
            "/proposals",
            &tierra,
            json!({"kind": "need", "category": "technical", "title": "Hosting"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{need}");
    for kind in ["Create", "Update"] {
        let (st, b) = s
            .call(
                reqwest::Method::PUT,
                &format!("/remote-gatherings/{rid}/contribution"),
                Some(&tierra),
                Some(json!({"about": "A coop", "proposals": [need["id"]]})),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{b}");
        let (_, c) = wait_received(&remote, "the contribution", |(_, a)| {
            a["type"] == kind && a["object"]["inReplyTo"] == event.as_str()
        })
        .await;
        assert_eq!(c["object"]["attachment"][0]["name"], "Hosting");
        assert_eq!(c["object"]["attachment"][0]["purpose"], "request");
        assert_eq!(c["to"], json!([remote.actor("ana")]));
    }

    // Leaving sends a Leave and forgets the registration.
    let (st, _) = s
        .post(
            &format!("/remote-gatherings/{rid}/leave"),
            &tierra,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, leave) = wait_received(&remote, "our Leave", |(_, a)| a["type"] == "Leave").await;
    assert_eq!(leave["object"], event.as_str());
    let (st, _) = s
        .get(&format!("/remote-gatherings/{rid}"), Some(&tierra))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_joins_a_gathering_elsewhere_and_contributes_through_the_pages() {
    let s = TestServer::start().await;
    s.coop("tierra").await;
    let remote = Remote::start(&["ana"]).await;
    let day = (Utc::now() + Duration::days(10)).format("%Y-%m-%d");
    let event = remote.object_url(1);
    remote.serve_object(
        1,
        json!({
            "id": event, "type": "Event", "name": "Asamblea <b>federada</b>",
            "content": "<p>Orden del día</p>",
            "startTime": format!("{day}T15:00:00+01:00"),
            "endTime": format!("{day}T16:00:00+01:00"),
            "timezone": "Europe/Madrid",
            "attachment": [{"type": "Link", "href": "https://meet.example/a"}],
            "attributedTo": remote.actor("ana"),
        }),
    );
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("tierra@coops.test").await;
    let page = b.get("/workspace/remote-gatherings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"url\""));

    // Not a gathering: the form again, with the error beside the field.
    let refused = b
        .post(
            "/workspace/remote-gatherings",
            &[("url", "not a url"), ("delegate", "Ana"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"url-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"Ana\""),
        "keeps what was typed"
    );

    let joined = b
        .post(
            "/workspace/remote-gatherings",
            &[("url", &event), ("delegate", "Ana"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let path = joined.location.clone();
    let waiting = b.get(&path).await;
    assert!(
        waiting.body.contains("Waiting for the organiser"),
        "{}",
        waiting.body
    );
    assert!(
        waiting.body.contains("Asamblea &#60;b&#62;federada"),
        "{}",
        waiting.body
    );
    assert!(waiting.body.contains("Europe/Madrid"));
    assert!(waiting.body.contains("https://meet.example/a"));
    assert!(!waiting.body.contains("in your time zone"));
    // In the member's own zone too, once chosen (14:00 UTC in Bogotá).
    let chosen = b
        .post(
            "/account/time-zone",
            &[("time_zone", "America/Bogota"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    for listed in [path.as_str(), "/workspace/remote-gatherings"] {
        let shown = b.get(listed).await;
        assert!(
            shown
                .body
                .contains("09:00–10:00 in your time zone (America/Bogota)"),
            "{listed}: {}",
            shown.body
        );
    }
    assert!(!waiting.body.contains("name=\"about\""));

    // Accepted: the contribution form; what is sent reaches the organiser.
    let (_, join) = wait_received(&remote, "our Join", |(_, a)| a["type"] == "Join").await;
    let accept = json!({"id": format!("{}/activities/a1", remote.base()), "type": "Accept",
                        "actor": remote.actor("ana"), "object": join});
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let open = b.get(&path).await;
    assert!(open.body.contains("name=\"about\""), "{}", open.body);
    let sent = b
        .post(
            &format!("{path}/contribution"),
            &[("about", "Somos una cooperativa"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let (_, c) = wait_received(&remote, "the contribution", |(_, a)| a["type"] == "Create").await;
    assert!(c["object"]["content"]
        .as_str()
        .unwrap()
        .contains("Somos una cooperativa"));
    let es = b.get(&format!("{path}?lang=es")).await;
    assert!(es.body.contains("Aceptada"), "Spanish page");

    let left = b.post(&format!("{path}/leave"), &[("csrf", &csrf)]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    let list = b.get("/workspace/remote-gatherings").await;
    // In Spanish: the language chosen above is remembered.
    assert!(list.body.contains("no se inscribió"), "{}", list.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_plans_a_gathering_of_the_node_that_the_node_actor_announces_and_answers() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let fiqus = s.coop("fiqus").await;
    s.coop("cotech").await;
    let remote = Remote::start(&["ana"]).await;

    // Refused, nothing planned: a coop's member, and no facilitator named.
    let (st, b) = s.post("/admin/gatherings", &fiqus, plan()).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (st, b) = s.post("/admin/gatherings", &admin, plan()).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, list) = s.get("/gatherings", None).await;
    assert_eq!(list["items"], json!([]));

    let mut by_node = plan();
    by_node["facilitators"] = json!(["cotech", "fiqus"]);
    let (st, g) = s.post("/admin/gatherings", &admin, by_node).await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    assert_eq!(g["organiser"], Value::Null);
    assert_eq!(g["note_taker"]["handle"], "cotech", "the first facilitator");
    let id = g["id"].as_str().unwrap().to_string();
    let url = format!("https://coops.test/gatherings/{id}");
    let e = event(&s, &id).await;
    assert_eq!(e["attributedTo"], "https://coops.test/actor");
    assert_eq!(e["cc"], json!(["https://coops.test/actor/followers"]));

    // A Join is answered by the node's actor.
    let first = join(&remote, "ana", "j1", &url, Some("Ana"));
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &first).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, accept) = wait_received(&remote, "the node's Accept", |(_, a)| {
        a["type"] == "Accept" && a["object"]["id"] == first["id"]
    })
    .await;
    assert_eq!(accept["actor"], "https://coops.test/actor");

    // The desk's form: the same fields; a refusal keeps what was typed.
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("admin@coops.test").await;
    let form = b.get("/admin/gatherings/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("action=\"/admin/gatherings\""));
    let day = (Utc::now() + Duration::days(12))
        .format("%Y-%m-%d")
        .to_string();
    let fields = |facilitators: &'static str| {
        vec![
            ("title", "Encuentro del nodo"),
            ("description", "Tres rondas."),
            ("date", day.as_str()),
            ("start", "17:00"),
            ("end", "18:00"),
            ("time_zone", "Europe/Madrid"),
            ("facilitators", facilitators),
            ("csrf", csrf.as_str()),
        ]
    };
    let refused = b.post("/admin/gatherings", &fields("")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"facilitators-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Encuentro del nodo"));
    let planned = b.post("/admin/gatherings", &fields("fiqus")).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let (_, list) = s.get("/gatherings", None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

/// NUL bytes and other control characters from another server never reach
/// the database (PostgreSQL refuses them): a delegate falls back to the
/// actor's name, HTML content is cleaned, a need's name refuses it.
#[tokio::test(flavor = "multi_thread")]
async fn control_characters_from_other_servers_are_refused_or_cleaned() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    let (_, g) = s.post("/gatherings", &fiqus, plan()).await;
    let id = g["id"].as_str().expect("id").to_string();
    let url = format!("https://coops.test/gatherings/{id}");

    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &join(&remote, "ana", "j1", &url, Some("A\u{0}na")),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let listed = participants(&s, &id).await;
    assert_eq!(listed[0]["delegate"], "ANA", "the actor's own name");

    let mut bad = need_of(&remote, "ana", 1, "Two");
    bad["name"] = json!("Tw\u{0}o");
    let c = contribution(&remote, "ana", "1", &url, vec![bad]);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &c).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    let mut c = contribution(
        &remote,
        "ana",
        "2",
        &url,
        vec![need_of(&remote, "ana", 2, "Two")],
    );
    c["object"]["content"] = json!("<p>We\u{0} host</p>");
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &c).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let about = participants(&s, &id).await[0]["about_html"].clone();
    assert!(!about.as_str().unwrap().contains('\u{0}'), "{about}");
    assert!(about.as_str().unwrap().contains("host"), "{about}");
}
