//! Where a member is signed in, and revoking it: `GET /auth/sessions` and
//! `DELETE /auth/sessions/{id}` of the native API, and the workspace's
//! "Sessions and apps" page, for browser sessions, API tokens and the
//! Mastodon apps the member authorised. Revoked means refused at once.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, TestServer, PASSWORD};
use crate::mastodon_oauth::app_token;
use crate::web_client::Browser;

/// Signs in through the native API with a User-Agent; the token.
async fn login_as(s: &TestServer, email: &str, agent: &str) -> String {
    let r = s
        .http
        .post(format!("{}/auth/login", s.base))
        .header(
            "user-agent",
            reqwest::header::HeaderValue::from_bytes(agent.as_bytes()).expect("a header value"),
        )
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.expect("json");
    body["token"].as_str().unwrap_or_default().to_string()
}

async fn sign_ins(s: &TestServer, token: &str) -> Vec<Value> {
    let (st, body) = s.get("/auth/sessions", Some(token)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

async fn mastodon_me(s: &TestServer, token: &str) -> StatusCode {
    s.http
        .get(format!("{}/api/v1/accounts/verify_credentials", s.origin()))
        .bearer_auth(token)
        .send()
        .await
        .expect("verify_credentials")
        .status()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_lists_sessions_tokens_and_apps_and_revokes_them() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let other = s.coop("other").await;
    let laptop = login_as(&s, "fiqus@coops.test", "Laptop\t/1.0 \u{202e}(X11)\u{200b}").await;
    let script = login_as(&s, "fiqus@coops.test", "sync-script/2").await;
    let app = app_token(&s, "fiqus", "read write").await;
    assert_eq!(mastodon_me(&s, &app).await, StatusCode::OK);

    let seen = sign_ins(&s, &laptop).await;
    // The coop helper's own sign-in, two more tokens, the app.
    assert_eq!(seen.len(), 4, "{seen:?}");
    let current: Vec<&Value> = seen.iter().filter(|i| i["current"] == true).collect();
    assert_eq!(current.len(), 1, "{seen:?}");
    assert_eq!(
        current[0]["agent"], "Laptop /1.0 (X11)",
        "cleaned: {seen:?}"
    );
    assert_eq!(current[0]["kind"], "api");
    assert!(current[0]["expires_at"].is_string(), "{seen:?}");
    assert!(current[0]["last_used_at"].is_string(), "{seen:?}");
    let script_row = seen
        .iter()
        .find(|i| i["agent"] == "sync-script/2")
        .cloned()
        .expect("the script's token");
    let app_row = seen
        .iter()
        .find(|i| i["kind"] == "app")
        .cloned()
        .expect("the app");
    assert_eq!(app_row["agent"], "Test app");
    assert_eq!(app_row["website"], "https://app.example/");
    assert_eq!(app_row["scopes"], "read write");
    assert_eq!(app_row["expires_at"], Value::Null);

    // Another coop cannot revoke them: 404, and they still work.
    for row in [&script_row, &app_row] {
        let id = row["id"].as_str().unwrap_or_default();
        let (st, body) = s
            .call(
                Method::DELETE,
                &format!("/auth/sessions/{id}"),
                Some(&other),
                None,
            )
            .await;
        assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    }
    assert_eq!(s.get("/coop", Some(&script)).await.0, StatusCode::OK);
    assert_eq!(mastodon_me(&s, &app).await, StatusCode::OK);
    for id in ["token-zz", "token-0123456789abcdef", "app-nope", "nothing"] {
        let (st, body) = s
            .call(
                Method::DELETE,
                &format!("/auth/sessions/{id}"),
                Some(&laptop),
                None,
            )
            .await;
        assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    }

    // Revoked: refused at once.
    for row in [&script_row, &app_row] {
        let id = row["id"].as_str().unwrap_or_default();
        let (st, body) = s
            .call(
                Method::DELETE,
                &format!("/auth/sessions/{id}"),
                Some(&laptop),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    }
    assert_eq!(
        s.get("/coop", Some(&script)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(mastodon_me(&s, &app).await, StatusCode::UNAUTHORIZED);
    let left = sign_ins(&s, &laptop).await;
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.iter().all(|i| i["kind"] == "api"), "{left:?}");
    assert_eq!(
        s.get("/auth/sessions", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workspace_page_shows_this_browser_and_revokes_with_a_csrf_token() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let script = login_as(&s, "fiqus@coops.test", "sync-script/2").await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;

    let page = b.get("/account/sessions").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("This browser"), "{}", page.body);
    assert!(page.body.contains("sync-script/2"), "{}", page.body);
    assert!(
        page.body.contains("No app has been authorised."),
        "{}",
        page.body
    );
    let es = b.get("/account/sessions?lang=es").await;
    assert!(es.body.contains("Este navegador"), "{}", es.body);

    // The script's token, named by the form's action.
    let script_id = sign_ins(&s, &script)
        .await
        .into_iter()
        .find(|i| i["current"] == true)
        .and_then(|i| i["id"].as_str().map(String::from))
        .expect("the script's id");
    let action = format!("/account/sessions/{script_id}/revoke");
    assert!(page.body.contains(&action), "{}", page.body);

    // Without the CSRF token: refused, nothing revoked.
    let forged = b.post(&action, &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get("/coop", Some(&script)).await.0, StatusCode::OK);

    let done = b.post(&action, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location, "/account/sessions");
    assert_eq!(
        s.get("/coop", Some(&script)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let page = b.get("/account/sessions").await;
    assert!(!page.body.contains("sync-script/2"), "{}", page.body);
    let unknown = b
        .post(
            "/account/sessions/token-0123456789abcdef/revoke",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Its own session: signed out, sent to sign in.
    let own_id = page
        .body
        .split("action=\"/account/sessions/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("this browser's form")
        .to_string();
    let out = b
        .post(
            &format!("/account/sessions/{own_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location, "/sign-in");
    let away = b.get("/workspace").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert!(away.location.starts_with("/sign-in"), "{}", away.location);
    s.stop().await;
}

/// Sets every token's "last used" to `at`.
async fn set_last_used(s: &TestServer, at: chrono::NaiveDateTime) {
    use diesel::prelude::*;
    use intercoop::infra::store::schema::api_tokens;
    s.state
        .services
        .db
        .write(
            move |conn| -> Result<_, intercoop::infra::store::StoreError> {
                Ok(diesel::update(api_tokens::table)
                    .set(api_tokens::last_used_at.eq(Some(at)))
                    .execute(conn)?)
            },
        )
        .await
        .expect("an update");
}

#[tokio::test(flavor = "multi_thread")]
async fn last_used_is_refreshed_when_an_hour_old_and_not_on_every_request() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let last_used = |items: Vec<Value>| items[0]["last_used_at"].as_str().map(String::from);

    let now = chrono::Utc::now().naive_utc();
    let recent = now - chrono::Duration::minutes(20);
    set_last_used(&s, recent).await;
    let seen = last_used(sign_ins(&s, &token).await).expect("a time");
    assert!(
        seen.starts_with(&recent.format("%Y-%m-%dT%H:%M").to_string()),
        "{seen}"
    );

    let old = now - chrono::Duration::hours(3);
    set_last_used(&s, old).await;
    // The request that finds it old refreshes it.
    sign_ins(&s, &token).await;
    let seen = last_used(sign_ins(&s, &token).await).expect("a time");
    let seen_at = chrono::DateTime::parse_from_rfc3339(&seen)
        .expect("RFC 3339")
        .naive_utc();
    assert!(seen_at >= now - chrono::Duration::minutes(1), "{seen}");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_signs_out_everywhere_else_and_needs_the_current_one() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let here = login_as(&s, "fiqus@coops.test", "laptop").await;
    let elsewhere = login_as(&s, "fiqus@coops.test", "phone").await;
    let app = app_token(&s, "fiqus", "read").await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/password",
            Some(&here),
            Some(change("wrong one", "a new long secret")),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("current_password:")),
        "{body}"
    );
    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/password",
            Some(&here),
            Some(change(PASSWORD, "short")),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    // Nothing changed: every sign-in still works, the old password too.
    assert_eq!(s.get("/coop", Some(&elsewhere)).await.0, StatusCode::OK);
    assert_eq!(mastodon_me(&s, &app).await, StatusCode::OK);
    s.login("fiqus@coops.test", PASSWORD).await;

    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/password",
            Some(&here),
            Some(change(PASSWORD, "a new long secret")),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // The coop helper's token, the phone, the one just made, and the app.
    assert_eq!(body["ended"], 4, "{body}");
    assert_eq!(s.get("/coop", Some(&here)).await.0, StatusCode::OK);
    assert_eq!(
        s.get("/coop", Some(&elsewhere)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(mastodon_me(&s, &app).await, StatusCode::UNAUTHORIZED);
    let (st, _) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "fiqus@coops.test", "password": PASSWORD})),
        )
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    s.login("fiqus@coops.test", "a new long secret").await;

    // The language of the account's pages, through the API.
    let set = |l: Value| json!({"language": l});
    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/language",
            Some(&here),
            Some(set(json!("de"))),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    for ok in [json!("ES"), Value::Null] {
        let (st, body) = s
            .call(Method::PUT, "/auth/language", Some(&here), Some(set(ok)))
            .await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_page_sets_the_language_and_changes_the_password() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let other = login_as(&s, "fiqus@coops.test", "phone").await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;
    let page = b.get("/account").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Signed in as fiqus@coops.test."),
        "{}",
        page.body
    );

    // A language the pages are not written in: the form again, nothing saved.
    let bad = b
        .post("/account/language", &[("csrf", &csrf), ("language", "fr")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"language-error\""), "{}", bad.body);
    let forged = b.post("/account/language", &[("language", "es")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let saved = b
        .post("/account/language", &[("csrf", &csrf), ("language", "es")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = b.get(&saved.location).await;
    assert!(page.body.contains("<html lang=\"es\">"), "{}", page.body);
    // A new browser (English by its headers) gets Spanish once signed in.
    let mut fresh = Browser::new(&s);
    fresh.sign_in("fiqus@coops.test").await;
    let ws = fresh.get("/workspace").await;
    assert!(ws.body.contains("<html lang=\"es\">"), "{}", ws.body);
    // The switch still wins for that browser.
    let en = fresh.get("/workspace?lang=en").await;
    assert!(en.body.contains("<html lang=\"en\">"), "{}", en.body);
    assert!(fresh
        .get("/workspace")
        .await
        .body
        .contains("<html lang=\"en\">"));
    // Back to the browser's language: the choice is forgotten here too.
    let spanish_again = fresh.get("/account?lang=es").await;
    let csrf_fresh = Browser::csrf(&spanish_again);
    let reset = fresh
        .post(
            "/account/language",
            &[("csrf", &csrf_fresh), ("language", "")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert!(!fresh.cookies.contains_key("lang"), "{:?}", fresh.cookies);
    let page = fresh.get("/account").await;
    assert!(page.body.contains("<html lang=\"en\">"), "{}", page.body);
    assert!(
        page.body.contains("<option value=\"\" selected>"),
        "{}",
        page.body
    );

    // The password: the two new ones must agree, the current one be right.
    let form = |current: &'static str, new: &'static str, again: &'static str| {
        [
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", again),
        ]
    };
    let mut fields: Vec<(&str, &str)> = form(PASSWORD, "a new long secret", "another").to_vec();
    fields.push(("csrf", &csrf));
    let mismatch = b.post("/account/password", &fields).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch.body.contains("id=\"confirm_password-error\""),
        "{}",
        mismatch.body
    );
    let mut fields: Vec<(&str, &str)> =
        form("wrong", "a new long secret", "a new long secret").to_vec();
    fields.push(("csrf", &csrf));
    let wrong = b.post("/account/password", &fields).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The services' message, said in the page's language (Spanish, saved above).
    assert!(
        wrong.body.contains(
            "id=\"current_password-error\" class=\"error\">no es la contraseña de la cuenta</p>"
        ),
        "{}",
        wrong.body
    );
    let mut fields: Vec<(&str, &str)> = form(PASSWORD, "short", "short").to_vec();
    fields.push(("csrf", &csrf));
    let short = b.post("/account/password", &fields).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short
            .body
            .contains(">debe tener entre 8 y 256 caracteres</p>"),
        "{}",
        short.body
    );
    assert_eq!(s.get("/coop", Some(&other)).await.0, StatusCode::OK);

    let mut fields: Vec<(&str, &str)> =
        form(PASSWORD, "a new long secret", "a new long secret").to_vec();
    fields.push(("csrf", &csrf));
    let done = b.post("/account/password", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = b.get(&done.location).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Contraseña cambiada; se cerraron 3 sesiones más."),
        "{}",
        page.body
    );
    assert_eq!(
        s.get("/coop", Some(&other)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(fresh.get("/workspace").await.status, StatusCode::SEE_OTHER);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_sent_without_a_session_goes_back_to_its_page_after_signing_in() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let post = |referer: Option<&'static str>| {
        let mut r = no_redirects
            .post(format!("{}/workspace/proposals", s.origin()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("title=x");
        if let Some(from) = referer {
            r = r.header("referer", from);
        }
        r.send()
    };
    let from_form = post(Some("https://coops.test/workspace/proposals/new?lang=es"))
        .await
        .expect("a post");
    assert_eq!(from_form.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        from_form.headers()["location"],
        "/sign-in?next=%2Fworkspace%2Fproposals%2Fnew%3Flang%3Des"
    );
    let bare = post(None).await.expect("a post");
    assert_eq!(bare.headers()["location"], "/sign-in?next=%2Fworkspace");

    // A sign-in form that cannot be read is an error page, not plain text.
    let odd = no_redirects
        .post(format!("{}/sign-in", s.origin()))
        .header("content-type", "text/plain")
        .body("email=fiqus@coops.test")
        .send()
        .await
        .expect("a post");
    assert_eq!(odd.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body = odd.text().await.unwrap_or_default();
    assert!(body.contains("<html"), "{body}");
    s.stop().await;
}
