//! `cargo bench --bench security` — prints figures, asserts nothing.
//!
//! `intercoop serve` (this build; SQLite, or PostgreSQL when
//! INTERCOOP_TEST_DATABASE_URL is set) on loopback, its resident memory
//! read from /proc:
//! 1. at idle on an empty node and on a node holding 100,000 proposals;
//! 2. after 10,000 ordinary requests (16 clients);
//! 3. at the peak of 1,000 failed sign-ins from 64 clients, each on its own
//!    loopback address;
//! 4. sign-ins per second with the right password, next to the ceiling:
//!    the raw Argon2id hash rate (buffers reused, as the node does) on as
//!    many threads as the node's hashing slots (2 by default).
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::{Node, Spec};
use intercoop::domain::proposal::{Category, Proposal, ProposalDraft, ProposalKind};
use intercoop::infra::store;
use intercoop::services::accounts::NewCoopAccount;

const PASSWORD: &str = "bench password 1";

/// `intercoop serve` (this build) through the federation harness, on its
/// own database, seeded by `prepare_database` while the process is down.
async fn start_seeded(octet: u8, proposals: usize) -> Node {
    let mut node = Node::start_spec(Spec::new("bench", octet), &[]).await;
    node.kill().await;
    let t = Instant::now();
    prepare_database(&node.db.url, proposals).await;
    if proposals > 0 {
        println!(
            "  (seeded {proposals} proposals in {:.0} s)",
            t.elapsed().as_secs_f64()
        );
    }
    node.restart().await;
    // Let start-up work (the matching index) finish before measuring.
    tokio::time::sleep(Duration::from_secs(3)).await;
    node
}

fn rss_mib(node: &Node) -> f64 {
    node.rss_bytes() as f64 / (1024.0 * 1024.0)
}

fn url(node: &Node, path: &str) -> String {
    format!("http://{}:{}/api/intercoop/v1{path}", node.ip, node.port)
}

fn client_from(n: u32) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([
            127,
            0,
            2 + (n / 250) as u8,
            1 + (n % 250) as u8,
        ]))
        .build()
        .unwrap()
}

