//! The security suite's input findings, through the real edges: what a
//! stranger or a hostile server sends is refused with a 4xx (never a 5xx,
//! which senders retry) or dropped by the same text rules as local input,
//! and a refusal changes nothing.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::announce::follow_accepted_node;
use crate::common::remote::Remote;
use crate::common::{assert_error, need, TestServer};
use crate::inbox::{proposal_note, send_as, wrap};
use crate::introductions::followed_remote_offer;

const WAIT: Duration = Duration::from_secs(30);

async fn status_of(s: &TestServer, url: &str) -> StatusCode {
    s.http.get(url).send().await.expect("request").status()
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_and_control_characters_in_paths_and_queries_are_4xx() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    s.publish(&token, need("Accounting help")).await;
    let api = &s.base;
    let site = s.origin();
    for url in [
        format!("{api}/proposals/a%00b"),
        format!("{api}/coops/fi%00qus"),
        format!("{site}/proposals/a%00b"),
        format!("{site}/actors/a%00b"),
        format!("{site}/actors/fiqus%1b"),
    ] {
        assert_eq!(status_of(&s, &url).await, StatusCode::NOT_FOUND, "{url}");
    }
    for query in ["?coop=fi%00qus", "?q=a%00b", "?q=%1b%5b31m"] {
        let (st, b) = s.get(&format!("/proposals{query}"), None).await;
        assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    // A NUL in a sign-in email is a wrong email, not a database failure.
    let (st, b) = s
        .call(
            reqwest::Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "fiqus@example.coop\u{0}", "password": "x"})),
        )
        .await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    let (_, page) = s.get("/proposals", None).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_cursors_are_refused_not_read_as_the_first_page() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let admin = s.admin().await;
    s.publish(&token, need("Accounting help")).await;
    for (path, who) in [
        ("/proposals?cursor=garbage", None),
        ("/proposals?mine=true&cursor=1", Some(token.as_str())),
        ("/follows?cursor=garbage", Some(&token)),
        ("/followers?cursor=garbage", Some(&token)),
        ("/introductions?cursor=garbage", Some(&token)),
        ("/remote-proposals?cursor=garbage", Some(&token)),
        ("/admin/actions?cursor=garbage", Some(admin.as_str())),
    ] {
        let (st, b) = s.get(path, who).await;
        let msg = assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(msg.contains("cursor"), "{path}: {msg}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn local_text_with_invisible_or_reordering_characters_is_refused() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let other = s.coop("cotech").await;
    for title in [
        "\u{200b}\u{200b}",
        "\u{feff}",
        "invoice\u{202e}fdp.exe",
        "a\u{0}b",
        "\u{1b}[31mred",
    ] {
        let (st, b) = s.post("/proposals", &token, need(title)).await;
        let msg = assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(msg.contains("title"), "{title:?}: {msg}");
    }
    for country in ["ZZ", "AB"] {
        let (st, b) = s.patch("/coop", &token, json!({"country": country})).await;
        assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (st, b) = s
        .patch(
            "/coop",
            &other,
            json!({"private_contact": {"email": "hola@cotech.coop"}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let p = s.publish(&token, need("Accounting help")).await;
    let id = p["id"].as_str().unwrap();
    let (st, b) = s
        .post(
            "/introductions",
            &other,
            json!({"proposal": id, "message": "hello \u{1b}[2J"}),
        )
        .await;
    let msg = assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(msg.contains("message"), "{msg}");

    // Another coop's closed proposal is not disclosed by an introduction.
    let (st, b) = s
        .patch(
            &format!("/proposals/{id}"),
            &token,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let (st, b) = s
        .post(
            "/introductions",
            &other,
            json!({"proposal": id, "message": "hello"}),
        )
        .await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (_, sent) = s.get("/introductions?direction=sent", Some(&other)).await;
    assert_eq!(sent["items"], json!([]), "{sent}");
    let (_, page) = s.get("/proposals?status=all&mine=true", Some(&token)).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    s.stop().await;
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("items")
}

#[tokio::test(flavor = "multi_thread")]
async fn received_text_obeys_the_local_rules_and_is_never_a_5xx() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    followed_remote_offer(&s, &token, &remote).await;
    let (_, before) = s.get("/remote-proposals", Some(&token)).await;
    assert_eq!(items(&before).len(), 1, "{before}");

    // Names no local title could have: the activity is refused with a 4xx.
    for (n, name) in [(10, "a\u{0}b"), (11, "\u{202e}gnp.exe"), (12, "\u{200b}")] {
        let note = proposal_note(&remote, n, name);
        let create = wrap(&remote, "Create", &format!("bad-{n}"), note);
        let (st, b) = send_as(&s, &remote, "ana", "/inbox", &create).await;
        assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (_, after) = s.get("/remote-proposals", Some(&token)).await;
    assert_eq!(before, after, "refused activities change nothing");

    // Optional fields that break a rule are dropped, the rest is kept.
    let mut note = proposal_note(&remote, 20, "Hosting");
    note["url"] = json!("javascript:alert(1)");
    note["tag"] = json!([{"type": "Hashtag", "name": "#<script>x</script>"},
                         {"type": "Hashtag", "name": "#hosting"}]);
    note["publishes"]["resourceQuantity"]["hasNumericalValue"] = json!(-5);
    note["location"]["name"] = json!("Leeds\u{202e}");
    note["content"] = json!("<p>hi<img src=\"https://tracker.example/p.gif\"></p>");
    let create = wrap(&remote, "Create", "ok-20", note);
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &create).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, page) = s.get("/remote-proposals", Some(&token)).await;
    let kept = items(&page)
        .iter()
        .find(|p| p["title"] == "Hosting")
        .unwrap_or_else(|| panic!("kept: {page}"));
    assert_eq!(kept["url"], Value::Null, "{kept}");
    assert_eq!(kept["tags"], json!(["hosting"]), "{kept}");
    assert_eq!(kept["quantity"], Value::Null, "{kept}");
    assert_eq!(kept["place"], Value::Null, "{kept}");
    let html = kept["content_html"].as_str().unwrap();
    assert!(!html.contains("img") && !html.contains("tracker"), "{html}");

    // An actor whose display name carries a NUL is refused, and the one we
    // know stays as it was.
    let (_, follows_before) = s.get("/follows", Some(&token)).await;
    remote.set_display_name("ana", "Ana\u{0}");
    let update = wrap(&remote, "Update", "u-1", remote.document("ana"));
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &update).await;
    assert!(st.is_client_error(), "{st} {b}");
    let (_, follows_after) = s.get("/follows", Some(&token)).await;
    assert_eq!(follows_before, follows_after);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_that_names_itself_as_next_ends_the_backfill() {
    let s = TestServer::start().await;
    let admin = s.admin().await;
    let remote = Remote::start_node(&["node"]).await;
    // The node's directory: its first page names itself as the next one.
    remote.set_actor_field("node", "directory", json!(remote.object_url(100)));
    remote.serve_object(
        100,
        json!({"id": remote.object_url(100), "type": "OrderedCollection",
               "first": remote.object_url(101)}),
    );
    remote.serve_object(
        101,
        json!({"id": remote.object_url(101), "type": "OrderedCollectionPage",
               "orderedItems": [], "next": remote.object_url(101)}),
    );
    follow_accepted_node(&s, &admin, &remote).await;
    let backfill = federation_tests::eventually("the backfill to end", WAIT, || async {
        let (_, nodes) = s.get("/admin/nodes", Some(&admin)).await;
        let b = nodes["items"][0]["backfill"].clone();
        (b["state"] != "running" && b["state"] != "waiting").then_some(b)
    })
    .await;
    assert_eq!(backfill["state"], "stopped", "{backfill}");
    assert_eq!(backfill["ended_because"], "page_seen_twice", "{backfill}");
    assert_eq!(backfill["pages"], 1, "{backfill}");
    assert!(backfill["started_at"].is_string(), "{backfill}");
    s.stop().await;
}
