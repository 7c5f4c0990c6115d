use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{assert_error, TestServer};

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

async fn seed(s: &TestServer) -> (String, String) {
    let fiqus = s.coop("fiqus").await;
    let cotech = s.coop("cotech").await;
    s.publish(
        &fiqus,
        json!({"kind": "need", "category": "human", "title": "Rust developer", "tags": ["rust"]}),
    )
    .await;
    s.publish(&fiqus, json!({"kind": "offer", "category": "technical", "title": "Hosting in Buenos Aires", "tags": ["hosting"]})).await;
    s.publish(&cotech, json!({"kind": "offer", "category": "knowledge", "title": "Mentoring for start-coops", "description": "Governance and 100% worker ownership", "tags": ["mentoring", "rust"]})).await;
    s.publish(
        &cotech,
        json!({"kind": "need", "category": "financial", "title": "Bridge loan"}),
    )
    .await;
    (fiqus, cotech)
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_combine() {
    let s = TestServer::start().await;
    let (fiqus, _) = seed(&s).await;
    let q = |query: &'static str| {
        let s = &s;
        async move {
            let (st, b) = s.get(&format!("/proposals{query}"), None).await;
            assert_eq!(st, StatusCode::OK, "{query}: {b}");
            titles(&b)
        }
    };
    assert_eq!(q("").await.len(), 4);
    assert_eq!(
        q("?kind=offer").await,
        vec!["Mentoring for start-coops", "Hosting in Buenos Aires"]
    );
    assert_eq!(q("?category=financial").await, vec!["Bridge loan"]);
    assert_eq!(
        q("?tag=%23Rust").await,
        vec!["Mentoring for start-coops", "Rust developer"]
    );
    assert_eq!(q("?tag=rust&kind=need").await, vec!["Rust developer"]);
    assert_eq!(
        q("?text=BUENOS%20hosting").await,
        vec!["Hosting in Buenos Aires"]
    );
    assert_eq!(
        q("?text=governance").await,
        vec!["Mentoring for start-coops"],
        "description is searched"
    );
    assert_eq!(
        q("?text=100%25").await,
        vec!["Mentoring for start-coops"],
        "% is literal, not a wildcard"
    );
    assert_eq!(
        q("?text=_").await,
        Vec::<String>::new(),
        "_ is literal, not a wildcard"
    );
    assert_eq!(q("?coop=cotech").await.len(), 2);
    assert_eq!(q("?text=nothing-matches").await.len(), 0);

    let (st, b) = s.get("/proposals?mine=true", Some(&fiqus)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        titles(&b),
        vec!["Hosting in Buenos Aires", "Rust developer"]
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_proposals_are_listed_only_for_their_coop() {
    let s = TestServer::start().await;
    let (fiqus, cotech) = seed(&s).await;
    let (_, mine) = s.get("/proposals?mine=true", Some(&fiqus)).await;
    let id = mine["items"][0]["id"].as_str().unwrap();
    s.patch(
        &format!("/proposals/{id}"),
        &fiqus,
        json!({"status": "closed"}),
    )
    .await;

    let (_, b) = s.get("/proposals?status=closed", Some(&fiqus)).await;
    assert_eq!(titles(&b), vec!["Hosting in Buenos Aires"]);
    let (_, b) = s.get("/proposals?status=closed", Some(&cotech)).await;
    assert!(titles(&b).is_empty());
    let (_, b) = s.get("/proposals?status=all", None).await;
    assert_eq!(titles(&b).len(), 3);
    let (_, b) = s.get("/proposals?status=all", Some(&fiqus)).await;
    assert_eq!(titles(&b).len(), 4);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cursor_pagination_walks_everything_once() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    for i in 0..25 {
        s.publish(&token, crate::common::need(&format!("need {i:02}")))
            .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(c) => format!("/proposals?limit=10&cursor={c}"),
            None => "/proposals?limit=10".to_string(),
        };
        let (st, b) = s.get(&path, None).await;
        assert_eq!(st, StatusCode::OK, "{b}");
        seen.extend(titles(&b));
        match b["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("need 24"),
        "newest first"
    );
    assert_eq!(seen.last().map(String::as_str), Some("need 00"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_list_parameters() {
    let s = TestServer::start().await;
    let cases = [
        (
            "?limit=0",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "limit",
        ),
        (
            "?limit=101",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "limit",
        ),
        (
            "?limit=ten",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "limit",
        ),
        (
            "?category=snacks",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "category",
        ),
        (
            "?status=archived",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "status",
        ),
        (
            "?catgory=human",
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "catgory",
        ),
        (
            "?tag=two%20words",
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "tag",
        ),
        ("?coop=nobody", StatusCode::NOT_FOUND, "not_found", "nobody"),
        (
            "?mine=true",
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "mine",
        ),
    ];
    for (query, status, code, needle) in cases {
        let (st, b) = s.get(&format!("/proposals{query}"), None).await;
        let msg = assert_error(st, &b, status, code);
        assert!(msg.contains(needle), "{query} -> {msg}");
    }
    s.stop().await;
}
