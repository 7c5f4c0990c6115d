//! ActivityPub: wire types (what goes over the network) and the routes that
//! serve them. See docs/FEDERATION.md for the shapes and the reasons.

pub mod backfill;
pub mod client;
pub mod delivery;
pub mod fetch;
pub mod routes;
pub mod urls;
pub mod wire;

/// The media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json";
