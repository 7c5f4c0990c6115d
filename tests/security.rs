//! The security suite's resource findings, against the real binary started
//! by the federation harness (so its resident memory can be read from /proc): what strangers can make a node
//! hold (connections, time, memory) is bounded. Loopback only; every loop
//! ends by itself.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::{Node, Spec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `intercoop serve` (through the federation harness) on 127.0.0.`octet`
/// with extra settings.
async fn start(octet: u8, settings: &[(&str, &str)]) -> Node {
    let spec = settings
        .iter()
        .fold(Spec::new("guarded", octet), |spec, (k, v)| {
            spec.setting(k, v)
        });
    Node::start_spec(spec, &[]).await
}

fn address(node: &Node) -> String {
    format!("{}:{}", node.ip, node.port)
}

fn url(node: &Node, path: &str) -> String {
    format!("http://{}/api/intercoop/v1{path}", address(node))
}

/// Reads until the server closes or `limit` passes; returns what came and
/// whether the connection ended.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into(), false),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_and_idle_connections_are_closed_and_connections_are_capped() {
    let node = start(
        60,
        &[
            ("header_timeout_secs", "2"),
            ("request_timeout_secs", "2"),
            ("idle_timeout_secs", "3"),
            ("max_connections", "4"),
        ],
    )
    .await;
    let at = address(&node);
    let enough = Duration::from_secs(10);

    // Half the headers, then silence.
    let mut half_headers = TcpStream::connect(&at).await.unwrap();
    half_headers
        .write_all(b"GET /api/intercoop/v1/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // Nothing at all.
    let mut silent = TcpStream::connect(&at).await.unwrap();
    // Headers and half the body.
    let mut half_body = TcpStream::connect(&at).await.unwrap();
    half_body
        .write_all(
            b"POST /api/intercoop/v1/auth/login HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    // A kept-alive connection gone quiet after one answer.
    let mut kept = TcpStream::connect(&at).await.unwrap();
    kept.write_all(b"GET /api/intercoop/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();

    // All four slots are held: a fifth client is not served yet.
    let mut fifth = TcpStream::connect(&at).await.unwrap();
    fifth
        .write_all(b"GET /api/intercoop/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (early, closed) = read_until_closed(&mut fifth, Duration::from_millis(800)).await;
    assert!(early.is_empty() && !closed, "served past the cap: {early}");

    let (got, closed) = read_until_closed(&mut half_headers, enough).await;
    assert!(closed, "half headers still held: {got}");
    let (got, closed) = read_until_closed(&mut silent, enough).await;
    assert!(
        closed && got.is_empty(),
        "silent connection still held: {got}"
    );
    let (got, closed) = read_until_closed(&mut half_body, enough).await;
    assert!(closed, "half body still held: {got}");
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("\"request_timeout\""), "{got}");
    let (got, closed) = read_until_closed(&mut kept, enough).await;
    assert!(closed, "idle kept-alive connection still held: {got}");
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");

    // Slots freed, the waiting client is served.
    let (got, _) = read_until_closed(&mut fifth, enough).await;
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_failed_sign_ins_from_64_clients_keeps_memory_bounded() {
    const CLIENTS: u32 = 64;
    const ATTEMPTS: u32 = 1000;
    let node = Arc::new(start(61, &[]).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = node.rss_bytes();

    let peak = Arc::new(AtomicU64::new(idle));
    let sampling = {
        let (node, peak) = (Arc::clone(&node), Arc::clone(&peak));
        tokio::spawn(async move {
            loop {
                peak.fetch_max(node.rss_bytes(), Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let (node, next) = (Arc::clone(&node), Arc::clone(&next));
            // Each client from its own address, as a botnet would be.
            let http = reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 1, (i + 2) as u8]))
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= u64::from(ATTEMPTS) {
                        return seen;
                    }
                    let resp = http
                        .post(url(&node, "/auth/login"))
                        .json(&serde_json::json!({
                            "email": format!("nobody{n}@stranger.test"),
                            "password": "a guess that is wrong"}))
                        .send()
                        .await
                        .unwrap();
                    seen.push(resp.status().as_u16());
                }
            })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    for c in clients {
        for s in c.await.unwrap() {
            *statuses.entry(s).or_default() += 1;
        }
    }
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = node.rss_bytes();
    sampling.abort();
    let peak = peak.load(Ordering::SeqCst).max(after);
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    eprintln!(
        "sign-in burst: {ATTEMPTS} attempts from {CLIENTS} clients in {took:?}; \
         statuses {statuses:?}; RSS idle {:.1} MiB, peak {:.1} MiB, after {:.1} MiB",
        mib(idle),
        mib(peak),
        mib(after)
    );
    assert_eq!(statuses.values().sum::<u32>(), ATTEMPTS);
    assert!(
        statuses.keys().all(|s| [401, 429, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(statuses.get(&401).copied().unwrap_or(0) > 0, "hashes ran");
    // Two hashing slots of 19 MiB, plus connection buffers: well under
    // 100 MiB above idle. Before the limit this burst took over 1 GB.
    let bound = 100 * 1024 * 1024;
    assert!(
        peak - idle < bound,
        "peak {} MiB above idle",
        mib(peak - idle)
    );
}
