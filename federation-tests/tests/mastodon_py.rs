//! Interop with a Mastodon client library we did not write: Mastodon.py
//! (PyPI), with requests-oauthlib for PKCE, drives two real nodes the way a
//! Mastodon app does (see `mastodon_py/client.py` for the steps).
//!
//! Needs the virtual environment `.ci/run` makes (`mastodon_py/.venv`, from
//! `requirements.txt`), so it only builds with the `mastodon-py` feature.
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
async fn mastodon_py_signs_in_follows_posts_and_is_notified_across_two_nodes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("mastodon_py");
    let python = dir.join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: make the virtual environment as .ci/run does",
        python.display()
    );
    let nodes = Node::start_all(&[("alpha", 61), ("beta", 62)]).await;
    let (alpha, beta) = (&nodes[0], &nodes[1]);
    let giver = alpha.coop("giver").await;
    let seeker = beta.coop("seeker").await;
    let resolve = format!("alpha.test={},beta.test={}", alpha.ip, beta.ip);
    let run = Command::new(&python)
        .arg("client.py")
        .current_dir(&dir)
        .env("ALPHA", alpha.public_url())
        .env("BETA", beta.public_url())
        .env("RESOLVE", resolve)
        .env("PASSWORD", "a test password")
        .env("ALPHA_EMAIL", format!("giver@{}", alpha.host()))
        .env("BETA_EMAIL", format!("seeker@{}", beta.host()))
        .env("ALPHA_NATIVE_TOKEN", &giver)
        .env("BETA_NATIVE_TOKEN", &seeker)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(SCRIPT_LIMIT, run)
        .await
        .expect("the Mastodon.py script finished in time")
        .expect("run the Mastodon.py script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("all steps passed"),
        "Mastodon.py failed:\n{stdout}\n{stderr}"
    );
}
