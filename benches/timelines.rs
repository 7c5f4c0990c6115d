//! `cargo bench --bench timelines` — prints figures, asserts nothing.
//!
//! Mastodon timelines (median, p95) through the client API with 1,000,000
//! remote proposals from 1,000 followed nodes (100,000 coops), 10,000 local
//! ones, 60,000 posts that are not proposals (half from followed coops), and
//! a coop that follows 1,000 coops elsewhere: its home timeline,
//! the public timeline (all, local, remote), hashtag timelines (a kind, a
//! category, a tag) and one account's statuses, first pages and pages
//! further down by `max_id`. On SQLite always and on PostgreSQL too when
//! INTERCOOP_TEST_DATABASE_URL names a role that may create databases.
//! Goal (issue 20): p95 under 20 ms on one core; run under `taskset -c 0`.
//! `INTERCOOP_BENCH_PROPOSALS` makes the data smaller. Loopback only.
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::{Duration, Instant};

use federation_tests::TestDb;
use intercoop::edges::http::state::AppState;

#[path = "support/mod.rs"]
mod support;
use support::federated::{coop_actor_id, execute, proposal_id, seed, COOPS_PER_NODE, NODES};
use support::{ms, percentile, Rng, WORDS};

const LOCAL_PROPOSALS: usize = 10_000;
const PASSWORD: &str = "a bench password";

