//! A coop's workspace through a real server, as a browser without
//! JavaScript uses it: signing in and out with a session cookie, the CSRF
//! token every form carries (refused without it, nothing written), forms
//! shown again with the error next to its field, and a member's work from
//! profile to publishing, matches and an introduction answered by another
//! coop with contacts shown.

use std::time::Duration;

use reqwest::header::SET_COOKIE;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{TestServer, PASSWORD};
use crate::web_client::Browser;

async fn own_proposals(s: &TestServer, token: &str) -> Vec<Value> {
    let (st, page) = s.get("/proposals?mine=true", Some(token)).await;
    assert_eq!(st, StatusCode::OK, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_gives_a_session_cookie_and_signing_out_ends_it() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let mut b = Browser::new(&s);

    let away = b.get("/workspace/matches?lang=es").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(
        away.location,
        "/sign-in?next=%2Fworkspace%2Fmatches%3Flang%3Des"
    );

    // The form pairs itself with the browser: without its cookie, refused.
    let form = b.get("/sign-in").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    let csrf = Browser::csrf(&form);
    let mut stranger = Browser::new(&s);
    let forged = stranger
        .post(
            "/sign-in",
            &[
                ("email", "fiqus@coops.test"),
                ("password", PASSWORD),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("<html"), "{}", forged.body);
    assert!(!stranger.cookies.contains_key("intercoop_session"));

    // A wrong password: the form again, with the error, and no session.
    let wrong = b
        .post(
            "/sign-in",
            &[
                ("email", "fiqus@coops.test"),
                ("password", "nope"),
                ("csrf", &csrf),
                ("next", "/workspace"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("Wrong email or password."),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("value=\"fiqus@coops.test\""));
    assert!(!b.cookies.contains_key("intercoop_session"));

    // Signed in: back where the browser was going, never to another site.
    let done = b
        .post(
            "/sign-in",
            &[
                ("email", "fiqus@coops.test"),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "//evil.test/x"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location, "/workspace");
    let set: Vec<&str> = done
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("intercoop_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    // The test node's public URL is https: the cookie never goes over http.
    assert!(session.contains("; Secure"), "{session}");

    let home = b.get("/workspace").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Coop fiqus"), "{}", home.body);
    assert_eq!(home.headers["cache-control"], "private, no-store");
    // Never compressed: a CSRF token beside typed text would leak (BREACH).
    let gz = s
        .http
        .get(format!("{}/workspace", s.origin()))
        .header(
            "cookie",
            format!("intercoop_session={}", b.cookies["intercoop_session"]),
        )
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.status(), StatusCode::OK);
    assert!(gz.headers().get("content-encoding").is_none());
    assert!(home.body.contains("action=\"/sign-out\""));
    // Public pages link the workspace instead of the sign-in page.
    let landing = b.get("/").await;
    assert!(landing.body.contains("href=\"/workspace\""));

    // Signing out needs the page's token too.
    let token = Browser::csrf(&home);
    let refused = b.post("/sign-out", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get("/workspace").await.status, StatusCode::OK);
    let session_token = b.cookies["intercoop_session"].clone();
    let out = b.post("/sign-out", &[("csrf", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location, "/");
    assert!(!b.cookies.contains_key("intercoop_session"));
    // The token behind the cookie is revoked, not just forgotten.
    let (st, _) = s.get("/coop", Some(&session_token)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    b.cookies.insert("intercoop_session".into(), session_token);
    let stale = b.get("/workspace").await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert!(
        !b.cookies.contains_key("intercoop_session"),
        "the stale cookie is dropped"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_refuses_a_missing_or_foreign_csrf_token_and_changes_nothing() {
    let s = TestServer::start().await;
    let api = s.coop("fiqus").await;
    s.coop("other").await;
    let mut b = Browser::new(&s);
    let mine = b.sign_in("fiqus@coops.test").await;
    let mut o = Browser::new(&s);
    let theirs = o.sign_in("other@coops.test").await;
    assert_ne!(mine, theirs);
    let (_, before) = s.get("/coop", Some(&api)).await;

    let forms: &[(&str, &[(&str, &str)])] = &[
        (
            "/workspace/proposals",
            &[
                ("kind", "need"),
                ("category", "technical"),
                ("title", "Hosting"),
            ],
        ),
        (
            "/workspace/proposals/some-id",
            &[("kind", "need"), ("category", "technical"), ("title", "X")],
        ),
        (
            "/workspace/proposals/some-id/status",
            &[("status", "closed")],
        ),
        (
            "/workspace/profile",
            &[("display_name", "Hijacked"), ("action", "save")],
        ),
        (
            "/workspace/introductions",
            &[("proposal", "x"), ("message", "hi")],
        ),
        (
            "/workspace/introductions/some-id/answer",
            &[("answer", "accept")],
        ),
        ("/workspace/follows", &[("account", "x@elsewhere.test")]),
        ("/workspace/follows/some-id/stop", &[]),
        (
            "/workspace/followers/some-id/answer",
            &[("answer", "approve")],
        ),
        ("/workspace/notifications/clear", &[]),
        ("/workspace/notifications/some-id/dismiss", &[]),
        ("/sign-out", &[]),
    ];
    for (path, fields) in forms {
        let bare = b.post(path, fields).await;
        assert_eq!(bare.status, StatusCode::FORBIDDEN, "{path} without a token");
        let mut foreign = fields.to_vec();
        foreign.push(("csrf", &theirs));
        let forged = b.post(path, &foreign).await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "{path} with another session's token"
        );
        assert!(
            forged.body.contains("out of date"),
            "{path}: {}",
            forged.body
        );
    }
    // Nothing was written, and the session still works.
    assert!(own_proposals(&s, &api).await.is_empty());
    let (_, after) = s.get("/coop", Some(&api)).await;
    assert_eq!(before, after);
    assert_eq!(b.get("/workspace").await.status, StatusCode::OK);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_publishes_edits_and_closes_with_errors_next_to_their_fields() {
    let s = TestServer::start().await;
    let api = s.coop("fiqus").await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;

    let form = b.get("/workspace/proposals/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<label for=\"title\">"), "{}", form.body);

    // Refused: shown again, as typed, the error next to its field.
    let empty = b
        .post(
            "/workspace/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "need"),
                ("category", "technical"),
                ("title", "  "),
                ("description", "Kept *as typed*"),
                ("tags", "hosting"),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"title-error\""), "{}", empty.body);
    assert!(empty.body.contains("aria-describedby=\"title-error\""));
    assert!(empty.body.contains("Kept *as typed*"));
    let past = b
        .post(
            "/workspace/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "need"),
                ("category", "technical"),
                ("title", "Hosting"),
                ("deadline", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body.contains("id=\"deadline-error\""), "{}", past.body);
    let unit = b
        .post(
            "/workspace/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "offer"),
                ("category", "work"),
                ("title", "Hours"),
                ("quantity_value", "-5"),
            ],
        )
        .await;
    assert_eq!(unit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unit.body.contains("-error\" class=\"error\""),
        "{}",
        unit.body
    );
    assert!(
        own_proposals(&s, &api).await.is_empty(),
        "nothing stored on refusal"
    );

    // Published, with everything the form holds.
    let done = b
        .post(
            "/workspace/proposals",
            &[
                ("csrf", &csrf),
                ("kind", "need"),
                ("category", "technical"),
                ("title", "Hosting <script>alert(1)</script>"),
                ("description", "Managed *Nextcloud*."),
                ("tags", "#hosting, nextcloud"),
                ("quantity_value", "40"),
                ("quantity_unit", "hour"),
                ("place", "Rosario, AR"),
                ("remote", "on"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let id = done
        .location
        .trim_start_matches("/workspace/proposals/")
        .to_string();
    let stored = own_proposals(&s, &api).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"], id.as_str());
    assert_eq!(
        stored[0]["tags"],
        serde_json::json!(["hosting", "nextcloud"])
    );
    assert_eq!(stored[0]["quantity"]["value"], "40");
    assert_eq!(stored[0]["remote"], true);

    let page = b.get(&done.location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Hosting &#60;script&#62;")
            || page.body.contains("Hosting &lt;script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));

    // Edited, then closed and reopened.
    let edited = b
        .post(
            &done.location,
            &[
                ("csrf", &csrf),
                ("kind", "need"),
                ("category", "technical"),
                ("title", "Hosting for 3 apps"),
                ("tags", "hosting"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let (_, p) = s.get(&format!("/proposals/{id}"), Some(&api)).await;
    assert_eq!(p["title"], "Hosting for 3 apps");
    assert_eq!(p["remote"], false, "an unticked box is sent as absent");
    let status = format!("{}/status", done.location);
    let closed = b
        .post(&status, &[("csrf", &csrf), ("status", "closed")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let (_, p) = s.get(&format!("/proposals/{id}"), Some(&api)).await;
    assert_eq!(p["status"], "closed");
    let shown = b.get(&done.location).await;
    assert!(
        shown.body.contains("name=\"status\" value=\"open\""),
        "{}",
        shown.body
    );
    let bad = b
        .post(&status, &[("csrf", &csrf), ("status", "gone")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another coop's proposal is not there to edit.
    let other = s.coop("other").await;
    let theirs = s.publish(&other, crate::common::need("Their need")).await;
    let hidden = b
        .get(&format!(
            "/workspace/proposals/{}",
            theirs["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let forged = b
        .post(
            &format!(
                "/workspace/proposals/{}/status",
                theirs["id"].as_str().unwrap()
            ),
            &[("csrf", &csrf), ("status", "closed")],
        )
        .await;
    assert!(forged.status.is_client_error(), "{}", forged.status);
    let (_, t) = s
        .get(
            &format!("/proposals/{}", theirs["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(t["status"], "open");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_coops_match_ask_for_an_introduction_and_see_contacts_once_accepted() {
    let s = TestServer::start().await;
    let api_a = s.coop("fiqus").await;
    s.coop("hostcoop").await;
    let mut a = Browser::new(&s);
    let mut b = Browser::new(&s);
    let csrf_a = a.sign_in("fiqus@coops.test").await;
    let csrf_b = b.sign_in("hostcoop@coops.test").await;

    // Profiles: a preview shows the Markdown without saving it; a bad
    // email is refused next to its field; then the private contacts.
    let profile = |name: &'static str, email: &'static str, action: &'static str| {
        vec![
            ("display_name", name),
            ("about", "We **host** things."),
            ("country", "ar"),
            ("languages", "es, en"),
            ("private_email", email),
            ("private_person", "Ana"),
            ("action", action),
        ]
    };
    let mut fields = profile("Fiqus", "hola@fiqus.test", "preview");
    fields.push(("csrf", &csrf_a));
    let preview = a.post("/workspace/profile", &fields).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("<strong>host</strong>"),
        "{}",
        preview.body
    );
    let (_, coop) = s.get("/coop", Some(&api_a)).await;
    assert_eq!(
        coop["display_name"], "Coop fiqus",
        "a preview saves nothing"
    );
    let mut fields = profile("Fiqus", "not an email", "save");
    fields.push(("csrf", &csrf_a));
    let bad = a.post("/workspace/profile", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"private_email-error\""),
        "{}",
        bad.body
    );
    let mut fields = profile("Fiqus", "hola@fiqus.test", "save");
    fields.push(("csrf", &csrf_a));
    let saved = a.post("/workspace/profile", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, coop) = s.get("/coop", Some(&api_a)).await;
    assert_eq!(coop["display_name"], "Fiqus");
    assert_eq!(coop["country"], "AR");
    assert_eq!(coop["private_contact"]["email"], "hola@fiqus.test");
    let mut fields = profile("Host Coop", "admin@host.test", "save");
    fields.push(("csrf", &csrf_b));
    assert_eq!(
        b.post("/workspace/profile", &fields).await.status,
        StatusCode::SEE_OTHER
    );

    let need = a
        .post(
            "/workspace/proposals",
            &[
                ("csrf", &csrf_a),
                ("kind", "need"),
                ("category", "technical"),
                ("title", "Web hosting for our servers"),
                ("tags", "hosting"),
            ],
        )
        .await;
    assert_eq!(need.status, StatusCode::SEE_OTHER);
    let offer = b
        .post(
            "/workspace/proposals",
            &[
                ("csrf", &csrf_b),
                ("kind", "offer"),
                ("category", "technical"),
                ("title", "Hosting and server administration"),
                ("tags", "hosting"),
            ],
        )
        .await;
    assert_eq!(offer.status, StatusCode::SEE_OTHER);
    let offer_id = offer
        .location
        .trim_start_matches("/workspace/proposals/")
        .to_string();

    // The match shows on the need's page and in the list, with the way to ask.
    let ask_link = format!("/workspace/introductions/new?proposal={offer_id}");
    let mut need_page = a.get(&need.location).await;
    for _ in 0..150 {
        if need_page.body.contains(&ask_link) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        need_page = a.get(&need.location).await;
    }
    assert!(need_page.body.contains(&ask_link), "{}", need_page.body);
    assert!(need_page.body.contains("Hosting and server administration"));
    let list = a.get("/workspace/matches").await;
    assert!(list.body.contains(&ask_link), "{}", list.body);
    assert!(list.body.contains("Score "), "{}", list.body);

    let ask = a.get(&ask_link).await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.body);
    assert!(ask.body.contains("Host Coop"), "{}", ask.body);
    let empty = a
        .post(
            "/workspace/introductions",
            &[("csrf", &csrf_a), ("proposal", &offer_id), ("message", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("id=\"message-error\""),
        "{}",
        empty.body
    );
    let sent = a
        .post(
            "/workspace/introductions",
            &[
                ("csrf", &csrf_a),
                ("proposal", &offer_id),
                ("message", "Could you host <b>3</b> apps?"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let again = a
        .post(
            "/workspace/introductions",
            &[
                ("csrf", &csrf_a),
                ("proposal", &offer_id),
                ("message", "Again"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("role=\"alert\""), "{}", again.body);

    // The other coop sees it waiting, and accepts.
    let home = b.get("/workspace").await;
    assert!(
        home.body.contains("1 introduction to answer"),
        "{}",
        home.body
    );
    let theirs = b.get("/workspace/introductions").await;
    assert!(
        theirs
            .body
            .contains("Could you host &#60;b&#62;3&#60;/b&#62; apps?")
            || theirs
                .body
                .contains("Could you host &lt;b&gt;3&lt;/b&gt; apps?"),
        "{}",
        theirs.body
    );
    assert!(
        !theirs.body.contains("hola@fiqus.test"),
        "no contacts before accepting"
    );
    let at = theirs.body.find("/workspace/introductions/").unwrap();
    let action = &theirs.body[at..];
    let action = &action[..action.find('"').unwrap()];
    let accepted = b
        .post(action, &[("csrf", &csrf_b), ("answer", "accept")])
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let theirs = b.get("/workspace/introductions").await;
    assert!(theirs.body.contains("hola@fiqus.test"), "{}", theirs.body);
    let mine = a.get("/workspace/introductions").await;
    assert!(mine.body.contains("admin@host.test"), "{}", mine.body);
    assert!(mine.body.contains("Accepted"));
    // Answered once only.
    let twice = b
        .post(action, &[("csrf", &csrf_b), ("answer", "decline")])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // Each coop was told, and links to where to act.
    let told = b.get("/workspace/notifications").await;
    assert!(
        told.body
            .contains("<a href=\"/workspace/introductions\">Fiqus asks for an introduction</a>"),
        "{}",
        told.body
    );
    let answered = a.get("/workspace/notifications?lang=es").await;
    assert!(
        answered
            .body
            .contains("Host Coop respondió a tu presentación"),
        "{}",
        answered.body
    );
    let dismiss = told
        .body
        .match_indices("/workspace/notifications/")
        .map(|(i, _)| &told.body[i..i + told.body[i..].find('"').unwrap()])
        .find(|a| a.ends_with("/dismiss"))
        .unwrap()
        .to_string();
    let gone = b.post(&dismiss, &[("csrf", &csrf_b)]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let left = b.get("/workspace/notifications").await;
    assert!(
        !left.body.contains("asks for an introduction"),
        "{}",
        left.body
    );
    let cleared = a
        .post("/workspace/notifications/clear", &[("csrf", &csrf_a)])
        .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    // (A match may still be noticed after this: the index tells in its own time.)
    let after = a.get("/workspace/notifications").await;
    assert!(
        !after.body.contains("answered your introduction"),
        "{}",
        after.body
    );
    s.stop().await;
}

/// What a stranger may send through the forms: NUL bytes and control
/// characters are refused like any bad field, an oversized body is refused
/// whole, and nothing is stored.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_form_input_is_refused_and_stores_nothing() {
    let s = TestServer::start().await;
    let api = s.coop("fiqus").await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;
    for title in ["Hosting\u{0}", "Hosting \u{202e}evil", "\u{200b}\u{feff}"] {
        let refused = b
            .post(
                "/workspace/proposals",
                &[
                    ("csrf", &csrf),
                    ("kind", "need"),
                    ("category", "technical"),
                    ("title", title),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{title:?}"
        );
        assert!(
            refused.body.contains("id=\"title-error\""),
            "{title:?}: {}",
            refused.body
        );
    }
    let huge = "x".repeat(200 * 1024);
    let too_big = b
        .post(
            "/workspace/profile",
            &[("csrf", &csrf), ("about", &huge), ("action", "save")],
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        too_big.body.contains("larger than 65536 bytes"),
        "{}",
        too_big.body
    );
    assert!(own_proposals(&s, &api).await.is_empty());
    let (_, coop) = s.get("/coop", Some(&api)).await;
    assert_eq!(coop["about"], "");
    // A NUL in the sign-in form is a wrong password, not a database error.
    let mut stranger = Browser::new(&s);
    let form = stranger.get("/sign-in").await;
    let token = Browser::csrf(&form);
    let nul = stranger
        .post(
            "/sign-in",
            &[
                ("email", "fiqus@coops.test\u{0}"),
                ("password", "x"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(nul.status, StatusCode::UNAUTHORIZED, "{}", nul.body);
    s.stop().await;
}
