//! `cargo bench --bench federation` — prints figures, asserts nothing.
//!
//! On SQLite always; on PostgreSQL too when INTERCOOP_TEST_DATABASE_URL names
//! a role that may create databases. Everything runs on loopback, client and
//! servers in this one process. Figures:
//! 1. inbound: signed `Create(Note)` activities accepted per second by the
//!    inbox, draft-cavage then RFC 9421 signed, beside the raw RSA-2048
//!    verify rate of the same crypto library (and of OpenSSL's own
//!    `openssl speed`, when that command is installed);
//! 2. outbound: one proposal fanned out to 1,000 follower servers, time to
//!    fully delivered and deliveries per second, beside the raw signing rate;
//! 3. lag: publish on alpha to visible on beta, median and p95.
//!
//! `cargo bench --bench federation -- inbound` (or `outbound`, `lag`) runs
//! only the parts named.
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

// The stand-in remote server and signer of the integration tests, and
// the independent signature verifier it uses.
#[path = "../tests/common/remote.rs"]
#[allow(dead_code)]
mod remote;
#[path = "../tests/common/signatures.rs"]
#[allow(dead_code)]
mod signatures;

use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::TestDb;
use intercoop::domain::remote::{Follow, RemoteActor};
use intercoop::edges::http::state::AppState;
use intercoop::infra::config::{Config, ConfigValues};
use intercoop::infra::store;
use intercoop::services::accounts::NewCoopAccount;
use remote::{signed_headers, Remote, Signing};
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use serde_json::{json, Value};
use sha2::Sha256;

