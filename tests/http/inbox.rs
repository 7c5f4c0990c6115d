//! The inbox, driven by a stand-in remote server that signs like Mastodon:
//! follows are answered, proposals from followed actors are kept, and every
//! kind of bad request is refused with its status and changes nothing.

use std::time::{Duration, SystemTime};

use federation_tests::eventually;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::{post_signed, Remote, Signing};
use crate::common::{assert_error, TestServer};

const WAIT: Duration = Duration::from_secs(30);

async fn send(
    s: &TestServer,
    path: &str,
    activity: &Value,
    signing: &Signing<'_>,
) -> (StatusCode, Value) {
    post_signed(
        &s.http,
        &format!("{}{path}", s.origin()),
        activity.to_string().as_bytes(),
        signing,
    )
    .await
}

/// Sends as `name`, correctly signed.
pub(crate) async fn send_as(
    s: &TestServer,
    remote: &Remote,
    name: &str,
    path: &str,
    activity: &Value,
) -> (StatusCode, Value) {
    let signing = Signing::as_person(remote, name, remote.person(name));
    send(s, path, activity, &signing).await
}

pub(crate) fn follow_of(remote: &Remote, name: &str, n: u32, target: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/{n}", remote.actor(name)),
        "type": "Follow",
        "actor": remote.actor(name),
        "object": target
    })
}

async fn followers(s: &TestServer, token: &str, state: &str) -> Vec<String> {
    let (st, page) = s
        .get(&format!("/followers?state={state}"), Some(token))
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["account"].as_str().unwrap().to_string())
        .collect()
}

/// The coop of `token` follows `name` on `remote`: the relation as the API
/// answers it (201), and the `Follow` the remote server received.
pub(crate) async fn follow_remote(
    s: &TestServer,
    token: &str,
    remote: &Remote,
    name: &str,
) -> (Value, Value) {
    let (st, relation) = s
        .post("/follows", token, json!({"account": remote.account(name)}))
        .await;
    assert_eq!(
        st,
        StatusCode::CREATED,
        "{relation}; refused: {:?}",
        remote.refusals()
    );
    let (_, sent) = wait_received(remote, "our Follow", |(_, a)| {
        a["type"] == "Follow" && a["object"] == remote.actor(name)
    })
    .await;
    (relation, sent)
}

