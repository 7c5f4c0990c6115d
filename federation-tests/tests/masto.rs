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

use federation_tests::client_apps::run_against_two_nodes;

#[tokio::test(flavor = "multi_thread")]
async fn masto_signs_in_follows_streams_posts_and_is_notified_across_two_nodes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("masto");
    run_against_two_nodes(
        &dir.join("node_modules/.bin/node"),
        "client.mjs",
        &dir,
        (71, 72),
    )
    .await;
}