/// A body and the signed headers to POST it with.
type SignedRequest = (Vec<u8>, Vec<(&'static str, String)>);

struct Node {
    state: AppState,
    root: String,
    http: reqwest::Client,
    _db: TestDb,
}

/// A node listening on 127.0.0.1 with `host` as its public host name.
async fn node(db: TestDb, host: &str, dev_hosts: &str) -> Node {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = Config::from_values(ConfigValues {
        public_url: Some(format!("http://{host}:{port}")),
        bind: Some(format!("127.0.0.1:{port}")),
        database_url: Some(db.url.clone()),
        log: Some("error".into()),
        dev_mode: Some(true),
        dev_hosts: Some(dev_hosts.to_string()),
        ..Default::default()
    })
    .expect("config");
    let node = intercoop::app::server::prepare(&config).await.unwrap();
    let served = node.clone();
    let state = node.state;
    tokio::spawn(async move {
        intercoop::app::server::run(served, listener, std::future::pending()).await
    });
    Node {
        state,
        root: format!("http://127.0.0.1:{port}"),
        http: reqwest::Client::new(),
        _db: db,
    }
}

impl Node {
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
        let resp: Value = self
            .http
            .post(format!("{}/api/intercoop/v1/auth/login", self.root))
            .json(&json!({"email": format!("{handle}@bench.test"), "password": "bench password"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (coop.id, resp["token"].as_str().unwrap().to_string())
    }

    async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}/api/intercoop/v1{path}", self.root))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }
}

/// Operations per second of `op` over `threads` OS threads for `per_thread` rounds each.
fn rate(threads: usize, per_thread: usize, op: impl Fn() + Send + Sync + 'static) -> f64 {
    let op = Arc::new(op);
    let t = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let op = op.clone();
            std::thread::spawn(move || (0..per_thread).for_each(|_| op()))
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    (threads * per_thread) as f64 / t.elapsed().as_secs_f64()
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// RSA-2048 verifications per second of OpenSSL on every core, from its
/// own benchmark (`openssl speed`, machine-readable), when the command is
/// installed: the ceiling issue 23 compares the inbox with.
fn openssl_verify_rate() -> Option<f64> {
    let out = std::process::Command::new("openssl")
        .args(["speed", "-seconds", "2", "-mr", "-multi"])
        .arg(cores().to_string())
        .arg("rsa2048")
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    // The summed line: `+F2:<count>:2048:<sign/s>:<verify/s>`.
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rev().find(|l| l.starts_with("+F2:"))?;
    line.split(':').nth(4)?.trim().parse().ok()
}

fn crypto_ceilings(remote: &Remote) -> (f64, f64) {
    let person = remote.person("ana");
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(&person.private_key_pem).unwrap();
    let public = rsa::RsaPublicKey::from_public_key_pem(&person.public_key_pem).unwrap();
    let message = b"(request-target): post /inbox\nhost: bench.test\ndate: x\ndigest: y".to_vec();
    let signing = SigningKey::<Sha256>::new(private);
    let signature = signing.sign(&message);
    let verifying = VerifyingKey::<Sha256>::new(public);
    let m = message.clone();
    let sig = signature.to_vec();
    let rsa_crate = rate(cores(), 2_000, move || {
        verifying.verify(&m, &signature).unwrap();
    });
    // What the node does per request: read the key's PEM, verify with
    // aws-lc-rs.
    let pem = person.public_key_pem.clone();
    let m = message.clone();
    let verify = rate(cores(), 10_000, move || {
        intercoop::infra::outbound::keys::verify_rsa_sha256(&pem, &m, &sig).unwrap();
    });
    let openssl = openssl_verify_rate().map_or_else(
        || "OpenSSL: its command was not found or not understood".to_string(),
        |r| format!("{r:.0}/s with OpenSSL (`openssl speed rsa2048`)"),
    );
    println!(
        "  RSA-2048 verify on {} cores: {verify:.0}/s as the node does it (aws-lc-rs, key read from PEM), {rsa_crate:.0}/s with the rsa crate, {openssl}",
        cores()
    );
    let sign = rate(cores(), 100, move || {
        let _ = signing.sign(&message);
    });
    (verify, sign)
}

/// How the inbound benchmark's activities are signed.
#[derive(Clone, Copy, PartialEq)]
enum Signed {
    DraftCavage,
    Rfc9421,
}

/// RFC 9421 headers for POSTing `body` to the inbox at `public` (the URL
/// the signature names), as `person`.
fn rfc9421_headers(
    public: &str,
    body: &[u8],
    key_id: &str,
    key_pem: &str,
) -> Vec<(&'static str, String)> {
    use intercoop::infra::outbound::rfc9421;
    let target = url::Url::parse(public).unwrap();
    let digest = rfc9421::content_digest(body);
    let lookup = |h: &str| (h == "content-digest").then(|| digest.clone());
    let request = rfc9421::Request {
        method: "POST",
        target: &target,
        header: &lookup,
    };
    let (input, signature) = rfc9421::sign(
        &request,
        true,
        key_id,
        key_pem,
        chrono::Utc::now().timestamp(),
    )
    .unwrap();
    vec![
        ("content-type", "application/activity+json".to_string()),
        ("content-digest", digest),
        ("signature-input", input),
        ("signature", signature),
    ]
}

async fn inbound(name: &str, db: TestDb, remote: &Remote, verify_ceiling: f64, how: Signed) {
    let n = node(db, "coops.bench", "").await;
    let (_, token) = n.coop("fiqus").await;
    // fiqus follows ana, and ana accepts, so her proposals are kept.
    n.api(
        reqwest::Method::POST,
        "/follows",
        &token,
        Some(json!({"account": remote.account("ana")})),
    )
    .await;
    let follow = loop {
        if let Some((_, f)) = remote
            .received()
            .into_iter()
            .find(|(_, a)| a["type"] == "Follow")
        {
            break f;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let person = remote.person("ana");
    let inbox = format!("{}/inbox", n.root);
    let public_inbox = format!("{}inbox", n.state.config.public_url);
    let key_id = format!("{}#main-key", remote.actor("ana"));
    let send = |body: Vec<u8>| {
        let headers = match how {
            Signed::DraftCavage => {
                signed_headers(&inbox, &body, &Signing::as_person(remote, "ana", person))
            }
            Signed::Rfc9421 => {
                rfc9421_headers(&public_inbox, &body, &key_id, &person.private_key_pem)
            }
        };
        (body, headers)
    };
    let accept = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/accepts/1", remote.base()), "type": "Accept",
        "actor": remote.actor("ana"), "object": follow});
    let (body, headers) = send(accept.to_string().into_bytes());
    let mut req = n.http.post(&inbox).body(body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    assert_eq!(req.send().await.unwrap().status(), 202);
    // fiqus needs what the burst's offers give, and asks to be told of
    // every match: each offer is one notification.
    n.api(
        reqwest::Method::PUT,
        "/matches/settings",
        &token,
        Some(json!({"prefer_stage_pairing": false, "notify_min_score": 0.0})),
    )
    .await;
    n.api(
        reqwest::Method::POST,
        "/proposals",
        &token,
        Some(
            json!({"kind": "need", "category": "technical", "title": "Hosting for a coop",
                    "tags": ["hosting"]}),
        ),
    )
    .await;
    let notified = || async {
        n.state
            .services
            .db
            .read(|c| {
                use diesel::prelude::*;
                #[derive(QueryableByName)]
                struct Count {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                diesel::sql_query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM match_notifications")
                    .get_result::<Count>(c)
                    .map(|r| r.n)
                    .map_err(store::StoreError::from)
            })
            .await
            .unwrap()
    };

    let total = 4_000;
    let signed: Vec<SignedRequest> = (0..total)
        .map(|i| {
            let object = format!("{}/objects/{i}", remote.base());
            let activity = json!({"@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{object}/activity"), "type": "Create", "actor": remote.actor("ana"),
                "object": {"id": object, "type": "Note", "attributedTo": remote.actor("ana"),
                    "purpose": if i % 2 == 0 { "offer" } else { "request" },
                    "name": format!("Proposal {i}"), "content": "<p>Hosting for a coop</p>",
                    "tag": [{"type": "Hashtag", "name": "#hosting"}],
                    "publishes": {"type": "Intent", "action": "transfer",
                        "resourceClassifiedAs": ["https://x.example/ns/categories#technical"],
                        "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": "1"}}}});
            send(activity.to_string().into_bytes())
        })
        .collect();
    let queue = Arc::new(std::sync::Mutex::new(signed));
    let clients = 16;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (queue, http, inbox) = (queue.clone(), n.http.clone(), inbox.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let next = queue.lock().unwrap().pop();
                let Some((body, headers)) = next else { break };
                let mut req = http.post(&inbox).body(body);
                for (k, v) in headers {
                    req = req.header(k, v);
                }
                let status = req.send().await.unwrap().status();
                assert_eq!(status, 202);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    // From the last 202 until every notification the burst causes is
    // recorded (bounded: the figure says so if they are not all there).
    let offers = (total / 2) as i64;
    let waited = Instant::now();
    let mut told = notified().await;
    while told < offers && waited.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        told = notified().await;
    }
    let notify_time = waited.elapsed();
    let kept = n
        .state
        .services
        .db
        .read(|c| {
            use diesel::prelude::*;
            store::schema::remote_proposals::table
                .count()
                .get_result::<i64>(c)
                .map_err(store::StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(kept, total as i64);
    println!(
        "  [{name}] inbound ({}): {:>6.0} signed Create(Note)/s accepted and stored ({total} activities, {clients} clients); verify ceiling {verify_ceiling:.0}/s on {} cores",
        match how {
            Signed::DraftCavage => "draft-cavage",
            Signed::Rfc9421 => "RFC 9421",
        },
        total as f64 / elapsed.as_secs_f64(),
        cores()
    );
    println!(
        "  [{name}] match notifications of that burst: {told} of {offers} recorded {:.2} s after the last 202",
        notify_time.as_secs_f64()
    );
}

async fn outbound(name: &str, db: TestDb, sign_ceiling: f64) {
    let followers = 1_000;
    // One receiver; 1,000 host names that all resolve to it.
    let got = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = got.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            axum::http::StatusCode::ACCEPTED
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let hosts: Vec<String> = (0..followers).map(|i| format!("f{i}.bench")).collect();
    let dev_hosts = hosts
        .iter()
        .map(|h| format!("{h}=127.0.0.1"))
        .collect::<Vec<_>>()
        .join(",");
    let n = node(db, "alpha.bench", &dev_hosts).await;
    let (coop_id, token) = n.coop("fiqus").await;
    let now = intercoop::domain::time::now();
    let rows: Vec<RemoteActor> = hosts
        .iter()
        .map(|h| RemoteActor {
            id: uuid_like(h),
            ap_id: format!("http://{h}:{port}/users/u"),
            kind: "Person".into(),
            username: "u".into(),
            host: format!("{h}:{port}"),
            display_name: "u".into(),
            summary_html: String::new(),
            url: None,
            inbox: format!("http://{h}:{port}/users/u/inbox"),
            shared_inbox: Some(format!("http://{h}:{port}/inbox")),
            public_key_pem: String::new(),
            country: None,
            languages: Vec::new(),
            stage: None,
            fetched_at: now,
        })
        .collect();
    n.state
        .services
        .db
        .write(move |c| {
            for a in &rows {
                store::remote_actors::upsert(c, a)?;
                store::follows::followers::upsert(
                    c,
                    &Follow {
                        coop_id: coop_id.clone(),
                        actor_id: a.id.clone(),
                        follow_ap_id: format!("{}#f", a.ap_id),
                        accepted: true,
                        created_at: now,
                    },
                )?;
            }
            Ok::<_, store::StoreError>(())
        })
        .await
        .unwrap();
    let started = Instant::now();
    n.api(
        reqwest::Method::POST,
        "/proposals",
        &token,
        Some(json!({"kind": "offer", "category": "technical", "title": "Hosting"})),
    )
    .await;
    while got.load(std::sync::atomic::Ordering::SeqCst) < followers
        || n.state.services.pending_deliveries().await.unwrap() > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "fan-out did not finish"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    println!(
        "  [{name}] outbound: 1 proposal to {followers} follower servers fully delivered in {:.2} s = {:.0} deliveries/s; raw RSA-2048 signing ceiling {sign_ceiling:.0}/s on {} cores",
        elapsed.as_secs_f64(),
        followers as f64 / elapsed.as_secs_f64(),
        cores()
    );
}

fn uuid_like(seed: &str) -> String {
    format!("bench-{seed}")
}

async fn lag(name: &str, alpha_db: TestDb, beta_db: TestDb) {
    let hosts = "alpha.bench=127.0.0.1,beta.bench=127.0.0.1";
    let alpha = node(alpha_db, "alpha.bench", hosts).await;
    let beta = node(beta_db, "beta.bench", hosts).await;
    let (_, fiqus) = alpha.coop("fiqus").await;
    let (_, cotech) = beta.coop("cotech").await;
    let alpha_port = alpha.root.rsplit(':').next().unwrap().to_string();
    beta.api(
        reqwest::Method::POST,
        "/follows",
        &cotech,
        Some(json!({"account": format!("fiqus@alpha.bench:{alpha_port}")})),
    )
    .await;
    loop {
        let page = beta
            .api(reqwest::Method::GET, "/follows", &cotech, None)
            .await;
        if page["items"].as_array().is_some_and(|i| !i.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let rounds = 50;
    let mut times = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let title = format!("Lag probe {i}");
        let t = Instant::now();
        alpha
            .api(
                reqwest::Method::POST,
                "/proposals",
                &fiqus,
                Some(json!({"kind": "need", "category": "work", "title": title})),
            )
            .await;
        loop {
            let page = beta
                .api(
                    reqwest::Method::GET,
                    "/remote-proposals?limit=1",
                    &cotech,
                    None,
                )
                .await;
            if page["items"][0]["title"] == title.as_str() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        times.push(t.elapsed());
    }
    times.sort();
    let pick = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "  [{name}] lag, publish on alpha to visible on beta: median {:.1} ms, p95 {:.1} ms ({rounds} proposals)",
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.95).as_secs_f64() * 1000.0
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let remote = Remote::start(&["ana"]).await;
        let (verify, sign) = crypto_ceilings(&remote);
        // TestDb::new() would follow the variable for both runs; name each.
        let pg_admin = std::env::var("INTERCOOP_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty());
        let mut backends = vec!["sqlite"];
        if pg_admin.is_some() {
            backends.push("postgres");
        }
        let db = |name: &str| match (name, &pg_admin) {
            ("postgres", Some(admin)) => TestDb::postgres(admin),
            _ => TestDb::sqlite(),
        };
        // `cargo bench --bench federation -- inbound lag` runs only those parts.
        let only: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect();
        let part = |p: &str| only.is_empty() || only.iter().any(|o| o == p);
        for name in backends {
            println!("\n== {name}");
            if part("inbound") {
                inbound(name, db(name), &remote, verify, Signed::DraftCavage).await;
                inbound(name, db(name), &remote, verify, Signed::Rfc9421).await;
            }
            if part("outbound") {
                outbound(name, db(name), sign).await;
            }
            if part("lag") {
                lag(name, db(name), db(name)).await;
            }
        }
    });
}
