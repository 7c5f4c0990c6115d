//! Intercoop: a federated ActivityPub server for cooperatives.
//!
//! The folders are the layers, top to bottom; nothing below imports
//! anything above, and no edge imports another (`tests/layers.rs` checks
//! it):
//! - [`app`]: the composition root (reads the configuration, builds the
//!   layers, runs them);
//! - [`edges`]: how the world reaches the node, side by side over one
//!   shared HTTP module: the native API, the ActivityPub routes and their
//!   background tasks, the command line;
//! - [`services`]: the domain operations;
//! - [`infra`]: what services stand on: storage, wire types, the delivery
//!   queue, the outgoing HTTP client, matching, configuration;
//! - [`domain`]: plain types and rules.
//!
//! See docs/architecture.md.

pub mod app;
pub mod domain;
pub mod edges;
pub mod infra;
pub mod services;