/// A database file with one coop (password `PASSWORD`) and `proposals` open proposals.
async fn prepare_database(path: &str, proposals: usize) {
    let config =
        intercoop::infra::config::Config::from_values(intercoop::infra::config::ConfigValues {
            database_url: Some(path.into()),
            log: Some("warn".into()),
            ..Default::default()
        })
        .unwrap();
    let node = intercoop::app::server::prepare(&config).await.unwrap();
    let services = node.state.services;
    let (coop, _) = services
        .create_coop_account(NewCoopAccount {
            handle: "bench".into(),
            display_name: "Bench".into(),
            email: "bench@bench.test".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let mut done = 0;
    while done < proposals {
        let batch: Vec<Proposal> = (done..(done + 2_000).min(proposals))
            .map(|i| {
                Proposal::new_open(
                    uuid::Uuid::now_v7().to_string(),
                    coop.id.clone(),
                    ProposalDraft {
                        kind: ProposalKind::ALL[i % ProposalKind::ALL.len()],
                        category: Category::ALL[i % Category::ALL.len()],
                        title: format!("Hosting and accounting help number {i}"),
                        description: format!(
                            "We look for help with servers, books and law. Ref {i}."
                        ),
                        tags: vec![format!("tag{}", i % 200)],
                        quantity: None,
                        place: Some("Rosario, AR".into()),
                        remote: i % 2 == 0,
                        deadline: None,
                    },
                    intercoop::domain::time::now(),
                )
            })
            .collect();
        done += batch.len();
        services
            .db
            .write(move |conn| {
                for p in &batch {
                    store::proposals::insert(conn, p)?;
                }
                Ok::<_, store::StoreError>(())
            })
            .await
            .unwrap();
    }
}

async fn ordinary_requests(node: &Node, total: u64) -> Duration {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let paths = [
        "/health",
        "/proposals",
        "/proposals?kind=offer",
        "/coops/bench",
    ];
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (next, http) = (Arc::clone(&next), reqwest::Client::new());
            let urls: Vec<String> = paths.iter().map(|p| url(node, p)).collect();
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= total {
                        break;
                    }
                    let r = http
                        .get(&urls[n as usize % urls.len()])
                        .send()
                        .await
                        .unwrap();
                    let _ = r.bytes().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

async fn failed_burst(node: &Arc<Node>) -> (f64, std::collections::BTreeMap<u16, u32>) {
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let (node, peak) = (Arc::clone(node), Arc::clone(&peak));
        tokio::spawn(async move {
            loop {
                peak.fetch_max(node.rss_bytes() / 1024, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let (node, next, http) = (Arc::clone(node), Arc::clone(&next), client_from(i));
            tokio::spawn(async move {
                let mut seen = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= 1_000 {
                        return seen;
                    }
                    let r = http
                        .post(url(&node, "/auth/login"))
                        .json(&serde_json::json!({"email": format!("x{n}@nowhere.test"), "password": "wrong guess"}))
                        .send()
                        .await
                        .unwrap();
                    seen.push(r.status().as_u16());
                }
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for t in tasks {
        for s in t.await.unwrap() {
            *statuses.entry(s).or_insert(0) += 1;
        }
    }
    sampler.abort();
    (peak.load(Ordering::SeqCst) as f64 / 1024.0, statuses)
}

async fn sign_ins_per_second(node: &Node, total: u32) -> f64 {
    let started = Instant::now();
    let tasks: Vec<_> = (0..4u32)
        .map(|i| {
            let (url, http) = (url(node, "/auth/login"), client_from(500 + i));
            tokio::spawn(async move {
                for _ in 0..total / 4 {
                    let r = http
                        .post(&url)
                        .json(
                            &serde_json::json!({"email": "bench@bench.test", "password": PASSWORD}),
                        )
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_success(), "{}", r.status());
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    f64::from(total) / started.elapsed().as_secs_f64()
}

/// Argon2id with the default parameters, each thread reusing one buffer
/// as the node's slots do: the rate no sign-in path can beat.
fn raw_hash_rate(threads: usize, per_thread: u32) -> f64 {
    let params = argon2::Params::default();
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let params = params.clone();
            s.spawn(move || {
                let mut memory = vec![argon2::Block::default(); params.block_count()];
                let argon = argon2::Argon2::new(
                    argon2::Algorithm::Argon2id,
                    argon2::Version::V0x13,
                    params,
                );
                let mut out = [0u8; 32];
                for n in 0..per_thread {
                    argon
                        .hash_password_into_with_memory(
                            PASSWORD.as_bytes(),
                            format!("salt of sixteen {n}").as_bytes(),
                            &mut out,
                            &mut memory,
                        )
                        .unwrap();
                }
            });
        }
    });
    f64::from(per_thread) * threads as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!("Intercoop security benchmark (resident memory of `intercoop serve`)");
        let node = Arc::new(start_seeded(70, 0).await);
        println!("  idle, empty node: {:.1} MiB", rss_mib(&node));
        let took = ordinary_requests(&node, 10_000).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "  after 10,000 ordinary requests (16 clients, {:.0}/s): {:.1} MiB",
            10_000.0 / took.as_secs_f64(),
            rss_mib(&node)
        );
        let (peak, statuses) = failed_burst(&node).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "  1,000 failed sign-ins from 64 addresses: peak {peak:.1} MiB, {:.1} MiB after; answers {statuses:?}",
            rss_mib(&node)
        );
        let rate = sign_ins_per_second(&node, 200).await;
        let ceiling = raw_hash_rate(2, 50);
        println!(
            "  sign-ins with the right password: {rate:.1}/s; ceiling, raw Argon2id hashes on 2 threads: {ceiling:.1}/s"
        );
        drop(node);

        let node = start_seeded(71, 100_000).await;
        println!(
            "  idle, 100,000 proposals (matching index in memory): {:.1} MiB",
            rss_mib(&node)
        );
    });
}
