//! The durable delivery queue against a real receiver on loopback that
//! checks every request's Digest and HTTP signature on its own.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use federation_tests::eventually;
use intercoop::infra::delivery;
use serde_json::{json, Value};
use url::Url;

use crate::common::{signatures, TestServer};

#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// An inbox server: records what it gets; answers 503 to the first
/// `fail_first` requests; takes `delay` over each answer, and records the
/// most requests it had in hand at once.
pub(crate) struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    /// (in hand now, most at once)
    gauge: Arc<Mutex<(usize, usize)>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub(crate) async fn start(port: u16, fail_first: usize) -> Receiver {
        Receiver::start_slow(port, fail_first, Duration::ZERO).await
    }

    async fn start_slow(port: u16, fail_first: usize, delay: Duration) -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let gauge: Arc<Mutex<(usize, usize)>> = Arc::default();
        let failures = Arc::new(Mutex::new(fail_first));
        let (record, counting) = (got.clone(), gauge.clone());
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let (record, failures, counting) =
                    (record.clone(), failures.clone(), counting.clone());
                async move {
                    {
                        let mut g = counting.lock().unwrap();
                        g.0 += 1;
                        g.1 = g.1.max(g.0);
                    }
                    tokio::time::sleep(delay).await;
                    counting.lock().unwrap().0 -= 1;
                    {
                        let mut left = failures.lock().unwrap();
                        if *left > 0 {
                            *left -= 1;
                            return StatusCode::SERVICE_UNAVAILABLE;
                        }
                    }
                    record.lock().unwrap().push(Received {
                        path: uri.path().to_string(),
                        headers,
                        body,
                    });
                    StatusCode::ACCEPTED
                }
            },
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            port,
            got,
            gauge,
            task,
        }
    }

    fn most_at_once(&self) -> usize {
        self.gauge.lock().unwrap().1
    }

    pub(crate) fn inbox(&self, path: &str) -> Url {
        // A host name, not an IP literal: the library refuses IP-only URLs.
        Url::parse(&format!("http://localhost:{}{path}", self.port)).unwrap()
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Checks the signature with the independent verifier, as Mastodon's
/// secure mode would; returns the keyId if it verifies.
fn verify_signature(r: &Received, public_key_pem: &str) -> Result<String, String> {
    let header = r.headers["signature"].to_str().unwrap();
    let params = signatures::parse(header)?;
    signatures::strict_coverage(&params, true)?;
    signatures::verify("POST", &r.path, &r.headers, &params, public_key_pem)?;
    Ok(params.key_id)
}

fn digest_matches(r: &Received) -> bool {
    signatures::digest_matches(&r.headers, &r.body)
}

pub(crate) async fn queue(
    s: &TestServer,
    signer: &str,
    activity: Value,
    inboxes: Vec<Url>,
) -> usize {
    let signer = signer.to_string();
    let n = s
        .state
        .services
        .db
        .write(move |c| delivery::enqueue(c, &signer, &activity, &inboxes))
        .await
        .unwrap();
    s.state.services.delivery_wake.notify_one();
    n
}

pub(crate) fn activity(n: u32) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("https://coops.test/activities/{n}"),
        "type": "Create",
        "actor": "https://coops.test/actors/fiqus",
        "object": {"id": format!("https://coops.test/proposals/{n}"), "type": "Note", "content": "hi"}
    })
}

async fn wait_for(receiver: &Receiver, n: usize) -> Vec<Received> {
    eventually(
        &format!("{n} deliveries received"),
        Duration::from_secs(30),
        || async {
            let got = receiver.received();
            (got.len() >= n).then_some(got)
        },
    )
    .await
}

/// Every queued delivery, due or not.
pub(crate) async fn queued(s: &TestServer) -> Vec<intercoop::infra::store::deliveries::Due> {
    let later = intercoop::domain::time::now() + chrono::Duration::days(30);
    s.state
        .services
        .db
        .read(move |c| intercoop::infra::store::deliveries::due(c, later, 100))
        .await
        .unwrap()
}

