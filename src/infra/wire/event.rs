//! A gathering on the wire: an ActivityStreams `Event` in the shape
//! Mobilizon gives its events (start and end with a named time zone, an
//! online call, `joinMode`, participant counts), so Mobilizon lists it and
//! Mastodon shows it as a post with its title, time and link; and the
//! `Join` of it, answered by `Accept` or `Reject`. Shapes and reasons:
//! docs/FEDERATION.md, "Gatherings".

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::PUBLIC;
use crate::domain::gathering::{utc, Gathering, PARTICIPANTS_MAX};

/// The call link, as an attachment.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallLink {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: &'static str,
    pub media_type: &'static str,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatheringEvent {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    /// The description, and when it happens, as HTML: what Mastodon shows.
    pub content: String,
    pub media_type: &'static str,
    /// The gathering's page.
    pub url: Url,
    pub attributed_to: Url,
    pub start_time: DateTime<FixedOffset>,
    pub end_time: DateTime<FixedOffset>,
    /// IANA name of the zone it is held in.
    pub timezone: String,
    pub is_online: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<CallLink>,
    /// `free`: a `Join` is accepted at once while registration is open.
    pub join_mode: &'static str,
    pub participant_count: i64,
    pub maximum_attendee_capacity: i64,
    /// 0 once registration is closed, full or the gathering over.
    pub remaining_attendee_capacity: i64,
    pub anonymous_participation_enabled: bool,
    pub comments_enabled: bool,
    #[serde(rename = "ical:status")]
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// What the Event says of the gathering beyond its own fields.
pub struct EventFacts {
    /// Its id, which is also its page's URL.
    pub id: Url,
    /// The organising coop's actor, or the node's.
    pub organiser: Url,
    pub organiser_followers: Url,
    pub participant_count: i64,
    /// Whether a `Join` would be accepted now.
    pub open: bool,
}

impl GatheringEvent {
    pub fn of(g: &Gathering, facts: EventFacts) -> GatheringEvent {
        let d = &g.draft;
        let content = g.announcement_html(facts.id.as_str());
        let remaining = if facts.open {
            (PARTICIPANTS_MAX - facts.participant_count).max(0)
        } else {
            0
        };
        GatheringEvent {
            context: Some(super::context::event()),
            id: facts.id.clone(),
            kind: "Event",
            name: d.title.clone(),
            content,
            media_type: "text/html",
            url: facts.id,
            attributed_to: facts.organiser,
            start_time: g.in_zone(d.starts_at),
            end_time: g.in_zone(d.ends_at),
            timezone: d.time_zone.clone(),
            is_online: true,
            attachment: d
                .call_url
                .iter()
                .map(|href| CallLink {
                    kind: "Link",
                    name: "Call",
                    media_type: "text/html",
                    href: href.clone(),
                })
                .collect(),
            join_mode: "free",
            participant_count: facts.participant_count,
            maximum_attendee_capacity: PARTICIPANTS_MAX,
            remaining_attendee_capacity: remaining,
            anonymous_participation_enabled: false,
            comments_enabled: false,
            status: "CONFIRMED",
            in_language: d.languages.first().cloned(),
            to: vec![PUBLIC.into()],
            cc: vec![facts.organiser_followers.to_string()],
            published: utc(g.created_at),
            updated: utc(g.updated_at),
        }
    }
}

/// How we answer a `Join`: `Accept` or `Reject` with the Join embedded as
/// it came (Mobilizon embeds it; others name it by id, which it carries).
pub fn answer_join(
    kind: &'static str,
    id: Url,
    actor: Url,
    join: Value,
    joiner: &Url,
    at: NaiveDateTime,
) -> super::activity::OutgoingActivity<Value> {
    super::activity::OutgoingActivity {
        context: super::context::event(),
        id,
        kind,
        actor,
        object: join,
        to: vec![joiner.to_string()],
        cc: Vec::new(),
        published: Some(utc(at)),
    }
}

/// The Join as we keep and embed it: only what identifies it.
pub fn join_object(id: &Url, actor: &Url, event: &Url) -> Value {
    serde_json::json!({"id": id, "type": "Join", "actor": actor, "object": event})
}

/// A coop's `Join` of another server's gathering, naming its delegate.
pub fn join(id: &Url, actor: &Url, event: &Url, organiser: &Url, delegate: &str) -> Value {
    serde_json::json!({
        "@context": super::context::event(),
        "id": id, "type": "Join", "actor": actor, "object": event,
        "to": [organiser], "delegate": delegate,
    })
}

/// A coop's `Leave` of another server's gathering.
pub fn leave(id: &Url, actor: &Url, event: &Url, organiser: &Url) -> Value {
    serde_json::json!({
        "@context": super::context::event(),
        "id": id, "type": "Leave", "actor": actor, "object": event, "to": [organiser],
    })
}

/// A coop's contribution to another server's gathering: a `Note` in reply
/// to the Event (a comment, to software that shows them) whose `content`
/// says what the coop is about, and whose `attachment` carries the needs
/// and offers it brings as full FEP-0837 objects, so the organiser's node
/// can pair them without fetching each.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContributionNote {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub attributed_to: Url,
    pub in_reply_to: Url,
    /// The gathering it belongs to (`as:context`).
    pub context: Url,
    pub content: String,
    pub media_type: &'static str,
    pub attachment: Vec<super::proposal::ProposalNote>,
    pub to: Vec<String>,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// `Create` (the first time) or `Update` of a contribution, to the
/// organiser.
pub fn contribution(
    kind: &'static str,
    id: Url,
    note: ContributionNote,
) -> super::activity::OutgoingActivity<ContributionNote> {
    super::activity::OutgoingActivity {
        context: super::context::proposal(),
        id,
        kind,
        actor: note.attributed_to.clone(),
        to: note.to.clone(),
        cc: Vec::new(),
        published: Some(note.updated),
        object: note,
    }
}

/// The published conclusions of a gathering: a public `Note` in reply to
/// the Event, sent to the participants of other servers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesNote {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub attributed_to: Url,
    pub in_reply_to: Url,
    pub context: Url,
    pub content: String,
    pub media_type: &'static str,
    pub url: Url,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub published: DateTime<Utc>,
}

pub fn notes(
    kind: &'static str,
    id: Url,
    note: NotesNote,
) -> super::activity::OutgoingActivity<NotesNote> {
    super::activity::OutgoingActivity {
        context: super::context::event(),
        id,
        kind,
        actor: note.attributed_to.clone(),
        to: note.to.clone(),
        cc: note.cc.clone(),
        published: Some(note.published),
        object: note,
    }
}
