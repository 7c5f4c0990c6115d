//! Accounts through the Mastodon client API: coops and remote actors as
//! `Account`s, lookup and search, following a remote account, follow
//! requests for a coop that approves by hand, and profile updates.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_of, send_as, wait_received};
use crate::mastodon_oauth::{app_token, assert_mastodon_error, send, Body};

async fn get(s: &TestServer, path: &str, token: &str) -> Value {
    let a = send(s, Method::GET, path, Some(token), Body::None).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
    a.json()
}

async fn post(s: &TestServer, path: &str, token: &str) -> Value {
    let a = send(s, Method::POST, path, Some(token), Body::None).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
    a.json()
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn coops_are_accounts_found_by_id_acct_and_words() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    s.coop("tierra").await;
    let token = app_token(&s, "fiqus", "read write follow").await;

    let me = get(&s, "/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(me["username"], "fiqus");
    assert_eq!(me["acct"], "fiqus");
    assert_eq!(me["url"], "https://coops.test/actors/fiqus");
    assert_eq!(me["source"]["follow_requests_count"], 0, "{me}");
    assert!(me["avatar"].as_str().unwrap().ends_with(".png"), "{me}");

    // Found by acct in every spelling apps use.
    let tierra_id = {
        let a = get(&s, "/api/v1/accounts/lookup?acct=tierra", &token).await;
        a["id"].as_str().unwrap().to_string()
    };
    for acct in ["tierra@coops.test", "@tierra@coops.test"] {
        for spelled in [acct.to_string(), encode(acct)] {
            let a = get(
                &s,
                &format!("/api/v1/accounts/lookup?acct={spelled}"),
                &token,
            )
            .await;
            assert_eq!(a["id"], tierra_id.as_str(), "{spelled}");
        }
    }
    let a = get(&s, &format!("/api/v1/accounts/{tierra_id}"), &token).await;
    assert_eq!(a["username"], "tierra");
    assert!(
        a.get("source").is_none(),
        "another coop's source is private: {a}"
    );

    // Search by words.
    let found = get(&s, "/api/v1/accounts/search?q=tierra", &token).await;
    let ids: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(ids, [tierra_id.as_str()]);

    // Unknown accounts, in Mastodon's shape.
    for path in [
        "/api/v1/accounts/lookup?acct=nobody".to_string(),
        "/api/v1/accounts/lookup?acct=nobody@elsewhere.example".to_string(),
        "/api/v1/accounts/not-an-id".to_string(),
        format!("/api/v1/accounts/{}", uuid::Uuid::new_v4()),
        format!("/api/v1/accounts/{}/followers", uuid::Uuid::new_v4()),
    ] {
        let a = send(&s, Method::GET, &path, Some(&token), Body::None).await;
        assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    }
    // Coops of one node already share everything: following one is refused.
    let a = send(
        &s,
        Method::POST,
        &format!("/api/v1/accounts/{tierra_id}/follow"),
        Some(&token),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    let rel = get(
        &s,
        &format!("/api/v1/accounts/relationships?id[]={tierra_id}"),
        &token,
    )
    .await;
    assert_eq!(rel[0]["following"], false, "{rel}");
    // Too many ids at once.
    let many: Vec<String> = (0..81)
        .map(|_| format!("id[]={}", uuid::Uuid::new_v4()))
        .collect();
    let a = send(
        &s,
        Method::GET,
        &format!("/api/v1/accounts/relationships?{}", many.join("&")),
        Some(&token),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_account_is_resolved_followed_and_unfollowed() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write follow").await;
    let read_only = app_token(&s, "fiqus", "read").await;
    let remote = Remote::start(&["ana"]).await;
    let acct = remote.account("ana");

    // Not known yet: lookup does not reach out; search with resolve does.
    let a = send(
        &s,
        Method::GET,
        &format!("/api/v1/accounts/lookup?acct={acct}"),
        Some(&token),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    let found = get(&s, &format!("/api/v1/accounts/search?q={acct}"), &token).await;
    assert_eq!(found, json!([]), "no resolve, nothing fetched");
    let found = get(
        &s,
        &format!("/api/v1/accounts/search?q={acct}&resolve=true"),
        &token,
    )
    .await;
    assert_eq!(found[0]["acct"], acct.as_str(), "{found}");
    assert_eq!(found[0]["uri"], remote.actor("ana"));
    assert_eq!(found[0]["display_name"], "ANA");
    let id = found[0]["id"].as_str().unwrap().to_string();
    let a = get(&s, &format!("/api/v1/accounts/lookup?acct={acct}"), &token).await;
    assert_eq!(a["id"], id.as_str(), "known now");

    // Following needs the follow scope.
    let a = send(
        &s,
        Method::POST,
        &format!("/api/v1/accounts/{id}/follow"),
        Some(&read_only),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    let rel = post(&s, &format!("/api/v1/accounts/{id}/follow"), &token).await;
    assert_eq!(rel["id"], id.as_str());
    assert_eq!(rel["requested"], true, "waiting for the Accept: {rel}");
    assert_eq!(rel["following"], false, "{rel}");
    wait_received(&remote, "the Follow", |(_, a)| {
        a["type"] == "Follow" && a["object"] == remote.actor("ana")
    })
    .await;
    let following = get(&s, "/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(following["following_count"], 0, "not accepted yet");

    let rel = post(&s, &format!("/api/v1/accounts/{id}/unfollow"), &token).await;
    assert_eq!(rel["requested"], false, "{rel}");
    assert_eq!(rel["following"], false, "{rel}");
    wait_received(&remote, "the Undo", |(_, a)| {
        a["type"] == "Undo" && a["object"]["type"] == "Follow"
    })
    .await;
    // Unfollowing again is what was asked for already.
    let rel = post(&s, &format!("/api/v1/accounts/{id}/unfollow"), &token).await;
    assert_eq!(rel["following"], false, "{rel}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coop_that_approves_by_hand_sees_follow_requests_and_answers_them() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write follow").await;
    let remote = Remote::start(&["ana", "bea", "cai"]).await;

    let a = send(
        &s,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&token),
        Body::Form(&[("locked", "1")]),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["locked"], true);
    let fiqus = "https://coops.test/actors/fiqus";
    for (n, name) in ["ana", "bea", "cai"].into_iter().enumerate() {
        let (st, body) = send_as(
            &s,
            &remote,
            name,
            "/inbox",
            &follow_of(&remote, name, n as u32, fiqus),
        )
        .await;
        assert_eq!(st, StatusCode::ACCEPTED, "{body}");
    }
    let waiting = get(&s, "/api/v1/follow_requests", &token).await;
    let mut names: Vec<&str> = waiting
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["username"].as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["ana", "bea", "cai"], "{waiting}");
    let me = get(&s, "/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(me["source"]["follow_requests_count"], 3, "{me}");
    let id_of = |name: &str| {
        waiting
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .and_then(|a| a["id"].as_str())
            .unwrap()
            .to_string()
    };
    let rel = get(
        &s,
        &format!("/api/v1/accounts/relationships?id[]={}", id_of("ana")),
        &token,
    )
    .await;
    assert_eq!(rel[0]["requested_by"], true, "{rel}");

    let rel = post(
        &s,
        &format!("/api/v1/follow_requests/{}/authorize", id_of("ana")),
        &token,
    )
    .await;
    assert_eq!(rel["followed_by"], true, "{rel}");
    assert_eq!(rel["requested_by"], false, "{rel}");
    post(
        &s,
        &format!("/api/v1/follow_requests/{}/authorize", id_of("cai")),
        &token,
    )
    .await;
    let rel = post(
        &s,
        &format!("/api/v1/follow_requests/{}/reject", id_of("bea")),
        &token,
    )
    .await;
    assert_eq!(rel["followed_by"], false, "{rel}");
    wait_received(&remote, "the Accept", |(path, a)| {
        a["type"] == "Accept" && path == "/users/ana/inbox"
    })
    .await;
    wait_received(&remote, "the Reject", |(path, a)| {
        a["type"] == "Reject" && path == "/users/bea/inbox"
    })
    .await;
    let waiting = get(&s, "/api/v1/follow_requests", &token).await;
    assert_eq!(waiting, json!([]));
    // No request left for bea: answering again is a 404.
    let a = send(
        &s,
        Method::POST,
        &format!("/api/v1/follow_requests/{}/authorize", id_of("bea")),
        Some(&token),
        Body::None,
    )
    .await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);

    // The followers, a page at a time, with Link headers apps follow.
    let me = get(&s, "/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(me["followers_count"], 2, "{me}");
    let my_id = me["id"].as_str().unwrap();
    let first = send(
        &s,
        Method::GET,
        &format!("/api/v1/accounts/{my_id}/followers?limit=1"),
        None,
        Body::None,
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let link = first.headers["link"].to_str().unwrap().to_string();
    let next = link
        .split(';')
        .next()
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>' || c == ' ')
        .to_string();
    assert!(link.contains("rel=\"next\""), "{link}");
    let path = next.strip_prefix("https://coops.test").unwrap();
    let second = send(&s, Method::GET, path, None, Body::None).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let mut seen: Vec<String> = [first.json(), second.json()]
        .iter()
        .flat_map(|p| p.as_array().unwrap().clone())
        .filter_map(|a| a["username"].as_str().map(String::from))
        .collect();
    seen.sort();
    assert_eq!(seen, ["ana", "cai"]);
    let bad = send(
        &s,
        Method::GET,
        &format!("/api/v1/accounts/{my_id}/followers?max_id=garbage"),
        None,
        Body::None,
    )
    .await;
    assert_mastodon_error(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn update_credentials_sets_the_profile_from_form_or_json_and_refuses_bad_fields() {
    let s = TestServer::start().await;
    let native = s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write").await;
    let read_only = app_token(&s, "fiqus", "read").await;

    let a = send(
        &s,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&token),
        Body::Form(&[
            ("display_name", "Fiqus Coop"),
            ("note", "We build *software*."),
            ("fields_attributes[0][name]", "Website"),
            ("fields_attributes[0][value]", "https://fiqus.coop"),
            ("fields_attributes[1][name]", "Location"),
            ("fields_attributes[1][value]", "Buenos Aires, AR"),
            ("fields_attributes[2][name]", "Members"),
            ("fields_attributes[2][value]", "12"),
        ]),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let me = a.json();
    assert_eq!(me["display_name"], "Fiqus Coop");
    assert!(
        me["note"].as_str().unwrap().contains("<em>software</em>"),
        "{me}"
    );
    assert_eq!(me["source"]["note"], "We build *software*.");
    let (_, profile) = s.get("/coop", Some(&native)).await;
    assert_eq!(profile["website"], "https://fiqus.coop/", "{profile}");
    assert_eq!(profile["city"], "Buenos Aires", "{profile}");
    assert_eq!(profile["country"], "AR", "{profile}");
    assert_eq!(profile["member_count"], 12, "{profile}");
    let website = me["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Website")
        .cloned();
    assert!(website.is_some(), "{me}");

    // JSON, as a list: the fields sent are all the fields.
    let a = send(
        &s,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&token),
        Body::Json(json!({"fields_attributes": [{"name": "Founded", "value": "2009"}]})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let (_, profile) = s.get("/coop", Some(&native)).await;
    assert_eq!(profile["founded_year"], 2009, "{profile}");
    assert!(profile["website"].is_null(), "cleared: {profile}");
    assert_eq!(profile["display_name"], "Fiqus Coop", "untouched");

    // Refusals change nothing.
    for (body, status) in [
        (
            json!({"fields_attributes": [{"name": "Favourite colour", "value": "red"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"fields_attributes": [{"name": "Members", "value": "many"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"display_name": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"fields_attributes": [{"name": "Website", "value": "javascript:alert(1)"}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let a = send(
            &s,
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&token),
            Body::Json(body.clone()),
        )
        .await;
        assert_mastodon_error(&a, status);
    }
    let a = send(
        &s,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&read_only),
        Body::Json(json!({"display_name": "Taken over"})),
    )
    .await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    let (_, after) = s.get("/coop", Some(&native)).await;
    assert_eq!(after, profile, "refusals changed nothing");
    s.stop().await;
}

/// A multipart body with text fields and files, as apps send uploads.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "intercoop-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.bin\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread")]
async fn avatars_and_headers_are_uploaded_checked_and_served_in_their_place() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write").await;
    // A follower elsewhere, told of the new picture.
    let remote = Remote::start(&["ana"]).await;
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/actors/fiqus/inbox",
        &follow_of(&remote, "ana", 1, "https://coops.test/actors/fiqus"),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    let (_, _, actor) = s.fetch("/actors/fiqus").await;
    assert_eq!(actor["icon"]["mediaType"], "image/png", "{actor}");
    let me = get(&s, "/api/v1/accounts/verify_credentials", &token).await;
    let generated_avatar = me["avatar"].as_str().unwrap().to_string();
    let path_of = |url: &str| url.trim_start_matches("https://coops.test").to_string();
    let http = reqwest::Client::new();
    let fetch = |path: String| {
        let (http, url) = (http.clone(), format!("{}{path}", s.origin()));
        async move {
            let r = http.get(url).send().await.unwrap();
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            (kind, r.bytes().await.unwrap().to_vec())
        }
    };
    // A picture to upload: the generated header (a 600 × 200 PNG).
    let (_, picture) = fetch(path_of(me["header"].as_str().unwrap())).await;
    let (_, before) = fetch(path_of(&generated_avatar)).await;

    let upload = |fields: Vec<(&'static str, &'static str)>,
                  files: Vec<(&'static str, Vec<u8>)>| {
        let (http, url, token) = (
            http.clone(),
            format!("{}/api/v1/accounts/update_credentials", s.origin()),
            token.clone(),
        );
        async move {
            let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
            let (kind, body) = multipart(&fields, &files);
            let r = http
                .patch(url)
                .bearer_auth(token)
                .header("content-type", kind)
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (st, text) = upload(
        vec![("display_name", "Fiqus")],
        vec![("avatar", picture.clone())],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{text}");
    let me: Value = serde_json::from_str(&text).unwrap();
    let avatar = me["avatar"].as_str().unwrap();
    assert_ne!(
        avatar, generated_avatar,
        "a new URL for apps' caches: {avatar}"
    );
    assert!(avatar.contains("?v="), "{avatar}");
    let (kind, served) = fetch(path_of(avatar)).await;
    assert_eq!(kind, "image/jpeg", "re-encoded");
    assert_ne!(served, before);
    assert_ne!(served, picture, "never the bytes sent");
    assert_eq!(me["display_name"], "Fiqus");
    // The actor document and its followers show the same picture.
    let (_, _, actor) = s.fetch("/actors/fiqus").await;
    assert_eq!(actor["icon"]["url"], avatar, "{actor}");
    assert_eq!(actor["icon"]["mediaType"], "image/jpeg");
    assert_eq!(actor["image"]["url"], me["header"]);
    let (_, update) = wait_received(&remote, "Update with the new avatar", |(_, a)| {
        a["type"] == "Update" && a["object"]["icon"]["url"] == avatar
    })
    .await;
    assert_eq!(update["object"]["icon"]["mediaType"], "image/jpeg");

    // Refusals change nothing: not an image, too large, a bad field beside it.
    let mut too_large = picture.clone();
    too_large.resize(2 * 1024 * 1024 + 1, 0);
    for (fields, files) in [
        (
            vec![],
            vec![(
                "avatar",
                b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            )],
        ),
        (vec![], vec![("header", too_large)]),
        (
            vec![("fields_attributes[0][name]", "Favourite colour")],
            vec![("header", picture.clone())],
        ),
    ] {
        let (st, text) = upload(fields, files).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    }
    let after = get(&s, "/api/v1/accounts/verify_credentials", &token).await;
    assert_eq!(after["avatar"], avatar);
    assert_eq!(after["header"], me["header"], "the header was not changed");
    s.stop().await;
}
