use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{assert_error, TestServer, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn login_returns_a_token_that_signs_requests() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let (status, body) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "FIQUS@coops.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["coop"], "fiqus");
    assert_eq!(body["user"]["role"], "member");
    assert_eq!(body["user"]["email"], "fiqus@coops.test");
    let token = body["token"].as_str().unwrap();
    let (status, me) = s.get("/coop", Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["handle"], "fiqus");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let (st1, b1) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "fiqus@coops.test", "password": "wrong password"})),
        )
        .await;
    let m1 = assert_error(st1, &b1, StatusCode::UNAUTHORIZED, "unauthorized");
    let (st2, b2) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "nobody@coops.test", "password": PASSWORD})),
        )
        .await;
    let m2 = assert_error(st2, &b2, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(m1, m2, "responses must not reveal which emails exist");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_malformed_and_unknown_tokens_are_refused() {
    let s = TestServer::start().await;
    let (st, b) = s.get("/coop", None).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    let (st, b) = s.get("/coop", Some("not-a-real-token")).await;
    let msg = assert_error(st, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(msg.contains("unknown or expired"), "{msg}");
    let resp = s
        .http
        .get(format!("{}/coop", s.base))
        .header("authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_revokes_the_token() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let (st, _) = s
        .call(Method::POST, "/auth/logout", Some(&token), None)
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, b) = s.get("/coop", Some(&token)).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn login_body_errors() {
    let s = TestServer::start().await;
    let (st, b) = s
        .raw(
            Method::POST,
            "/auth/login",
            None,
            "application/json",
            b"{\"email\":".to_vec(),
        )
        .await;
    assert_error(st, &b, StatusCode::BAD_REQUEST, "invalid_json");
    let (st, b) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "a@b.org"})),
        )
        .await;
    let msg = assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(msg.contains("password"), "{msg}");
    let (st, b) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "a@b.org", "password": "x", "remember": true})),
        )
        .await;
    let msg = assert_error(
        st,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(msg.contains("remember"), "{msg}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_without_a_coop_cannot_act_as_one() {
    let s = TestServer::start().await;
    s.state
        .services
        .create_admin("root@coops.test", PASSWORD.into())
        .await
        .unwrap();
    let token = s.login("root@coops.test", PASSWORD).await;
    let (st, b) = s.get("/coop", Some(&token)).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (st, b) = s.post("/proposals", &token, crate::common::need("x")).await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    s.stop().await;
}

/// A client whose connections come from `ip` (any 127.0.0.0/8 address
/// reaches the server), so one test can play several addresses.
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

async fn sign_in(
    s: &TestServer,
    from: &reqwest::Client,
    email: &str,
    password: &str,
) -> (StatusCode, Option<u64>) {
    let resp = from
        .post(format!("{}/auth/login", s.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (resp.status(), retry)
}

#[tokio::test(flavor = "multi_thread")]
async fn password_guessing_is_slowed_per_address_and_account_without_locking_the_owner_out() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let email = "fiqus@coops.test";

    // One address guessing one account: five free failures, then delays,
    // even for the right password.
    let guesser = client_from("127.0.0.2");
    for _ in 0..6 {
        let (st, _) = sign_in(&s, &guesser, email, "wrong guess").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    }
    let (st, retry) = sign_in(&s, &guesser, "FIQUS@coops.test", PASSWORD).await;
    assert_eq!(
        st,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(matches!(retry, Some(1..=2)), "{retry:?}");
    // The owner elsewhere is not held up.
    let (st, _) = sign_in(&s, &client_from("127.0.0.3"), email, PASSWORD).await;
    assert_eq!(st, StatusCode::OK);

    // One address spraying many accounts: twenty free failures, then delays.
    let sprayer = client_from("127.0.0.4");
    for n in 0..21 {
        let (st, _) = sign_in(&s, &sprayer, &format!("u{n}@coops.test"), "guess").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let (st, retry) = sign_in(&s, &sprayer, "other@coops.test", "guess").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some());

    // Many addresses guessing one account put it under attack: each of
    // them waits after its first failure, the owner from a new one gets in.
    for n in 10..31 {
        let (st, _) = sign_in(&s, &client_from(&format!("127.0.0.{n}")), email, "guess").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "address {n}");
    }
    // The latest of them (its 1 s wait cannot have run out on a slow machine).
    let (st, _) = sign_in(&s, &client_from("127.0.0.30"), email, "guess 2").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    let (st, _) = sign_in(&s, &client_from("127.0.0.40"), email, PASSWORD).await;
    assert_eq!(st, StatusCode::OK, "the owner gets in from a new address");
    s.stop().await;
}
