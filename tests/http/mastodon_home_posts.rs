//! Posts of followed accounts that are not needs or offers (a member's
//! toot, a GoToSocial status): kept for the home timelines of the coops
//! following their authors, by their addressing, for `home_posts_days`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::remote::{post_signed, Remote, Signing, NODE_HOST};
use crate::common::TestServer;
use crate::inbox::{follow_accepted, follow_remote, proposal_note, wait_received};
use crate::mastodon_oauth::{app_token, send, Answer, Body};
use crate::mastodon_streaming::{next_event, open};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Answer {
    send(s, Method::GET, path, token, Body::None).await
}

/// The `uri`s of a timeline page.
async fn uris(s: &TestServer, path: &str, token: &str) -> Vec<String> {
    let a = get(s, path, Some(token)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["uri"].as_str().unwrap().to_string())
        .collect()
}

/// A toot by `name` of the remote, at `/objects/{n}`.
fn toot(remote: &Remote, name: &str, n: u32, to: Value, cc: Value) -> Value {
    json!({
        "id": remote.object_url(n),
        "type": "Note",
        "attributedTo": remote.actor(name),
        "content": format!("<p>Post {n} <script>alert(1)</script><a href=\"javascript:x()\">x</a></p>"),
        "contentMap": {"es": "x"},
        "published": "2026-11-20T10:00:00Z",
        "to": to,
        "cc": cc,
    })
}

/// Sends a `Create` (or another activity) of `object` signed by `name`.
async fn deliver(s: &TestServer, remote: &Remote, name: &str, kind: &str, n: &str, object: Value) {
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/{name}/{n}", remote.base()),
        "type": kind, "actor": remote.actor(name), "object": object,
    });
    let signing = Signing::as_person(remote, name, remote.person(name));
    let url = format!("{}/inbox", s.origin());
    let (st, b) = post_signed(&s.http, &url, activity.to_string().as_bytes(), &signing).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{kind} {n}: {b}");
}

