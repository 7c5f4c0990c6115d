//! Interop with software we did not write: a server built with Fedify (from
//! npm, see `fedify/peer.mjs`) and a coop on an intercoop node follow each
//! other through WebFinger and read each other's posts, every request signed
//! and verified by both sides.
//!
//! Needs `npm ci` in `federation-tests/fedify` first, so it only builds with
//! the `fedify` feature: `.ci/run` does both.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use federation_tests::steps::{accounts, follow, publish, titles, wait_for, WAIT};
use federation_tests::{eventually, free_port, Node, Spec};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PEER_IP: &str = "127.0.0.40";
const FRONT_IP: &str = "127.0.0.41";

/// The Fedify peer process and a client for its control API.
struct Peer {
    host: String,
    http: reqwest::Client,
    _child: Child,
}

impl Peer {
    async fn start(front_port: u16, node_listener: &str) -> Peer {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fedify");
        let node = dir.join("node_modules/.bin/node");
        assert!(
            node.exists(),
            "{} is missing: run `npm ci` in {}",
            node.display(),
            dir.display()
        );
        let port = free_port(PEER_IP);
        let host = format!("fedify.test:{port}");
        let mut child = Command::new(node)
            .arg("peer.mjs")
            .current_dir(&dir)
            .env("PEER_BIND", format!("{PEER_IP}:{port}"))
            .env("PEER_HOST", &host)
            .env("FRONT_BIND", format!("{FRONT_IP}:{front_port}"))
            .env("FRONT_HOST", "alpha.test")
            .env("FRONT_UPSTREAM", node_listener)
            .env(
                "PEER_RESOLVE",
                format!("alpha.test={FRONT_IP},fedify.test={PEER_IP}"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the Fedify peer");
        let stdout = child.stdout.take().expect("peer stdout");
        let ready = tokio::time::timeout(WAIT, async {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "ready" {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(ready, Ok(true), "the Fedify peer did not start");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .resolve(
                "fedify.test",
                format!("{PEER_IP}:{port}").parse().expect("address"),
            )
            .build()
            .expect("client");
        Peer {
            host,
            http,
            _child: child,
        }
    }

    fn account(&self) -> String {
        format!("peer@{}", self.host)
    }

    fn actor(&self) -> String {
        format!("http://{}/users/peer", self.host)
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(format!("http://{}/control/{path}", self.host))
            .json(&body)
            .send()
            .await
            .expect("peer control");
        let status = resp.status();
        let body: Value = resp.json().await.expect("peer answer");
        assert_eq!(status, StatusCode::OK, "peer {path}: {body}");
        body
    }

    async fn received(&self) -> Value {
        self.http
            .get(format!("http://{}/control/received", self.host))
            .send()
            .await
            .expect("peer control")
            .json()
            .await
            .expect("peer answer")
    }

    /// Waits until the peer has verified an activity of `kind` that `ok` likes.
    async fn wait_for(&self, kind: &str, ok: impl Fn(&Value) -> bool) -> Value {
        eventually(&format!("the peer verifies a {kind}"), WAIT, || async {
            let all = self.received().await;
            all["received"]
                .as_array()
                .and_then(|items| items.iter().find(|a| a["type"] == kind && ok(a)).cloned())
        })
        .await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fedify_server_and_a_coop_follow_each_other_and_read_each_others_posts() {
    interop(Spec::new("alpha", 42)).await;
}

/// The same, with the node in authorized-fetch mode: Fedify's signed GETs
/// are verified, and its unsigned key fetches get the key-only actor.
#[tokio::test(flavor = "multi_thread")]
async fn the_same_with_the_node_in_authorized_fetch_mode() {
    interop(Spec::new("alpha", 43).setting("authorized_fetch", "true")).await;
}

async fn interop(spec: Spec) {
    let front_port = free_port(FRONT_IP);
    let spec = spec.behind(&format!("https://alpha.test:{front_port}"));
    let listener = spec.listener();
    let alpha = Node::start_spec(spec, &[format!("fedify.test={PEER_IP}")]).await;
    let peer = Peer::start(front_port, &listener).await;
    let tierra = alpha.coop("tierra").await;
    let tierra_actor = format!("{}/actors/tierra", alpha.public_url());

    // Fedify finds the coop by its handle (WebFinger over https) and follows.
    let followed = peer
        .control(
            "follow",
            json!({ "handle": format!("@{}", alpha.account("tierra")) }),
        )
        .await;
    assert_eq!(followed["actor"], tierra_actor);
    assert_eq!(followed["type"], "Organization");
    assert_eq!(
        followed["followers"],
        format!("{tierra_actor}/followers"),
        "Fedify read the whole actor (signed, in authorized-fetch mode)"
    );
    // Its avatar: the generated picture until the coop uploads one.
    let icon = followed["icon"].as_str().unwrap_or_default();
    assert!(
        icon.starts_with(&format!("{}/media/avatars/", alpha.public_url()))
            && icon.ends_with(".png"),
        "{followed}"
    );
    assert_eq!(followed["iconType"], "image/png");
    wait_for(
        &alpha,
        &tierra,
        "/followers",
        "the Fedify follower is accepted",
        WAIT,
        |p| accounts(p) == [peer.account()] && p["items"][0]["state"] == "accepted",
    )
    .await;
    let accept = peer
        .wait_for("Accept", |a| a["actor"] == tierra_actor.as_str())
        .await;
    assert_eq!(accept["raw"]["object"]["id"], followed["follow"]);

    // A profile change reaches Fedify as a signed Update of the actor.
    let (st, _) = alpha
        .patch_as(
            &tierra,
            "/coop",
            json!({"display_name": "Tierra Cooperativa"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let update = peer
        .wait_for("Update", |a| a["raw"]["object"]["type"] == "Organization")
        .await;
    assert_eq!(update["raw"]["object"]["id"], tierra_actor);
    assert_eq!(update["raw"]["object"]["name"], "Tierra Cooperativa");
    // Fedify's Follow came signed the RFC 9421 way (its first knock, which
    // we verify), so we sign to it that way too, and Fedify verifies it.
    assert_eq!(update["spec"], "rfc9421", "{update}");

    // The coop's needs reach Fedify as signed Create/Update/Delete of Notes
    // that carry the FEP-0837 fields.
    let id = publish(&alpha, &tierra, "Two developers for a month").await;
    let note_id = format!("{}/proposals/{id}", alpha.public_url());
    let create = peer
        .wait_for("Create", |a| a["raw"]["object"]["id"] == note_id.as_str())
        .await;
    let note = &create["raw"]["object"];
    assert_eq!(create["actor"], tierra_actor);
    assert_eq!(note["type"], "Note");
    assert_eq!(note["attributedTo"], tierra_actor);
    assert_eq!(note["name"], "Two developers for a month");
    assert_eq!(note["purpose"], "request");
    assert_eq!(
        note["publishes"]["resourceQuantity"]["hasNumericalValue"],
        "3"
    );
    let (st, _) = alpha
        .patch_as(
            &tierra,
            &format!("/proposals/{id}"),
            json!({"title": "Three developers for a month"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    peer.wait_for("Update", |a| {
        a["raw"]["object"]["name"] == "Three developers for a month"
    })
    .await;
    let (st, _) = alpha
        .patch_as(
            &tierra,
            &format!("/proposals/{id}"),
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    peer.wait_for("Delete", |a| a["raw"]["object"]["id"] == note_id.as_str())
        .await;

    gathering(&alpha, &tierra, &tierra_actor, &peer).await;

    // The coop follows Fedify back; Fedify's signed Accept is taken.
    let requested = follow(&alpha, &tierra, &peer.account()).await;
    assert_eq!(requested["type"], "Person");
    assert_eq!(requested["actor"], peer.actor());
    wait_for(
        &alpha,
        &tierra,
        "/follows",
        "Fedify accepts the follow",
        WAIT,
        |p| accounts(p) == [peer.account()] && p["items"][0]["state"] == "accepted",
    )
    .await;

    // Fedify's posts: a plain Note from its own outbox is kept for the
    // home timeline of tierra, which follows Fedify's actor ...
    peer.control(
        "note",
        json!({ "to": tierra_actor, "content": "<p>Hello from Fedify</p>" }),
    )
    .await;
    let tierra_app = alpha.mastodon_token("tierra", "read").await;
    let home = eventually("Fedify's post in tierra's home timeline", WAIT, || async {
        let (st, page) = alpha
            .get_mastodon(&tierra_app, "/api/v1/timelines/home")
            .await;
        (st == StatusCode::OK && page.as_array().is_some_and(|a| !a.is_empty())).then_some(page)
    })
    .await;
    assert_eq!(home[0]["content"], "<p>Hello from Fedify</p>", "{home}");
    assert_eq!(home[0]["account"]["acct"], peer.account(), "{home}");
    assert_eq!(home[0]["visibility"], "public", "{home}");
    // ... and an offer carrying FEP-0837 fields, signed by Fedify, is kept.
    let offer_id = format!("{}/offers/1", peer.actor());
    let sent = peer
        .control(
            "raw",
            json!({
                "to": tierra_actor,
                "activity": {
                    "@context": ["https://www.w3.org/ns/activitystreams", {
                        "vf": "https://w3id.org/valueflows/ont/vf#",
                        "purpose": "vf:purpose", "publishes": "vf:publishes"
                    }],
                    "id": format!("{}/activities/offer-1", peer.actor()),
                    "type": "Create",
                    "actor": peer.actor(),
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "object": {
                        "id": offer_id,
                        "type": "Note",
                        "attributedTo": peer.actor(),
                        "name": "Rust mentoring",
                        "content": "<p>Two hours a week of Rust mentoring.</p>",
                        "purpose": "offer",
                        "publishes": {"type": "Intent", "action": "deliverService",
                                      "resourceQuantity": {"hasUnit": "hour", "hasNumericalValue": "2"}},
                        "to": ["https://www.w3.org/ns/activitystreams#Public"]
                    }
                }
            }),
        )
        .await;
    assert_eq!(sent["status"], 202, "{sent}");

    // Signed by Fedify the RFC 9421 way: verified here at the first try;
    // the same request with its body changed after signing is refused.
    let rfc9421_offer = |n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/offer-9421-{n}", peer.actor()),
            "type": "Create",
            "actor": peer.actor(),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "id": format!("{}/offers/9421-{n}", peer.actor()),
                "type": "Note", "attributedTo": peer.actor(),
                "name": format!("Security audit {n}"), "content": "<p>A week of audit.</p>",
                "purpose": "offer",
                "publishes": {"type": "Intent", "action": "deliverService",
                              "resourceQuantity": {"hasUnit": "hour", "hasNumericalValue": "40"}},
                "to": ["https://www.w3.org/ns/activitystreams#Public"]
            }
        })
    };
    let tampered = peer
        .control(
            "raw",
            json!({"to": tierra_actor, "spec": "rfc9421", "tamper": true, "activity": rfc9421_offer(1)}),
        )
        .await;
    assert!(
        tampered["signatureInput"]
            .as_str()
            .is_some_and(|s| s.contains("\"@method\"")),
        "Fedify signed with RFC 9421: {tampered}"
    );
    assert_eq!(tampered["status"], 401, "{tampered}");
    let sent = peer
        .control(
            "raw",
            json!({"to": tierra_actor, "spec": "rfc9421", "activity": rfc9421_offer(2)}),
        )
        .await;
    assert_eq!(sent["status"], 202, "{sent}");
    let page = wait_for(
        &alpha,
        &tierra,
        "/remote-proposals",
        "the Fedify offers are kept",
        WAIT,
        |p| titles(p) == ["Rust mentoring", "Security audit 2"],
    )
    .await;
    let offer = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == "Rust mentoring")
        .unwrap();
    assert_eq!(offer["kind"], "offer");
    assert_eq!(offer["ap_id"], offer_id);
    assert_eq!(offer["coop"]["account"], peer.account());
    assert_eq!(offer["quantity"], json!({"value": "2", "unit": "hour"}));

    // Fedify's Update of its actor renames it here.
    peer.control(
        "rename",
        json!({ "to": tierra_actor, "name": "Fedify peer, renamed" }),
    )
    .await;
    wait_for(
        &alpha,
        &tierra,
        "/follows",
        "the rename arrives",
        WAIT,
        |p| p["items"][0]["name"] == "Fedify peer, renamed",
    )
    .await;

    // Fedify unfollows: the coop loses the follower.
    peer.control("unfollow", json!({ "actor": tierra_actor }))
        .await;
    wait_for(
        &alpha,
        &tierra,
        "/followers",
        "the Undo arrives",
        WAIT,
        |p| accounts(p).is_empty(),
    )
    .await;
}

/// A gathering reaches Fedify as a `Create` of an `Event` its vocabulary
/// reads; Fedify fetches it by URL, joins it with a `Join` our `Accept`
/// answers, is listed among the participants, and leaves with `Leave`.
async fn gathering(alpha: &Node, tierra: &str, tierra_actor: &str, peer: &Peer) {
    let day = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%d");
    let (st, g) = alpha
        .post_as(
            tierra,
            "/gatherings",
            json!({
                "title": "Monthly inter-coop call",
                "description": "Three rounds: about, needs, offers.",
                "starts_at": format!("{day}T15:00:00+01:00"),
                "ends_at": format!("{day}T16:30:00+01:00"),
                "time_zone": "Europe/Madrid",
                "call_url": "https://meet.example/coops",
                "languages": ["es"],
            }),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().expect("id");
    let event = format!("{}/gatherings/{id}", alpha.public_url());
    let created = peer
        .wait_for("Create", |a| a["raw"]["object"]["id"] == event.as_str())
        .await;
    assert_eq!(created["objectClass"], "Event", "{created}");
    assert_eq!(created["actor"], tierra_actor);

    let joined = peer.control("join", json!({ "event": event })).await;
    assert_eq!(joined["type"], "Event");
    assert_eq!(joined["name"], "Monthly inter-coop call");
    assert!(
        joined["startTime"]
            .as_str()
            .is_some_and(|t| t.starts_with(&format!("{day}T14:00:00"))),
        "Fedify reads the start as an instant (15:00 in Madrid in winter is 14:00 UTC): {joined}"
    );
    assert_eq!(joined["organiser"], tierra_actor);
    assert_eq!(joined["organiserType"], "Organization");
    let accept = peer
        .wait_for("Accept", |a| a["raw"]["object"]["id"] == joined["join"])
        .await;
    assert_eq!(accept["actor"], tierra_actor);
    assert_eq!(accept["raw"]["object"]["type"], "Join");
    let (st, listed) = alpha.get(&format!("/gatherings/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(listed["participants"][0]["coop"]["handle"], peer.account());
    assert_eq!(listed["participants"][0]["coop"]["remote"], true);

    peer.control("leave", json!({ "event": event })).await;

    // The other way: the coop joins the peer's gathering, an Event as
    // Fedify's vocabulary writes it; Fedify reads our Join (with its
    // delegate) and accepts it; the coop leaves.
    let theirs: Value = peer
        .http
        .get(format!("http://{}/control/event", peer.host))
        .send()
        .await
        .expect("peer control")
        .json()
        .await
        .expect("peer answer");
    let their_event = theirs["url"].as_str().expect("url").to_string();
    let (st, joined) = alpha
        .post_as(
            tierra,
            "/remote-gatherings",
            json!({"url": their_event, "delegate": "Ana"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{joined}");
    assert_eq!(joined["title"], "Fedify's gathering");
    assert_eq!(joined["organiser"], peer.account());
    let rid = joined["id"].as_str().expect("id").to_string();
    let join = peer
        .wait_for("Join", |a| a["object"] == their_event.as_str())
        .await;
    assert_eq!(join["actor"], tierra_actor);
    assert_eq!(join["raw"]["delegate"], "Ana");
    eventually("Fedify's Accept of the Join", WAIT, || async {
        let (_, j) = alpha
            .get_as(tierra, &format!("/remote-gatherings/{rid}"))
            .await;
        (j["state"] == "accepted").then_some(())
    })
    .await;
    let (st, _) = alpha
        .post_as(
            tierra,
            &format!("/remote-gatherings/{rid}/leave"),
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    peer.wait_for("Leave", |a| a["object"] == their_event.as_str())
        .await;
    eventually("the Leave arrives", WAIT, || async {
        let (_, g) = alpha.get(&format!("/gatherings/{id}")).await;
        g["participants"]
            .as_array()
            .is_some_and(|p| p.is_empty())
            .then_some(())
    })
    .await;
}
