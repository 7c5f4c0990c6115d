//! Talking to other servers: the HTTP client every outgoing request uses,
//! the federation policy it enforces, the identities that sign, RFC 9421
//! signatures, which hosts take them, and one fetch for many askers.

pub mod client;
pub mod keys;
pub mod knocks;
pub mod policy;
pub mod rfc9421;
mod signer;
pub mod single_flight;

pub use signer::{Signer, StoredActivity};