/// The coop `handle` (signed in as `token`) follows ana on `remote`, and
/// ana accepts: the relation as the API answered it.
pub(crate) async fn follow_accepted(
    s: &TestServer,
    token: &str,
    remote: &Remote,
    handle: &str,
) -> Value {
    let (relation, sent) = follow_remote(s, token, remote, "ana").await;
    let (st, b) = send_as(
        s,
        remote,
        "ana",
        &format!("/actors/{handle}/inbox"),
        &wrap(remote, "Accept", "accept-follow", sent),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    relation
}

pub(crate) async fn wait_received(
    remote: &Remote,
    what: &str,
    check: impl Fn(&(String, Value)) -> bool,
) -> (String, Value) {
    eventually(what, WAIT, || async {
        remote.received().into_iter().find(|d| check(d))
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_follow_is_accepted_and_an_undo_ends_it() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    let follow = follow_of(&remote, "ana", 1, "https://coops.test/actors/fiqus");

    let (st, body) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &follow).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        followers(&s, &token, "accepted").await,
        [remote.account("ana")]
    );
    let (path, accept) = wait_received(&remote, "the Accept", |(_, a)| a["type"] == "Accept").await;
    assert_eq!(path, "/users/ana/inbox");
    assert_eq!(accept["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(accept["object"]["id"], follow["id"]);
    assert_eq!(accept["object"]["actor"], remote.actor("ana"));
    let (_, _, collection) = s.fetch("/actors/fiqus/followers").await;
    assert_eq!(collection["totalItems"], 1);
    // The stored actor is the fetched document, cleaned.
    let (_, page) = s.get("/followers", Some(&token)).await;
    assert_eq!(page["items"][0]["name"], "ANA");
    assert_eq!(page["items"][0]["type"], "Person");

    let undo = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/1/undo", remote.actor("ana")),
        "type": "Undo", "actor": remote.actor("ana"), "object": follow
    });
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &undo).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(followers(&s, &token, "accepted").await.is_empty());

    // A replayed Follow is recognised by its id and changes nothing.
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &follow).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(followers(&s, &token, "accepted").await.is_empty());
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_are_refused_and_change_nothing() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana", "mallory"]).await;
    let ana = remote.person("ana");
    let mallory = remote.person("mallory");
    let follow = follow_of(&remote, "ana", 1, "https://coops.test/actors/fiqus");
    let path = "/actors/fiqus/inbox";

    // Signed with another actor's key.
    let forged = Signing::as_person(&remote, "ana", mallory);
    let (st, b) = send(&s, path, &follow, &forged).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");

    // No signature at all.
    let mut unsigned = Signing::as_person(&remote, "ana", ana);
    unsigned.sign = false;
    let (st, b) = send(&s, path, &follow, &unsigned).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");

    // A Digest of another body (the signature covers the wrong digest).
    let mut wrong_digest = Signing::as_person(&remote, "ana", ana);
    wrong_digest.digest = Some("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".into());
    let (st, b) = send(&s, path, &follow, &wrong_digest).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_digest");

    // Dates out of the window, either way, and none at all.
    for date in [
        SystemTime::now() - Duration::from_secs(2 * 3600),
        SystemTime::now() + Duration::from_secs(2 * 3600),
    ] {
        let mut stale = Signing::as_person(&remote, "ana", ana);
        stale.date = date;
        let (st, b) = send(&s, path, &follow, &stale).await;
        assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_date");
    }
    let mut no_date = Signing::as_person(&remote, "ana", ana);
    no_date.send_date = false;
    let (st, b) = send(&s, path, &follow, &no_date).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_date");

    // Too big, not JSON, not an activity we handle.
    let signing = Signing::as_person(&remote, "ana", ana);
    let mut huge = follow.clone();
    huge["padding"] = json!("x".repeat(300 * 1024));
    let (st, b) = send(&s, path, &huge, &signing).await;
    assert_error(st, &b, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let (st, b) = post_signed(
        &s.http,
        &format!("{}{path}", s.origin()),
        b"{\"type\": \"Follow\",",
        &signing,
    )
    .await;
    assert_error(st, &b, StatusCode::BAD_REQUEST, "invalid_activity");
    // A type we do not act on: unsigned is refused like anything else.
    let mut like = follow.clone();
    like["type"] = json!("Like");
    let (st, b) = send(&s, path, &like, &unsigned).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");

    // Signatures that do not tie the request to this inbox, host and time
    // (each would verify: they are made with ana's key over what they name).
    for covers in [
        vec!["digest"],
        vec!["date", "digest"],
        vec!["(request-target)", "digest"],
        vec!["(request-target)", "host", "digest"],
        vec!["(request-target)", "host", "date"],
    ] {
        let mut weak = Signing::as_person(&remote, "ana", ana);
        weak.covers = covers.clone();
        let (st, b) = send(&s, path, &follow, &weak).await;
        assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
        let message = b["message"].as_str().unwrap();
        assert!(message.contains("must cover"), "{covers:?}: {message}");
    }
    let mut weak = Signing::as_person(&remote, "ana", ana);
    weak.covers = vec!["date", "digest"];
    let (_, b) = send(&s, path, &follow, &weak).await;
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("(request-target), host;"),
        "names what is missing: {b}"
    );

    // An activity id on another host than its actor.
    let mut foreign_id = follow.clone();
    foreign_id["id"] = json!("http://elsewhere.test/follows/1");
    let (st, b) = send(&s, path, &foreign_id, &signing).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden_origin");

    // An object on another host than its actor.
    let note = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/notes/1/activity", remote.base()),
        "type": "Create", "actor": remote.actor("ana"),
        "object": {"id": "http://elsewhere.test/notes/1", "type": "Note", "purpose": "offer",
                   "attributedTo": remote.actor("ana"), "content": "x"}
    });
    let (st, b) = send(&s, "/inbox", &note, &signing).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");

    // A follow of a coop that does not exist.
    let nobody = follow_of(&remote, "ana", 2, "https://coops.test/actors/nobody");
    let (st, b) = send(&s, "/inbox", &nobody, &signing).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");

    assert!(followers(&s, &token, "accepted").await.is_empty());
    assert!(followers(&s, &token, "pending").await.is_empty());
    assert!(
        remote.received().is_empty(),
        "no Accept went out for a refused Follow"
    );
    // Correctly signed, a type we do not act on is accepted and dropped
    // (Mastodon answers so); it changes nothing.
    let (st, b) = send(&s, path, &like, &signing).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    assert!(followers(&s, &token, "accepted").await.is_empty());
    // The refused Follow was not recorded as seen: sent properly, it works.
    let (st, _) = send(&s, path, &follow, &signing).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(
        followers(&s, &token, "accepted").await,
        [remote.account("ana")]
    );
    s.stop().await;
}

