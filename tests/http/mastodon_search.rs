//! `/api/v2/search` and the endpoints apps call at start that answer empty.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::mastodon_oauth::{app_token, assert_mastodon_error, send, Body};

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn found_status_uri(found: &serde_json::Value) -> String {
    found["statuses"][0]["uri"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_accounts_hashtags_and_needs_and_offers() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    s.coop("tierra").await;
    let token = app_token(&s, "fiqus", "read write").await;
    let tierra = app_token(&s, "tierra", "read write").await;
    for text in [
        "Rust developer #need #human",
        "Rust training #offer #knowledge",
        "Hosting #offer #technical",
    ] {
        let a = send(
            &s,
            Method::POST,
            "/api/v1/statuses",
            Some(&tierra),
            Body::Form(&[("status", text)]),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    }
    let search = |q: &str, token: Option<&str>| {
        let (s, path, token) = (&s, format!("/api/v2/search?q={q}"), token.map(String::from));
        async move { send(s, Method::GET, &path, token.as_deref(), Body::None).await }
    };

    let a = search("rust", Some(&token)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let found = a.json();
    let titles: Vec<String> = found["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| st["content"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles.len(), 2, "{found}");
    assert!(
        titles[0].contains("Rust training"),
        "newest first: {titles:?}"
    );
    assert_eq!(found["hashtags"][0]["name"], "rust");
    assert_eq!(found["accounts"], json!([]));

    let found = search("tierra&type=accounts", None).await.json();
    assert_eq!(found["accounts"][0]["acct"], "tierra", "{found}");
    assert_eq!(found["statuses"], json!([]));
    let found = search("%23necesidad&type=hashtags", None).await.json();
    assert_eq!(found["hashtags"][0]["name"], "need", "{found}");
    let found = search("rust&limit=1&offset=1&type=statuses", None)
        .await
        .json();
    assert!(
        found["statuses"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Rust developer"),
        "{found}"
    );

    // user@host is resolved over WebFinger only for a signed-in coop.
    let remote = Remote::start(&["ana"]).await;
    let acct = remote.account("ana");
    let found = search(&format!("{acct}&resolve=true"), None).await.json();
    assert_eq!(found["accounts"], json!([]), "not resolved without a coop");
    let found = search(&format!("{acct}&resolve=true"), Some(&token))
        .await
        .json();
    assert_eq!(found["accounts"][0]["acct"], acct.as_str(), "{found}");

    // A URL names one thing: our proposal, our coop, a known actor.
    let first = found_status_uri(&search("rust&type=statuses", None).await.json());
    let by_url = search(&encode(&first), None).await.json();
    assert_eq!(by_url["statuses"][0]["uri"], first.as_str(), "{by_url}");
    assert_eq!(by_url["accounts"], json!([]));
    let by_url = search(&encode("https://coops.test/actors/tierra"), None)
        .await
        .json();
    assert_eq!(by_url["accounts"][0]["acct"], "tierra", "{by_url}");
    let by_url = search(&encode(&remote.actor("ana")), None).await.json();
    assert_eq!(by_url["accounts"][0]["acct"], acct.as_str(), "{by_url}");
    let by_url = search(&encode("https://elsewhere.example/notes/1"), None)
        .await
        .json();
    assert_eq!(
        by_url,
        json!({"accounts": [], "statuses": [], "hashtags": []})
    );

    let a = search("", Some(&token)).await;
    assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    let a = search("rust", Some(&app_token(&s, "fiqus", "write").await)).await;
    assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_apps_read_at_start_answers_empty_in_mastodons_shapes() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read").await;
    let write_only = app_token(&s, "fiqus", "write").await;
    for path in [
        "/api/v1/filters",
        "/api/v2/filters",
        "/api/v1/lists",
        "/api/v1/followed_tags",
        "/api/v1/conversations",
        "/api/v1/domain_blocks",
        "/api/v1/blocks",
        "/api/v1/mutes",
        "/api/v1/favourites",
        "/api/v1/bookmarks",
        "/api/v1/scheduled_statuses",
        "/api/v1/announcements",
    ] {
        let a = send(&s, Method::GET, path, Some(&token), Body::None).await;
        assert_eq!((a.status, a.json()), (StatusCode::OK, json!([])), "{path}");
        let a = send(&s, Method::GET, path, None, Body::None).await;
        assert_mastodon_error(&a, StatusCode::UNAUTHORIZED);
        let a = send(&s, Method::GET, path, Some(&write_only), Body::None).await;
        assert_mastodon_error(&a, StatusCode::FORBIDDEN);
    }
    for path in [
        "/api/v1/custom_emojis",
        "/api/v1/trends/tags",
        "/api/v1/instance/peers",
    ] {
        let a = send(&s, Method::GET, path, None, Body::None).await;
        assert_eq!((a.status, a.json()), (StatusCode::OK, json!([])), "{path}");
    }
    let prefs = send(
        &s,
        Method::GET,
        "/api/v1/preferences",
        Some(&token),
        Body::None,
    )
    .await
    .json();
    assert_eq!(prefs["posting:default:visibility"], "public");
    let markers = send(
        &s,
        Method::GET,
        "/api/v1/markers?timeline[]=home",
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(
        (markers.status, markers.json()),
        (StatusCode::OK, json!({}))
    );
    s.stop().await;
}

/// `resolve=true` with a URL this node does not know: read from its origin
/// (signed, from a server that serves signed requests only) and kept on the
/// rules of a received object; an object nobody here may keep is answered
/// with its author, whom the coop can follow.
#[tokio::test(flavor = "multi_thread")]
async fn searching_an_unknown_url_reads_it_from_its_origin() {
    use crate::inbox::{follow_accepted, proposal_note};

    let s = TestServer::start().await;
    let native = s.coop("fiqus").await;
    let token = app_token(&s, "fiqus", "read write follow").await;
    let remote = Remote::start_strict(&["ana", "bo", "carla"]).await;
    remote.fetch_keys_of("https://coops.test", &s.origin());
    follow_accepted(&s, &native, &remote, "fiqus").await;
    let public = json!(["https://www.w3.org/ns/activitystreams#Public"]);
    let toot = |n: u32, name: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": remote.object_url(n), "type": "Note",
            "attributedTo": remote.actor(name), "to": public,
            "content": format!("<p>Toot {n}</p>"),
        })
    };
    remote.serve_object(1, toot(1, "ana"));
    let mut offer = proposal_note(&remote, 2, "Nextcloud hosting");
    offer["@context"] = json!("https://www.w3.org/ns/activitystreams");
    remote.serve_object(2, offer);
    remote.serve_object(3, toot(3, "bo"));
    let mut stolen = toot(4, "ana");
    stolen["attributedTo"] = json!("https://elsewhere.example/users/ana");
    remote.serve_object(4, stolen);

    let search = |q: String, token: Option<String>| {
        let (s, path) = (&s, format!("/api/v2/search?q={}&resolve=true", encode(&q)));
        async move { send(s, Method::GET, &path, token.as_deref(), Body::None).await }
    };
    let me = Some(token.clone());

    // Not resolved without a signed-in coop, nor without resolve=true.
    let found = search(remote.object_url(1), None).await.json();
    assert_eq!(
        found,
        json!({"accounts": [], "statuses": [], "hashtags": []})
    );
    let path = format!("/api/v2/search?q={}", encode(&remote.object_url(1)));
    let found = send(&s, Method::GET, &path, Some(&token), Body::None)
        .await
        .json();
    assert_eq!(found["statuses"], json!([]), "{found}");

    // A followed account's post and need or offer: kept, and opened.
    let found = search(remote.object_url(1), me.clone()).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    let found = found.json();
    assert_eq!(found_status_uri(&found), remote.object_url(1), "{found}");
    assert_eq!(found["statuses"][0]["content"], "<p>Toot 1</p>");
    let id = found["statuses"][0]["id"].as_str().unwrap().to_string();
    let a = send(
        &s,
        Method::GET,
        &format!("/api/v1/statuses/{id}"),
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let found = search(remote.object_url(2), me.clone()).await.json();
    assert_eq!(found_status_uri(&found), remote.object_url(2), "{found}");
    let (_, listed) = s.get("/remote-proposals", Some(&native)).await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );

    // Someone nobody here follows: the author, to follow; the post is not kept.
    let found = search(remote.object_url(3), me.clone()).await.json();
    assert_eq!(found["statuses"], json!([]), "{found}");
    assert_eq!(found["accounts"][0]["acct"], remote.account("bo"));
    // An actor's URL: the account.
    let found = search(remote.actor("carla"), me.clone()).await.json();
    assert_eq!(
        found["accounts"][0]["acct"],
        remote.account("carla"),
        "{found}"
    );
    // Nothing there: empty, as Mastodon answers.
    let found = search(remote.object_url(99), me.clone()).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert_eq!(found.json()["statuses"], json!([]));
    // A post claiming an author on another host is refused, and not kept.
    let a = search(remote.object_url(4), me.clone()).await;
    assert!(
        a.status.is_client_error() || a.status.is_server_error(),
        "{}",
        a.text
    );
    assert!(
        a.json()["error"].as_str().unwrap().contains("attributed"),
        "{}",
        a.text
    );
    s.stop().await;
}
