//! Both HTTP edges (the native API and the federation documents) through a
//! real server on an ephemeral port, on SQLite or PostgreSQL (see common/mod.rs).
// Test code: a broken expectation stops the test loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "../common/mod.rs"]
mod common;

mod admin_policy;
mod announce;
mod auth;
mod authorized_fetch;
mod coop;
mod delivery;
mod directory;
mod edges;
mod federation;
mod gathering_federation;
mod gatherings;
mod hostile_input;
mod inbox;
mod inbox_headers;
mod introductions;
mod mastodon_accounts;
mod mastodon_admin;
mod mastodon_gatherings;
mod mastodon_home_posts;
mod mastodon_notifications;
mod mastodon_oauth;
mod mastodon_search;
mod mastodon_statuses;
mod mastodon_streaming;
mod matches;
mod proposal_authors;
mod proposals;
mod proposals_list;
mod strict_remote;
mod web_admin;
mod web_circles;
mod web_client;
mod web_map;
mod web_pages;
mod web_sessions;
mod web_settings;
mod web_workspace;
mod wire_snapshots;
