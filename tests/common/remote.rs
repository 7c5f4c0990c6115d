//! A stand-in for another fediverse server on loopback: it serves
//! Mastodon-shaped actor documents and WebFinger, records what is posted to
//! its inboxes, and signs activities (draft-cavage, RSA-SHA256) the way
//! Mastodon does, so our inbox can be driven with real signatures.
//!
//! Started with [`Remote::start_node`], it answers as [`NODE_HOST`], and an
//! actor named `node` is the server's own `Application` actor (WebFinger
//! `acct:host@host` finds it, as on Mastodon), so a node can follow it.
//! Objects the test registers are served at `/objects/{n}`.
//!
//! Started with [`Remote::start_strict`], it behaves like Mastodon in secure
//! mode (authorized fetch) or GoToSocial: actor and object documents only to
//! signed GETs, and every signature (GET or inbox POST) must cover
//! `(request-target) host date` (and `digest`), checked with an independent
//! verifier (`signatures.rs`) against the signer's key, fetched over HTTP.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use base64::Engine as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::signatures;

/// The name a stand-in node answers as; test servers resolve it to loopback.
pub const NODE_HOST: &str = "remote-node.test";

pub struct Person {
    pub name: String,
    pub public_key_pem: String,
    pub private_key_pem: String,
}

/// What a remote server received: path and JSON body.
pub type Delivered = (String, Value);

pub struct Remote {
    pub port: u16,
    host: String,
    pub people: Arc<Vec<Person>>,
    /// Display names served for each actor (tests change them).
    names: Arc<Mutex<Vec<String>>>,
    got: Arc<Mutex<Vec<Delivered>>>,
    objects: Arc<Mutex<std::collections::HashMap<String, Value>>>,
    /// Fields added to actor documents, by actor name.
    extra: Arc<Mutex<std::collections::HashMap<String, Value>>>,
    /// Actor documents served, and how long each answer is held back.
    actor_gets: Arc<std::sync::atomic::AtomicUsize>,
    actor_delay_ms: Arc<std::sync::atomic::AtomicU64>,
    gate: Gate,
    task: tokio::task::JoinHandle<()>,
}

/// The signature check of a strict server (none when not strict).
#[derive(Clone, Default)]
struct Gate {
    strict: bool,
    /// A public origin of a test node and where it really listens, so the
    /// key of `https://coops.test/actor#main-key` can be fetched.
    key_origins: Arc<Mutex<Vec<(String, String)>>>,
    refusals: Arc<Mutex<Vec<String>>>,
    /// Method and signed headers of each request that passed.
    passed: Arc<Mutex<Vec<(String, String)>>>,
}

impl Gate {
    /// Ok when the request may go on; the reason it may not otherwise.
    async fn check(
        &self,
        method: &str,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        body: Option<&[u8]>,
    ) -> Result<(), String> {
        if !self.strict {
            return Ok(());
        }
        let outcome = self.verify(method, uri, headers, body).await;
        if let Err(why) = &outcome {
            self.refusals
                .lock()
                .unwrap()
                .push(format!("{method} {uri}: {why}"));
        }
        outcome
    }

    async fn verify(
        &self,
        method: &str,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        body: Option<&[u8]>,
    ) -> Result<(), String> {
        let header = headers
            .get("signature")
            .and_then(|v| v.to_str().ok())
            .ok_or("Request not signed")?;
        let params = signatures::parse(header)?;
        signatures::strict_coverage(&params, body.is_some())?;
        if !signatures::date_is_recent(headers) {
            return Err("Date header missing or too far from now".into());
        }
        if let Some(body) = body {
            if !signatures::digest_matches(headers, body) {
                return Err("Digest does not match the body".into());
            }
        }
        let key = self.public_key(&params.key_id).await?;
        let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        signatures::verify(method, target, headers, &params, &key)?;
        self.passed
            .lock()
            .unwrap()
            .push((method.to_string(), params.headers.join(" ")));
        Ok(())
    }