#[tokio::test(flavor = "multi_thread")]
async fn home_timelines_show_other_posts_of_followed_accounts_by_their_addressing() {
    let s = TestServer::start().await;
    let native = s.coop("fiqus").await;
    s.coop("tierra").await;
    let fiqus = app_token(&s, "fiqus", "read write follow").await;
    let tierra = app_token(&s, "tierra", "read").await;
    let remote = Remote::start(&["ana", "bo"]).await;
    let followers = format!("{}/followers", remote.actor("ana"));

    // Before any follow, nothing of ana's is kept.
    deliver(
        &s,
        &remote,
        "ana",
        "Create",
        "early",
        toot(&remote, "ana", 1, json!([PUBLIC]), json!([])),
    )
    .await;
    let relation = follow_accepted(&s, &native, &remote, "fiqus").await;

    let mut stream = open(&s, &format!("stream=user&access_token={fiqus}"))
        .await
        .expect("the user stream");
    let public = toot(&remote, "ana", 2, json!([PUBLIC]), json!([followers]));
    let mut unlisted = toot(&remote, "ana", 3, json!([followers]), json!([PUBLIC]));
    unlisted["summary"] = json!("Spoiler: <b>coops</b>");
    let private = toot(&remote, "ana", 4, json!([followers]), json!([]));
    let direct = toot(
        &remote,
        "ana",
        5,
        json!([format!("{}/actors/fiqus", s.origin())]),
        json!([]),
    );
    let mut reply = toot(&remote, "ana", 6, json!([PUBLIC]), json!([]));
    reply["inReplyTo"] = json!("https://elsewhere.test/statuses/1");
    for (n, object) in [public, unlisted, private, direct, reply]
        .into_iter()
        .enumerate()
    {
        deliver(&s, &remote, "ana", "Create", &format!("c{n}"), object).await;
    }
    // Apps hear of them as they come.
    let event = loop {
        let e = next_event(&mut stream).await;
        if e["event"] == "update" {
            break e;
        }
    };
    let status: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(status["uri"], remote.object_url(2), "{status}");
    // bo is followed by nobody here.
    deliver(
        &s,
        &remote,
        "bo",
        "Create",
        "c1",
        toot(&remote, "bo", 7, json!([PUBLIC]), json!([])),
    )
    .await;

    let home = get(&s, "/api/v1/timelines/home", Some(&fiqus)).await.json();
    let shown: Vec<(&str, &str)> = home
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["uri"].as_str().unwrap(),
                s["visibility"].as_str().unwrap(),
            )
        })
        .collect();
    let (p2, p3, p4) = (
        remote.object_url(2),
        remote.object_url(3),
        remote.object_url(4),
    );
    assert_eq!(
        shown,
        [
            (p4.as_str(), "private"),
            (p3.as_str(), "unlisted"),
            (p2.as_str(), "public")
        ],
        "newest first, no direct message, reply or stranger's post: {home}"
    );
    let first = &home[2];
    assert_eq!(first["account"]["acct"], remote.account("ana"));
    assert_eq!(first["language"], "es");
    let content = first["content"].as_str().unwrap();
    assert!(content.contains("Post 2"), "{content}");
    assert!(
        !content.contains("script") && !content.contains("javascript"),
        "sanitised: {content}"
    );
    assert_eq!(home[1]["spoiler_text"], "Spoiler: coops");
    assert_eq!(home[1]["sensitive"], true);
    // Paged as Mastodon pages: by limit, max_id and min_id.
    let id_of = |i: usize| home[i]["id"].as_str().unwrap().to_string();
    assert_eq!(
        uris(&s, "/api/v1/timelines/home?limit=2", &fiqus).await,
        [p4.clone(), p3.clone()]
    );
    let older = format!("/api/v1/timelines/home?limit=2&max_id={}", id_of(1));
    assert_eq!(uris(&s, &older, &fiqus).await, std::slice::from_ref(&p2));
    let newer = format!("/api/v1/timelines/home?limit=1&min_id={}", id_of(2));
    assert_eq!(uris(&s, &newer, &fiqus).await, std::slice::from_ref(&p3));

    // Hashtag and public timelines are needs and offers only; so is the
    // home timeline filtered by a tag.
    assert!(uris(&s, "/api/v1/timelines/public", &fiqus)
        .await
        .is_empty());
    assert!(uris(&s, "/api/v1/timelines/home?tagged=coops", &fiqus)
        .await
        .is_empty());
    // Another coop that does not follow ana sees none of it.
    assert!(uris(&s, "/api/v1/timelines/home", &tierra).await.is_empty());

    // Opened on its own: the public one by anyone, the followers-only one
    // by followers only.
    let public_id = home[2]["id"].as_str().unwrap();
    let private_id = home[0]["id"].as_str().unwrap();
    assert_eq!(
        get(&s, &format!("/api/v1/statuses/{public_id}"), Some(&tierra))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&s, &format!("/api/v1/statuses/{private_id}"), Some(&fiqus))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&s, &format!("/api/v1/statuses/{private_id}"), Some(&tierra))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Not ours to close.
    let a = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/statuses/{public_id}"),
        Some(&fiqus),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text);

    // Edited by its author; deleted by its author only.
    let mut edited = toot(&remote, "ana", 2, json!([PUBLIC]), json!([]));
    edited["content"] = json!("<p>Post 2, edited</p>");
    edited["updated"] = json!("2026-11-21T10:00:00Z");
    deliver(&s, &remote, "ana", "Update", "u1", edited).await;
    let status = get(&s, &format!("/api/v1/statuses/{public_id}"), Some(&fiqus))
        .await
        .json();
    assert_eq!(status["content"], "<p>Post 2, edited</p>");
    assert_eq!(status["edited_at"], "2026-11-21T10:00:00.000Z");
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/bo/d1", remote.base()),
        "type": "Delete", "actor": remote.actor("bo"), "object": p2,
    });
    let signing = Signing::as_person(&remote, "bo", remote.person("bo"));
    let url = format!("{}/inbox", s.origin());
    let (st, _) = post_signed(&s.http, &url, activity.to_string().as_bytes(), &signing).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "someone else's post");
    deliver(&s, &remote, "ana", "Delete", "d1", json!(p2)).await;
    assert_eq!(
        uris(&s, "/api/v1/timelines/home", &fiqus).await,
        [p4.clone(), p3.clone()]
    );

    // Kept `home_posts_days`: older ones are forgotten by the upkeep.
    s.state
        .services
        .db
        .write(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("UPDATE remote_posts SET received_at = '2020-01-01 00:00:00' WHERE visibility = 'private'")
                .map_err(intercoop::infra::store::StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(s.state.services.prune_posts(14).await.unwrap(), 1);
    assert_eq!(uris(&s, "/api/v1/timelines/home", &fiqus).await, [p3]);

    // Unfollowed, its posts leave the home timeline.
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/follows/{}", relation["id"].as_str().unwrap()),
            Some(&native),
            None,
        )
        .await;
    assert!(st.is_success(), "{st}");
    assert!(uris(&s, "/api/v1/timelines/home", &fiqus).await.is_empty());
    s.stop().await;
}

