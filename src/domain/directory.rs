//! What the federated directory lists: coops and open needs and offers,
//! local and from other nodes, as a listing shows them.

use chrono::NaiveDateTime;

use super::proposal::{Category, ProposalKind};
use super::remote::Reciprocal;

/// An open need or offer.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalEntry {
    /// Its id here (local and remote proposals have ids of their own).
    pub id: String,
    /// The node it comes from (`host[:port]`); `None` for this node.
    pub node: Option<String>,
    pub handle: String,
    pub coop_name: String,
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    pub tags: Vec<String>,
    /// The ActivityPub id of a remote proposal.
    pub ap_id: Option<String>,
    /// The ActivityPub id of a remote proposal's coop.
    pub coop_ap_id: Option<String>,
    pub published_at: NaiveDateTime,
    /// What a remote proposal asks or gives in return (FEP-0837).
    pub reciprocal: Option<Reciprocal>,
}

impl ProposalEntry {
    pub fn is_local(&self) -> bool {
        self.node.is_none()
    }
}

/// A coop (or a remote actor listed as one).
#[derive(Debug, Clone, PartialEq)]
pub struct CoopEntry {
    pub id: String,
    /// The node it lives on (`host[:port]`); `None` for this node.
    pub node: Option<String>,
    pub handle: String,
    pub name: String,
    /// ISO 3166-1 code.
    pub country: Option<String>,
    /// BCP 47 tags.
    pub languages: Vec<String>,
    /// The ActivityPub id of a remote coop.
    pub ap_id: Option<String>,
    /// Its ActivityPub actor type: `Organization` for coops here; a remote
    /// author of needs and offers may be a `Person`, a `Service` ...
    pub actor_type: String,
}
