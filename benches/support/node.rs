//! A node for a benchmark: prepared on a throw-away database, then served
//! on a loopback port.

use federation_tests::TestDb;
use intercoop::app::server::Node;
use intercoop::infra::config::{Config, ConfigValues};

/// A node at `https://bench.test` on `db`, migrated, not serving yet.
pub async fn prepared(db: &TestDb) -> Node {
    let config = Config::from_values(ConfigValues {
        public_url: Some("https://bench.test".into()),
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(db.url.clone()),
        log: Some("warn".into()),
        ..Default::default()
    })
    .expect("config");
    intercoop::app::server::prepare(&config)
        .await
        .expect("prepare")
}

/// Serves `node` on a free loopback port: its root URL, and the task to
/// abort at the end.
pub async fn serve(node: &Node) -> (String, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let root = format!("http://{}", listener.local_addr().expect("addr"));
    let served = node.clone();
    let server = tokio::spawn(async move {
        intercoop::app::server::run(served, listener, std::future::pending()).await
    });
    (root, server)
}
