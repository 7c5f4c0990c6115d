//! `cargo bench --bench directory` — prints figures, asserts nothing.
//!
//! Directory search latency (median, p95) through the public API with
//! 1,000 followed nodes, 100 coops each (100,000 coops) and 1,000,000 open
//! proposals, on SQLite always and on PostgreSQL too when
//! INTERCOOP_TEST_DATABASE_URL names a role that may create databases.
//! The goal (issue 4) is a p95 under 20 ms on one core: run it under
//! `taskset -c 0` to hold the node to one core. `INTERCOOP_BENCH_PROPOSALS`
//! makes the data smaller for a quick look. Loopback only.
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
use intercoop::infra::config::{Config, ConfigValues};

#[path = "support/mod.rs"]
mod support;
use support::federated::{host, seed, COOPS_PER_NODE, NODES};
use support::{ms, percentile};

async fn latency(http: &reqwest::Client, base: &str, label: &str, path: &str, rounds: usize) {
    let url = format!("{base}{path}");
    let mut times = Vec::with_capacity(rounds);
    let mut shown = String::new();
    // A slow query gets fewer rounds (at least 10), so a run stays bounded.
    let budget = Instant::now();
    for round in 0..rounds {
        if round >= 10 && budget.elapsed() > Duration::from_secs(20) {
            break;
        }
        let t = Instant::now();
        let resp = http.get(&url).send().await.expect("request");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        let body: serde_json::Value = resp.json().await.expect("json");
        times.push(t.elapsed());
        shown = format!(
            "{} items, total {}{}",
            body["items"].as_array().map(Vec::len).unwrap_or(0),
            body["total"],
            if body["total_exact"] == false {
                "+"
            } else {
                ""
            }
        );
    }
    times.sort();
    println!(
        "    {label:<32} median {:>9}  p95 {:>9}  {:>4} rounds  ({shown})",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        times.len()
    );
}

async fn run(db: TestDb, backend: &str, proposals: usize) {
    let config = Config::from_values(ConfigValues {
        public_url: Some("https://bench.test".into()),
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(db.url.clone()),
        log: Some("warn".into()),
        ..Default::default()
    })
    .expect("config");
    let node = intercoop::app::server::prepare(&config)
        .await
        .expect("prepare");
    let state = node.state.clone();
    let started = Instant::now();
    seed(&state, proposals).await;
    println!(
        "{backend}: {NODES} nodes, {} coops, {proposals} proposals seeded in {:.0} s",
        NODES * COOPS_PER_NODE,
        started.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!(
        "http://{}/api/intercoop/v1",
        listener.local_addr().expect("addr")
    );
    let served = node.clone();
    let server = tokio::spawn(async move {
        intercoop::app::server::run(served, listener, std::future::pending()).await
    });
    // Measure a node at rest: wait for the matching index it builds at
    // start-up (bounded).
    let building = Instant::now();
    while !state.services.matching_is_ready() && building.elapsed() < Duration::from_secs(900) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "    (matching index ready after {:.0} s)",
        building.elapsed().as_secs_f64()
    );
    let http = reqwest::Client::new();
    let rounds = 200;
    let node = host(NODES / 2);
    for (label, path) in [
        ("newest, no filter", "/directory/proposals".to_string()),
        (
            "kind + category",
            "/directory/proposals?kind=offer&category=knowledge".into(),
        ),
        ("one node", format!("/directory/proposals?node={node}")),
        ("text, common word", "/directory/proposals?text=rust".into()),
        (
            "text, two words + kind",
            "/directory/proposals?text=rust%20cloud&kind=need".into(),
        ),
        (
            "text, word in no title",
            "/directory/proposals?text=zebra".into(),
        ),
        (
            "page 50 (offset 1000)",
            "/directory/proposals?offset=1000".into(),
        ),
        ("tag", "/directory/proposals?tag=rust".into()),
        (
            "country + language",
            "/directory/proposals?country=AR&language=es".into(),
        ),
        ("coops, by name", "/directory/coops".into()),
        ("coops, country", "/directory/coops?country=GB".into()),
        ("coops, text", "/directory/coops?text=coop%207".into()),
    ] {
        latency(&http, &base, label, &path, rounds).await;
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