/// Each coop's home feed is written as things arrive (docs/scaling.md):
/// it must still follow that coop's own follows as they start and end,
/// bring what was received before a follow, drop what is deleted, and hide
/// a limited domain, without touching another coop's home.
#[tokio::test(flavor = "multi_thread")]
async fn each_home_timeline_follows_its_own_coops_follows_as_they_start_and_end() {
    let s = TestServer::start().await;
    let fiqus_native = s.coop("fiqus").await;
    let tierra_native = s.coop("tierra").await;
    let admin = s.admin().await;
    let fiqus = app_token(&s, "fiqus", "read").await;
    let tierra = app_token(&s, "tierra", "read").await;
    let remote = Remote::start_node(&["ana"]).await;

    // Only tierra follows ana when her offer and her toot arrive.
    follow_accepted(&s, &tierra_native, &remote, "tierra").await;
    deliver(
        &s,
        &remote,
        "ana",
        "Create",
        "offer",
        proposal_note(&remote, 1, "Nextcloud hosting"),
    )
    .await;
    deliver(
        &s,
        &remote,
        "ana",
        "Create",
        "toot",
        toot(&remote, "ana", 2, json!([PUBLIC]), json!([])),
    )
    .await;
    let both = [remote.object_url(2), remote.object_url(1)];
    assert_eq!(uris(&s, "/api/v1/timelines/home", &tierra).await, both);
    assert!(uris(&s, "/api/v1/timelines/home", &fiqus).await.is_empty());

    // fiqus asks to follow her: nothing yet while it waits.
    let (relation, _) = follow_remote(&s, &fiqus_native, &remote, "ana").await;
    let (_, sent) = wait_received(&remote, "fiqus's Follow", |(_, a)| {
        let by = a["actor"].as_str().unwrap_or_default();
        a["type"] == "Follow" && by.ends_with("/actors/fiqus")
    })
    .await;
    assert!(uris(&s, "/api/v1/timelines/home", &fiqus).await.is_empty());
    // Accepted: what was already here shows, newest first.
    deliver(&s, &remote, "ana", "Accept", "accept-fiqus", sent).await;
    assert_eq!(uris(&s, "/api/v1/timelines/home", &fiqus).await, both);
    let older = get(&s, "/api/v1/timelines/home?limit=1", Some(&fiqus)).await;
    let newest_id = older.json()[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        uris(
            &s,
            &format!("/api/v1/timelines/home?max_id={newest_id}"),
            &fiqus
        )
        .await,
        [remote.object_url(1)]
    );

    // A limited domain leaves every home timeline, and comes back.
    let (st, b) = s
        .post(
            "/admin/blocks",
            &admin,
            json!({"domain": NODE_HOST, "severity": "limit"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert!(uris(&s, "/api/v1/timelines/home", &fiqus).await.is_empty());
    assert!(uris(&s, "/api/v1/timelines/home", &tierra).await.is_empty());
    let lifted = s
        .call(
            Method::DELETE,
            &format!("/admin/blocks/{NODE_HOST}"),
            Some(&admin),
            None,
        )
        .await;
    assert!(lifted.0.is_success(), "{:?}", lifted.1);
    assert_eq!(uris(&s, "/api/v1/timelines/home", &fiqus).await, both);

    // Her offer withdrawn: gone from both.
    deliver(
        &s,
        &remote,
        "ana",
        "Delete",
        "delete-offer",
        json!(remote.object_url(1)),
    )
    .await;
    let only_toot = [remote.object_url(2)];
    assert_eq!(uris(&s, "/api/v1/timelines/home", &fiqus).await, only_toot);
    assert_eq!(uris(&s, "/api/v1/timelines/home", &tierra).await, only_toot);

    // fiqus stops following her: tierra's home keeps her toot.
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/follows/{}", relation["id"].as_str().unwrap()),
            Some(&fiqus_native),
            None,
        )
        .await;
    assert!(st.is_success(), "{st}");
    assert!(uris(&s, "/api/v1/timelines/home", &fiqus).await.is_empty());
    assert_eq!(uris(&s, "/api/v1/timelines/home", &tierra).await, only_toot);
    s.stop().await;
}
