//! Every document the node serves or sends, as a reviewed snapshot
//! (`tests/http/snapshots/`): a change to the wire format shows up as a
//! snapshot diff to accept on purpose (`cargo insta review`), never by
//! accident. Values that change from run to run (ids, times, keys, the
//! stand-in server's port) are replaced by placeholders first.
//!
//! Served documents are fetched over HTTP as a remote server would;
//! sent ones are caught at the inbox of a stand-in remote server.

use std::sync::LazyLock;

use regex::Regex;
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{send_as, wait_received};
use crate::introductions::{followed_remote_offer, remote_offer};

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap()
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})").unwrap()
});
static REMOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"http://(localhost|remote-node\.test):\d+").unwrap());
static REMOTE_DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(localhost|remote-node\.test):\d+").unwrap());

/// The document with what changes between runs replaced.
fn stable(v: &Value) -> Value {
    match v {
        Value::String(s) if s.contains("-----BEGIN") => json!("[key]"),
        Value::String(s) => {
            let s = UUID.replace_all(s, "[uuid]");
            let s = TIME.replace_all(&s, "[time]");
            let s = REMOTE.replace_all(&s, "http://remote.test");
            let s = REMOTE_DOMAIN.replace_all(&s, "remote.test");
            Value::String(s.into_owned())
        }
        Value::Array(items) => Value::Array(items.iter().map(stable).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), stable(v))).collect())
        }
        other => other.clone(),
    }
}

macro_rules! snapshot {
    ($name:expr, $doc:expr) => {
        insta::assert_json_snapshot!($name, stable(&$doc))
    };
}

/// GETs a served document; asserts it is there.
async fn served(s: &TestServer, path: &str) -> Value {
    let (st, _, doc) = s.fetch(path).await;
    assert_eq!(st, StatusCode::OK, "{path}: {doc}");
    doc
}

