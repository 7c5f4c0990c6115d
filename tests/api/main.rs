//! The native API through a real server on an ephemeral port, on SQLite or
//! PostgreSQL (see common/mod.rs).

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod coop;
mod edges;
mod proposals;
mod proposals_list;
