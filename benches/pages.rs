//! `cargo bench --bench pages` — prints figures, asserts nothing.
//!
//! Server time of the web face's pages (median, p95) as a browser asks for
//! them, with 1,000 local coops (one open need each) beside the federated
//! network of the other benches (1,000 followed nodes, 100,000 coops,
//! 1,000,000 remote proposals): the landing page (with the network map:
//! 1,000 coops on 20 nodes, 50 of each), the directory of needs and offers
//! (first page, a filtered search, page 50), a coop's page, a need's page,
//! the node's Atom feed, and the size of each answer as sent (gzip where
//! the page is compressed). On SQLite
//! always and on PostgreSQL too when INTERCOOP_TEST_DATABASE_URL names a
//! role that may create databases. Goal (issue 21): p95 under 15 ms on one
//! core; run under `taskset -c 0`. `INTERCOOP_BENCH_PROPOSALS` makes the
//! network smaller. Loopback only.
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
use support::federated::{execute, proposal_id, seed, COOPS_PER_NODE, NODES};
use support::{ms, percentile, Rng, WORDS};

const LOCAL_COOPS: usize = 1_000;

/// 1,000 local coops with a profile and one open need each; returns the
/// handle of one and the id of one need.
async fn seed_local(state: &AppState) -> (String, String) {
    let mut rng = Rng(0x9A6E_5EED_0000_0001);
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    let (mut coops, mut proposals, mut tags) = (Vec::new(), Vec::new(), Vec::new());
    let mut any_need = String::new();
    for i in 0..LOCAL_COOPS {
        let at = start + chrono::Duration::seconds(i as i64 * 3_600);
        let t = at.format("%Y-%m-%d %H:%M:%S");
        let coop = format!("00000000-0000-7000-8000-{i:012}");
        let (a, b) = (*rng.pick(WORDS), *rng.pick(WORDS));
        coops.push(format!(
            "('{coop}', 'coop{i}', 'Coop {a} {b} {i}', 'We do {a} and {b}.', '<p>We do {a} and {b}.</p>', \
             'https://coop{i}.example', 'AR', 'Rosario', '[\"es\",\"en\"]', '[\"{a}\"]', NULL, 12, 2010, \
             NULL, '[]', '{{}}', '{{}}', '{t}', '{t}', FALSE)"
        ));
        let id = proposal_id(at, 3_000_000_000 + i as u64);
        any_need = id.clone();
        proposals.push(format!(
            "('{id}', '{coop}', 'need', 'technical', '{a} {b} for coop {i}', 'Help with **{a}**.', \
             '<p>Help with <strong>{a}</strong>.</p>', '[\"{b}\"]', NULL, NULL, 'Rosario, AR', TRUE, NULL, \
             'open', '{a} {b}', '{t}', '{t}', NULL)"
        ));
        tags.push(format!("('{id}', '{b}')"));
    }
    execute(
        state,
        vec![
            format!(
                "INSERT INTO coops (id, handle, display_name, about, about_html, website, country, city, \
                 languages, sectors, legal_form, member_count, founded_year, stage, networks, \
                 public_contact, private_contact, created_at, updated_at, manually_approves_followers) \
                 VALUES {}",
                coops.join(", ")
            ),
            format!(
                "INSERT INTO proposals (id, coop_id, kind, category, title, description, \
                 description_html, tags, quantity_value, quantity_unit, place, remote, deadline, \
                 status, search_text, created_at, updated_at, closed_at) VALUES {}",
                proposals.join(", ")
            ),
            format!(
                "INSERT INTO proposal_tags (proposal_id, tag) VALUES {}",
                tags.join(", ")
            ),
            "ANALYZE".into(),
        ],
    )
    .await;
    (format!("coop{}", LOCAL_COOPS / 2), any_need)
}

async fn latency(http: &reqwest::Client, root: &str, label: &str, path: &str, rounds: usize) {
    let url = format!("{root}{path}");
    let mut times = Vec::with_capacity(rounds);
    let mut bytes = 0;
    let mut gzip = false;
    let budget = Instant::now();
    for round in 0..rounds {
        if round >= 10 && budget.elapsed() > Duration::from_secs(20) {
            break;
        }
        let t = Instant::now();
        let resp = http
            .get(&url)
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        gzip = resp
            .headers()
            .get("content-encoding")
            .is_some_and(|v| v == "gzip");
        // What went over the wire: compressed when the page is.
        bytes = resp.bytes().await.expect("body").len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "    {label:<26} median {:>9}  p95 {:>9}  {:>4} rounds  {:>7} bytes{}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        times.len(),
        bytes,
        if gzip { " (gzip)" } else { "" }
    );
}

async fn run(db: TestDb, backend: &str, proposals: usize) {
    let node = support::node::prepared(&db).await;
    let state = node.state.clone();
    let started = Instant::now();
    seed(&state, proposals).await;
    let (handle, need) = seed_local(&state).await;
    println!(
        "{backend}: {LOCAL_COOPS} local coops and needs; {NODES} followed nodes, {} coops, \
         {proposals} remote proposals; seeded in {:.0} s",
        NODES * COOPS_PER_NODE,
        started.elapsed().as_secs_f64()
    );
    let (root, server) = support::node::serve(&node).await;
    let http = reqwest::Client::new();
    // Page 50 as a browser reaches it: the "next" link of page 49, which
    // starts after page 49's last entry.
    let page_49 = http
        .get(format!("{root}/directory?offset=980"))
        .send()
        .await
        .expect("page 49")
        .text()
        .await
        .expect("page 49's text");
    let link = |body: &str, rel: &str| {
        body.split("href=\"").find_map(|rest| {
            let (href, tail) = rest.split_once('"')?;
            tail.starts_with(&format!(" rel=\"{rel}\""))
                .then(|| href.replace("&#38;", "&").replace("&amp;", "&"))
        })
    };
    let page_50 = link(&page_49, "next").expect("page 49 links to page 50");
    // And back: the "previous" link of page 50, which ends before its first entry.
    let page_50_body = http
        .get(format!("{root}{page_50}"))
        .send()
        .await
        .expect("page 50")
        .text()
        .await
        .expect("page 50's text");
    let page_49_again = link(&page_50_body, "prev").expect("page 50 links back to page 49");
    for (label, path) in [
        ("landing page (with map)", "/".to_string()),
        ("landing page, Spanish", "/?lang=es".into()),
        ("directory", "/directory".into()),
        (
            "directory, filtered",
            "/directory?kind=offer&category=technical&q=design".into(),
        ),
        ("directory, page 50 (next)", page_50),
        ("directory, page 49 (prev)", page_49_again),
        ("directory, offset=1000", "/directory?offset=1000".into()),
        ("a coop's page", format!("/actors/{handle}")),
        ("a need's page", format!("/proposals/{need}")),
        ("the node's Atom feed", "/feed.atom".into()),
    ] {
        latency(&http, &root, label, &path, 200).await;
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
