//! The federation policy through the admin API: blocks with their
//! severities, Mastodon-format block lists in and out, allows and the
//! mode. Bad input is refused and changes nothing; non-admins get 403.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, TestServer};

async fn blocks(s: &TestServer, admin: &str) -> Vec<(String, String)> {
    let (st, body) = s.get("/admin/blocks", Some(admin)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| {
            (
                b["domain"].as_str().unwrap_or_default().to_string(),
                b["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn import(s: &TestServer, admin: &str, csv: &str) -> (StatusCode, Value) {
    s.raw(
        Method::POST,
        "/admin/blocks/import",
        Some(admin),
        "text/csv",
        csv.as_bytes().to_vec(),
    )
    .await
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(d, s)| (d.to_string(), s.to_string()))
        .collect()
}

#[tokio::test]
async fn blocks_are_added_changed_listed_and_lifted() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let (st, body) = s
        .post(
            "/admin/blocks",
            &admin,
            json!({"domain": "Spam.Example", "severity": "suspend", "public_comment": "spam"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["domain"], "spam.example");
    assert_eq!(body["removed_actors"], 0);
    // Blocking again changes the severity.
    let (st, _) = s
        .post(
            "/admin/blocks",
            &admin,
            json!({"domain": "spam.example", "severity": "limit"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        blocks(&s, &admin).await,
        pairs(&[("spam.example", "limit")])
    );
    // The node list names blocked domains too.
    let (_, nodes) = s.get("/admin/nodes", Some(&admin)).await;
    assert_eq!(nodes["items"][0]["domain"], "spam.example", "{nodes}");
    assert_eq!(nodes["items"][0]["blocked"], "limit");

    let status = s
        .call(
            Method::DELETE,
            "/admin/blocks/spam.example",
            Some(&admin),
            None,
        )
        .await
        .0;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(blocks(&s, &admin).await.is_empty());
    let (st, body) = s
        .call(
            Method::DELETE,
            "/admin/blocks/spam.example",
            Some(&admin),
            None,
        )
        .await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");

    let (_, actions) = s.get("/admin/actions", Some(&admin)).await;
    let done: Vec<&str> = actions["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(done, ["blocks.remove", "blocks.add", "blocks.add"]);
    s.stop().await;
}

#[tokio::test]
async fn bad_blocks_are_refused_and_change_nothing() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    for (body, field) in [
        (
            json!({"domain": "x.example", "severity": "ban"}),
            "severity",
        ),
        (
            json!({"domain": "not a domain", "severity": "suspend"}),
            "domain",
        ),
        // This node's own domain, or a parent of it.
        (
            json!({"domain": "coops.test", "severity": "suspend"}),
            "domain",
        ),
        (json!({"domain": "test", "severity": "suspend"}), "domain"),
    ] {
        let (st, resp) = s.post("/admin/blocks", &admin, body).await;
        let message = assert_error(
            st,
            &resp,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(message.starts_with(field), "{message}");
    }
    let (st, resp) = s
        .post("/admin/blocks", &admin, json!({"domain": "x.example"}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    assert!(blocks(&s, &admin).await.is_empty());

    // Not an admin: 403, whatever the request.
    let member = s.coop("fiqus").await;
    let (st, resp) = s
        .post(
            "/admin/blocks",
            &member,
            json!({"domain": "x.example", "severity": "suspend"}),
        )
        .await;
    assert_error(st, &resp, StatusCode::FORBIDDEN, "forbidden");
    let (st, resp) = import(&s, &member, "x.example\n").await;
    assert_error(st, &resp, StatusCode::FORBIDDEN, "forbidden");
    let (st, resp) = s.get("/admin/blocks/export", Some(&member)).await;
    assert_error(st, &resp, StatusCode::FORBIDDEN, "forbidden");
    assert!(blocks(&s, &admin).await.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn a_mastodon_block_list_imports_and_exports() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    s.post(
        "/admin/blocks",
        &admin,
        json!({"domain": "already.example", "severity": "limit"}),
    )
    .await;
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
               spam.example,suspend,true,true,\"Spam, and lots of it\",false\n\
               loud.example,silence,false,false,,false\n\
               already.example,suspend,false,false,,false\n\
               pics.example,noop,true,false,,false\n";
    let (st, body) = import(&s, &admin, csv).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["added"], json!(["spam.example", "loud.example"]));
    assert_eq!(body["unchanged"], json!(["already.example"]));
    assert_eq!(body["noop"], 1);
    assert_eq!(
        blocks(&s, &admin).await,
        pairs(&[
            ("already.example", "limit"),
            ("loud.example", "limit"),
            ("spam.example", "suspend"),
        ])
    );

    let resp = s
        .http
        .get(format!("{}/admin/blocks/export", s.base))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("export");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    let text = resp.text().await.expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate",
            "already.example,silence,false,false,,false",
            "loud.example,silence,false,false,,false",
            "spam.example,suspend,false,false,\"Spam, and lots of it\",false",
        ]
    );

    // What was exported imports again into another node unchanged.
    let other = TestServer::start().await;
    let other_admin = other.admin().await;
    let (st, body) = import(&other, &other_admin, &text).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(blocks(&other, &other_admin).await, blocks(&s, &admin).await);
    other.stop().await;
    s.stop().await;
}

#[tokio::test]
async fn a_bad_block_list_is_refused_whole() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let (st, body) = import(
        &s,
        &admin,
        "#domain,#severity\nfine.example,suspend\nnot a domain,suspend\n",
    )
    .await;
    let message = assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(message.contains("line 3"), "{message}");
    let (st, body) = import(&s, &admin, "#domain,#severity\nfine.example,ban\n").await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = import(&s, &admin, "coops.test\n").await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s
        .raw(
            Method::POST,
            "/admin/blocks/import",
            Some(&admin),
            "text/csv",
            vec![0xff, 0xfe, b'\n'],
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let huge = "a.example\n".repeat(300_000);
    let (st, body) = import(&s, &admin, &huge).await;
    assert_error(
        st,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert!(blocks(&s, &admin).await.is_empty());
    let (_, actions) = s.get("/admin/actions", Some(&admin)).await;
    assert_eq!(actions["items"], json!([]), "{actions}");
    s.stop().await;
}

#[tokio::test]
async fn the_mode_and_allows_are_set_and_shown_to_peers() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let (st, body) = s.get("/admin/policy", Some(&admin)).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        body,
        json!({"node_follow_approval": "auto", "federation_mode": "open"})
    );
    // One bad field refuses the whole change.
    let (st, body) = s
        .call(
            Method::PUT,
            "/admin/policy",
            Some(&admin),
            Some(json!({"node_follow_approval": "manual", "federation_mode": "closed"})),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, body) = s.get("/admin/policy", Some(&admin)).await;
    assert_eq!(body["node_follow_approval"], "auto");

    let (st, body) = s
        .call(
            Method::PUT,
            "/admin/policy",
            Some(&admin),
            Some(json!({"federation_mode": "allowlist"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["federation_mode"], "allowlist");
    assert_eq!(body["node_follow_approval"], "auto");
    // Peers can see it before they try to follow.
    let (_, _, actor) = s.fetch("/actor").await;
    let facts = actor["attachment"].to_string();
    assert!(facts.contains("allowlist"), "{actor}");
    let (_, _, nodeinfo) = s.fetch("/nodeinfo/2.1").await;
    assert_eq!(nodeinfo["metadata"]["federation"]["mode"], "allowlist");

    let (st, _) = s
        .post(
            "/admin/allows",
            &admin,
            json!({"domain": "friends.example"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s
        .post(
            "/admin/allows",
            &admin,
            json!({"domain": "friends.example"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = s
        .post("/admin/allows", &admin, json!({"domain": "nope"}))
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, body) = s.get("/admin/allows", Some(&admin)).await;
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["items"][0]["domain"], "friends.example");
    let status = s
        .call(
            Method::DELETE,
            "/admin/allows/friends.example",
            Some(&admin),
            None,
        )
        .await
        .0;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = s.get("/admin/allows", Some(&admin)).await;
    assert_eq!(body["items"], json!([]));
    s.stop().await;
}
