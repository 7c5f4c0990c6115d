//! `Announce` from a followed node is checked against the origin: what the
//! origin does not confirm is refused and stores nothing, and what it does
//! confirm is stored as the origin serves it, never as embedded.

use std::time::Duration;

use federation_tests::eventually;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::{post_signed, Remote, Signing};
use crate::common::{assert_error, TestServer};

const WAIT: Duration = Duration::from_secs(30);

async fn send_as(
    s: &TestServer,
    remote: &Remote,
    name: &str,
    activity: &Value,
) -> (StatusCode, Value) {
    let url = format!("{}/inbox", s.origin());
    let signing = Signing::as_person(remote, name, remote.person(name));
    post_signed(&s.http, &url, activity.to_string().as_bytes(), &signing).await
}

/// A FEP-0837 offer by the remote's `coop`, at `/objects/{n}`.
fn offer(remote: &Remote, n: u32, title: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.object_url(n),
        "type": "Note",
        "attributedTo": remote.actor("coop"),
        "purpose": "offer",
        "name": title,
        "content": "<p>Hosting</p>",
        "published": "2026-11-20T10:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "publishes": {"type": "Intent", "action": "transfer",
                      "resourceClassifiedAs": ["https://other.example/ns/categories#technical"]}
    })
}

/// `Announce{actor: announcer, object: Create|Delete{actor: coop, object}}`.
fn announce(remote: &Remote, announcer: &str, n: u32, inner: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#announces/{n}", remote.actor(announcer)),
        "type": "Announce",
        "actor": remote.actor(announcer),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": format!("{}#{}/{n}", remote.actor("coop"), inner.to_lowercase()),
            "type": inner,
            "actor": remote.actor("coop"),
            "object": object
        }
    })
}

/// The sorted titles listed from the remote node.
async fn listed(s: &TestServer, remote: &Remote) -> Vec<String> {
    let (st, page) = s
        .get(
            &format!("/directory/proposals?node={}", remote.domain()),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let mut titles: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

/// This node follows the remote's node actor, which accepts.
pub(crate) async fn follow_accepted_node(s: &TestServer, admin: &str, remote: &Remote) {
    let (st, body) = s
        .post("/admin/nodes", admin, json!({"domain": remote.domain()}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let follow = eventually("our node's Follow", WAIT, || async {
        remote
            .received()
            .into_iter()
            .find(|(_, a)| a["type"] == "Follow")
            .map(|(_, a)| a)
    })
    .await;
    assert_eq!(follow["object"], remote.actor("node"));
    let accept = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#accepts/1", remote.actor("node")),
        "type": "Accept", "actor": remote.actor("node"), "object": follow
    });
    let (st, body) = send_as(s, remote, "node", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn announces_are_checked_against_their_origin() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let remote = Remote::start_node(&["node", "coop"]).await;

    // Before this node follows the remote node, its Announces are ignored.
    remote.serve_object(1, offer(&remote, 1, "As the origin says"));
    let early = announce(&remote, "node", 1, "Create", offer(&remote, 1, "x"));
    let (st, _) = send_as(&s, &remote, "node", &early).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(listed(&s, &remote).await.is_empty());

    follow_accepted_node(&s, &admin, &remote).await;

    // Forged: the origin does not serve the announced object.
    let forged = announce(
        &remote,
        "node",
        2,
        "Create",
        offer(&remote, 2, "Forged offer"),
    );
    let (st, body) = send_as(&s, &remote, "node", &forged).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    // Forged: an object on another host than the announcing node.
    let mut elsewhere = offer(&remote, 3, "Elsewhere");
    elsewhere["id"] = json!("http://127.0.0.1:9/objects/3");
    let (st, body) = send_as(
        &s,
        &remote,
        "node",
        &announce(&remote, "node", 3, "Create", elsewhere),
    )
    .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    assert!(listed(&s, &remote).await.is_empty(), "nothing stored");

    // Confirmed: stored as the origin serves it, not as embedded.
    let genuine = announce(
        &remote,
        "node",
        4,
        "Create",
        offer(&remote, 1, "Embedded title, not trusted"),
    );
    let (st, body) = send_as(&s, &remote, "node", &genuine).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    assert_eq!(listed(&s, &remote).await, ["As the origin says"]);

    // Forged Delete: the origin still serves the object.
    let delete = announce(&remote, "node", 5, "Delete", json!(remote.object_url(1)));
    let (st, body) = send_as(&s, &remote, "node", &delete).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(listed(&s, &remote).await, ["As the origin says"]);

    // The origin is down: 503, so the sender delivers again later; the
    // same Announce then goes through.
    remote.serve_object(7, Value::Null);
    let later = announce(&remote, "node", 7, "Create", offer(&remote, 7, "x"));
    let (st, body) = send_as(&s, &remote, "node", &later).await;
    assert_error(
        st,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "origin_unreachable",
    );
    assert_eq!(listed(&s, &remote).await, ["As the origin says"]);
    remote.serve_object(7, offer(&remote, 7, "Served once the origin is back"));
    let (st, body) = send_as(&s, &remote, "node", &later).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        listed(&s, &remote).await,
        ["As the origin says", "Served once the origin is back"]
    );

    // An Announce signed by a coop, not by the followed node, is ignored.
    remote.serve_object(6, offer(&remote, 6, "Announced by a coop"));
    let by_coop = announce(&remote, "coop", 6, "Create", offer(&remote, 6, "x"));
    let (st, _) = send_as(&s, &remote, "coop", &by_coop).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(
        listed(&s, &remote).await,
        ["As the origin says", "Served once the origin is back"]
    );
    s.stop().await;
}
