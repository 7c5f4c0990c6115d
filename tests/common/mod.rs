//! Test harness: a real server on an ephemeral loopback port.
//!
//! The backend is chosen by `INTERCOOP_TEST_DATABASE_URL` (see
//! `federation_tests::TestDb`): unset, each test gets its own SQLite file;
//! set, its own throw-away PostgreSQL database. `.ci/run` runs the whole
//! suite both ways.
#![allow(dead_code)]

use std::time::Duration;

pub use federation_tests::TestDb;
use intercoop::edges::http::state::AppState;
use intercoop::infra::config::{Config, ConfigValues};
use intercoop::services::accounts::NewCoopAccount;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::sync::oneshot;

pub mod remote;
pub mod signatures;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    pub db: TestDb,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_on(TestDb::new()).await
    }

    /// Starts on an existing database (e.g. after `stop_keeping_db`).
    pub async fn start_on(db: TestDb) -> TestServer {
        TestServer::start_with(db, |_| {}).await
    }

    /// Starts with settings beyond the test defaults.
    pub async fn start_with(db: TestDb, adjust: impl FnOnce(&mut ConfigValues)) -> TestServer {
        let mut values = ConfigValues {
            public_url: Some("https://coops.test".into()),
            bind: Some("127.0.0.1:0".into()),
            database_url: Some(db.url.clone()),
            database_pool_size: Some(4),
            // Deliveries in these tests go to plain-http receivers on loopback.
            dev_mode: Some(true),
            // The stand-in remote node (common/remote.rs) has a dotted name.
            dev_hosts: Some(format!("{}=127.0.0.1", remote::NODE_HOST)),
            ..Default::default()
        };
        adjust(&mut values);
        let config = Config::from_values(values).expect("test config");
        let node = intercoop::app::server::prepare(&config)
            .await
            .expect("server state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!(
            "http://{}/api/intercoop/v1",
            listener.local_addr().expect("addr")
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let app_state = node.clone();
        let state = node.state;
        let task = tokio::spawn(async move {
            intercoop::app::server::run(app_state, listener, async {
                let _ = stopped.await;
            })
            .await
            .expect("server");
        });
        TestServer {
            base,
            state,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            stop: Some(stop),
            task: Some(task),
            db,
        }
    }

    /// Stops the server (and its delivery worker) and hands back its database.
    pub async fn stop_keeping_db(mut self) -> TestDb {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.db
    }

    /// Creates a coop with its member account (as `intercoop admin create-coop`
    /// does) and signs in through the API; returns the bearer token.
    pub async fn coop(&self, handle: &str) -> String {
        self.state
            .services
            .create_coop_account(NewCoopAccount {
                handle: handle.into(),
                display_name: format!("Coop {handle}"),
                email: format!("{handle}@coops.test"),
                password: PASSWORD.into(),
            })
            .await
            .expect("create coop");
        self.login(&format!("{handle}@coops.test"), PASSWORD).await
    }

    /// Creates a node admin (as `intercoop admin create-admin` does) and
    /// signs in; returns the bearer token.
    pub async fn admin(&self) -> String {
        self.state
            .services
            .create_admin("admin@coops.test", PASSWORD.into())
            .await
            .expect("create admin");
        self.login("admin@coops.test", PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/auth/login",
                None,
                Some(serde_json::json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// Sends a request and returns the status and the JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        read(resp).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// Sends raw bytes with a given content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        read(req.send().await.expect("request")).await
    }

    /// Where the server really listens (`http://127.0.0.1:port`), where
    /// federation routes are; its public URL is `https://coops.test`.
    pub fn origin(&self) -> String {
        self.base.trim_end_matches("/api/intercoop/v1").to_string()
    }

    /// GETs a path at the server root (federation documents, not the API)
    /// as ActivityPub; returns status, Content-Type and JSON body.
    pub async fn fetch(&self, path: &str) -> (StatusCode, String, Value) {
        let root = self.origin();
        let resp = self
            .http
            .get(format!("{root}{path}"))
            .header("accept", "application/activity+json")
            .send()
            .await
            .expect("request");
        let status = resp.status();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        (status, content_type, body)
    }

    /// The public key PEM an actor document publishes.
    pub async fn public_key_of(&self, actor_path: &str) -> String {
        let (_, _, actor) = self.fetch(actor_path).await;
        actor["publicKey"]["publicKeyPem"]
            .as_str()
            .expect("publicKeyPem")
            .to_string()
    }

    /// Publishes a proposal and returns its JSON (asserting 201).
    pub async fn publish(&self, token: &str, body: Value) -> Value {
        let (status, created) = self.post("/proposals", token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created
    }

    pub async fn stop(self) {
        self.stop_keeping_db().await;
    }
}

async fn read(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, value)
}

/// Asserts the API's error shape and code; returns the message.
pub fn assert_error(
    status: StatusCode,
    body: &Value,
    expected_status: StatusCode,
    code: &str,
) -> String {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["error"], code, "{body}");
    let message = body["message"].as_str().unwrap_or_default().to_string();
    assert!(!message.is_empty(), "error without a message: {body}");
    message
}

pub fn need(title: &str) -> Value {
    serde_json::json!({"kind": "need", "category": "human", "title": title})
}
