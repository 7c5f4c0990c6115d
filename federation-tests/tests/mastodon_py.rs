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

use federation_tests::client_apps::run_against_two_nodes;

#[tokio::test(flavor = "multi_thread")]
async fn mastodon_py_signs_in_follows_posts_and_is_notified_across_two_nodes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("mastodon_py");
    run_against_two_nodes(&dir.join(".venv/bin/python"), "client.py", &dir, (61, 62)).await;
}
