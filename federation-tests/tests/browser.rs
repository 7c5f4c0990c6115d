//! The web face in a real browser: Debian's Chromium, driven by Playwright
//! (npm, `federation-tests/browser/run.mjs`), on two real nodes. A coop on
//! beta publishes an offer that alpha receives (alpha's coop follows it); the
//! browser reads alpha's landing page, a coop's page and a need's page in
//! English and Spanish at phone and desktop widths, checks each with
//! axe-core, uses the language switch, and signs in to authorize an app
//! with the keyboard alone. Then a member's work across the two nodes:
//! giver's member signs in on alpha, edits the profile (with a preview),
//! publishes a need, sees it match beta's offer, asks for an introduction;
//! beta's member signs in on beta (in Spanish, on a phone) and accepts;
//! both see the other's contacts. Then giver's member plans a monthly
//! gathering (an unknown time zone refused in place first) and registers
//! the coop with its delegate; the gathering's pages are checked in both
//! languages and widths. Last, alpha's admin signs in, follows
//! beta from the admin desk and sees it accepted; every desk page is
//! checked at both widths. Screenshots go to `federation-tests/browser/out`
//! (or `INTERCOOP_SCREENSHOTS_DIR`; `docs/screenshots/` holds a set).

use std::path::PathBuf;
use std::time::Duration;

use federation_tests::steps::{follow, publish, wait_for, WAIT};
use federation_tests::Node;
use reqwest::StatusCode;
use serde_json::json;
use tokio::process::Command;

/// The whole browser run's bound.
const SCRIPT_LIMIT: Duration = Duration::from_secs(600);

#[tokio::test(flavor = "multi_thread")]
async fn people_read_the_pages_and_sign_in_in_a_real_browser() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser");
    let program = dir.join("node_modules/.bin/node");
    assert!(
        program.exists(),
        "{} is missing: run `npm ci` in {} as .ci/run does",
        program.display(),
        dir.display()
    );
    let nodes = Node::start_all(&[("alpha", 70), ("beta", 71)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let giver = alpha.coop("giver").await;
    alpha.admin().await;
    let seeker = beta.coop("seeker").await;
    let (st, body) = alpha
        .patch_as(
            &giver,
            "/coop",
            json!({"display_name": "Giver Coop", "about": "We host **Nextcloud** for coops.",
                   "website": "https://giver.example", "city": "Rosario", "country": "AR",
                   "languages": ["es", "en"], "sectors": ["hosting"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let need = publish(alpha, &giver, "Servers for a community radio").await;

    // alpha's coop follows beta's; beta's need reaches alpha's landing page.
    follow(alpha, &giver, &beta.account("seeker")).await;
    wait_for(alpha, &giver, "/follows", "beta accepts", WAIT, |p| {
        p["items"][0]["state"] == "accepted"
    })
    .await;
    // beta's coop offers hosting (and keeps private contacts to share); its
    // offer reaches alpha, where giver's need will meet it.
    let (st, body) = beta
        .patch_as(
            &seeker,
            "/coop",
            json!({"display_name": "Seeker Coop", "private_contact": {"email": "hola@seeker.example"}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let remote_title = "Hosting and server care for coops";
    let (st, body) = beta
        .post_as(
            &seeker,
            "/proposals",
            json!({"kind": "offer", "category": "technical", "title": remote_title,
                   "tags": ["hosting", "servers"], "description": "Managed servers, backups."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    wait_for(
        alpha,
        &giver,
        "/remote-proposals",
        "beta's offer at alpha",
        WAIT,
        |p| p["items"][0]["title"] == remote_title,
    )
    .await;

    // An app asks to act for giver: its sign-in page.
    let (st, app) = alpha
        .send(
            alpha
                .http
                .post(format!("{}/api/v1/apps", alpha.local_url()))
                .json(
                    &json!({"client_name": "Tusky", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                              "scopes": "read write"}),
                ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{app}");
    let mut authorize =
        url::Url::parse(&format!("{}/oauth/authorize", alpha.public_url())).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", app["client_id"].as_str().unwrap())
        .append_pair("redirect_uri", "urn:ietf:wg:oauth:2.0:oob")
        .append_pair("scope", "read write");

    let shots = std::env::var("INTERCOOP_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.join("out"));
    let run = Command::new(&program)
        .arg("run.mjs")
        .current_dir(&dir)
        .env("BASE", alpha.public_url())
        .env(
            "RESOLVE",
            format!("alpha.test={},beta.test={}", alpha.ip, beta.ip),
        )
        .env("COOP_PATH", "/actors/giver")
        .env("PROPOSAL_PATH", format!("/proposals/{need}"))
        .env("REMOTE_TITLE", remote_title)
        .env("AUTHORIZE_URL", authorize.as_str())
        .env("EMAIL", format!("giver@{}", alpha.host()))
        .env("OTHER_BASE", beta.public_url())
        .env("OTHER_EMAIL", format!("seeker@{}", beta.host()))
        .env("ADMIN_EMAIL", format!("admin@{}", alpha.host()))
        .env("OTHER_DOMAIN", beta.domain())
        .env("PASSWORD", "a test password")
        .env("SCREENSHOTS_DIR", &shots)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(SCRIPT_LIMIT, run)
        .await
        .expect("the browser run finished in time")
        .expect("run the browser script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("all steps passed"),
        "the browser run failed:\n{stdout}\n{stderr}"
    );
}
