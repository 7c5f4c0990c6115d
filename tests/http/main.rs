//! Both HTTP edges (the native API and the federation documents) through a
//! real server on an ephemeral port, on SQLite or PostgreSQL (see common/mod.rs).

#[path = "../common/mod.rs"]
mod common;

mod admin_policy;
mod announce;
mod auth;
mod coop;
mod delivery;
mod directory;
mod edges;
mod federation;
mod inbox;
mod introductions;
mod matches;
mod proposals;
mod proposals_list;