/// A coop with a profile, an open need (with every optional field), an
/// open offer and a closed need.
async fn coop_with_proposals(s: &TestServer) -> (String, String, String) {
    let token = s.coop("fiqus").await;
    let (st, b) = s
        .patch(
            "/coop",
            &token,
            json!({"about": "Worker-owned **software** coop.", "country": "AR",
                   "languages": ["es", "en"], "stage": "established",
                   "website": "https://fiqus.coop", "sectors": ["software"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let need = s
        .publish(
            &token,
            json!({"kind": "need", "category": "human", "title": "Rust developer, 20 h/week",
                   "description": "Three months, **remote**.", "tags": ["rust", "backend"],
                   "remote": true, "place": "Rosario, AR", "deadline": "2027-03-01",
                   "quantity": {"value": "240", "unit": "hour"}}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.publish(
        &token,
        json!({"kind": "offer", "category": "technical", "title": "Hosting for coops"}),
    )
    .await;
    let closed = s
        .publish(
            &token,
            json!({"kind": "need", "category": "knowledge", "title": "A closed need"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, b) = s
        .patch(
            &format!("/proposals/{closed}"),
            &token,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    (token, need, closed)
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_the_node_serves() {
    let s = TestServer::start().await;
    let (_, need, closed) = coop_with_proposals(&s).await;

    for (name, path) in [
        (
            "webfinger_coop",
            "/.well-known/webfinger?resource=acct:fiqus@coops.test",
        ),
        (
            "webfinger_node",
            "/.well-known/webfinger?resource=acct:coops.test@coops.test",
        ),
        ("nodeinfo_links", "/.well-known/nodeinfo"),
        ("nodeinfo", "/nodeinfo/2.1"),
        ("node_actor", "/actor"),
        ("node_outbox", "/actor/outbox"),
        ("node_followers", "/actor/followers"),
        ("node_directory", "/actor/directory"),
        ("coop_actor", "/actors/fiqus"),
        ("coop_outbox", "/actors/fiqus/outbox"),
        ("coop_featured", "/actors/fiqus/featured"),
        ("coop_followers", "/actors/fiqus/followers"),
        ("coop_following", "/actors/fiqus/following"),
    ] {
        let mut doc = served(&s, path).await;
        // The software's version changes with each release, not the wire.
        if let Some(version) = doc.pointer_mut("/software/version") {
            *version = json!("[version]");
        }
        snapshot!(name, doc);
    }
    // The first page of each paged collection.
    for (name, path) in [
        ("node_directory_first_page", "/actor/directory"),
        ("coop_outbox_first_page", "/actors/fiqus/outbox"),
    ] {
        let collection = served(&s, path).await;
        let first = collection["first"].as_str().unwrap();
        let first = first.trim_start_matches("https://coops.test");
        let page = served(&s, first).await;
        snapshot!(name, page);
        if let Some(next) = page["next"].as_str() {
            let next = next.trim_start_matches("https://coops.test");
            snapshot!(format!("{name}_next"), served(&s, next).await);
        }
    }
    snapshot!(
        "proposal_note",
        served(&s, &format!("/proposals/{need}")).await
    );
    snapshot!(
        "proposal_create",
        served(&s, &format!("/proposals/{need}/activity")).await
    );
    // A closed proposal is a Tombstone, served with 410.
    let (st, _, tombstone) = s.fetch(&format!("/proposals/{closed}")).await;
    assert_eq!(st, StatusCode::GONE);
    snapshot!("proposal_tombstone", tombstone);
    s.stop().await;
}

/// The activities a coop sends to a remote follower and a remote followee:
/// Accept, Create, Update, Delete, Follow, Undo, Reject.
#[tokio::test(flavor = "multi_thread")]
async fn activities_a_coop_sends() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana", "bob", "carla"]).await;
    let follow = |name: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/1", remote.actor(name)),
            "type": "Follow", "actor": remote.actor(name),
            "object": "https://coops.test/actors/fiqus"
        })
    };
    let (st, b) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &follow("ana")).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, accept) = wait_received(&remote, "the Accept", |(_, a)| a["type"] == "Accept").await;
    snapshot!("sent_accept_follow", accept);

    let created = s
        .publish(
            &token,
            json!({"kind": "offer", "category": "technical", "title": "Hosting for coops",
                   "description": "Nextcloud and mail.", "tags": ["hosting"], "remote": true,
                   "quantity": {"value": "3", "unit": "month"}}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let (_, create) = wait_received(&remote, "the Create", |(_, a)| a["type"] == "Create").await;
    snapshot!("sent_create_proposal", create);
    let (st, b) = s
        .patch(
            &format!("/proposals/{id}"),
            &token,
            json!({"title": "Hosting for coops, in Europe"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, update) = wait_received(&remote, "the Update", |(_, a)| a["type"] == "Update").await;
    snapshot!("sent_update_proposal", update);
    let (st, b) = s
        .patch(
            &format!("/proposals/{id}"),
            &token,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, delete) = wait_received(&remote, "the Delete", |(_, a)| a["type"] == "Delete").await;
    snapshot!("sent_delete_proposal", delete);

    // Following bob, then stopping.
    let (st, f) = s
        .post(
            "/follows",
            &token,
            json!({"account": remote.account("bob")}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{f}");
    let (_, sent) = wait_received(&remote, "our Follow", |(_, a)| a["type"] == "Follow").await;
    snapshot!("sent_follow", sent);
    let (st, b) = s
        .call(
            Method::DELETE,
            &format!("/follows/{}", f["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    let (_, undo) = wait_received(&remote, "our Undo", |(_, a)| a["type"] == "Undo").await;
    snapshot!("sent_undo_follow", undo);

    // A coop that approves by hand rejects carla's request.
    let (st, b) = s
        .patch(
            "/coop",
            &token,
            json!({"manually_approves_followers": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, b) = send_as(&s, &remote, "carla", "/inbox", &follow("carla")).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, pending) = s.get("/followers?state=pending", Some(&token)).await;
    let carla = pending["items"][0]["id"].as_str().unwrap().to_string();
    let (st, b) = s
        .post(&format!("/followers/{carla}/reject"), &token, json!({}))
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    let (_, reject) = wait_received(&remote, "the Reject", |(_, a)| a["type"] == "Reject").await;
    snapshot!("sent_reject_follow", reject);
    s.stop().await;
}

/// An introduction asked of a remote coop (Offer and the mention Note), and
/// remote introductions accepted and declined (Accept, Reject).
#[tokio::test(flavor = "multi_thread")]
async fn introduction_activities() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let (st, b) = s
        .patch(
            "/coop",
            &token,
            json!({"private_contact": {"email": "hola@fiqus.coop", "person": "Ana"}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let remote = Remote::start(&["ana"]).await;

    // Follow ana, receive her offer, ask to be introduced.
    let offer = followed_remote_offer(&s, &token, &remote).await;
    let (st, b) = s
        .post(
            "/introductions",
            &token,
            json!({"proposal": offer, "message": "We need *hosting* for 3 coops."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let (_, offer_activity) =
        wait_received(&remote, "our Offer", |(_, a)| a["type"] == "Offer").await;
    snapshot!("sent_introduction_offer", offer_activity);
    let (_, note) = wait_received(&remote, "our mention Note", |(_, a)| {
        a["type"] == "Create" && a["object"]["tag"][0]["type"] == "Mention"
    })
    .await;
    snapshot!("sent_introduction_mention_note", note);

    // Ana asks twice about our need: one accepted, one declined.
    let need = s
        .publish(
            &token,
            json!({"kind": "need", "category": "technical", "title": "Hosting",
                   "quantity": {"value": "3", "unit": "month"}}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let need2 = s
        .publish(
            &token,
            json!({"kind": "need", "category": "work", "title": "A client project"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (n, proposal) in [("1", &need), ("2", &need2)] {
        let (st, b) = send_as(
            &s,
            &remote,
            "ana",
            "/inbox",
            &remote_offer(&remote, n, proposal),
        )
        .await;
        assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    }
    let (_, received) = s
        .get("/introductions?direction=received", Some(&token))
        .await;
    let by_proposal = |p: &str| {
        received["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["proposal"]["id"] == p)
            .map(|i| i["id"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (st, b) = s
        .post(
            &format!("/introductions/{}/accept", by_proposal(&need)),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, accepted) = wait_received(&remote, "our Accept", |(_, a)| {
        a["type"] == "Accept" && a["object"] == format!("{}/introductions/1", remote.base())
    })
    .await;
    snapshot!("sent_introduction_accept", accepted);
    let (st, b) = s
        .post(
            &format!("/introductions/{}/decline", by_proposal(&need2)),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (_, rejected) = wait_received(&remote, "our Reject", |(_, a)| a["type"] == "Reject").await;
    snapshot!("sent_introduction_reject", rejected);
    s.stop().await;
}

/// What the node actor sends: its Follow of another node, its Accept of a
/// node follower, and the Announce of a coop's activity to follower nodes;
/// and the Delete of a coop's actor when an admin deletes the coop.
#[tokio::test(flavor = "multi_thread")]
async fn node_activities_and_a_deleted_coop() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start_node(&["node"]).await;
    let (st, b) = s
        .call(
            Method::PUT,
            "/admin/policy",
            Some(&admin),
            Some(json!({"node_follow_approval": "auto", "federation_mode": "open"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");

    let (st, b) = s
        .post("/admin/nodes", &admin, json!({"domain": remote.domain()}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let (_, follow) =
        wait_received(&remote, "our node's Follow", |(_, a)| a["type"] == "Follow").await;
    snapshot!("sent_node_follow", follow);

    let their_follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/1", remote.actor("node")),
        "type": "Follow", "actor": remote.actor("node"), "object": "https://coops.test/actor"
    });
    let (st, b) = send_as(&s, &remote, "node", "/inbox", &their_follow).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, accept) = wait_received(&remote, "our node's Accept", |(_, a)| {
        a["type"] == "Accept" && a["actor"] == "https://coops.test/actor"
    })
    .await;
    snapshot!("sent_node_accept_follow", accept);

    s.publish(
        &token,
        json!({"kind": "need", "category": "financial", "title": "A bridge loan"}),
    )
    .await;
    let (_, announce) =
        wait_received(&remote, "the Announce", |(_, a)| a["type"] == "Announce").await;
    snapshot!("sent_announce_create", announce);

    // The remote node follows fiqus too, so it hears of the deletion.
    let follow_coop = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/2", remote.actor("node")),
        "type": "Follow", "actor": remote.actor("node"),
        "object": "https://coops.test/actors/fiqus"
    });
    let (st, b) = send_as(&s, &remote, "node", "/inbox", &follow_coop).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (st, b) = s
        .call(Method::DELETE, "/admin/coops/fiqus", Some(&admin), None)
        .await;
    assert!(st.is_success(), "{st} {b}");
    let (_, delete) = wait_received(&remote, "the Delete of the actor", |(_, a)| {
        a["type"] == "Delete" && a["object"]["id"] == "https://coops.test/actors/fiqus"
    })
    .await;
    snapshot!("sent_delete_actor", delete);
    let (st, _, tombstone) = s.fetch("/actors/fiqus").await;
    assert_eq!(st, StatusCode::GONE);
    snapshot!("coop_actor_tombstone", tombstone);
    s.stop().await;
}
