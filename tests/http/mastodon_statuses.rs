//! Statuses and timelines through the Mastodon client API: posting needs
//! and offers in the hashtag grammar, editing and closing them, the actions
//! refused in words, and home, public, hashtag and account timelines with
//! Mastodon's paging.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_accepted, proposal_note, send_as, wrap};
use crate::mastodon_oauth::{app_token, assert_mastodon_error, send, Answer, Body};

async fn post_status(s: &TestServer, token: &str, text: &str) -> Answer {
    send(
        s,
        Method::POST,
        "/api/v1/statuses",
        Some(token),
        Body::Form(&[("status", text), ("visibility", "public")]),
    )
    .await
}

async fn posted(s: &TestServer, token: &str, text: &str) -> Value {
    let a = post_status(s, token, text).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Answer {
    send(s, Method::GET, path, token, Body::None).await
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The `rel` link of a `Link` header, as a path on the test server.
fn link_of(a: &Answer, rel: &str) -> Option<String> {
    let header = a.headers.get("link")?.to_str().ok()?.to_string();
    header.split(", ").find_map(|part| {
        let (url, r) = part.split_once("; ")?;
        (r == format!("rel=\"{rel}\"")).then(|| {
            url.trim_matches(|c| c == '<' || c == '>')
                .trim_start_matches("https://coops.test")
                .to_string()
        })
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_in_the_hashtag_grammar_becomes_a_need_and_others_are_refused() {
    let s = TestServer::start().await;
    let native = s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write").await;
    let read_only = app_token(&s, "fiqus", "read").await;

    let status = posted(
        &s,
        &token,
        "Rust developer, 20 h/week #need #human #rust\n\nThree months, **remote**.",
    )
    .await;
    assert_eq!(status["account"]["acct"], "fiqus");
    assert_eq!(status["visibility"], "public");
    let content = status["content"].as_str().unwrap();
    assert!(content.contains("Rust developer, 20 h/week"), "{content}");
    assert!(content.contains("<strong>remote</strong>"), "{content}");
    let tags: Vec<&str> = status["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(tags, ["coopneed", "rust"]);
    let id = status["id"].as_str().unwrap();
    assert_eq!(status["uri"], format!("https://coops.test/proposals/{id}"));
    let (st, p) = s.get(&format!("/proposals/{id}"), Some(&native)).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["kind"], "need");
    assert_eq!(p["category"], "human");
    assert_eq!(p["title"], "Rust developer, 20 h/week");
    assert_eq!(p["description"], "Three months, **remote**.");
    assert_eq!(p["tags"], json!(["rust"]));

    // Spanish words, JSON body.
    let a = send(
        &s,
        Method::POST,
        "/api/v1/statuses",
        Some(&token),
        Body::Json(json!({"status": "Servidores para coops #oferta #técnico", "media_ids": []})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let (_, p) = s
        .get(
            &format!("/proposals/{}", a.json()["id"].as_str().unwrap()),
            Some(&native),
        )
        .await;
    assert_eq!(
        (p["kind"].as_str(), p["category"].as_str()),
        (Some("offer"), Some("technical"))
    );

    // Refusals, each saying why, and nothing created.
    let (_, before) = s.get("/proposals?mine=true", Some(&native)).await;
    let grammar = post_status(&s, &token, "Good morning fediverse!").await;
    let message = assert_mastodon_error(&grammar, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message.contains("#need or #offer and one category"),
        "{message}"
    );
    for form in [
        vec![
            ("status", "Hosting #offer #technical"),
            ("media_ids[]", "1"),
        ],
        vec![
            ("status", "Hosting #offer #technical"),
            ("visibility", "direct"),
        ],
        vec![
            ("status", "Hosting #offer #technical"),
            ("in_reply_to_id", "1"),
        ],
        vec![
            ("status", "Hosting #offer #technical"),
            ("spoiler_text", "cw"),
        ],
        vec![
            ("status", "Hosting #offer #technical"),
            ("poll[options][]", "a"),
        ],
        vec![("status", "")],
    ] {
        let a = send(
            &s,
            Method::POST,
            "/api/v1/statuses",
            Some(&token),
            Body::Form(&form),
        )
        .await;
        assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let a = post_status(&s, &read_only, "Hosting #offer #technical").await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    let a = send(
        &s,
        Method::POST,
        "/api/v1/statuses",
        None,
        Body::Form(&[("status", "Hosting #offer #technical")]),
    )
    .await;
    assert_mastodon_error(&a, StatusCode::UNAUTHORIZED);
    let (_, after) = s.get("/proposals?mine=true", Some(&native)).await;
    assert_eq!(before["items"], after["items"], "refusals created nothing");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn statuses_are_read_edited_and_closed_by_their_coop_only() {
    let s = TestServer::start().await;
    let native = s.coop("fiqus").await;
    s.coop("tierra").await;
    let token = app_token(&s, "fiqus", "read write").await;
    let other = app_token(&s, "tierra", "read write").await;
    let status = posted(&s, &token, "Hosting for coops #offer #technical #hosting").await;
    let id = status["id"].as_str().unwrap().to_string();
    assert!(status["edited_at"].is_null());

    let a = get(&s, &format!("/api/v1/statuses/{id}"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["id"], id.as_str());
    let a = get(&s, &format!("/api/v1/statuses/{id}/context"), None).await;
    assert_eq!(a.json(), json!({"ancestors": [], "descendants": []}));
    let a = get(&s, &format!("/api/v1/statuses/{id}/favourited_by"), None).await;
    assert_eq!(a.json(), json!([]));
    let source = get(&s, &format!("/api/v1/statuses/{id}/source"), Some(&token))
        .await
        .json();
    assert_eq!(
        source["text"],
        "Hosting for coops\n\n#offer #technical #hosting"
    );

    // Edited from new text; another coop may not.
    let edit = |token: &str, text: &str| {
        let (s, path, token, text) = (
            &s,
            format!("/api/v1/statuses/{id}"),
            token.to_string(),
            text.to_string(),
        );
        async move {
            send(
                s,
                Method::PUT,
                &path,
                Some(&token),
                Body::Json(json!({"status": text})),
            )
            .await
        }
    };
    let a = edit(&other, "Taken over #offer #technical").await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    let a = edit(&token, "Not in the grammar").await;
    assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    let a = edit(
        &token,
        "Hosting and backups #offer #technical #hosting #backups",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let edited = a.json();
    assert!(edited["edited_at"].is_string(), "{edited}");
    assert!(edited["content"]
        .as_str()
        .unwrap()
        .contains("Hosting and backups"));
    let history = get(&s, &format!("/api/v1/statuses/{id}/history"), None)
        .await
        .json();
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");

    // Actions that mean nothing here: refused in words, or a no-op undo.
    for action in ["favourite", "reblog", "bookmark", "pin"] {
        let a = send(
            &s,
            Method::POST,
            &format!("/api/v1/statuses/{id}/{action}"),
            Some(&other),
            Body::None,
        )
        .await;
        let message = assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.len() > 20, "{action}: {message}");
    }
    let a = send(
        &s,
        Method::POST,
        &format!("/api/v1/statuses/{id}/unfavourite"),
        Some(&other),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["favourited"], false);
    let a = send(&s, Method::POST, "/api/v2/media", Some(&token), Body::None).await;
    assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);

    // Delete closes it; the answer carries the text to redraft.
    let a = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/statuses/{id}"),
        Some(&other),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    let a = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/statuses/{id}"),
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        a.json()["text"],
        "Hosting and backups\n\n#offer #technical #hosting #backups"
    );
    let (_, p) = s.get(&format!("/proposals/{id}"), Some(&native)).await;
    assert_eq!(p["status"], "closed", "{p}");
    for token in [None, Some(other.as_str())] {
        let a = get(&s, &format!("/api/v1/statuses/{id}"), token).await;
        assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    }
    let a = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/statuses/{id}"),
        Some(&token),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    for path in [
        "/api/v1/statuses/not-an-id".to_string(),
        format!("/api/v1/statuses/{}", uuid::Uuid::now_v7()),
    ] {
        let a = get(&s, &path, None).await;
        assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn timelines_show_local_and_followed_needs_and_offers_and_page_like_mastodon() {
    let s = TestServer::start().await;
    let native = s.coop("fiqus").await;
    s.coop("tierra").await;
    let token = app_token(&s, "fiqus", "read write follow").await;
    let tierra = app_token(&s, "tierra", "read write").await;
    let need = posted(&s, &token, "Rust developer #need #human #rust").await;
    let offer = posted(&s, &tierra, "Hosting #offer #technical #hosting").await;
    let training = posted(&s, &tierra, "Rust training #offer #knowledge #rust").await;

    // A remote coop fiqus follows, and one of its offers.
    let remote = Remote::start(&["ana"]).await;
    follow_accepted(&s, &native, &remote, "fiqus").await;
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(
            &remote,
            "Create",
            "c1",
            proposal_note(&remote, 1, "Nextcloud hosting"),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    let home = get(&s, "/api/v1/timelines/home", Some(&token)).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text);
    let home = home.json();
    assert_eq!(home.as_array().unwrap().len(), 4, "{home}");
    let remote_status = home[0].clone();
    assert_eq!(
        remote_status["account"]["acct"],
        remote.account("ana"),
        "newest first: {home}"
    );
    assert_eq!(remote_status["uri"], format!("{}/objects/1", remote.base()));
    assert!(
        !remote_status["content"]
            .as_str()
            .unwrap()
            .contains("<script"),
        "sanitised"
    );
    assert_eq!(
        ids(&home)[1..],
        [
            training["id"].as_str().unwrap(),
            offer["id"].as_str().unwrap(),
            need["id"].as_str().unwrap()
        ]
    );
    let a = get(&s, "/api/v1/timelines/home", None).await;
    assert_mastodon_error(&a, StatusCode::UNAUTHORIZED);

    let local = get(&s, "/api/v1/timelines/public?local=true", None)
        .await
        .json();
    assert_eq!(local.as_array().unwrap().len(), 3, "{local}");
    let only_remote = get(&s, "/api/v1/timelines/public?remote=true", None)
        .await
        .json();
    assert_eq!(ids(&only_remote), [remote_status["id"].as_str().unwrap()]);
    let all = get(&s, "/api/v1/timelines/public", None).await.json();
    assert_eq!(all.as_array().unwrap().len(), 4);

    // Hashtags: a kind, a category (in any language), a tag.
    let count = |path: String| {
        let s = &s;
        async move {
            get(s, &path, None)
                .await
                .json()
                .as_array()
                .map(Vec::len)
                .unwrap_or(99)
        }
    };
    assert_eq!(count("/api/v1/timelines/tag/need".into()).await, 1);
    assert_eq!(count("/api/v1/timelines/tag/oferta".into()).await, 3);
    assert_eq!(count("/api/v1/timelines/tag/technical".into()).await, 2);
    assert_eq!(count("/api/v1/timelines/tag/rust".into()).await, 2);
    assert_eq!(count("/api/v1/timelines/tag/nextcloud".into()).await, 1);
    // Its server changes its tags: the tag timelines follow.
    let mut note = proposal_note(&remote, 1, "Nextcloud hosting");
    note["tag"] = json!([{"type": "Hashtag", "name": "#Matrix", "href": "x"}]);
    note["updated"] = json!("2026-11-21T10:00:00Z");
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Update", "u1", note),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    assert_eq!(count("/api/v1/timelines/tag/nextcloud".into()).await, 0);
    assert_eq!(count("/api/v1/timelines/tag/matrix".into()).await, 1);
    let home_tagged = get(&s, "/api/v1/timelines/home?tagged=matrix", Some(&token))
        .await
        .json();
    assert_eq!(
        home_tagged.as_array().map(Vec::len),
        Some(1),
        "{home_tagged}"
    );
    assert_eq!(
        count("/api/v1/timelines/tag/rust?local=true&only_media=true".into()).await,
        0
    );

    // An account's statuses.
    let tierra_id = offer["account"]["id"].as_str().unwrap();
    assert_eq!(
        count(format!("/api/v1/accounts/{tierra_id}/statuses")).await,
        2
    );
    assert_eq!(
        count(format!("/api/v1/accounts/{tierra_id}/statuses?pinned=true")).await,
        0
    );
    let ana_id = remote_status["account"]["id"].as_str().unwrap();
    assert_eq!(
        count(format!("/api/v1/accounts/{ana_id}/statuses")).await,
        1
    );

    // Paging: two at a time down the Link headers, and back up.
    let first = get(&s, "/api/v1/timelines/public?limit=2", None).await;
    let mut seen = ids(&first.json());
    let next = link_of(&first, "next").unwrap();
    assert!(next.contains("limit=2"), "{next}");
    let second = get(&s, &next, None).await;
    seen.extend(ids(&second.json()));
    assert_eq!(seen, ids(&all));
    let prev = link_of(&second, "prev").unwrap();
    let back = get(&s, &prev, None).await.json();
    assert_eq!(
        ids(&back),
        ids(&all)[..2],
        "min_id: the page just above, newest first"
    );
    let since = get(
        &s,
        &format!("/api/v1/timelines/public?since_id={}&limit=1", ids(&all)[2]),
        None,
    )
    .await
    .json();
    assert_eq!(ids(&since), ids(&all)[..1], "since_id: the newest");
    let third = link_of(&second, "next").unwrap();
    let empty = get(&s, &third, None).await;
    assert_eq!(empty.json(), json!([]));
    for bad in ["max_id=garbage", "since_id=1%27", "min_id=x"] {
        let a = get(&s, &format!("/api/v1/timelines/public?{bad}"), None).await;
        assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    }
    s.stop().await;
}
