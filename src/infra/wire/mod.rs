//! What goes over the wire to other software: ActivityPub as plain serde
//! types, and gatherings as iCalendar. Conversions from domain
//! types live beside each type; nothing here touches the database.

pub mod activity;
pub mod actor;
pub mod calendar;
pub mod collection;
pub mod context;
pub mod event;
#[cfg(test)]
mod interop_tests;
pub mod introduction;
pub mod nodeinfo;
pub mod proposal;
#[cfg(test)]
mod proptests;
pub mod received_event;
pub mod received_post;
pub mod received_proposal;
pub mod remote_actor;
pub mod webfinger;

/// The media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json";

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

pub use crate::domain::text::escape_html;

/// A link from another server's document, kept only if the node's
/// [`LinkRule`](crate::domain::urls::LinkRule) allows it; a dropped one is
/// logged so an operator can tell why a link is missing.
pub fn kept_link(rule: crate::domain::urls::LinkRule, raw: &str, what: &str) -> Option<String> {
    let kept = rule.keep(raw).map(String::from);
    if kept.is_none() {
        tracing::info!(link = %crate::domain::text::truncate_chars(raw, 200), what, "dropped a received link");
    }
    kept
}