pub(crate) fn proposal_note(remote: &Remote, n: u32, title: &str) -> Value {
    // Shaped like Mitra's FEP-0837 proposals, with our category vocabulary.
    json!({
        "id": format!("{}/objects/{n}", remote.base()),
        "type": "Note",
        "attributedTo": remote.actor("ana"),
        "purpose": "offer",
        "name": title,
        "content": "<p>We host <b>Nextcloud</b><script>alert(1)</script></p>",
        "published": "2026-11-20T10:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "tag": [{"type": "Hashtag", "name": "#coopOffer", "href": "x"},
                {"type": "Hashtag", "name": "#Nextcloud", "href": "x"}],
        "publishes": {
            "type": "Intent", "action": "transfer",
            "resourceClassifiedAs": ["https://other.example/ns/categories#technical"],
            "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": 5}
        },
        "location": {"type": "Place", "name": "Leeds"},
        "unitBased": false
    })
}

pub(crate) fn wrap(remote: &Remote, kind: &str, n: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{n}", remote.base()),
        "type": kind, "actor": remote.actor("ana"), "object": object
    })
}

async fn received_titles(s: &TestServer, token: &str) -> Vec<String> {
    let (st, page) = s.get("/remote-proposals", Some(token)).await;
    assert_eq!(st, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn proposals_of_a_followed_actor_are_kept_and_follow_its_changes() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana", "mallory"]).await;

    // Nobody here follows ana yet: her proposals are not kept.
    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Create", "0", proposal_note(&remote, 0, "Early")),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);

    let (f, sent) = follow_remote(&s, &token, &remote, "ana").await;
    assert_eq!(f["state"], "pending");
    assert_eq!(sent["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(sent["object"], remote.actor("ana"));
    // Ana accepts with her own copy of the Follow, as Mastodon does.
    let accept = wrap(&remote, "Accept", "accept-1", sent.clone());
    let (st, b) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, following) = s.get("/follows", Some(&token)).await;
    assert_eq!(following["items"][0]["account"], remote.account("ana"));
    assert_eq!(following["items"][0]["state"], "accepted");

    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(
            &remote,
            "Create",
            "1",
            proposal_note(&remote, 1, "Nextcloud hosting"),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let plain = json!({"id": format!("{}/objects/2", remote.base()), "type": "Note",
                       "attributedTo": remote.actor("ana"), "content": "just chatting"});
    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Create", "2", plain),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (_, page) = s.get("/remote-proposals", Some(&token)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    let p = &page["items"][0];
    assert_eq!(p["title"], "Nextcloud hosting");
    assert_eq!(p["kind"], "offer");
    assert_eq!(p["category"], "technical");
    assert_eq!(p["tags"], json!(["nextcloud"]));
    assert_eq!(p["quantity"], json!({"value": "5", "unit": "one"}));
    assert_eq!(p["place"], "Leeds");
    assert_eq!(p["remote"], Value::Null, "Mitra does not say");
    assert!(
        !p["content_html"].as_str().unwrap().contains("script"),
        "{p}"
    );
    assert_eq!(p["coop"]["account"], remote.account("ana"));

    // Mallory may not change or delete ana's proposal, even once followed.
    let (st, f) = s
        .post(
            "/follows",
            &token,
            json!({"account": remote.account("mallory")}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{f}");
    let mut stolen = proposal_note(&remote, 1, "Hijacked");
    stolen["attributedTo"] = json!(remote.actor("mallory"));
    let mut update = wrap(&remote, "Update", "m1", stolen);
    update["actor"] = json!(remote.actor("mallory"));
    let (st, b) = send_as(&s, &remote, "mallory", "/inbox", &update).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let mut delete = wrap(
        &remote,
        "Delete",
        "m2",
        json!(format!("{}/objects/1", remote.base())),
    );
    delete["actor"] = json!(remote.actor("mallory"));
    let (st, b) = send_as(&s, &remote, "mallory", "/inbox", &delete).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(received_titles(&s, &token).await, ["Nextcloud hosting"]);

    // Ana edits it (now saying it can be done remotely), updates her
    // profile, then deletes it.
    let mut edited = proposal_note(&remote, 1, "Nextcloud and Matrix hosting");
    edited["remote"] = json!(true);
    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Update", "3", edited),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(
        received_titles(&s, &token).await,
        ["Nextcloud and Matrix hosting"]
    );
    let (_, page) = s.get("/remote-proposals", Some(&token)).await;
    assert_eq!(page["items"][0]["remote"], true, "{page}");
    remote.set_display_name("ana", "Ana's Coop");
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Update", "4", remote.document("ana")),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, following) = s.get("/follows", Some(&token)).await;
    assert_eq!(following["items"][0]["name"], "Ana's Coop");
    let tombstone = json!({"id": format!("{}/objects/1", remote.base()), "type": "Tombstone"});
    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Delete", "5", tombstone),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(received_titles(&s, &token).await.is_empty());

    // Ana deletes her account: she is forgotten along with the follow.
    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Delete", "6", json!(remote.actor("ana"))),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (_, following) = s.get("/follows", Some(&token)).await;
    assert!(
        following["items"].as_array().unwrap().is_empty(),
        "{following}"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn follow_api_refuses_bad_accounts() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    for bad in ["ana", "@", "ana@", "a b@c.test"] {
        let (st, b) = s.post("/follows", &token, json!({"account": bad})).await;
        assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (st, b) = s
        .post("/follows", &token, json!({"account": "fiqus@coops.test"}))
        .await;
    let message = assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(message.contains("this node"), "{message}");
    let (st, b) = s
        .post(
            "/follows",
            &token,
            json!({"account": remote.account("nobody")}),
        )
        .await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, b) = s
        .post(
            "/follows",
            &token,
            json!({"account": remote.account("ana"), "extra": 1}),
        )
        .await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, b) = s.get("/follows?limit=0", Some(&token)).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, b) = s
        .call(
            reqwest::Method::DELETE,
            "/follows/unknown",
            Some(&token),
            None,
        )
        .await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (_, page) = s.get("/follows?state=pending", Some(&token)).await;
    assert!(page["items"].as_array().unwrap().is_empty());
    assert!(remote.received().is_empty(), "nothing was sent");
    s.stop().await;
}

/// An Undo names the Follow it ends: arriving after a newer Follow (a
/// re-follow delivered out of order), it leaves the newer one standing.
#[tokio::test(flavor = "multi_thread")]
async fn an_undo_of_an_older_follow_leaves_the_newer_one() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    let target = "https://coops.test/actors/fiqus";
    let undo = |n: u32| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/{n}/undo", remote.actor("ana")),
            "type": "Undo", "actor": remote.actor("ana"),
            "object": follow_of(&remote, "ana", n, target)
        })
    };
    for n in [1, 2] {
        let (st, body) = send_as(
            &s,
            &remote,
            "ana",
            "/inbox",
            &follow_of(&remote, "ana", n, target),
        )
        .await;
        assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    }
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &undo(1)).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert_eq!(
        followers(&s, &token, "accepted").await,
        [remote.account("ana")],
        "the older follow's Undo changes nothing"
    );
    let (st, _) = send_as(&s, &remote, "ana", "/inbox", &undo(2)).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(followers(&s, &token, "accepted").await.is_empty());
    s.stop().await;
}

