//! OAuth 2 for Mastodon apps: registering, the sign-in page, each grant,
//! PKCE, scopes, revocation, and every bad input named in the issue.

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{TestServer, PASSWORD};

/// A request at the server root: JSON, a form (pairs) or nothing.
pub enum Body<'a> {
    None,
    Json(Value),
    Form(&'a [(&'a str, &'a str)]),
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Sends without following redirects, so the authorize answer is seen.
pub async fn send(
    s: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Body<'_>,
) -> Answer {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = client.request(method, format!("{}{path}", s.origin()));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req = match body {
        Body::None => req,
        Body::Json(v) => req.json(&v),
        Body::Form(pairs) => req
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(pairs)),
    };
    let resp = req.send().await.unwrap();
    Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        text: resp.text().await.unwrap_or_default(),
    }
}

pub struct RegisteredApp {
    pub client_id: String,
    pub client_secret: String,
}

pub const REDIRECT: &str = "https://app.example/callback";
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

pub async fn register(s: &TestServer, scopes: &str) -> RegisteredApp {
    let a = send(
        s,
        Method::POST,
        "/api/v1/apps",
        None,
        Body::Json(json!({
            "client_name": "Test app",
            "redirect_uris": format!("{REDIRECT}\n{OOB}"),
            "scopes": scopes,
            "website": "https://app.example"
        })),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let body = a.json();
    RegisteredApp {
        client_id: body["client_id"].as_str().unwrap().to_string(),
        client_secret: body["client_secret"].as_str().unwrap().to_string(),
    }
}

pub fn pkce() -> (String, String) {
    let verifier = "a-verifier-of-the-required-length-0123456789-abcdefgh".to_string();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Signs in on the authorize page; the answer (a 303 to the app, or a page).
pub async fn sign_in(
    s: &TestServer,
    app: &RegisteredApp,
    redirect: &str,
    scope: &str,
    challenge: Option<&str>,
    email: &str,
    password: &str,
) -> Answer {
    let mut pairs = vec![
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect),
        ("scope", scope),
        ("state", "xyz 1"),
        ("email", email),
        ("password", password),
        ("decision", "approve"),
    ];
    if let Some(c) = challenge {
        pairs.push(("code_challenge", c));
        pairs.push(("code_challenge_method", "S256"));
    }
    send(
        s,
        Method::POST,
        "/oauth/authorize",
        None,
        Body::Form(&pairs),
    )
    .await
}

/// The code in a redirect back to the app (checking `state` came back).
pub fn code_of(a: &Answer) -> String {
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text);
    let location = a.headers["location"].to_str().unwrap();
    let url = url::Url::parse(location).unwrap();
    assert!(location.starts_with(REDIRECT), "{location}");
    let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs["state"], "xyz 1");
    pairs["code"].clone()
}

