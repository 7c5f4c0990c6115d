//! The edges: how people, apps and other servers reach the node. They are
//! siblings: none imports another. The HTTP ones share [`http`].

pub mod activitypub;
pub mod api;
pub mod cli;
pub mod http;
pub mod mastodon;
pub mod web;
