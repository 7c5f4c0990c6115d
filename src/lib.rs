//! Intercoop: a federated ActivityPub server for cooperatives.
//!
//! Layers, top to bottom (nothing below imports anything above):
//! - edges: [`api`] (native JSON API), [`cli`];
//! - [`services`]: the domain operations;
//! - [`store`] (diesel, rows) and [`domain`] (plain types and rules).
//!
//! See docs/architecture.md.

pub mod api;
pub mod cli;
pub mod config;
pub mod domain;
pub mod federation;
pub mod matching;
pub mod server;
pub mod services;
pub mod state;
pub mod store;
