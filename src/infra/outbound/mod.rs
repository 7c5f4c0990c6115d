//! Talking to other servers: the HTTP client every outgoing request uses,
//! the federation policy it enforces, and the identities that sign.

pub mod client;
mod signer;

pub use signer::{Signer, StoredActivity};