/// The whole authorization-code flow with PKCE; the access token.
pub async fn app_token(s: &TestServer, handle: &str, scope: &str) -> String {
    let app = register(s, "read write follow push profile").await;
    let (verifier, challenge) = pkce();
    let email = format!("{handle}@coops.test");
    let answer = sign_in(s, &app, REDIRECT, scope, Some(&challenge), &email, PASSWORD).await;
    let code = code_of(&answer);
    let t = send(
        s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Json(json!({
            "grant_type": "authorization_code",
            "client_id": app.client_id,
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        })),
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    t.json()["access_token"].as_str().unwrap().to_string()
}

pub fn assert_oauth_error(a: &Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "{}", a.text);
    let body = a.json();
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

pub fn assert_mastodon_error(a: &Answer, status: StatusCode) -> String {
    assert_eq!(a.status, status, "{}", a.text);
    let body = a.json();
    let text = body["error"].as_str().unwrap_or_default().to_string();
    assert!(!text.is_empty(), "{body}");
    assert!(body.get("message").is_none(), "Mastodon's shape: {body}");
    text
}

async fn stored_tokens(s: &TestServer) -> Vec<String> {
    use diesel::prelude::*;
    use intercoop::infra::store::schema::oauth_tokens;
    s.state
        .services
        .db
        .read(|conn| -> Result<_, intercoop::infra::store::StoreError> {
            Ok(oauth_tokens::table
                .select(oauth_tokens::token_hash)
                .load::<String>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_authorization_code_flow_with_pkce_signs_a_coop_in_and_the_code_works_once() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let app = register(&s, "read write").await;
    // The page names the app and what it may do, in the browser's language.
    let page = send(
        &s,
        Method::GET,
        &format!(
            "/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope=read+write",
            app.client_id,
            urlencode(REDIRECT)
        ),
        None,
        Body::None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Test app"), "{}", page.text);
    assert!(page.text.contains("<html lang=\"en\">"));
    assert!(page.text.contains("<label for=\"password\">"));
    assert_eq!(page.headers["x-frame-options"], "DENY");
    let es = send(
        &s,
        Method::GET,
        &format!(
            "/oauth/authorize/?response_type=code&client_id={}&redirect_uri={}&lang=es",
            app.client_id,
            urlencode(REDIRECT)
        ),
        None,
        Body::None,
    )
    .await;
    assert_eq!(es.status, StatusCode::OK);
    assert!(es.text.contains("<html lang=\"es\">") && es.text.contains("Contraseña"));

    // A wrong password shows the page again with the error; no code.
    let (verifier, challenge) = pkce();
    let wrong = sign_in(
        &s,
        &app,
        REDIRECT,
        "read",
        Some(&challenge),
        "fiqus@coops.test",
        "nope nope",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text.contains("role=\"alert\"") && wrong.text.contains("aria-invalid"));
    assert!(wrong.headers.get("location").is_none());

    let answer = sign_in(
        &s,
        &app,
        REDIRECT,
        "read",
        Some(&challenge),
        "fiqus@coops.test",
        PASSWORD,
    )
    .await;
    let code = code_of(&answer);
    let exchange = |verifier: String, code: String| {
        let app_id = app.client_id.clone();
        let s = &s;
        async move {
            send(
                s,
                Method::POST,
                "/oauth/token",
                None,
                Body::Form(&[
                    ("grant_type", "authorization_code"),
                    ("client_id", &app_id),
                    ("code", &code),
                    ("redirect_uri", REDIRECT),
                    ("code_verifier", &verifier),
                    ("unknown_parameter", "ignored"),
                ]),
            )
            .await
        }
    };
    let t = exchange(verifier.clone(), code.clone()).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    let body = t.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read");
    assert!(body["created_at"].as_i64().unwrap() > 1_700_000_000);
    let token = body["access_token"].as_str().unwrap().to_string();

    // Only a hash of the token is stored.
    let stored = stored_tokens(&s).await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    let hash: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored[0], hash);

    let me = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    let me = me.json();
    assert_eq!(me["username"], "fiqus");
    assert_eq!(me["acct"], "fiqus");
    assert_eq!(me["display_name"], "Coop fiqus");
    assert_eq!(me["url"], "https://coops.test/actors/fiqus");
    assert!(me["source"].is_object());
    let avatar = format!(
        "https://coops.test/media/avatars/{}.png",
        me["id"].as_str().unwrap()
    );
    assert_eq!(me["avatar"], avatar);

    // The code is spent: a second exchange fails and no token is added.
    let again = exchange(verifier, code).await;
    assert_oauth_error(&again, StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(stored_tokens(&s).await.len(), 1);
    s.stop().await;
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_verifier_or_redirect_or_an_expired_code_gets_invalid_grant_and_no_token() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let app = register(&s, "read").await;
    let (_, challenge) = pkce();
    let token_with = |code: String, redirect: &'static str, verifier: &'static str| {
        let (s, id) = (&s, app.client_id.clone());
        async move {
            send(
                s,
                Method::POST,
                "/oauth/token",
                None,
                Body::Json(json!({"grant_type": "authorization_code", "client_id": id,
                    "code": code, "redirect_uri": redirect, "code_verifier": verifier})),
            )
            .await
        }
    };
    let fresh_code = || async {
        let answer = sign_in(
            &s,
            &app,
            REDIRECT,
            "read",
            Some(&challenge),
            "fiqus@coops.test",
            PASSWORD,
        );
        code_of(&answer.await)
    };
    let code = fresh_code().await;
    let a = token_with(
        code,
        REDIRECT,
        "a-wrong-verifier-that-is-long-enough-0123456789-xyz",
    )
    .await;
    assert_oauth_error(&a, StatusCode::BAD_REQUEST, "invalid_grant");

    let code = fresh_code().await;
    let a = token_with(
        code,
        OOB,
        "a-verifier-of-the-required-length-0123456789-abcdefgh",
    )
    .await;
    assert_oauth_error(&a, StatusCode::BAD_REQUEST, "invalid_grant");

    // A code older than ten minutes.
    let code = fresh_code().await;
    {
        use diesel::prelude::*;
        use intercoop::infra::store::schema::oauth_codes;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(11);
        s.state
            .services
            .db
            .write(
                move |conn| -> Result<_, intercoop::infra::store::StoreError> {
                    Ok(diesel::update(oauth_codes::table)
                        .set(oauth_codes::expires_at.eq(past))
                        .execute(conn)?)
                },
            )
            .await
            .unwrap();
    }
    let a = token_with(
        code,
        REDIRECT,
        "a-verifier-of-the-required-length-0123456789-abcdefgh",
    )
    .await;
    assert_oauth_error(&a, StatusCode::BAD_REQUEST, "invalid_grant");

    // Without PKCE and without the secret, the client is not authenticated.
    let code = code_of(
        &sign_in(
            &s,
            &app,
            REDIRECT,
            "read",
            None,
            "fiqus@coops.test",
            PASSWORD,
        )
        .await,
    );
    let a = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Json(
            json!({"grant_type": "authorization_code", "client_id": app.client_id,
            "code": code, "redirect_uri": REDIRECT}),
        ),
    )
    .await;
    assert_oauth_error(&a, StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(stored_tokens(&s).await.is_empty());

    // A plain code with the secret works (confidential clients).
    let code = code_of(
        &sign_in(
            &s,
            &app,
            REDIRECT,
            "read",
            None,
            "fiqus@coops.test",
            PASSWORD,
        )
        .await,
    );
    let a = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Json(
            json!({"grant_type": "authorization_code", "client_id": app.client_id,
            "client_secret": app.client_secret, "code": code, "redirect_uri": REDIRECT}),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_out_of_band_redirect_shows_the_code_and_deny_sends_access_denied() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let app = register(&s, "read").await;
    let page = sign_in(&s, &app, OOB, "read", None, "fiqus@coops.test", PASSWORD).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let re =
        regex::Regex::new(r#"id="authorization-code" tabindex="0">([A-Za-z0-9_-]{43})<"#).unwrap();
    let code = re.captures(&page.text).expect("the code on the page")[1].to_string();
    let t = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("code", &code),
            ("redirect_uri", OOB),
        ]),
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);

    let denied = send(
        &s,
        Method::POST,
        "/oauth/authorize",
        None,
        Body::Form(&[
            ("client_id", &app.client_id),
            ("redirect_uri", REDIRECT),
            ("state", "s1"),
            ("decision", "deny"),
        ]),
    )
    .await;
    assert_eq!(denied.status, StatusCode::SEE_OTHER);
    let location = denied.headers["location"].to_str().unwrap();
    assert_eq!(location, format!("{REDIRECT}?error=access_denied&state=s1"));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_app_or_unregistered_redirect_is_shown_never_redirected_to() {
    let s = TestServer::start().await;
    let app = register(&s, "read").await;
    let unknown = send(&s, Method::GET,
        "/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example%2F",
        None, Body::None).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.headers.get("location").is_none());
    assert!(unknown.text.contains("not registered"), "{}", unknown.text);
    let evil = send(
        &s,
        Method::GET,
        &format!(
            "/oauth/authorize?response_type=code&client_id={}&redirect_uri={}",
            app.client_id,
            urlencode("https://evil.example/steal")
        ),
        None,
        Body::None,
    )
    .await;
    assert_eq!(evil.status, StatusCode::BAD_REQUEST);
    assert!(evil.headers.get("location").is_none());
    // Posting the form to a foreign redirect gives no code either.
    let posted = sign_in(
        &s,
        &app,
        "https://evil.example/steal",
        "read",
        None,
        "x@coops.test",
        PASSWORD,
    )
    .await;
    assert_eq!(posted.status, StatusCode::BAD_REQUEST);
    assert!(posted.headers.get("location").is_none());
    // Scopes beyond the app's registration, and PKCE's plain method.
    let scope = send(
        &s,
        Method::GET,
        &format!(
            "/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope=read+write",
            app.client_id,
            urlencode(REDIRECT)
        ),
        None,
        Body::None,
    )
    .await;
    assert_eq!(scope.status, StatusCode::BAD_REQUEST);
    let plain = send(&s, Method::GET, &format!(
        "/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&code_challenge=abc&code_challenge_method=plain",
        app.client_id, urlencode(REDIRECT)), None, Body::None).await;
    assert_eq!(plain.status, StatusCode::BAD_REQUEST);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registering_apps_checks_names_redirects_and_scopes() {
    let s = TestServer::start().await;
    // Form-encoded, redirect URIs as a list, booleans and unknown fields aside.
    let a = send(
        &s,
        Method::POST,
        "/api/v1/apps",
        None,
        Body::Form(&[
            ("client_name", "Form app"),
            ("redirect_uris[]", REDIRECT),
            ("redirect_uris[]", "myapp://oauth"),
            ("scopes", "read write:statuses"),
            ("extra", "1"),
        ]),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let body = a.json();
    assert_eq!(body["name"], "Form app");
    assert_eq!(body["scopes"], json!(["read", "write:statuses"]));
    assert_eq!(body["redirect_uris"], json!([REDIRECT, "myapp://oauth"]));
    assert_eq!(body["client_secret_expires_at"], 0);
    assert!(body["client_secret"].as_str().unwrap().len() >= 32);

    for bad in [
        json!({"redirect_uris": OOB}),
        json!({"client_name": "x", "redirect_uris": "javascript:alert(1)"}),
        json!({"client_name": "x", "redirect_uris": "/relative"}),
        json!({"client_name": "x", "redirect_uris": OOB, "scopes": "read everything"}),
        json!({"client_name": "x\u{0}y", "redirect_uris": OOB}),
    ] {
        let a = send(
            &s,
            Method::POST,
            "/api/v1/apps",
            None,
            Body::Json(bad.clone()),
        )
        .await;
        assert_mastodon_error(&a, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let count: i64 = {
        use diesel::prelude::*;
        use intercoop::infra::store::schema::oauth_apps;
        s.state
            .services
            .db
            .read(|conn| -> Result<i64, intercoop::infra::store::StoreError> {
                Ok(oauth_apps::table.count().get_result(conn)?)
            })
            .await
            .unwrap()
    };
    assert_eq!(count, 1, "refused apps are not stored");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_and_client_credentials_grants_and_their_refusals() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let app = register(&s, "read write").await;
    let wrong = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", "fiqus@coops.test"),
            ("password", "wrong one!"),
        ]),
    )
    .await;
    assert_oauth_error(&wrong, StatusCode::BAD_REQUEST, "invalid_grant");
    let bad_secret = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", "nope"),
            ("username", "fiqus@coops.test"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_oauth_error(&bad_secret, StatusCode::UNAUTHORIZED, "invalid_client");
    let too_much = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", "fiqus@coops.test"),
            ("password", PASSWORD),
            ("scope", "read admin:write"),
        ]),
    )
    .await;
    assert_oauth_error(&too_much, StatusCode::BAD_REQUEST, "invalid_scope");
    let unknown = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[("grant_type", "implicit"), ("client_id", &app.client_id)]),
    )
    .await;
    assert_oauth_error(&unknown, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let missing = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[("client_id", &app.client_id)]),
    )
    .await;
    assert_oauth_error(&missing, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(stored_tokens(&s).await.is_empty());

    let ok = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", "fiqus@coops.test"),
            ("password", PASSWORD),
            ("scope", "read"),
        ]),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json()["scope"], "read");

    // The app's own token: it knows its app, but it is nobody.
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", app.client_id, app.client_secret));
    let client = reqwest::Client::new()
        .post(format!("{}/oauth/token", s.origin()))
        .header("authorization", format!("Basic {basic}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=read")
        .send()
        .await
        .unwrap();
    assert_eq!(client.status(), StatusCode::OK);
    let app_token = client.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let me = send(
        &s,
        Method::GET,
        "/api/v1/apps/verify_credentials",
        Some(&app_token),
        Body::None,
    )
    .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json()["name"], "Test app");
    assert!(me.json().get("client_secret").is_none());
    let person = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(&app_token),
        Body::None,
    )
    .await;
    assert_mastodon_error(&person, StatusCode::UNPROCESSABLE_ENTITY);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_password_grant_can_be_turned_off() {
    let s = TestServer::start_with(crate::common::TestDb::new(), |v| {
        v.oauth_password_grant = Some(false)
    })
    .await;
    s.coop("fiqus").await;
    let app = register(&s, "read").await;
    let a = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", "fiqus@coops.test"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    assert_oauth_error(&a, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let meta = send(
        &s,
        Method::GET,
        "/.well-known/oauth-authorization-server",
        None,
        Body::None,
    )
    .await;
    let grants = meta.json()["grant_types_supported"].clone();
    assert_eq!(grants, json!(["authorization_code", "client_credentials"]));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scopes_are_enforced_and_revoked_tokens_stop_working() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let narrow = app_token(&s, "fiqus", "read:statuses").await;
    let a = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(&narrow),
        Body::None,
    )
    .await;
    assert_eq!(
        assert_mastodon_error(&a, StatusCode::FORBIDDEN),
        "This action is outside the authorized scopes"
    );
    let profile = app_token(&s, "fiqus", "profile").await;
    let a = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(&profile),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    let app = register(&s, "read").await;
    let t = send(
        &s,
        Method::POST,
        "/oauth/token",
        None,
        Body::Form(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", "fiqus@coops.test"),
            ("password", PASSWORD),
        ]),
    )
    .await;
    let token = t.json()["access_token"].as_str().unwrap().to_string();
    // Another app cannot revoke it; its own app can.
    let other = register(&s, "read").await;
    let r = send(
        &s,
        Method::POST,
        "/oauth/revoke",
        None,
        Body::Form(&[
            ("client_id", &other.client_id),
            ("client_secret", &other.client_secret),
            ("token", &token),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let still = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(still.status, StatusCode::OK);
    let r = send(
        &s,
        Method::POST,
        "/oauth/revoke",
        None,
        Body::Form(&[
            ("client_id", &app.client_id),
            ("client_secret", "wrong"),
            ("token", &token),
        ]),
    )
    .await;
    assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
    let r = send(
        &s,
        Method::POST,
        "/oauth/revoke",
        None,
        Body::Form(&[
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("token", &token),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let gone = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        Some(&token),
        Body::None,
    )
    .await;
    assert_eq!(
        assert_mastodon_error(&gone, StatusCode::UNAUTHORIZED),
        "The access token is invalid"
    );
    let none = send(
        &s,
        Method::GET,
        "/api/v1/accounts/verify_credentials",
        None,
        Body::None,
    )
    .await;
    assert_mastodon_error(&none, StatusCode::UNAUTHORIZED);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn instance_metadata_nodeinfo_and_cors_are_what_apps_read_first() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    // Apps read Mastodon's version from the front of this string.
    let compatible = regex::Regex::new(r"^\d+\.\d+\.\d+ \(compatible; Intercoop ").unwrap();
    for path in [
        "/api/v1/instance",
        "/api/v1/instance/",
        "/api/v2/instance",
        "/api/v2/instance/",
    ] {
        let a = send(&s, Method::GET, path, None, Body::None).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
        let v = a.json();
        let version = v["version"].as_str().unwrap();
        assert!(compatible.is_match(version), "{version}");
    }
    let v1 = send(&s, Method::GET, "/api/v1/instance", None, Body::None)
        .await
        .json();
    assert_eq!(v1["uri"], "coops.test");
    assert_eq!(v1["stats"]["user_count"], 1);
    assert!(
        v1["configuration"]["statuses"]["max_characters"]
            .as_u64()
            .unwrap()
            > 1000
    );
    let v2 = send(&s, Method::GET, "/api/v2/instance", None, Body::None)
        .await
        .json();
    assert_eq!(v2["domain"], "coops.test");
    assert_eq!(v2["api_versions"]["mastodon"], 2);
    assert_eq!(v2["registrations"]["enabled"], false);

    let meta = send(
        &s,
        Method::GET,
        "/.well-known/oauth-authorization-server",
        None,
        Body::None,
    )
    .await
    .json();
    assert_eq!(meta["token_endpoint"], "https://coops.test/oauth/token");
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    assert!(meta["scopes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("write:statuses")));

    let (_, _, nodeinfo) = s.fetch("/nodeinfo/2.1").await;
    assert_eq!(nodeinfo["software"]["name"], "intercoop");
    assert!(nodeinfo["metadata"]["features"]
        .as_array()
        .unwrap()
        .contains(&json!("mastodon_api")));

    // A browser app on another origin: preflight, then the call.
    for path in ["/api/v1/instance", "/oauth/token"] {
        let pre = reqwest::Client::new()
            .request(Method::OPTIONS, format!("{}{path}", s.origin()))
            .header("origin", "https://web.app.example")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        assert!(pre.status().is_success(), "{path}: {}", pre.status());
        assert_eq!(pre.headers()["access-control-allow-origin"], "*", "{path}");
    }
    let got = reqwest::Client::new()
        .get(format!("{}/api/v1/instance", s.origin()))
        .header("origin", "https://web.app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["access-control-allow-origin"], "*");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_endpoints_answer_in_mastodons_shape_and_avatars_are_png() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let id = s.state.services.coop_by_handle("fiqus").await.unwrap().id;
    let a = send(&s, Method::GET, "/api/v1/no_such_thing", None, Body::None).await;
    assert_mastodon_error(&a, StatusCode::NOT_FOUND);
    let img = reqwest::get(format!("{}/media/avatars/{id}.png", s.origin()))
        .await
        .unwrap();
    assert_eq!(img.status(), StatusCode::OK);
    assert_eq!(img.headers()["content-type"], "image/png");
    let bytes = img.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let header = reqwest::get(format!("{}/media/headers/{id}.png", s.origin()))
        .await
        .unwrap();
    assert_eq!(header.status(), StatusCode::OK);
    let missing = reqwest::get(format!(
        "{}/media/avatars/{}.png",
        s.origin(),
        uuid::Uuid::now_v7()
    ))
    .await
    .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_endpoint_and_the_sign_in_page_share_the_sign_in_throttle() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let app = register(&s, "read write").await;
    let grant = |password: &'static str| {
        let (s, id, secret) = (&s, app.client_id.clone(), app.client_secret.clone());
        async move {
            send(
                s,
                Method::POST,
                "/oauth/token",
                None,
                Body::Form(&[
                    ("grant_type", "password"),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("username", "fiqus@coops.test"),
                    ("password", password),
                ]),
            )
            .await
        }
    };
    // Five free failures from one address, as for the native sign-in.
    for _ in 0..6 {
        let a = grant("wrong guess").await;
        assert_oauth_error(&a, StatusCode::BAD_REQUEST, "invalid_grant");
    }
    // Then even the right password waits, with Retry-After.
    let a = grant(PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.text);
    assert!(a.headers.contains_key("retry-after"), "{:?}", a.headers);
    // The sign-in page and the native sign-in count the same failures.
    let page = sign_in(
        &s,
        &app,
        REDIRECT,
        "read",
        None,
        "fiqus@coops.test",
        PASSWORD,
    )
    .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.text);
    let (st, _) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "fiqus@coops.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    assert!(stored_tokens(&s).await.is_empty(), "nothing issued");
    s.stop().await;
}
