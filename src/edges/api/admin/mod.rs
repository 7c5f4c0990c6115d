//! Node administration, for node admins only: local coops, other nodes, the federation
//! policy (mode, allows, blocks and block lists), the run-time settings,
//! and the record of admin actions.

pub mod actions;
pub mod coops;
pub mod nodes;
pub mod policy;
pub mod settings;

use crate::domain::node::normalize_domain;
use crate::services::ServiceError;

/// A domain from a path or body, as an admin typed it.
fn domain(input: &str) -> Result<String, ServiceError> {
    normalize_domain(input)
        .map_err(|m| ServiceError::Invalid(crate::domain::ValidationError::new("domain", m)))
}
