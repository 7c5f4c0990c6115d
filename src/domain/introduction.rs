//! Introductions: after a match, one coop asks to be introduced to the coop
//! behind a need or offer, with a message. The other coop accepts or
//! declines; only after an accept do both see each other's private contact
//! details. Either side may be local or on another server.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::coop::ContactDetails;
use super::proposal::{string_enum, ProposalKind};

string_enum!(
    /// Where an introduction stands. A declined one may be asked again.
    IntroductionState { Pending => "pending", Accepted => "accepted", Declined => "declined" }
);

/// One side of an introduction: a coop on this node, or an actor elsewhere
/// (its id in `remote_actors`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Party {
    Local(String),
    Remote(String),
}

impl Party {
    pub fn local_id(&self) -> Option<&str> {
        match self {
            Party::Local(id) => Some(id),
            Party::Remote(_) => None,
        }
    }

    pub fn remote_id(&self) -> Option<&str> {
        match self {
            Party::Local(_) => None,
            Party::Remote(id) => Some(id),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Introduction {
    pub id: String,
    /// The id of the FEP-0837 `Offer` that carries it.
    pub ap_id: String,
    /// The coop that asked.
    pub from: Party,
    /// The coop whose need or offer it is about.
    pub to: Party,
    pub proposal_ap_id: String,
    /// Set when the proposal is on this node.
    pub proposal_id: Option<String>,
    pub proposal_kind: ProposalKind,
    pub proposal_title: String,
    /// Plain text, as written.
    pub message: String,
    pub state: IntroductionState,
    /// The remote party's contact details as it sent them (with the `Offer`
    /// or the `Accept`); `None` when both sides are local or nothing came.
    pub contacts: Option<ContactDetails>,
    pub created_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
    /// Set when a gathering's facilitator opened it (a confirmed synergy
    /// point): then both coops accept, and it is accepted once both have.
    pub gathering_id: Option<String>,
    /// Whether the asking side accepted: at once when it asked itself.
    pub from_accepted: bool,
    /// Whether the asked side accepted.
    pub to_accepted: bool,
}

impl Introduction {
    /// Whether `coop_id` (a coop of this node) may still accept or
    /// decline: the asked coop of a pending introduction, or either coop of
    /// one a facilitator opened that it has not accepted yet.
    pub fn awaits(&self, coop_id: &str) -> bool {
        if self.state != IntroductionState::Pending {
            return false;
        }
        let asked = self.to.local_id() == Some(coop_id) && !self.to_accepted;
        let asker = self.gathering_id.is_some()
            && self.from.local_id() == Some(coop_id)
            && !self.from_accepted;
        asked || asker
    }
}

/// Which introductions of a coop to list: those it asked for, or those
/// asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}
