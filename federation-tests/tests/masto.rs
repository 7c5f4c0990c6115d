//! Interop with masto (npm), the Mastodon client library behind Elk and
//! Phanpy, which we did not write: it drives two real nodes the way a
//! Mastodon app does, its streaming client included (see
//! `masto/client.mjs` for the steps).
//!
//! Needs `npm ci` in `federation-tests/masto` first, so it only builds with
//! the `masto` feature: `.ci/run` does both.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;
use std::time::Duration;

use federation_tests::Node;
use tokio::process::Command;

/// The whole script's bound: its own waits are 30 s each.
const SCRIPT_LIMIT: Duration = Duration::from_secs(600);

#[tokio::test(flavor = "multi_thread")]
async fn masto_signs_in_follows_streams_posts_and_is_notified_across_two_nodes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("masto");
    let node_bin = dir.join("node_modules/.bin/node");
    assert!(
        node_bin.exists(),
        "{} is missing: run `npm ci` in {}",
        node_bin.display(),
        dir.display()
    );
    let nodes = Node::start_all(&[("alpha", 71), ("beta", 72)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    alpha.coop("giver").await;
    let seeker = beta.coop("seeker").await;
    let resolve = format!("alpha.test={},beta.test={}", alpha.ip, beta.ip);
    let run = Command::new(&node_bin)
        .arg("client.mjs")
        .current_dir(&dir)
        .env("ALPHA", alpha.public_url())
        .env("BETA", beta.public_url())
        .env("RESOLVE", resolve)
        .env("PASSWORD", "a test password")
        .env("ALPHA_EMAIL", format!("giver@{}", alpha.host()))
        .env("BETA_EMAIL", format!("seeker@{}", beta.host()))
        .env("BETA_NATIVE_TOKEN", &seeker)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(SCRIPT_LIMIT, run)
        .await
        .expect("the masto script finished in time")
        .expect("run the masto script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("all steps passed"),
        "masto failed:\n{stdout}\n{stderr}"
    );
}
