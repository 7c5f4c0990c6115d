//! Talking to other servers: the HTTP client every outgoing request uses,
//! the federation policy it enforces, and the identities that sign.

pub mod client;
pub mod keys;
pub mod policy;
mod signer;

pub use signer::{Signer, StoredActivity};