    async fn public_key(&self, key_id: &str) -> Result<String, String> {
        let mut url = key_id.split('#').next().unwrap_or_default().to_string();
        for (public, real) in self.key_origins.lock().unwrap().iter() {
            if let Some(rest) = url.strip_prefix(public.as_str()) {
                url = format!("{real}{rest}");
            }
        }
        let doc: Value = reqwest::Client::new()
            .get(&url)
            .header("accept", "application/activity+json")
            .send()
            .await
            .map_err(|e| format!("cannot fetch key {url}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("key document {url} is not JSON: {e}"))?;
        doc["publicKey"]["publicKeyPem"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no publicKeyPem in {url}"))
    }
}

fn not_signed(why: String) -> axum::response::Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "error": why }).to_string(),
    )
        .into_response()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl Remote {
    /// Starts a server with one actor per name, as `localhost`.
    pub async fn start(names: &[&str]) -> Remote {
        Remote::start_as("localhost", names, Gate::default()).await
    }

    /// Starts a server named [`NODE_HOST`]; name one actor `node`.
    pub async fn start_node(names: &[&str]) -> Remote {
        Remote::start_as(NODE_HOST, names, Gate::default()).await
    }

    /// Starts a server, as `localhost`, that behaves like Mastodon's secure
    /// mode (see the module comment).
    pub async fn start_strict(names: &[&str]) -> Remote {
        let gate = Gate {
            strict: true,
            ..Gate::default()
        };
        Remote::start_as("localhost", names, gate).await
    }

    async fn start_as(host: &str, names: &[&str], gate: Gate) -> Remote {
        let people: Vec<Person> = names
            .iter()
            .map(|n| {
                let keys = activitypub_federation::http_signatures::generate_actor_keypair()
                    .expect("keys");
                Person {
                    name: n.to_string(),
                    public_key_pem: keys.public_key,
                    private_key_pem: keys.private_key,
                }
            })
            .collect();
        let people = Arc::new(people);
        let display: Arc<Mutex<Vec<String>>> =
            Arc::new(Mutex::new(names.iter().map(|n| n.to_uppercase()).collect()));
        let got: Arc<Mutex<Vec<Delivered>>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let base = format!("http://{host}:{port}");
        let domain = format!("{host}:{port}");

        let extra: Arc<Mutex<std::collections::HashMap<String, Value>>> = Arc::default();
        let actor_gets: Arc<std::sync::atomic::AtomicUsize> = Arc::default();
        let actor_delay_ms: Arc<std::sync::atomic::AtomicU64> = Arc::default();
        let (p, d, b, x) = (people.clone(), display.clone(), base.clone(), extra.clone());
        let (g, gets, delay) = (gate.clone(), actor_gets.clone(), actor_delay_ms.clone());
        let actor = move |Path(name): Path<String>,
                          uri: axum::http::Uri,
                          headers: axum::http::HeaderMap| {
            let (p, d, b, x, g) = (p.clone(), d.clone(), b.clone(), x.clone(), g.clone());
            let (gets, delay) = (gets.clone(), delay.clone());
            async move {
                if let Err(why) = g.check("GET", &uri, &headers, None).await {
                    return not_signed(why);
                }
                gets.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let ms = delay.load(std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                let Some(i) = p.iter().position(|x| x.name == name) else {
                    return StatusCode::NOT_FOUND.into_response();
                };
                let display = d.lock().unwrap()[i].clone();
                let mut doc = person_document(&b, &p[i], &display);
                if let Some(Value::Object(fields)) = x.lock().unwrap().get(&name) {
                    for (k, v) in fields {
                        doc[k] = v.clone();
                    }
                }
                (
                    [(header::CONTENT_TYPE, "application/activity+json")],
                    doc.to_string(),
                )
                    .into_response()
            }
        };
        let (p, b) = (people.clone(), base.clone());
        let webfinger = move |Query(q): Query<std::collections::HashMap<String, String>>| {
            let (p, b, domain) = (p.clone(), b.clone(), domain.clone());
            async move {
                let resource = q.get("resource").cloned().unwrap_or_default();
                let mut name = resource
                    .trim_start_matches("acct:")
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if name == domain {
                    name = "node".into();
                }
                if !p.iter().any(|x| x.name == name) {
                    return StatusCode::NOT_FOUND.into_response();
                }
                let jrd = json!({
                    "subject": resource,
                    "links": [{"rel": "self", "type": "application/activity+json",
                               "href": format!("{b}/users/{name}")}]
                });
                (
                    [(header::CONTENT_TYPE, "application/jrd+json")],
                    jrd.to_string(),
                )
                    .into_response()
            }
        };
        let (record, g) = (got.clone(), gate.clone());
        let inbox = move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: Bytes| {
            let (record, g) = (record.clone(), g.clone());
            async move {
                if let Err(why) = g.check("POST", &uri, &headers, Some(&body)).await {
                    return not_signed(why);
                }
                let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                record.lock().unwrap().push((uri.path().to_string(), value));
                StatusCode::ACCEPTED.into_response()
            }
        };
        let objects: Arc<Mutex<std::collections::HashMap<String, Value>>> = Arc::default();
        let (served, g) = (objects.clone(), gate.clone());
        let object =
            move |Path(n): Path<String>, uri: axum::http::Uri, headers: axum::http::HeaderMap| {
                let (served, g) = (served.clone(), g.clone());
                async move {
                    if let Err(why) = g.check("GET", &uri, &headers, None).await {
                        return not_signed(why);
                    }
                    match served.lock().unwrap().get(&n) {
                        Some(Value::Null) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
                        Some(doc) => (
                            [(header::CONTENT_TYPE, "application/activity+json")],
                            doc.to_string(),
                        )
                            .into_response(),
                        None => StatusCode::NOT_FOUND.into_response(),
                    }
                }
            };
        let app = axum::Router::new()
            .route("/users/{name}", get(actor))
            .route("/objects/{n}", get(object))
            .route("/.well-known/webfinger", get(webfinger))
            .route("/users/{name}/inbox", post(inbox.clone()))
            .route("/inbox", post(inbox));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Remote {
            port,
            host: host.to_string(),
            people,
            names: display,
            got,
            objects,
            extra,
            actor_gets,
            actor_delay_ms,
            gate,
            task,
        }
    }

    /// How many times an actor document was served.
    pub fn actor_gets(&self) -> usize {
        self.actor_gets.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Holds back every actor document this long (a slow server).
    pub fn slow_actors(&self, delay: std::time::Duration) {
        self.actor_delay_ms.store(
            delay.as_millis() as u64,
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    /// Keys named under `public` (a test node's public origin) are fetched
    /// from `real` (where it listens).
    pub fn fetch_keys_of(&self, public: &str, real: &str) {
        self.gate
            .key_origins
            .lock()
            .unwrap()
            .push((public.to_string(), real.to_string()));
    }

    /// Method and signed headers of each signed request a strict server
    /// accepted.
    pub fn passed(&self) -> Vec<(String, String)> {
        self.gate.passed.lock().unwrap().clone()
    }

    /// What a strict server refused, and why.
    pub fn refusals(&self) -> Vec<String> {
        self.gate.refusals.lock().unwrap().clone()
    }

    /// Adds `field` to the actor document of `name` from now on.
    pub fn set_actor_field(&self, name: &str, field: &str, value: Value) {
        let mut extra = self.extra.lock().unwrap();
        let fields = extra.entry(name.to_string()).or_insert_with(|| json!({}));
        fields[field] = value;
    }

    /// Serves `doc` at `/objects/{n}` from now on (`null`: answers 503).
    pub fn serve_object(&self, n: u32, doc: Value) {
        self.objects.lock().unwrap().insert(n.to_string(), doc);
    }

    pub fn object_url(&self, n: u32) -> String {
        format!("{}/objects/{n}", self.base())
    }

    /// `host:port`, as a node follow names this server.
    pub fn domain(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.domain())
    }

    pub fn actor(&self, name: &str) -> String {
        format!("{}/users/{name}", self.base())
    }

    pub fn account(&self, name: &str) -> String {
        format!("{name}@{}", self.domain())
    }

    pub fn set_display_name(&self, name: &str, display: &str) {
        let i = self.person_index(name);
        self.names.lock().unwrap()[i] = display.to_string();
    }

    fn person_index(&self, name: &str) -> usize {
        self.people
            .iter()
            .position(|p| p.name == name)
            .expect("person")
    }

    pub fn person(&self, name: &str) -> &Person {
        &self.people[self.person_index(name)]
    }

    /// The actor document as served now.
    pub fn document(&self, name: &str) -> Value {
        let i = self.person_index(name);
        let display = self.names.lock().unwrap()[i].clone();
        person_document(&self.base(), &self.people[i], &display)
    }

    pub fn received(&self) -> Vec<Delivered> {
        self.got.lock().unwrap().clone()
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A Mastodon-shaped `Person`.
fn person_document(base: &str, p: &Person, display: &str) -> Value {
    let id = format!("{base}/users/{}", p.name);
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                     {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#"}],
        "id": id,
        "type": if p.name == "node" { "Application" } else { "Person" },
        "following": format!("{id}/following"),
        "followers": format!("{id}/followers"),
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "preferredUsername": p.name,
        "name": display,
        "summary": "<p>Worker-owned <script>alert(1)</script>studio</p>",
        "url": format!("{base}/@{}", p.name),
        "manuallyApprovesFollowers": false,
        "discoverable": true,
        "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": p.public_key_pem},
        "endpoints": {"sharedInbox": format!("{base}/inbox")}
    })
}

/// How to sign a request; every field can be spoiled for a test.
pub struct Signing<'a> {
    pub key_pem: &'a str,
    pub key_id: String,
    pub date: SystemTime,
    /// Replaces the correct Digest header.
    pub digest: Option<String>,
    pub sign: bool,
    pub send_date: bool,
    /// The headers the signature covers, in order.
    pub covers: Vec<&'static str>,
}

impl<'a> Signing<'a> {
    pub fn as_person(remote: &Remote, name: &str, key_of: &'a Person) -> Signing<'a> {
        Signing {
            key_pem: &key_of.private_key_pem,
            key_id: format!("{}#main-key", remote.actor(name)),
            date: SystemTime::now(),
            digest: None,
            sign: true,
            send_date: true,
            covers: vec!["(request-target)", "host", "date", "digest"],
        }
    }
}

/// The Host, Date, Digest, Content-Type and Signature headers for POSTing
/// `body` to `url` (Date and Signature left out when `s` says so).
pub fn signed_headers(url: &str, body: &[u8], s: &Signing<'_>) -> Vec<(&'static str, String)> {
    signed_request_headers("post", url, body, s)
}

/// The same for a request with `method` (lower case).
pub fn signed_request_headers(
    method: &str,
    url: &str,
    body: &[u8],
    s: &Signing<'_>,
) -> Vec<(&'static str, String)> {
    let parsed = url::Url::parse(url).expect("url");
    let host = format!(
        "{}:{}",
        parsed.host_str().unwrap_or_default(),
        parsed.port().unwrap_or(80)
    );
    let date = httpdate::fmt_http_date(s.date);
    let digest = s
        .digest
        .clone()
        .unwrap_or_else(|| format!("SHA-256={}", b64(&Sha256::digest(body))));
    let signing_string = s
        .covers
        .iter()
        .map(|h| match *h {
            "(request-target)" => match parsed.query() {
                Some(q) => format!("(request-target): {method} {}?{q}", parsed.path()),
                None => format!("(request-target): {method} {}", parsed.path()),
            },
            "host" => format!("host: {host}"),
            "date" => format!("date: {date}"),
            "digest" => format!("digest: {digest}"),
            "content-type" => "content-type: application/activity+json".to_string(),
            other => panic!("the stand-in does not sign {other}"),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(s.key_pem).expect("private key");
    let signature = SigningKey::<Sha256>::new(key).sign(signing_string.as_bytes());
    let mut headers = vec![
        ("host", host),
        ("digest", digest),
        ("content-type", "application/activity+json".to_string()),
    ];
    if s.send_date {
        headers.push(("date", date));
    }
    if s.sign {
        headers.push((
            "signature",
            format!(
                "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{}\"",
                s.key_id,
                s.covers.join(" "),
                b64(&signature.to_bytes())
            ),
        ));
    }
    headers
}

/// GETs `url` signed as `s` says (cover `(request-target) host date`);
/// returns the status and the JSON body.
pub async fn get_signed(http: &reqwest::Client, url: &str, s: &Signing<'_>) -> (StatusCode, Value) {
    let req = http.get(url).header("accept", "application/activity+json");
    send_signed(req, signed_request_headers("get", url, b"", s)).await
}

/// POSTs `body` to `url` with Host, Date, Digest and Signature headers.
pub async fn post_signed(
    http: &reqwest::Client,
    url: &str,
    body: &[u8],
    s: &Signing<'_>,
) -> (StatusCode, Value) {
    let req = http.post(url).body(body.to_vec());
    send_signed(req, signed_headers(url, body, s)).await
}

/// Sends `req` with `headers`; the status and the JSON body (Null if none).
async fn send_signed(
    mut req: reqwest::RequestBuilder,
    headers: Vec<(&'static str, String)>,
) -> (StatusCode, Value) {
    for (name, value) in headers {
        req = req.header(name, value);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