/// POSTs `body` signed the RFC 9421 way as `name`, over `@method`,
/// `@target-uri` and (when `cover_digest`) `content-digest`, created at
/// `created`; `sent_body` is what actually goes (to tamper with it).
async fn post_rfc9421(
    s: &TestServer,
    remote: &Remote,
    name: &str,
    body: &[u8],
    sent_body: &[u8],
    cover_digest: bool,
    created: i64,
) -> (StatusCode, Value) {
    use intercoop::infra::outbound::rfc9421;
    // Signed for our public URL, as a client that read it in our actor
    // document would; sent to where the test server listens.
    let url = url::Url::parse("https://coops.test/actors/fiqus/inbox").unwrap();
    let digest = rfc9421::content_digest(body);
    let lookup = |h: &str| (h == "content-digest").then(|| digest.clone());
    let (input, signature) = rfc9421::sign(
        &rfc9421::Request {
            method: "POST",
            target: &url,
            header: &lookup,
        },
        cover_digest,
        &format!("{}#main-key", remote.actor(name)),
        &remote.person(name).private_key_pem,
        created,
    )
    .unwrap();
    let resp = s
        .http
        .post(format!("{}/actors/fiqus/inbox", s.origin()))
        .header("content-type", "application/activity+json")
        .header("content-digest", digest)
        .header("signature-input", input)
        .header("signature", signature)
        .body(sent_body.to_vec())
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn rfc_9421_signatures_are_verified_and_weak_or_stale_ones_refused() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana", "mallory"]).await;
    let follow = follow_of(&remote, "ana", 1, "https://coops.test/actors/fiqus");
    let body = follow.to_string();
    let body = body.as_bytes();
    let now = chrono::Utc::now().timestamp();

    let (st, b) = post_rfc9421(&s, &remote, "ana", body, body, false, now).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    assert!(
        b["message"].as_str().unwrap().contains("content-digest"),
        "{b}"
    );
    let (st, b) = post_rfc9421(&s, &remote, "ana", body, body, true, now - 2 * 3600).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    let mut tampered = follow.clone();
    tampered["object"] = json!("https://coops.test/actors/other");
    let tampered = tampered.to_string();
    let (st, b) = post_rfc9421(&s, &remote, "ana", body, tampered.as_bytes(), true, now).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_digest");
    // Signed with mallory's key, claiming to be ana.
    let mut forged = follow.clone();
    forged["id"] = json!(format!("{}#follows/9", remote.actor("ana")));
    let forged = forged.to_string();
    let (st, b) = post_rfc9421(
        &s,
        &remote,
        "mallory",
        forged.as_bytes(),
        forged.as_bytes(),
        true,
        now,
    )
    .await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    assert!(followers(&s, &token, "accepted").await.is_empty());
    assert!(remote.received().is_empty(), "nothing answered");

    let (st, b) = post_rfc9421(&s, &remote, "ana", body, body, true, now).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    assert_eq!(
        followers(&s, &token, "accepted").await,
        [remote.account("ana")]
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_is_applied_after_the_signature_and_told_only_to_the_signer() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let admin = s.admin().await;
    // A named host, known here: fiqus follows ana, so her actor is stored.
    let remote = Remote::start_node(&["ana"]).await;
    let (_, sent) = follow_remote(&s, &token, &remote, "ana").await;
    let accept = wrap(&remote, "Accept", "accept-1", sent);
    let (st, b) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    let (st, b) = s
        .call(
            reqwest::Method::PUT,
            "/admin/policy",
            Some(&admin),
            Some(json!({"federation_mode": "allowlist"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let create = wrap(&remote, "Create", "1", proposal_note(&remote, 1, "Hosting"));
    // Unsigned: refused for that, and nothing said of the policy.
    let mut unsigned = Signing::as_person(&remote, "ana", remote.person("ana"));
    unsigned.sign = false;
    let (st, b) = send(&s, "/inbox", &create, &unsigned).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    // Signed by ana: she is who she says, and her host is not allowed.
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &create).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "domain_refused");
    let (_, page) = s.get("/remote-proposals", Some(&token)).await;
    assert_eq!(page["items"], json!([]), "nothing kept");
    s.stop().await;
}

/// Sixteen activities signed by an actor the node has not seen, arriving
/// together while its server is slow to answer: one fetch of the actor.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_first_requests_of_one_actor_make_one_fetch() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    remote.slow_actors(Duration::from_millis(400));
    let sends = (1..=16).map(|n| {
        let follow = follow_of(&remote, "ana", n, "https://coops.test/actors/fiqus");
        let (s, remote) = (&s, &remote);
        async move { send_as(s, remote, "ana", "/actors/fiqus/inbox", &follow).await }
    });
    for (st, body) in futures_util::future::join_all(sends).await {
        assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    }
    assert_eq!(remote.actor_gets(), 1, "the actor was fetched once");
    s.stop().await;
}
