//! What the services stand on. Each part imports only `domain` and the
//! parts listed in `tests/layers.rs`:
//! - [`store`]: the database (rows stay inside it);
//! - [`wire`]: the ActivityPub documents we send and read;
//! - [`delivery`]: the durable queue of outgoing activities and its worker;
//! - [`outbound`]: the HTTP client for other servers, the federation
//!   policy it enforces, and signing identities;
//! - [`matching`]: the matching engine (no I/O);
//! - [`config`]: the node's settings.

pub mod config;
pub mod delivery;
pub mod matching;
pub mod outbound;
pub mod store;
pub mod wire;
