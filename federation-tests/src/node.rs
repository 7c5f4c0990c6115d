use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use tokio::process::{Child, Command};

use crate::TestDb;

/// The `intercoop` binary: `INTERCOOP_BIN`, or the one `cargo test --workspace`
/// built next to this test binary.
fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("INTERCOOP_BIN") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/<test binary> -> target/<profile>/intercoop
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let bin = profile_dir.join(format!("intercoop{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not found: run `cargo test --workspace` (which builds it) or set INTERCOOP_BIN",
        bin.display()
    );
    bin
}

pub fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Where a node listens and what it calls itself.
pub struct Spec {
    name: String,
    ip: String,
    port: u16,
    public_url: Option<String>,
    /// Further `INTERCOOP_*` settings.
    settings: Vec<(String, String)>,
}

impl Spec {
    /// Node `name` on 127.0.0.`last_octet`, on a free port.
    pub fn new(name: &str, last_octet: u8) -> Spec {
        let ip = format!("127.0.0.{last_octet}");
        Spec {
            name: name.to_string(),
            port: free_port(&ip),
            ip,
            public_url: None,
            settings: Vec::new(),
        }
    }

    /// Sets `INTERCOOP_<KEY>` for the node's process.
    pub fn setting(mut self, key: &str, value: &str) -> Spec {
        self.settings.push((
            format!("INTERCOOP_{}", key.to_uppercase()),
            value.to_string(),
        ));
        self
    }

    /// The node sits behind a reverse proxy that other servers reach at
    /// `public_url`; the test still talks to the node's own listener.
    pub fn behind(mut self, public_url: &str) -> Spec {
        self.public_url = Some(public_url.to_string());
        self
    }

