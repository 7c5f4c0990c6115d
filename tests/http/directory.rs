//! The directory's search, through the API on either backend: title words
//! (anywhere in the title, all required), filters and their errors, and the
//! index following edits and closes.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{assert_error, need, TestServer};

async fn titles(s: &TestServer, query: &str) -> (Vec<String>, i64) {
    let (st, page) = s.get(&format!("/directory/proposals?{query}"), None).await;
    assert_eq!(st, StatusCode::OK, "{query}: {page}");
    let mut t: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    (t, page["total"].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn title_search_and_filters() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let (st, b) = s
        .patch(
            "/coop",
            &token,
            json!({"country": "AR", "languages": ["es-AR"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let hosting = s
        .publish(&token, need("Hosting for our Diseño studio"))
        .await;
    s.publish(
        &token,
        json!({"kind": "offer", "category": "technical", "title": "Rust developers",
               "tags": ["rust", "Backend"]}),
    )
    .await;

    assert_eq!(titles(&s, "text=host").await.1, 1);
    assert_eq!(titles(&s, "text=OSTING").await.1, 1, "anywhere, any case");
    assert_eq!(titles(&s, "text=zebra").await.1, 0);
    assert_eq!(
        titles(&s, "text=RUST%20dev").await,
        (vec!["Rust developers".to_string()], 1)
    );
    assert_eq!(titles(&s, "text=rust%20hosting").await.1, 0, "all words");
    assert_eq!(titles(&s, "text=dise%C3%B1o").await.1, 1);
    assert_eq!(titles(&s, "tag=%23Backend").await.1, 1);
    assert_eq!(titles(&s, "country=ar&language=es").await.1, 2);
    assert_eq!(titles(&s, "language=pt").await.1, 0);
    let local = s.state.config.domain();
    assert_eq!(titles(&s, &format!("node={local}&text=rust")).await.1, 1);

    // The index follows an edit and a close.
    let id = hosting["id"].as_str().unwrap();
    let (st, b) = s
        .patch(
            &format!("/proposals/{id}"),
            &token,
            json!({"title": "Servers wanted"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(titles(&s, "text=hosting").await.1, 0);
    assert_eq!(titles(&s, "text=servers").await.1, 1);
    let (st, _) = s
        .call(
            reqwest::Method::DELETE,
            &format!("/proposals/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(titles(&s, "text=servers").await.1, 0);

    // Malformed filters are named; coops refuse proposal-only filters.
    for (query, field) in [
        ("country=Argentina", "country"),
        ("language=not%20a%20tag", "language"),
        ("tag=a%20b", "tag"),
        ("kind=gift", "kind"),
    ] {
        let (st, b) = s.get(&format!("/directory/proposals?{query}"), None).await;
        let message = assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(message.contains(field), "{query}: {message}");
    }
    let (st, b) = s.get("/directory/coops?tag=rust", None).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, coops) = s.get("/directory/coops?country=AR&language=es", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        coops["items"][0]["account"],
        format!("fiqus@{local}"),
        "{coops}"
    );
    assert_eq!(coops["items"][0]["languages"], json!(["es-AR"]), "{coops}");
    s.stop().await;
}
