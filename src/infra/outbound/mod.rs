//! Talking to other servers: the HTTP client every outgoing request uses,
//! the federation policy it enforces, the identities that sign, RFC 9421
//! signatures, and which hosts take them.

pub mod client;
pub mod keys;
pub mod knocks;
pub mod policy;
pub mod rfc9421;
mod signer;

pub use signer::{Signer, StoredActivity};
