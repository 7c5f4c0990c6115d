use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, need, TestServer};

async fn count_mine(s: &TestServer, token: &str) -> usize {
    let (st, b) = s
        .get("/proposals?mine=true&status=all&limit=100", Some(token))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().len()
}

#[tokio::test(flavor = "multi_thread")]
async fn create_and_read_a_proposal() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let created = s
        .publish(
            &token,
            json!({
                "kind": "need",
                "category": "human",
                "title": "  Rust developer, 20 h/week ",
                "description": "For **three** months.",
                "tags": ["#Rust", "backend"],
                "quantity": {"value": "240", "unit": "hour"},
                "place": "Rosario, AR",
                "remote": true,
                "deadline": "2099-03-01"
            }),
        )
        .await;
    assert_eq!(created["title"], "Rust developer, 20 h/week");
    assert_eq!(created["coop"], "fiqus");
    assert_eq!(created["status"], "open");
    assert_eq!(created["tags"], json!(["rust", "backend"]));
    assert_eq!(created["quantity"], json!({"value": "240", "unit": "hour"}));
    assert_eq!(created["deadline"], "2099-03-01");
    assert!(created["description_html"]
        .as_str()
        .unwrap()
        .contains("<strong>three</strong>"));
    let id = created["id"].as_str().unwrap();
    let (st, fetched) = s.get(&format!("/proposals/{id}"), None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        fetched, created,
        "anyone reads an open proposal as it was stored"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_proposals_are_refused_with_the_field_named_and_nothing_written() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"kind": "need", "category": "money", "title": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "category",
        ),
        (
            json!({"kind": "wish", "category": "human", "title": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "kind",
        ),
        (
            json!({"kind": "need", "category": "human"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "   "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x".repeat(201)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "description": "x".repeat(10_001)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "description",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "colour": "red"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "colour",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "tags": ["two words"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "tags",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "tags",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "deadline": "2001-01-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "deadline",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "deadline": "next week"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "deadline",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "quantity": {"value": "-3", "unit": "hour"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity.value",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "quantity": {"value": "3"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unit",
        ),
        (
            json!({"kind": "need", "category": "human", "title": "x", "remote": "yes"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "remote",
        ),
        (
            json!("need"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid type",
        ),
    ];
    for (body, status, field) in cases {
        let (st, b) = s.post("/proposals", &token, body.clone()).await;
        let msg = assert_error(st, &b, status, "validation_failed");
        assert!(msg.contains(field), "{body} -> {msg}");
    }
    let (st, b) = s
        .raw(
            Method::POST,
            "/proposals",
            Some(&token),
            "application/json",
            b"{\"kind\": \"need\",".to_vec(),
        )
        .await;
    assert_error(st, &b, StatusCode::BAD_REQUEST, "invalid_json");
    let (st, b) = s
        .raw(
            Method::POST,
            "/proposals",
            Some(&token),
            "text/plain",
            b"kind=need".to_vec(),
        )
        .await;
    assert_error(
        st,
        &b,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let huge = json!({"kind": "need", "category": "human", "title": "x", "description": "y".repeat(70_000)});
    let (st, b) = s
        .raw(
            Method::POST,
            "/proposals",
            Some(&token),
            "application/json",
            huge.to_string().into_bytes(),
        )
        .await;
    assert_error(st, &b, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let (st, b) = s
        .call(Method::POST, "/proposals", None, Some(need("x")))
        .await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "unauthorized");

    assert_eq!(
        count_mine(&s, &token).await,
        0,
        "no refused request wrote anything"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_close_reopen_and_delete() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let other = s.coop("cotech").await;
    let p = s.publish(&token, json!({"kind": "offer", "category": "technical", "title": "Hosting", "tags": ["hosting"], "place": "Rosario"})).await;
    let id = p["id"].as_str().unwrap().to_string();
    let path = format!("/proposals/{id}");

    let (st, b) = s
        .patch(
            &path,
            &token,
            json!({"title": "Hosting in Spanish", "tags": ["hosting", "es"], "place": null}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["title"], "Hosting in Spanish");
    assert_eq!(b["tags"], json!(["hosting", "es"]));
    assert_eq!(b["place"], json!(null));
    assert_eq!(b["category"], "technical", "absent fields stay");
    assert_ne!(b["updated_at"], p["updated_at"]);

    let (st, b) = s.patch(&path, &other, json!({"title": "Mine now"})).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (st, b) = s.patch(&path, &token, json!({"category": "snacks"})).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, b) = s.patch(&path, &token, json!({"title": ""})).await;
    assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, unchanged) = s.get(&path, None).await;
    assert_eq!(
        unchanged["title"], "Hosting in Spanish",
        "refused edits change nothing"
    );

    // Closing hides it from everyone but its coop.
    let (st, b) = s.patch(&path, &token, json!({"status": "closed"})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "closed");
    assert!(b["closed_at"].is_string());
    let (st, b) = s.get(&path, None).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, b) = s.get(&path, Some(&other)).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, _) = s.get(&path, Some(&token)).await;
    assert_eq!(st, StatusCode::OK);
    let (_, list) = s.get("/proposals", None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let (st, b) = s.patch(&path, &other, json!({"status": "open"})).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");

    let (st, b) = s.patch(&path, &token, json!({"status": "open"})).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["closed_at"], json!(null));

    let (st, b) = s.call(Method::DELETE, &path, Some(&other), None).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (st, _) = s.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, b) = s.get(&path, Some(&token)).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, b) = s.call(Method::DELETE, &path, Some(&token), None).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_old_deadline_does_not_block_other_edits() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let p = s
        .publish(
            &token,
            json!({"kind": "need", "category": "work", "title": "x", "deadline": "2099-01-01"}),
        )
        .await;
    let path = format!("/proposals/{}", p["id"].as_str().unwrap());
    let (st, b) = s
        .patch(&path, &token, json!({"deadline": "2000-01-01"}))
        .await;
    let msg = assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(msg.contains("deadline"), "{msg}");
    let (st, b) = s
        .patch(&path, &token, json!({"deadline": null, "title": "y"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["deadline"], json!(null));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_writes_all_succeed() {
    let s = TestServer::start().await;
    let tokens = [s.coop("a").await, s.coop("b").await, s.coop("c").await];
    let mut tasks = Vec::new();
    for i in 0..60 {
        let token = tokens[i % 3].clone();
        let http = s.http.clone();
        let base = s.base.clone();
        tasks.push(tokio::spawn(async move {
            let req = if i % 4 == 0 {
                http.patch(format!("{base}/coop"))
                    .json(&json!({"about": format!("edit {i}")}))
            } else {
                http.post(format!("{base}/proposals"))
                    .json(&need(&format!("need {i}")))
            };
            let resp = req.bearer_auth(token).send().await.unwrap();
            (resp.status(), resp.text().await.unwrap())
        }));
    }
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert!(status.is_success(), "{status}: {body}");
    }
    let total: usize = {
        let mut n = 0;
        for t in &tokens {
            n += count_mine(&s, t).await;
        }
        n
    };
    assert_eq!(total, 45);
    s.stop().await;
}
