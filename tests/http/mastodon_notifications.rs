//! Notifications through the Mastodon client API: follows and follow
//! requests from another server, new matches and introductions as mentions
//! from the node's account, filters by type, paging, dismiss and clear.

use std::time::Duration;

use federation_tests::eventually;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_of, send_as};
use crate::mastodon_oauth::{app_token, assert_mastodon_error, send, Answer, Body};

const WAIT: Duration = Duration::from_secs(30);

async fn get(s: &TestServer, path: &str, token: &str) -> Answer {
    send(s, Method::GET, path, Some(token), Body::None).await
}

fn types(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn follows_and_follow_requests_are_notified_filtered_paged_and_dismissed() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write follow").await;
    let read_only = app_token(&s, "fiqus", "read").await;
    let remote = Remote::start(&["ana", "bea"]).await;
    let fiqus = "https://coops.test/actors/fiqus";

    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &follow_of(&remote, "ana", 1, fiqus),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let a = send(
        &s,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&token),
        Body::Form(&[("locked", "true")]),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let (st, _) = send_as(
        &s,
        &remote,
        "bea",
        "/inbox",
        &follow_of(&remote, "bea", 2, fiqus),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    // A repeated Follow is not a new notification.
    let (st, _) = send_as(
        &s,
        &remote,
        "bea",
        "/inbox",
        &follow_of(&remote, "bea", 3, fiqus),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);

    let all = get(&s, "/api/v1/notifications", &token).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let all = all.json();
    assert_eq!(
        types(&all),
        ["follow_request", "follow"],
        "newest first: {all}"
    );
    assert_eq!(all[0]["account"]["acct"], remote.account("bea"));
    assert_eq!(all[1]["account"]["acct"], remote.account("ana"));
    assert!(all[0].get("status").is_none(), "{all}");

    let only = get(&s, "/api/v1/notifications?types[]=follow", &token)
        .await
        .json();
    assert_eq!(types(&only), ["follow"]);
    let without = get(&s, "/api/v1/notifications?exclude_types[]=follow", &token)
        .await
        .json();
    assert_eq!(types(&without), ["follow_request"]);
    let none = get(&s, "/api/v1/notifications?types[]=favourite", &token)
        .await
        .json();
    assert_eq!(none, json!([]));
    let ana_id = all[1]["account"]["id"].as_str().unwrap();
    let by = get(
        &s,
        &format!("/api/v1/notifications?account_id={ana_id}"),
        &token,
    )
    .await
    .json();
    assert_eq!(types(&by), ["follow"]);

    // Paging down the Link header.
    let first = get(&s, "/api/v1/notifications?limit=1", &token).await;
    let link = first.headers["link"].to_str().unwrap().to_string();
    let next = link
        .split(", ")
        .find(|p| p.ends_with("rel=\"next\""))
        .unwrap();
    let next = next
        .split(';')
        .next()
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>');
    let path = next.trim_start_matches("https://coops.test");
    assert!(path.contains("limit=1"), "{path}");
    let second = get(&s, path, &token).await.json();
    assert_eq!(types(&second), ["follow"]);
    let bad = get(&s, "/api/v1/notifications?max_id=nope", &token).await;
    assert_mastodon_error(&bad, StatusCode::UNPROCESSABLE_ENTITY);

    // Reading positions: the unread count is what came after the marker.
    let count = |path: &'static str| {
        let (s, token) = (&s, token.clone());
        async move { get(s, path, &token).await.json()["count"].clone() }
    };
    assert_eq!(count("/api/v1/notifications/unread_count").await, 2);
    let newest = all[0]["id"].as_str().unwrap();
    let oldest = all[1]["id"].as_str().unwrap();
    let save = |pairs: Vec<(&'static str, String)>| {
        let (s, token) = (&s, token.clone());
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send(
                s,
                Method::POST,
                "/api/v1/markers",
                Some(&token),
                Body::Form(&pairs),
            )
            .await
        }
    };
    let a = save(vec![("notifications[last_read_id]", oldest.to_string())]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["notifications"]["version"], 1);
    assert_eq!(count("/api/v1/notifications/unread_count").await, 1);
    let a = send(
        &s,
        Method::POST,
        "/api/v1/markers",
        Some(&token),
        Body::Json(
            json!({"notifications": {"last_read_id": newest}, "home": {"last_read_id": newest}}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(count("/api/v1/notifications/unread_count").await, 0);
    let markers = get(
        &s,
        "/api/v1/markers?timeline[]=notifications&timeline[]=home",
        &token,
    )
    .await
    .json();
    assert_eq!(markers["notifications"]["last_read_id"], newest);
    assert_eq!(markers["notifications"]["version"], 2);
    assert_eq!(markers["home"]["version"], 1);
    for bad in [
        vec![("notifications[last_read_id]", "not-an-id".to_string())],
        vec![("nothing", "x".to_string())],
    ] {
        let a = save(bad).await;
        assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let a = get(&s, "/api/v1/markers?timeline[]=public", &token).await;
    assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    let after = get(&s, "/api/v1/markers", &token).await.json();
    assert_eq!(after, markers, "refusals changed nothing");

    // One by id, dismissed (not with a read-only token), then all cleared.
    let id = all[0]["id"].as_str().unwrap();
    let one = get(&s, &format!("/api/v1/notifications/{id}"), &token)
        .await
        .json();
    assert_eq!(one["type"], "follow_request");
    let dismiss = format!("/api/v1/notifications/{id}/dismiss");
    let a = send(&s, Method::POST, &dismiss, Some(&read_only), Body::None).await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    let a = send(&s, Method::POST, &dismiss, Some(&token), Body::None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let a = send(&s, Method::POST, &dismiss, Some(&token), Body::None).await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    assert_eq!(
        types(&get(&s, "/api/v1/notifications", &token).await.json()),
        ["follow"]
    );
    let a = send(
        &s,
        Method::POST,
        "/api/v1/notifications/clear",
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        get(&s, "/api/v1/notifications", &token).await.json(),
        json!([])
    );
    let a = send(&s, Method::GET, "/api/v1/notifications", None, Body::None).await;
    assert_mastodon_error(&a, StatusCode::UNAUTHORIZED);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn matches_and_introductions_are_mentions_from_the_node_with_a_link() {
    let s = TestServer::start().await;
    let seeker = s.coop("seeker").await;
    let giver = s.coop("giver").await;
    let seeker_app = app_token(&s, "seeker", "read write").await;
    let giver_app = app_token(&s, "giver", "read write").await;
    eventually("matching ready", WAIT, || async {
        let (st, _) = s.get("/matches", Some(&seeker)).await;
        (st == StatusCode::OK).then_some(())
    })
    .await;
    let (st, body) = s
        .call(
            Method::PUT,
            "/matches/settings",
            Some(&seeker),
            Some(json!({"prefer_stage_pairing": false, "notify_min_score": 0.3})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    for (token, contact) in [(&seeker, "hola@seeker.coop"), (&giver, "hola@giver.coop")] {
        let (st, body) = s
            .patch(
                "/coop",
                token,
                json!({"private_contact": {"email": contact}}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let need = send(
        &s,
        Method::POST,
        "/api/v1/statuses",
        Some(&seeker_app),
        Body::Form(&[(
            "status",
            "Web hosting for servers #need #technical #hosting",
        )]),
    )
    .await
    .json();
    let offer = send(
        &s,
        Method::POST,
        "/api/v1/statuses",
        Some(&giver_app),
        Body::Form(&[(
            "status",
            "Web hosting for servers #offer #technical #hosting",
        )]),
    )
    .await
    .json();

    let mention = eventually("the match notice", WAIT, || async {
        let page = get(&s, "/api/v1/notifications", &seeker_app).await.json();
        page.as_array().and_then(|a| a.first().cloned())
    })
    .await;
    assert_eq!(mention["type"], "mention");
    assert_eq!(
        mention["account"]["id"],
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(mention["account"]["bot"], true);
    let status = &mention["status"];
    assert_eq!(status["visibility"], "direct");
    assert_eq!(status["mentions"][0]["acct"], "seeker");
    let content = status["content"].as_str().unwrap();
    let offer_uri = offer["uri"].as_str().unwrap();
    assert!(content.contains("New match for your need"), "{content}");
    assert_eq!(need["account"]["acct"], "seeker", "{need}");
    assert!(
        content.contains(offer_uri),
        "a link to the offer: {content}"
    );
    // Apps open it as a status, and the node as an account.
    let id = mention["id"].as_str().unwrap();
    let opened = get(&s, &format!("/api/v1/statuses/{id}"), &seeker_app).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    assert_eq!(opened.json()["content"], status["content"]);
    let other = get(&s, &format!("/api/v1/statuses/{id}"), &giver_app).await;
    assert_mastodon_error(&other, StatusCode::NOT_FOUND);
    let node = get(
        &s,
        "/api/v1/accounts/00000000-0000-0000-0000-000000000000",
        &seeker_app,
    )
    .await;
    assert_eq!(node.json()["bot"], true);

    // The seeker asks for an introduction: the giver is told, then the seeker.
    let (st, intro) = s
        .post(
            "/introductions",
            &seeker,
            json!({"proposal": offer["id"], "message": "Hola! Can we talk about hosting?"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{intro}");
    let asked = get(&s, "/api/v1/notifications?types[]=mention", &giver_app)
        .await
        .json();
    let content = asked[0]["status"]["content"].as_str().unwrap().to_string();
    assert!(content.contains("asks for an introduction"), "{content}");
    assert!(content.contains("Can we talk about hosting?"), "{content}");
    let intro_id = intro["id"].as_str().unwrap();
    let (st, body) = s
        .post(
            &format!("/introductions/{intro_id}/accept"),
            &giver,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let answered = get(&s, "/api/v1/notifications", &seeker_app).await.json();
    let content = answered[0]["status"]["content"].as_str().unwrap();
    assert!(content.contains("accepted your introduction"), "{content}");
    assert!(
        content.contains("hola@giver.coop"),
        "the contact: {content}"
    );
    s.stop().await;
}

/// A gathering's facilitator confirms a synergy point: each coop's
/// Mastodon app gets a mention from the node saying a facilitator proposes
/// the introduction, with the link to answer it (not an asking, nor an
/// answer).
#[tokio::test(flavor = "multi_thread")]
async fn a_synergy_point_confirmed_at_a_gathering_is_a_mention_to_both_coops() {
    let s = TestServer::start().await;
    let seeker = s.coop("seeker").await;
    let giver = s.coop("giver").await;
    let seeker_app = app_token(&s, "seeker", "read").await;
    let giver_app = app_token(&s, "giver", "read").await;
    eventually("matching ready", WAIT, || async {
        let (st, _) = s.get("/matches", Some(&seeker)).await;
        (st == StatusCode::OK).then_some(())
    })
    .await;
    let mut ids = Vec::new();
    for (token, kind) in [(&seeker, "need"), (&giver, "offer")] {
        let (st, p) = s
            .post(
                "/proposals",
                token,
                json!({"kind": kind, "category": "technical", "title": "Web hosting for servers",
                       "tags": ["hosting"]}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{p}");
        ids.push(p["id"].as_str().unwrap().to_string());
    }
    let day = (chrono::Utc::now() + chrono::Duration::days(10)).format("%Y-%m-%d");
    let (st, g) = s
        .post(
            "/gatherings",
            &seeker,
            json!({"title": "Monthly call", "description": "Rounds",
                   "starts_at": format!("{day}T15:00:00Z"), "ends_at": format!("{day}T16:00:00Z"),
                   "time_zone": "UTC"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().unwrap().to_string();
    for (token, p) in [(&seeker, &ids[0]), (&giver, &ids[1])] {
        let (st, b) = s
            .post(
                &format!("/gatherings/{id}/join"),
                token,
                json!({"delegate": "Ana"}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{b}");
        let (st, b) = s
            .call(
                Method::PUT,
                &format!("/gatherings/{id}/contribution"),
                Some(token),
                Some(json!({"proposals": [p]})),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{b}");
    }
    eventually("the board pairs them", WAIT, || async {
        let (_, board) = s
            .get(&format!("/gatherings/{id}/board"), Some(&seeker))
            .await;
        (board["items"].as_array().map_or(0, Vec::len) == 1).then_some(())
    })
    .await;
    let (st, b) = s
        .post(
            &format!("/gatherings/{id}/synergies"),
            &seeker,
            json!({"need": ids[0], "offer": ids[1], "decision": "confirm"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let intro = b["introduction_id"].as_str().unwrap().to_string();
    for (app, other) in [(&seeker_app, "giver"), (&giver_app, "seeker")] {
        let page = get(&s, "/api/v1/notifications?types[]=mention", app)
            .await
            .json();
        let proposed = page
            .as_array()
            .unwrap()
            .iter()
            .find(|n| {
                n["status"]["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("facilitator proposes"))
            })
            .unwrap_or_else(|| panic!("no proposal notice: {page}"));
        let content = proposed["status"]["content"].as_str().unwrap();
        assert!(
            content.contains(&format!("(@{other}@coops.test)")),
            "{content}"
        );
        assert!(
            content.contains(&format!("/introductions/{intro}")),
            "{content}"
        );
        assert!(!content.contains("declined"), "{content}");
    }
}
