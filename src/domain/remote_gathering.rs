//! A gathering of another server that coops of this node joined, as its
//! `Event` was read from its origin, and each coop's registration for it.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq)]
pub struct RemoteGathering {
    pub id: String,
    /// The Event's id.
    pub ap_id: String,
    /// Its `remote_actors` id.
    pub organiser_actor_id: String,
    pub title: String,
    /// Sanitised HTML.
    pub content_html: String,
    /// Its page, when the Event names one the link rule keeps.
    pub url: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// IANA name, when the Event gives a known one.
    pub time_zone: Option<String>,
    pub call_url: Option<String>,
    /// The conclusions the organiser published (sanitised HTML).
    pub notes_html: Option<String>,
    pub notes_at: Option<NaiveDateTime>,
    pub fetched_at: NaiveDateTime,
}

crate::domain::proposal::string_enum!(
    /// Where a coop's `Join` of another server's gathering stands.
    JoinState { Pending => "pending", Accepted => "accepted", Rejected => "rejected" }
);

/// A coop of this node registered for another server's gathering.
#[derive(Debug, Clone, PartialEq)]
pub struct GatheringJoin {
    pub remote_gathering_id: String,
    pub coop_id: String,
    /// The id of the `Join` we sent.
    pub join_ap_id: String,
    pub delegate: String,
    pub state: JoinState,
    /// Its contribution, as it last sent it: Markdown …
    pub about: String,
    /// … and the ids of its own proposals it brings.
    pub proposals: Vec<String>,
    pub contributed_at: Option<NaiveDateTime>,
    pub joined_at: NaiveDateTime,
}
