//! Federation with a server as strict as Mastodon's secure mode or
//! GoToSocial (`Remote::start_strict`): it serves its actors only to signed
//! GETs and checks every signature it gets, with an independent verifier,
//! for `(request-target) host date` (and `digest` on a POST).

use reqwest::StatusCode;
use serde_json::json;

use crate::common::remote::Remote;
use crate::common::{assert_error, TestServer};
use crate::inbox::{follow_remote, send_as, wait_received, wrap};

async fn following_state(s: &TestServer, token: &str) -> String {
    let (_, following) = s.get("/follows", Some(token)).await;
    following["items"][0]["state"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn coops_follow_and_are_followed_by_a_strict_server() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start_strict(&["ana", "ben"]).await;
    remote.fetch_keys_of("https://coops.test", &s.origin());

    // The stand-in really is strict: an unsigned fetch of an actor is refused.
    let unsigned = s.http.get(remote.actor("ana")).send().await.unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(remote.refusals().len(), 1);

    // A coop follows ana: WebFinger (open), her actor document (a signed
    // GET), then the Follow delivered to her inbox (a signed POST).
    let (_, sent) = follow_remote(&s, &token, &remote, "ana").await;
    assert_eq!(sent["actor"], "https://coops.test/actors/fiqus");
    let accept = wrap(&remote, "Accept", "accept-1", sent.clone());
    let (st, b) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    assert_eq!(following_state(&s, &token).await, "accepted");

    // Ben follows the coop: our inbox fetches his key with a signed GET
    // the strict server serves, and our Accept reaches his inbox.
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/1", remote.actor("ben")),
        "type": "Follow",
        "actor": remote.actor("ben"),
        "object": "https://coops.test/actors/fiqus"
    });
    let (st, b) = send_as(&s, &remote, "ben", "/actors/fiqus/inbox", &follow).await;
    assert_eq!(
        st,
        StatusCode::ACCEPTED,
        "{b}; refused: {:?}",
        remote.refusals()
    );
    let (path, answer) = wait_received(&remote, "our Accept", |(_, a)| {
        a["type"] == "Accept" && a["object"]["actor"] == remote.actor("ben")
    })
    .await;
    assert_eq!(path, "/users/ben/inbox");
    assert_eq!(answer["actor"], "https://coops.test/actors/fiqus");
    let (_, page) = s.get("/followers?state=accepted", Some(&token)).await;
    assert_eq!(page["items"][0]["account"], remote.account("ben"));

    // Exactly what docs/FEDERATION.md ("Signatures") says is signed.
    let passed = remote.passed();
    assert!(passed.contains(&(
        "GET".to_string(),
        "(request-target) accept date digest host".to_string()
    )));
    assert!(passed.contains(&(
        "POST".to_string(),
        "(request-target) content-type date digest host".to_string()
    )));
    assert_eq!(
        remote.refusals().len(),
        1,
        "the strict server refused only our unsigned probe: {:?}",
        remote.refusals()
    );
    s.stop().await;
}

/// A server whose WebFinger names `/users/x`, which answers `status`.
async fn answering(status: StatusCode) -> (u16, tokio::task::JoinHandle<()>) {
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let jrd = json!({"subject": format!("acct:x@localhost:{port}"), "links": [
        {"rel": "self", "type": "application/activity+json",
         "href": format!("http://localhost:{port}/users/x")}]});
    let app = axum::Router::new()
        .route(
            "/.well-known/webfinger",
            get(move |q: axum::extract::RawQuery| {
                let jrd = jrd.clone();
                async move {
                    if q.0.unwrap_or_default().contains("acct%3Ax%40") {
                        (StatusCode::OK, jrd.to_string())
                    } else {
                        (StatusCode::NOT_FOUND, String::new())
                    }
                }
            }),
        )
        .route(
            "/users/x",
            get(move || async move { (status, r#"{"error":"no"}"#) }),
        );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_lookup_says_which_server_answered_what() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let follow = |account: String| {
        let (s, token) = (&s, &token);
        async move {
            s.post("/follows", token, json!({ "account": account }))
                .await
        }
    };
    for (status, expected, code) in [
        (
            StatusCode::UNAUTHORIZED,
            StatusCode::BAD_GATEWAY,
            "remote_refused",
        ),
        (
            StatusCode::FORBIDDEN,
            StatusCode::BAD_GATEWAY,
            "remote_refused",
        ),
        (StatusCode::GONE, StatusCode::GONE, "remote_gone"),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::GATEWAY_TIMEOUT,
            "remote_unreachable",
        ),
    ] {
        let (port, task) = answering(status).await;
        let (st, b) = follow(format!("x@localhost:{port}")).await;
        assert_error(st, &b, expected, code);
        let message = b["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("localhost:{port}")),
            "names the host: {message}"
        );
        if status != StatusCode::GONE {
            assert!(
                message.contains(&status.as_u16().to_string()),
                "names the status: {message}"
            );
        }
        // No such account there: WebFinger's 404 is a plain not found.
        let (st, b) = follow(format!("nobody@localhost:{port}")).await;
        assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
        assert!(b["message"].as_str().unwrap().contains("has no account"));
        task.abort();
    }

    // Nobody listens there.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (st, b) = follow(format!("x@localhost:{port}")).await;
    assert_error(st, &b, StatusCode::GATEWAY_TIMEOUT, "remote_unreachable");

    // A peer by IP address: refused with what to do instead.
    for account in ["x@127.0.0.1:8002", "x@[::1]:8002"] {
        let (st, b) = follow(account.to_string()).await;
        assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(b["message"].as_str().unwrap().contains("dev_hosts"), "{b}");
    }
    let (_, following) = s.get("/follows", Some(&token)).await;
    assert_eq!(following["items"], json!([]), "nothing was kept");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_that_refuses_rfc_9421_gets_draft_cavage_and_that_is_remembered() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start_strict(&["ana"]).await;
    remote.fetch_keys_of("https://coops.test", &s.origin());
    // It says it implements RFC 9421 (FEP-844e) but verifies draft-cavage
    // only, as a server that changed its mind would.
    remote.set_actor_field(
        "ana",
        "implements",
        json!([{"href": "https://datatracker.ietf.org/doc/html/rfc9421",
                "name": "RFC-9421: HTTP Message Signatures"}]),
    );
    let (f, _) = follow_remote(&s, &token, &remote, "ana").await;
    // Knocked twice: the RFC 9421 signature was refused, draft-cavage taken.
    let refused = remote.refusals();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].starts_with("POST /users/ana/inbox"),
        "{refused:?}"
    );

    // Remembered: the Undo goes out with draft-cavage at once.
    let id = f["id"].as_str().unwrap();
    let (st, b) = s
        .call(
            reqwest::Method::DELETE,
            &format!("/follows/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    wait_received(&remote, "our Undo", |(_, a)| a["type"] == "Undo").await;
    assert_eq!(remote.refusals().len(), 1, "{:?}", remote.refusals());
    s.stop().await;
}
