//! Harness for tests that run real `intercoop` processes.
//!
//! - [`TestDb`]: a database for one test, SQLite by default or a throw-away
//!   PostgreSQL database when `INTERCOOP_TEST_DATABASE_URL` is set (the
//!   server crate's own integration tests use it too);
//! - [`Node`]: one `intercoop serve` process with its own database and host
//!   name on loopback, driven only through its public HTTP interface.
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

pub mod client_apps;
mod db;
mod node;
pub mod steps;

pub use db::TestDb;
pub use node::{eventually, free_port, Node, Spec};