/// The coop that reads: it follows the first coop of every node.
async fn seed_reader(state: &AppState) -> String {
    let (coop, _) = state
        .services
        .create_coop_account(intercoop::services::accounts::NewCoopAccount {
            handle: "reader".into(),
            display_name: "Reader".into(),
            email: "reader@bench.test".into(),
            password: PASSWORD.into(),
        })
        .await
        .expect("reader");
    let at = "2026-11-01 00:00:00";
    let rows: Vec<String> = (0..NODES)
        .map(|n| {
            format!(
                "('{}', '{}', 'https://bench.test/actors/reader#follows/{n}', TRUE, '{at}')",
                coop.id,
                coop_actor_id(n, 0)
            )
        })
        .collect();
    execute(
        state,
        vec![format!(
            "INSERT INTO following (coop_id, actor_id, follow_ap_id, accepted, created_at) VALUES {}",
            rows.join(", ")
        )],
    )
    .await;
    // Local proposals, from the reader (home shows every local one).
    let mut rng = Rng(0x51_7CC1_B727_220A);
    let start = chrono::NaiveDate::from_ymd_opt(2025, 6, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    let mut statements = Vec::new();
    for chunk in (0..LOCAL_PROPOSALS).collect::<Vec<_>>().chunks(1_000) {
        let mut rows = Vec::new();
        let mut tags = Vec::new();
        for &i in chunk {
            let at = start + chrono::Duration::seconds(i as i64 * 900);
            let id = proposal_id(at, 1_000_000_000 + i as u64);
            let title = format!("{} {} local #{i}", *rng.pick(WORDS), *rng.pick(WORDS));
            let tag = *rng.pick(WORDS);
            let kind = if i % 2 == 0 { "need" } else { "offer" };
            let t = at.format("%Y-%m-%d %H:%M:%S");
            rows.push(format!(
                "('{id}', '{}', '{kind}', 'technical', '{title}', '', '', '[\"{tag}\"]', NULL, NULL, \
                 NULL, FALSE, NULL, 'open', '{title}', '{t}', '{t}', NULL)",
                coop.id
            ));
            tags.push(format!("('{id}', '{tag}')"));
        }
        statements.push(format!(
            "INSERT INTO proposals (id, coop_id, kind, category, title, description, \
             description_html, tags, quantity_value, quantity_unit, place, remote, deadline, \
             status, search_text, created_at, updated_at, closed_at) VALUES {}",
            rows.join(", ")
        ));
        statements.push(format!(
            "INSERT INTO proposal_tags (proposal_id, tag) VALUES {}",
            tags.join(", ")
        ));
    }
    execute(state, statements).await;
    execute(state, posts(start)).await;
    execute(state, vec!["ANALYZE".into()]).await;
    coop.id
}

/// Posts that are not proposals, as two weeks of Mastodon accounts leave
/// them (`home_posts_days`): 30 from each followed coop, the newest among
/// the proposals, and as many from coops nobody follows.
fn posts(start: chrono::NaiveDateTime) -> Vec<String> {
    const PER_ACTOR: usize = 30;
    let mut statements = Vec::new();
    for nodes in (0..NODES).collect::<Vec<_>>().chunks(50) {
        let mut rows = Vec::new();
        for &n in nodes {
            // c = 0: the coop the reader follows; c = 1: one nobody follows.
            for c in 0..2 {
                for i in 0..PER_ACTOR {
                    let at = start
                        + chrono::Duration::seconds((n * PER_ACTOR + i) as i64 * 60 + 86_400 * 180);
                    let id = proposal_id(
                        at,
                        2_000_000_000 + (n * 2 * PER_ACTOR + c * PER_ACTOR + i) as u64,
                    );
                    let t = at.format("%Y-%m-%d %H:%M:%S");
                    rows.push(format!(
                        "('{id}', 'https://n{n}.bench.test/statuses/{c}-{i}', '{}', '<p>A post about the week</p>',                          NULL, FALSE, NULL, 'public', 'en', '{t}', '{t}', '{t}')",
                        coop_actor_id(n, c)
                    ));
                }
            }
        }
        statements.push(format!(
            "INSERT INTO remote_posts (id, ap_id, actor_id, content_html, summary, sensitive, url, \
             visibility, language, published_at, updated_at, received_at) VALUES {}",
            rows.join(", ")
        ));
    }
    statements
}

/// A token for the reader, by the password grant, as an app gets one.
async fn token(http: &reqwest::Client, root: &str) -> String {
    let app: serde_json::Value = http
        .post(format!("{root}/api/v1/apps"))
        .json(&serde_json::json!({"client_name": "bench", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"}))
        .send()
        .await
        .expect("apps")
        .json()
        .await
        .expect("app");
    let t: serde_json::Value = http
        .post(format!("{root}/oauth/token"))
        .json(&serde_json::json!({
            "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": "reader@bench.test", "password": PASSWORD, "scope": "read"
        }))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    t["access_token"]
        .as_str()
        .expect("access token")
        .to_string()
}

/// The `max_id` of the `next` link.
fn next_max_id(resp: &reqwest::Response) -> Option<String> {
    let link = resp.headers().get("link")?.to_str().ok()?;
    let next = link.split(", ").find(|p| p.ends_with("rel=\"next\""))?;
    let url = next
        .split(';')
        .next()?
        .trim_matches(|c| c == '<' || c == '>');
    url.split("max_id=")
        .nth(1)
        .map(|v| v.split('&').next().unwrap_or(v).to_string())
}

async fn latency(
    http: &reqwest::Client,
    root: &str,
    token: &str,
    label: &str,
    path: &str,
    rounds: usize,
) -> Option<String> {
    let url = format!("{root}{path}");
    let mut times = Vec::with_capacity(rounds);
    let (mut shown, mut next) = (0, None);
    let budget = Instant::now();
    for round in 0..rounds {
        if round >= 10 && budget.elapsed() > Duration::from_secs(20) {
            break;
        }
        let t = Instant::now();
        let resp = http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        next = next_max_id(&resp);
        let body: serde_json::Value = resp.json().await.expect("json");
        times.push(t.elapsed());
        shown = body.as_array().map(Vec::len).unwrap_or(0);
    }
    times.sort();
    println!(
        "    {label:<34} median {:>9}  p95 {:>9}  {:>4} rounds  ({shown} statuses)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        times.len()
    );
    next
}

async fn run(db: TestDb, backend: &str, proposals: usize) {
    let node = support::node::prepared(&db).await;
    let state = node.state.clone();
    let started = Instant::now();
    seed(&state, proposals).await;
    seed_reader(&state).await;
    println!(
        "{backend}: {NODES} nodes, {} coops, {proposals} remote and {LOCAL_PROPOSALS} local proposals, \
         a coop following {NODES} coops; seeded in {:.0} s",
        NODES * COOPS_PER_NODE,
        started.elapsed().as_secs_f64()
    );
    let (root, server) = support::node::serve(&node).await;
    let building = Instant::now();
    while !state.services.matching_is_ready() && building.elapsed() < Duration::from_secs(900) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let http = reqwest::Client::new();
    let token = token(&http, &root).await;
    let rounds = 200;
    let account = {
        let a: serde_json::Value = http
            .get(format!(
                "{root}/api/v1/accounts/lookup?acct=coop0@node{}.bench.test",
                NODES / 2
            ))
            .send()
            .await
            .expect("lookup")
            .json()
            .await
            .expect("account");
        a["id"].as_str().map(String::from)
    };
    for (label, path) in [
        ("home", "/api/v1/timelines/home".to_string()),
        ("public", "/api/v1/timelines/public".into()),
        (
            "public, local",
            "/api/v1/timelines/public?local=true".into(),
        ),
        (
            "public, remote",
            "/api/v1/timelines/public?remote=true".into(),
        ),
        ("tag: a kind (#need)", "/api/v1/timelines/tag/need".into()),
        (
            "tag: a category (#knowledge)",
            "/api/v1/timelines/tag/knowledge".into(),
        ),
        ("tag: a tag (#rust)", "/api/v1/timelines/tag/rust".into()),
        (
            "tag: a tag in no proposal",
            "/api/v1/timelines/tag/zebra".into(),
        ),
    ] {
        let next = latency(&http, &root, &token, label, &path, rounds).await;
        // Ten pages further down, as someone scrolling.
        let mut max_id = next;
        for _ in 0..9 {
            let Some(id) = &max_id else { break };
            let joined = if path.contains('?') { '&' } else { '?' };
            let resp = http
                .get(format!("{root}{path}{joined}max_id={id}"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("page");
            max_id = next_max_id(&resp);
        }
        if let Some(id) = max_id {
            let joined = if path.contains('?') { '&' } else { '?' };
            latency(
                &http,
                &root,
                &token,
                &format!("{label}, page 11"),
                &format!("{path}{joined}max_id={id}"),
                rounds,
            )
            .await;
        }
    }
    if let Some(id) = account {
        latency(
            &http,
            &root,
            &token,
            "an account's statuses",
            &format!("/api/v1/accounts/{id}/statuses"),
            rounds,
        )
        .await;
    }
    server.abort();
}

#[tokio::main]
async fn main() {
    let proposals = std::env::var("INTERCOOP_BENCH_PROPOSALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000usize);
    run(TestDb::sqlite(), "sqlite", proposals).await;
    if let Ok(admin) = std::env::var("INTERCOOP_TEST_DATABASE_URL") {
        if !admin.trim().is_empty() {
            run(TestDb::postgres(&admin), "postgres", proposals).await;
        }
    }
}
