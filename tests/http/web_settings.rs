//! The node's run-time settings, from the API (`/admin/settings`) and the
//! desk (`/admin/settings`): checked before anything is saved, in force
//! from the next request (landing page, Mastodon instance API, NodeInfo,
//! OAuth's password grant, authorized fetch), logged, kept over a restart.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, TestServer, PASSWORD};
use crate::mastodon_oauth::{assert_oauth_error, register, send, Body};
use crate::web_client::Browser;

async fn settings(s: &TestServer, admin: &str) -> Value {
    let (st, body) = s.get("/admin/settings", Some(admin)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body
}

async fn put(s: &TestServer, admin: &str, body: Value) -> (StatusCode, Value) {
    s.call(Method::PUT, "/admin/settings", Some(admin), Some(body))
        .await
}

async fn password_grant(s: &TestServer) -> crate::mastodon_oauth::Answer {
    let app = register(s, "read").await;
    send(
        s,
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
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_change_settings_that_take_effect_at_once_and_survive_a_restart() {
    let s = TestServer::start().await;
    let member = s.coop("fiqus").await;
    let admin = s.admin().await;
    let defaults = settings(&s, &admin).await;
    assert_eq!(
        defaults,
        json!({"about": null, "about_language": null, "contact_email": null,
               "oauth_password_grant": true, "authorized_fetch": false, "home_posts_days": 14})
    );
    let (st, body) = s.get("/admin/settings", Some(&member)).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = put(&s, &member, json!({"authorized_fetch": true})).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");

    // Refused, and nothing saved: not even the good fields beside the bad.
    for bad in [
        json!({"about": "ok", "home_posts_days": 0}),
        json!({"home_posts_days": 366}),
        json!({"contact_email": "not an address"}),
        json!({"about": "right\u{202e}to left"}),
        json!({"about": "x".repeat(1001)}),
        json!({"about_language": "english!"}),
    ] {
        let (st, body) = put(&s, &admin, bad.clone()).await;
        assert_error(
            st,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (st, body) = put(&s, &admin, json!({"registrations": true})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(settings(&s, &admin).await, defaults);

    let (st, saved) = put(
        &s,
        &admin,
        json!({"about": "Cooperativas de <Rosario>.\nHosting y software.", "about_language": "ES",
               "contact_email": "Admins@Rosario.coop", "oauth_password_grant": false,
               "authorized_fetch": true, "home_posts_days": 30}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["about_language"], "es");
    assert_eq!(saved["contact_email"], "admins@rosario.coop");
    assert_eq!(saved["home_posts_days"], 30);

    // In force at once: the landing page, escaped and marked with its language.
    let landing = Browser::new(&s).get("/").await;
    assert_eq!(landing.status, StatusCode::OK);
    let page = landing.body;
    assert!(
        page.contains("<p class=\"about\" lang=\"es\">Cooperativas de &#60;Rosario&#62;.")
            || page.contains("<p class=\"about\" lang=\"es\">Cooperativas de &lt;Rosario&gt;."),
        "{page}"
    );
    assert!(
        page.contains("href=\"mailto:admins@rosario.coop\""),
        "{page}"
    );
    let (_, _, instance) = s.fetch("/api/v1/instance").await;
    assert_eq!(instance["email"], "admins@rosario.coop");
    assert!(
        instance["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Cooperativas de <Rosario>.")),
        "{instance}"
    );
    let (_, _, v2) = s.fetch("/api/v2/instance").await;
    assert_eq!(v2["contact"]["email"], "admins@rosario.coop");
    let (_, _, nodeinfo) = s.fetch("/nodeinfo/2.1").await;
    assert_eq!(
        nodeinfo["metadata"]["nodeDescription"],
        "Cooperativas de <Rosario>.\nHosting y software."
    );
    // The password grant is off, and no longer advertised.
    assert_oauth_error(
        &password_grant(&s).await,
        StatusCode::BAD_REQUEST,
        "unsupported_grant_type",
    );
    let (_, _, meta) = s.fetch("/.well-known/oauth-authorization-server").await;
    assert!(
        !meta["grant_types_supported"]
            .as_array()
            .is_some_and(|g| g.iter().any(|t| t == "password")),
        "{meta}"
    );
    // Authorized fetch: documents need a signature now.
    let (st, _, body) = s.fetch("/actors/fiqus/outbox").await;
    assert_error(st, &body, StatusCode::UNAUTHORIZED, "signature_required");

    let (_, actions) = s.get("/admin/actions", Some(&admin)).await;
    let first = &actions["items"][0];
    assert_eq!(first["action"], "settings.change", "{actions}");
    assert_eq!(
        first["detail"],
        "about, about_language, contact_email, oauth_password_grant, authorized_fetch, home_posts_days"
    );

    // Kept over a restart.
    let db = s.stop_keeping_db().await;
    let s = TestServer::start_on(db).await;
    let admin = s.login("admin@coops.test", PASSWORD).await;
    assert_eq!(settings(&s, &admin).await, saved);
    let (st, _, body) = s.fetch("/actors/fiqus/outbox").await;
    assert_error(st, &body, StatusCode::UNAUTHORIZED, "signature_required");

    // Back off: open again, and the password grant works.
    let (st, body) = put(
        &s,
        &admin,
        json!({"authorized_fetch": false, "oauth_password_grant": true, "about": ""}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["about"], Value::Null);
    assert_eq!(s.fetch("/actors/fiqus/outbox").await.0, StatusCode::OK);
    let granted = password_grant(&s).await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.text);
    let (_, _, nodeinfo) = s.fetch("/nodeinfo/2.1").await;
    assert!(
        nodeinfo["metadata"].get("nodeDescription").is_none(),
        "{nodeinfo}"
    );
    s.stop().await;
}

/// Sends the desk's settings form with an "about" text and a number of
/// days (authorized fetch ticked, the password grant not).
async fn send_form(
    b: &mut Browser,
    csrf: Option<&str>,
    about: &str,
    days: &str,
) -> crate::web_client::Answer {
    let mut fields = vec![
        ("about", about),
        ("about_language", "en"),
        ("contact_email", "desk@coops.test"),
        ("authorized_fetch", "on"),
        ("home_posts_days", days),
    ];
    if let Some(token) = csrf {
        fields.push(("csrf", token));
    }
    b.post("/admin/settings", &fields).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_desk_page_saves_settings_and_shows_errors_next_to_their_fields() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let admin = s.admin().await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("admin@coops.test").await;
    let page = b.get("/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("aria-current=\"page\">Settings"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(
            "name=\"oauth_password_grant\" aria-describedby=\"oauth_password_grant-hint\" checked"
        ),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"14\""), "{}", page.body);

    // Without the CSRF token: refused, nothing saved.
    let forged = send_form(&mut b, None, "Forged", "20").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // A bad number: the form again with the error next to its field.
    let bad = send_form(&mut b, Some(&csrf), "Hosting coops", "many").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("id=\"home_posts_days-error\""),
        "{}",
        bad.body
    );
    assert!(
        bad.body.contains(">Hosting coops</textarea>"),
        "{}",
        bad.body
    );
    let bad = send_form(&mut b, Some(&csrf), "Hosting coops", "0").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("must be between 1 and 365"),
        "{}",
        bad.body
    );
    assert_eq!(settings(&s, &admin).await["about"], Value::Null);

    // Saved; the password grant box left unticked turns it off.
    let done = send_form(&mut b, Some(&csrf), "Hosting coops", "21").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = b.get(&done.location).await;
    assert!(after.body.contains("Saved."), "{}", after.body);
    let now = settings(&s, &admin).await;
    assert_eq!(
        now,
        json!({"about": "Hosting coops", "about_language": "en", "contact_email": "desk@coops.test",
               "oauth_password_grant": false, "authorized_fetch": true, "home_posts_days": 21})
    );
    let es = b.get("/admin/settings?lang=es").await;
    assert!(es.body.contains("Obtención autorizada"), "{}", es.body);

    // A coop's member cannot see the page.
    let mut m = Browser::new(&s);
    m.sign_in("fiqus@coops.test").await;
    assert_eq!(m.get("/admin/settings").await.status, StatusCode::FORBIDDEN);
    s.stop().await;
}
