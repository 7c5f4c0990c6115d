//! `cargo bench --bench api` — prints figures, asserts nothing.
//!
//! On SQLite always; on PostgreSQL too when INTERCOOP_TEST_DATABASE_URL names
//! a role that may create databases (as in .ci/run). Everything runs on
//! loopback. Figures:
//! 1. proposals created per second through the API (8 concurrent clients),
//!    next to the ceiling: the same store insert without HTTP or auth;
//! 2. list / filter / search latency (median, p95) at 10,000 and 100,000 proposals;
//! 3. resident memory of an idle `intercoop serve`, and time from process
//!    start to the first answered request.
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use federation_tests::TestDb;
use intercoop::domain::proposal::{Category, Proposal, ProposalDraft, ProposalKind};
use intercoop::edges::http::state::AppState;
use intercoop::infra::config::{Config, ConfigValues};
use intercoop::infra::store;
use intercoop::services::accounts::NewCoopAccount;

#[path = "support/mod.rs"]
mod support;
use support::{ms, percentile, Rng, WORDS};

fn draft(rng: &mut Rng, i: usize) -> ProposalDraft {
    let words: Vec<&str> = (0..6).map(|_| *rng.pick(WORDS)).collect();
    ProposalDraft {
        kind: *rng.pick(ProposalKind::ALL),
        category: *rng.pick(Category::ALL),
        title: format!("{} {} {} #{i}", words[0], words[1], words[2]),
        description: format!(
            "We look for {} and {} with {} experience. Reference {i}.",
            words[3], words[4], words[5]
        ),
        tags: vec![format!("tag{}", rng.next() % 200), words[0].to_string()],
        quantity: None,
        place: Some("Rosario, AR".into()),
        remote: rng.next().is_multiple_of(2),
        deadline: None,
    }
}

fn open_proposal(draft: ProposalDraft, coop_id: String) -> Proposal {
    Proposal::new_open(
        uuid::Uuid::now_v7().to_string(),
        coop_id,
        draft,
        intercoop::domain::time::now(),
    )
}

struct Bench {
    state: AppState,
    base: String,
    http: reqwest::Client,
    _db: TestDb,
}

async fn start(db: TestDb) -> Bench {
    let config = Config::from_values(ConfigValues {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(db.url.clone()),
        log: Some("warn".into()),
        ..Default::default()
    })
    .expect("config");
    let node = intercoop::app::server::prepare(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/intercoop/v1", listener.local_addr().unwrap());
    let served = node.clone();
    let state = node.state;
    tokio::spawn(async move {
        intercoop::app::server::run(served, listener, std::future::pending()).await
    });
    Bench {
        state,
        base,
        http: reqwest::Client::new(),
        _db: db,
    }
}

impl Bench {
    async fn coop(&self, handle: &str) -> (String, String) {
        let (coop, _) = self
            .state
            .services
            .create_coop_account(NewCoopAccount {
                handle: handle.into(),
                display_name: handle.into(),
                email: format!("{handle}@bench.test"),
                password: "bench password".into(),
            })
            .await
            .unwrap();
        let resp: serde_json::Value = self
            .http
            .post(format!("{}/auth/login", self.base))
            .json(&serde_json::json!({"email": format!("{handle}@bench.test"), "password": "bench password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (coop.id, resp["token"].as_str().unwrap().to_string())
    }

    /// Inserts `n` proposals spread over `coops`, straight through the store, in chunks.
    async fn seed(&self, coops: &[String], n: usize, rng: &mut Rng) {
        let chunk = 2_000;
        let mut done = 0;
        while done < n {
            let count = chunk.min(n - done);
            let batch: Vec<Proposal> = (done..done + count)
                .map(|i| {
                    let d = draft(rng, i);
                    open_proposal(d, rng.pick(coops).clone())
                })
                .collect();
            self.state
                .services
                .db
                .write(move |conn| {
                    for p in &batch {
                        store::proposals::insert(conn, p)?;
                    }
                    Ok::<_, store::StoreError>(())
                })
                .await
                .unwrap();
            done += count;
        }
        // Refresh planner statistics as autovacuum would on a table that grew
        // gradually; right after a bulk load PostgreSQL plans from stale ones.
        if self.state.services.database_kind() == "postgres" {
            self.state
                .services
                .db
                .read(|conn| {
                    use diesel::connection::SimpleConnection;
                    conn.batch_execute("ANALYZE")
                        .map_err(store::StoreError::from)
                })
                .await
                .unwrap();
        }
    }

    async fn latency(&self, label: &str, path: &str, rounds: usize) {
        let url = format!("{}{path}", self.base);
        let mut times = Vec::with_capacity(rounds);
        let mut items = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let resp = self.http.get(&url).send().await.unwrap();
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            let body: serde_json::Value = resp.json().await.unwrap();
            times.push(t.elapsed());
            items = body["items"].as_array().map(Vec::len).unwrap_or(0);
        }
        times.sort();
        println!(
            "    {label:<44} median {:>9}  p95 {:>9}  ({items} items/page)",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95))
        );
    }
}

async fn creation_rate(b: &Bench, token: &str, coop_id: &str) {
    let total = 2_000;
    let clients = 8;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, url, token) = (
            b.http.clone(),
            format!("{}/proposals", b.base),
            token.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ c as u64);
            for i in 0..total / clients {
                let d = draft(&mut rng, i);
                let body = serde_json::json!({
                    "kind": d.kind, "category": d.category, "title": d.title,
                    "description": d.description, "tags": d.tags, "remote": d.remote
                });
                let resp = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), reqwest::StatusCode::CREATED);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let api_rate = total as f64 / started.elapsed().as_secs_f64();

    // Ceiling: the same insert (row + tags, one transaction each) with the
    // same concurrency, but no HTTP, JSON, auth or validation.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (db, coop_id) = (b.state.services.db.clone(), coop_id.to_string());
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(42 ^ c as u64);
            for i in 0..total / clients {
                let p = open_proposal(draft(&mut rng, i), coop_id.clone());
                db.write(move |conn| store::proposals::insert(conn, &p))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let n = total;
    let raw_rate = n as f64 / started.elapsed().as_secs_f64();
    println!("  proposals created through the API: {api_rate:>8.0}/s ({clients} concurrent clients, {total} proposals)");
    println!("  ceiling, store insert without HTTP: {raw_rate:>8.0}/s (same rows and concurrency, one transaction each)");
}

