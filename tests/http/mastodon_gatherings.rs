//! Gatherings in Mastodon apps: one a coop organises is a status of its
//! account, in the public, home and account timelines, found by its URL,
//! and streamed as it is planned; it is changed on its page, not from an
//! app. One the node organises has no account and is not a status.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::TestServer;
use crate::mastodon_oauth::{app_token, assert_mastodon_error, send, Answer, Body};
use crate::mastodon_streaming::{next_event, open};

fn plan(title: &str) -> Value {
    let day = (Utc::now() + Duration::days(10)).format("%Y-%m-%d");
    json!({
        "title": title,
        "description": "Three rounds: about, needs, offers.\n\nBring <b>one</b> need.",
        "starts_at": format!("{day}T15:00:00-03:00"),
        "ends_at": format!("{day}T16:30:00-03:00"),
        "time_zone": "America/Argentina/Buenos_Aires",
        "call_url": "https://meet.example/coops",
        "languages": ["es", "en"],
    })
}

async fn get(s: &TestServer, path: &str, token: Option<&str>) -> Answer {
    send(s, Method::GET, path, token, Body::None).await
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array()
        .expect("a page")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gathering_a_coop_organises_is_a_status_of_its_account() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    s.coop("tierra").await;
    let admin = s.admin().await;
    let token = app_token(&s, "fiqus", "read write").await;
    let other = app_token(&s, "tierra", "read write").await;
    let mut public = open(&s, &format!("stream=public:local&access_token={other}"))
        .await
        .expect("connect");
    // Give the subscription a moment to be read before the plan.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let need = send(
        &s,
        Method::POST,
        "/api/v1/statuses",
        Some(&token),
        Body::Form(&[("status", "Hosting for coops #need #technical")]),
    )
    .await;
    assert_eq!(need.status, StatusCode::OK, "{}", need.text);
    let need_id = need.json()["id"].as_str().expect("id").to_string();
    let (st, g) = s.post("/gatherings", &fiqus, plan("Monthly call")).await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().expect("id").to_string();
    let page = format!("https://coops.test/gatherings/{id}");
    let mut by_node = plan("Node call");
    by_node["facilitators"] = json!(["fiqus"]);
    let (st, n) = s.post("/admin/gatherings", &admin, by_node).await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let node_id = n["id"].as_str().expect("id").to_string();

    // The status: the organiser's account, the title, when, the page.
    let a = get(&s, &format!("/api/v1/statuses/{id}"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let status = a.json();
    assert_eq!(status["account"]["acct"], "fiqus");
    assert_eq!(
        (&status["uri"], &status["url"]),
        (&json!(page), &json!(page))
    );
    assert_eq!(status["visibility"], "public");
    assert_eq!(status["language"], "es");
    let content = status["content"].as_str().expect("content");
    for part in [
        "<p><strong>Monthly call</strong></p>",
        "<p>Bring &lt;b&gt;one&lt;/b&gt; need.</p>",
        "15:00 – 16:30 (America/Argentina/Buenos_Aires)",
        &format!("<a href=\"{page}\">"),
    ] {
        assert!(content.contains(part), "{part} in {content}");
    }

    // Streamed as planned (the need posted before it comes first).
    let mut streamed = Vec::new();
    for _ in 0..2 {
        let e = next_event(&mut public).await;
        assert_eq!(e["event"], "update", "{e}");
        let s: Value = serde_json::from_str(e["payload"].as_str().expect("payload")).expect("JSON");
        streamed.push(s["id"].as_str().expect("id").to_string());
    }
    assert_eq!(streamed, [need_id.clone(), id.clone()]);

    // In the timelines, newest first with the needs and offers; not in a
    // hashtag's, nor the node's own gathering anywhere.
    let account_id = status["account"]["id"].as_str().expect("account id");
    for (path, auth) in [
        ("/api/v1/timelines/public?local=true".to_string(), None),
        ("/api/v1/timelines/public".to_string(), None),
        ("/api/v1/timelines/home".to_string(), Some(other.as_str())),
        (format!("/api/v1/accounts/{account_id}/statuses"), None),
    ] {
        let a = get(&s, &path, auth).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        assert_eq!(ids(&a.json()), [id.clone(), need_id.clone()], "{path}");
    }
    let a = get(&s, "/api/v1/timelines/public?remote=true", None).await;
    assert_eq!(ids(&a.json()), Vec::<String>::new());
    let a = get(&s, "/api/v1/timelines/tag/need", None).await;
    assert_eq!(ids(&a.json()), [need_id.as_str()]);
    let a = get(&s, &format!("/api/v1/timelines/public?max_id={id}"), None).await;
    assert_eq!(ids(&a.json()), [need_id.as_str()], "paged past it");
    let a = get(&s, &format!("/api/v1/statuses/{node_id}"), None).await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);

    // Found by its URL.
    let a = get(
        &s,
        &format!("/api/v2/search?type=statuses&q={page}"),
        Some(&other),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(ids(&a.json()["statuses"]), [id.as_str()]);

    // Changed on its page: the organiser is told where, others refused;
    // nothing changes, and it has no source text to redraft.
    let body = |method: &Method| match *method {
        Method::PUT => Body::Json(json!({"status": "Other #need #technical"})),
        _ => Body::None,
    };
    for method in [Method::PUT, Method::DELETE] {
        let path = format!("/api/v1/statuses/{id}");
        let a = send(&s, method.clone(), &path, Some(&token), body(&method)).await;
        let message = assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(message.contains(&page), "{message}");
        let a = send(&s, method.clone(), &path, Some(&other), body(&method)).await;
        assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    }
    let a = get(&s, &format!("/api/v1/statuses/{id}/source"), Some(&token)).await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    let a = get(&s, &format!("/api/v1/statuses/{id}"), None).await;
    assert_eq!(a.json()["content"], status["content"]);
    let (_, still) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(still["title"], "Monthly call");

    // The web's lists of needs and offers stay theirs.
    let (_, listed) = s.get("/proposals", None).await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    s.stop().await;
}