    /// `ip:port` of the node's own listener.
    pub fn listener(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

/// One `intercoop serve` process. Each node has its own loopback address
/// (127.0.0.x) and host name, so nodes look like separate servers.
pub struct Node {
    pub name: String,
    /// What the node advertises: `http://<name>.test:<port>` unless it sits
    /// behind a front (see [`Spec::behind`]).
    public_url: String,
    pub ip: String,
    pub port: u16,
    pub db: TestDb,
    pub http: reqwest::Client,
    /// `host=ip` for every node of its group, so they find each other.
    dev_hosts: String,
    settings: Vec<(String, String)>,
    child: Option<Child>,
}

impl Node {
    /// Starts node `name` on 127.0.0.`last_octet` and waits until it answers.
    pub async fn start(name: &str, last_octet: u8) -> Node {
        let mut nodes = Node::start_all(&[(name, last_octet)]).await;
        nodes.pop().expect("one node")
    }

    /// Starts nodes that federate with each other: each knows the others'
    /// host names (development mode resolves them to their loopback address).
    pub async fn start_all(specs: &[(&str, u8)]) -> Vec<Node> {
        let specs: Vec<Spec> = specs
            .iter()
            .map(|(name, octet)| Spec::new(name, *octet))
            .collect();
        Node::start_specs(specs, &[]).await
    }

    /// Starts one node as `spec` says; `other_hosts` (`host=ip`) are servers
    /// that are not intercoop nodes, such as an interop peer.
    pub async fn start_spec(spec: Spec, other_hosts: &[String]) -> Node {
        let mut nodes = Node::start_specs(vec![spec], other_hosts).await;
        nodes.pop().expect("one node")
    }

    /// Starts nodes as `specs` say, each knowing the others' host names.
    pub async fn start_specs(specs: Vec<Spec>, other_hosts: &[String]) -> Vec<Node> {
        let dev_hosts = specs
            .iter()
            .map(|s| format!("{}.test={}", s.name, s.ip))
            .chain(other_hosts.iter().cloned())
            .collect::<Vec<_>>()
            .join(",");
        let mut http = reqwest::Client::builder().timeout(Duration::from_secs(30));
        for s in &specs {
            http = http.resolve(
                &format!("{}.test", s.name),
                format!("{}:{}", s.ip, s.port)
                    .parse()
                    .expect("socket address"),
            );
        }
        let http = http.build().expect("client");
        let mut nodes: Vec<Node> = specs
            .into_iter()
            .map(|s| Node {
                public_url: s
                    .public_url
                    .unwrap_or_else(|| format!("http://{}.test:{}", s.name, s.port)),
                name: s.name,
                ip: s.ip,
                port: s.port,
                db: TestDb::new(),
                http: http.clone(),
                dev_hosts: dev_hosts.clone(),
                settings: s.settings,
                child: None,
            })
            .collect();
        for node in nodes.iter_mut() {
            node.launch();
        }
        for node in &nodes {
            node.wait_until_up().await;
        }
        nodes
    }

    pub fn host(&self) -> String {
        format!("{}.test", self.name)
    }

    /// The base URL the node advertises (its ids start with it).
    pub fn public_url(&self) -> String {
        self.public_url.clone()
    }

    /// The node's own listener, which the test talks to directly.
    pub fn local_url(&self) -> String {
        format!("http://{}:{}", self.host(), self.port)
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/intercoop/v1{path}", self.local_url())
    }

    fn launch(&mut self) {
        let child = Command::new(binary())
            .arg("serve")
            .env("INTERCOOP_BIND", format!("{}:{}", self.ip, self.port))
            .env("INTERCOOP_PUBLIC_URL", self.public_url())
            .env("INTERCOOP_DATABASE_URL", &self.db.url)
            .env("INTERCOOP_NODE_NAME", &self.name)
            .env(
                "INTERCOOP_LOG",
                std::env::var("FEDERATION_TEST_LOG").unwrap_or_else(|_| "error".into()),
            )
            .env("INTERCOOP_DEV_MODE", "true")
            .env("INTERCOOP_DEV_HOSTS", &self.dev_hosts)
            .envs(self.settings.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start intercoop serve");
        self.child = Some(child);
    }

    async fn spawn(&mut self) {
        self.launch();
        self.wait_until_up().await;
    }

    async fn wait_until_up(&self) {
        let health = self.api("/health");
        let http = self.http.clone();
        eventually(
            &format!("{} answers", self.name),
            Duration::from_secs(60),
            || {
                let (http, health) = (http.clone(), health.clone());
                async move {
                    match http.get(&health).send().await {
                        Ok(r) if r.status() == StatusCode::OK => Some(()),
                        _ => None,
                    }
                }
            },
        )
        .await;
    }

    /// The process's resident memory in bytes (VmRSS from /proc).
    pub fn rss_bytes(&self) -> u64 {
        let pid = self.child.as_ref().and_then(Child::id).expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS");
        kib * 1024
    }

    /// Kills the process without warning (SIGKILL).
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Freezes the process (SIGSTOP): it holds its connections but answers
    /// nothing until [`Node::resume`].
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, which: &str) {
        let pid = self.child.as_ref().and_then(Child::id).expect("running");
        let ok = std::process::Command::new("kill")
            .args([which, &pid.to_string()])
            .status()
            .expect("kill")
            .success();
        assert!(ok, "kill {which} {pid}");
    }

    /// Starts the process again on the same address and database.
    pub async fn restart(&mut self) {
        self.kill().await;
        self.spawn().await;
    }

    /// Runs an `intercoop` CLI command against this node's database.
    pub async fn cli(&self, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
        use tokio::io::AsyncWriteExt;
        let mut child = Command::new(binary())
            .args(args)
            .env("INTERCOOP_PUBLIC_URL", self.public_url())
            .env("INTERCOOP_DATABASE_URL", &self.db.url)
            .env("INTERCOOP_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run intercoop");
        if let Some(mut input) = child.stdin.take() {
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).await.expect("stdin");
            }
        }
        let out = child.wait_with_output().await.expect("wait");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Creates a coop through the CLI and signs in through the API.
    pub async fn coop(&self, handle: &str) -> String {
        let email = format!("{handle}@{}", self.host());
        let (ok, _, err) = self
            .cli(
                &[
                    "admin",
                    "create-coop",
                    handle,
                    "--name",
                    handle,
                    "--email",
                    &email,
                    "--password-stdin",
                ],
                Some("a test password\n"),
            )
            .await;
        assert!(ok, "create-coop on {}: {err}", self.name);
        self.login(&email).await
    }

    /// Signs in through the API with the password the helpers give.
    async fn login(&self, email: &str) -> String {
        let (status, body) = self
            .send(
                self.http
                    .post(self.api("/auth/login"))
                    .json(&serde_json::json!({
                        "email": email, "password": "a test password"
                    })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// A Mastodon API token for a coop made by [`Node::coop`]: an app
    /// registered, then OAuth's password grant.
    pub async fn mastodon_token(&self, handle: &str, scope: &str) -> String {
        let (status, app) = self
            .send(
                self.http
                    .post(format!("{}/api/v1/apps", self.local_url()))
                    .json(&serde_json::json!({
                        "client_name": "federation tests",
                        "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                        "scopes": scope,
                    })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{app}");
        let (status, token) = self
            .send(
                self.http
                    .post(format!("{}/oauth/token", self.local_url()))
                    .json(&serde_json::json!({
                        "grant_type": "password",
                        "client_id": app["client_id"],
                        "client_secret": app["client_secret"],
                        "username": format!("{handle}@{}", self.host()),
                        "password": "a test password",
                        "scope": scope,
                    })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{token}");
        token["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// Creates a node admin through the CLI and signs in through the API.
    pub async fn admin(&self) -> String {
        let email = format!("admin@{}", self.host());
        let (ok, _, err) = self
            .cli(
                &[
                    "admin",
                    "create-admin",
                    "--email",
                    &email,
                    "--password-stdin",
                ],
                Some("a test password\n"),
            )
            .await;
        assert!(ok, "create-admin on {}: {err}", self.name);
        self.login(&email).await
    }

    /// `host:port`, the node's domain as admins type it.
    pub fn domain(&self) -> String {
        let url = url::Url::parse(&self.public_url).expect("public url");
        match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().expect("host")),
            None => url.host_str().expect("host").to_string(),
        }
    }

    /// Deliveries waiting in this node's queue (`intercoop admin deliveries pending`).
    pub async fn pending_deliveries(&self) -> u64 {
        let (ok, out, err) = self.cli(&["admin", "deliveries", "pending"], None).await;
        assert!(ok, "deliveries pending on {}: {err}", self.name);
        out.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected output: {out}"))
    }

    /// Posts `activity` to the shared inbox, dated now and unsigned: what
    /// is refused before the signature check shows in the answer.
    pub async fn post_unsigned_to_inbox(&self, activity: &Value) -> (StatusCode, Value) {
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        self.send(
            self.http
                .post(format!("{}/inbox", self.local_url()))
                .header("Content-Type", "application/activity+json")
                .header("Date", date)
                .body(activity.to_string()),
        )
        .await
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let bytes = resp.bytes().await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.http.get(self.api(path))).await
    }

    /// GETs a federation document (`/actors/...`) as another server would.
    pub async fn get_raw(&self, path: &str) -> (StatusCode, Value) {
        self.send(
            self.http
                .get(format!("{}{path}", self.local_url()))
                .header("accept", "application/activity+json"),
        )
        .await
    }

    /// `handle@host:port`, as people on other servers type it.
    pub fn account(&self, handle: &str) -> String {
        let url = url::Url::parse(&self.public_url).expect("public url");
        let host = url.host_str().expect("public url host");
        match url.port() {
            Some(port) => format!("{handle}@{host}:{port}"),
            None => format!("{handle}@{host}"),
        }
    }

    /// A GET of the Mastodon client API (`/api/v1/...`).
    pub async fn get_mastodon(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.local_url());
        self.send(self.http.get(url).bearer_auth(token)).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(self.http.get(self.api(path)).bearer_auth(token))
            .await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(self.api(path))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    pub async fn patch_as(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .patch(self.api(path))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    pub async fn put_as(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.http.put(self.api(path)).bearer_auth(token).json(&body))
            .await
    }

    pub async fn delete_as(&self, token: &str, path: &str) -> StatusCode {
        self.send(self.http.delete(self.api(path)).bearer_auth(token))
            .await
            .0
    }
}

/// Polls `check` until it yields a value, for at most `limit`; panics with
/// `what` otherwise. Assertions across processes use this, never fixed sleeps.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    let mut delay = Duration::from_millis(20);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            started.elapsed() < limit,
            "timed out after {limit:?} waiting for: {what}"
        );
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(500));
    }
}