async fn backend_run(name: &str, db: TestDb) {
    println!("\n== {name}");
    let b = start(db).await;
    let mut coops = Vec::new();
    let (first_id, token) = b.coop("bench0").await;
    coops.push(first_id.clone());
    for i in 1..100 {
        coops.push(b.coop(&format!("bench{i}")).await.0);
    }
    creation_rate(&b, &token, &first_id).await;
    let mut rng = Rng(7);
    let mut have = 4_000;
    for target in [10_000usize, 100_000] {
        let t = Instant::now();
        b.seed(&coops, target - have, &mut rng).await;
        println!(
            "  -- {target} proposals (seeded {} more in {:.1} s)",
            target - have,
            t.elapsed().as_secs_f64()
        );
        have = target;
        b.latency("newest 20", "/proposals", 200).await;
        b.latency(
            "kind + category",
            "/proposals?kind=offer&category=technical",
            200,
        )
        .await;
        b.latency("one tag (~0.5%)", "/proposals?tag=tag17", 200)
            .await;
        b.latency("text, common word", "/proposals?text=rust", 200)
            .await;
        b.latency("text, two words", "/proposals?text=rust%20hosting", 200)
            .await;
        b.latency(
            "text, no match (scans everything)",
            "/proposals?text=zzzz",
            50,
        )
        .await;
        b.latency("newest 100", "/proposals?limit=100", 200).await;
    }
}

/// Resident memory from `/proc`: the whole (`VmRSS`), and its parts: the
/// process's own (`RssAnon`: heap, stacks) and pages mapped from files
/// (`RssFile`: the program's code and constants, shared with the page cache).
#[derive(Clone, Copy, Default)]
struct Rss {
    total: u64,
    anon: u64,
    file: u64,
}

fn rss_kib(pid: u32) -> Option<Rss> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Rss {
        total: field("VmRSS:")?,
        anon: field("RssAnon:")?,
        file: field("RssFile:")?,
    })
}

/// Starts `intercoop serve` and returns (ms to first answer, idle RSS).
fn serve_once(dir: &std::path::Path, port: u16) -> (f64, Option<Rss>) {
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_intercoop"))
        .arg("serve")
        .current_dir(dir)
        .env("INTERCOOP_BIND", format!("127.0.0.1:{port}"))
        .env("INTERCOOP_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let mut first_answer = None;
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = write!(
                s,
                "GET /api/intercoop/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            );
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.1 200") {
                first_answer = Some(started.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_secs(2));
    let rss = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    (first_answer.expect("serve answered"), rss)
}

fn process_figures() {
    println!("\n== intercoop serve (zero configuration, SQLite)");
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (fresh_ms, fresh_rss) = serve_once(dir.path(), port);
    let mut warm = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..5 {
        let (t, r) = serve_once(dir.path(), port);
        warm.push(t);
        rss.extend(r);
    }
    warm.sort_by(f64::total_cmp);
    println!("  start to first answered request, new database (migrations): {fresh_ms:.0} ms");
    println!(
        "  start to first answered request, existing database: median {:.0} ms over 5",
        warm[2]
    );
    rss.sort_by_key(|r| r.total);
    let median = rss.get(rss.len() / 2).copied().unwrap_or_default();
    let fresh = fresh_rss.unwrap_or_default();
    println!(
        "  idle resident memory: {} KiB on first start, {} KiB median after restarts",
        fresh.total, median.total
    );
    println!(
        "    of which the process's own (heap, stacks): {} KiB first, {} KiB median; mapped from the binary and libraries: {} KiB, {} KiB",
        fresh.anon, median.anon, fresh.file, median.file
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "Intercoop API benchmark ({} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    process_figures();
    runtime.block_on(async {
        backend_run("SQLite", TestDb::sqlite()).await;
        match std::env::var("INTERCOOP_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(url) => backend_run("PostgreSQL", TestDb::postgres(&url)).await,
            None => println!(
                "\n== PostgreSQL: not run (set INTERCOOP_TEST_DATABASE_URL, as .ci/run does)"
            ),
        }
    });
}