async fn wait_queue_empty(s: &TestServer) {
    eventually("the queue empties", Duration::from_secs(30), || async {
        (s.state.services.pending_deliveries().await.unwrap() == 0).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_inbox_gets_one_signed_copy() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    s.coop("cotech").await;
    let receiver = Receiver::start(0, 0).await;
    let shared = receiver.inbox("/inbox");
    // Two followers behind the same shared inbox cost one delivery.
    let n = queue(
        &s,
        "fiqus",
        activity(1),
        vec![shared.clone(), shared, receiver.inbox("/users/ana/inbox")],
    )
    .await;
    assert_eq!(n, 2);
    let got = wait_for(&receiver, 2).await;
    wait_queue_empty(&s).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 2, "nothing is sent twice");

    let actor_pem = s.public_key_of("/actors/fiqus").await;
    let other_pem = s.public_key_of("/actors/cotech").await;
    let mut paths: Vec<&str> = got.iter().map(|r| r.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["/inbox", "/users/ana/inbox"]);
    for r in &got {
        assert_eq!(r.headers["content-type"], "application/activity+json");
        assert!(digest_matches(r), "Digest is the body's SHA-256");
        // Exactly what docs/FEDERATION.md ("Delivery") says is signed.
        let params = signatures::parse(r.headers["signature"].to_str().unwrap()).unwrap();
        assert_eq!(
            params.headers,
            ["(request-target)", "content-type", "date", "digest", "host"]
        );
        assert!(
            signatures::date_is_recent(&r.headers),
            "a current Date header"
        );
        assert_eq!(r.headers["host"], format!("localhost:{}", receiver.port));
        assert_eq!(
            verify_signature(r, &actor_pem).unwrap(),
            "https://coops.test/actors/fiqus#main-key"
        );
        assert!(
            verify_signature(r, &other_pem).is_err(),
            "another actor's key must not verify it"
        );
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body, activity(1), "the stored activity goes out unchanged");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_node_actor_signs_its_own_activities() {
    let s = TestServer::start().await;
    let receiver = Receiver::start(0, 0).await;
    queue(
        &s,
        delivery::NODE_SIGNER,
        activity(2),
        vec![receiver.inbox("/inbox")],
    )
    .await;
    let got = wait_for(&receiver, 1).await;
    let node_pem = s.public_key_of("/actor").await;
    let key_id = verify_signature(&got[0], &node_pem).unwrap();
    assert_eq!(key_id, "https://coops.test/actor#main-key");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_delivery_is_retried_on_schedule() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let receiver = Receiver::start(0, 1).await;
    queue(&s, "fiqus", activity(3), vec![receiver.inbox("/inbox")]).await;
    // The first attempt gets 503; the row waits ~30 s for its retry.
    eventually(
        "the first attempt is recorded as failed",
        Duration::from_secs(30),
        || async {
            queued(&s)
                .await
                .first()
                .filter(|d| d.attempts == 1)
                .map(|_| ())
        },
    )
    .await;
    assert!(receiver.received().is_empty());
    let due_now = s
        .state
        .services
        .db
        .read(|c| intercoop::infra::store::deliveries::due(c, intercoop::domain::time::now(), 10))
        .await
        .unwrap();
    assert!(
        due_now.is_empty(),
        "the retry is scheduled for later, not now"
    );
    // An operator's "retry now" makes it due at once.
    assert_eq!(
        s.state.services.retry_deliveries_now(None).await.unwrap(),
        1
    );
    wait_for(&receiver, 1).await;
    wait_queue_empty(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_deliveries_survive_a_restart() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    // A port with nobody listening: every attempt fails to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = Url::parse(&format!("http://localhost:{port}/inbox")).unwrap();
    for n in 10..15 {
        queue(&s, "fiqus", activity(n), vec![down.clone()]).await;
    }
    eventually("first attempts fail", Duration::from_secs(30), || async {
        let rows = queued(&s).await;
        (rows.len() == 5 && rows.iter().all(|d| d.attempts >= 1)).then_some(())
    })
    .await;
    let db = s.stop_keeping_db().await;

    let receiver = Receiver::start(port, 0).await;
    let s = TestServer::start_on(db).await;
    assert_eq!(
        s.state.services.pending_deliveries().await.unwrap(),
        5,
        "nothing was lost"
    );
    s.state
        .services
        .retry_deliveries_now(Some(format!("localhost:{port}")))
        .await
        .unwrap();
    let got = wait_for(&receiver, 5).await;
    let mut ids: Vec<String> = got
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "each activity arrives");
    wait_queue_empty(&s).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn at_most_two_sends_are_in_flight_to_one_host() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let receiver = Receiver::start_slow(0, 0, Duration::from_millis(300)).await;
    let inboxes: Vec<Url> = (0..6)
        .map(|i| receiver.inbox(&format!("/users/{i}/inbox")))
        .collect();
    assert_eq!(queue(&s, "fiqus", activity(20), inboxes).await, 6);
    wait_for(&receiver, 6).await;
    assert_eq!(
        receiver.most_at_once(),
        2,
        "delivery_concurrency_per_host defaults to 2"
    );
    wait_queue_empty(&s).await;
    s.stop().await;
}
