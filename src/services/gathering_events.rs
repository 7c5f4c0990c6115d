//! Gatherings over ActivityPub, on the organiser's side: the gathering as
//! an `Event` (served, and announced to the organiser's followers when it
//! is planned and when its registration changes), and the `Join`, `Leave`
//! and `Undo{Join}` of actors on other servers, answered with `Accept` or
//! `Reject`. The wire shapes are in infra/wire/event.rs.

use url::Url;

use super::gatherings::GatheringEntry;
use super::inbox::{check_own_note, once, Received};
use super::outbox;
use super::{new_id, ServiceError, ServiceResult, Services};
use crate::domain::gathering::{self as rules, Gathering, RemoteParticipant};
use crate::domain::remote::RemoteActor;
use crate::domain::text::{escape_html, markdown_to_safe_html, sanitize_html};
use crate::domain::urls::Urls;
use crate::domain::{limits, time};
use crate::infra::delivery::{self, NODE_SIGNER};
use crate::infra::store::remote_proposals::{self, Saved};
use crate::infra::store::{coops, gatherings, remote_actors, AnyConnection};
use crate::infra::wire::activity;
use crate::infra::wire::event::{self, EventFacts, GatheringEvent, NotesNote};
use crate::infra::wire::received_proposal::{NotAProposal, ReceivedNote};
use crate::infra::wire::PUBLIC;

/// Who speaks for a gathering on the wire: its organising coop, or the node.
struct Organiser {
    /// The delivery signer: the coop's handle, or the node's.
    signer: String,
    actor: Url,
    followers: Url,
    coop: Option<(String, String)>,
}

fn organiser(conn: &mut AnyConnection, urls: &Urls, g: &Gathering) -> ServiceResult<Organiser> {
    let coop = match &g.organiser_coop_id {
        Some(id) => coops::by_id(conn, id)?,
        None => None,
    };
    Ok(match coop {
        Some(c) => Organiser {
            signer: c.handle.clone(),
            actor: urls.actor(&c.handle),
            followers: urls.actor_part(&c.handle, "followers"),
            coop: Some((c.id, c.handle)),
        },
        None => Organiser {
            signer: NODE_SIGNER.to_string(),
            actor: urls.node_actor(),
            followers: urls.node_followers(),
            coop: None,
        },
    })
}

/// Why a `Join` would be refused now, if it would.
fn closed_because(conn: &mut AnyConnection, g: &Gathering) -> ServiceResult<Option<String>> {
    Ok(if g.is_past(time::now()) {
        Some("this gathering is over".into())
    } else if !g.registration_open {
        Some("registration for this gathering is closed".into())
    } else if gatherings::participant_count(conn, &g.id)? >= rules::PARTICIPANTS_MAX {
        Some(format!(
            "this gathering is full ({} coops)",
            rules::PARTICIPANTS_MAX
        ))
    } else {
        None
    })
}

fn event_of(conn: &mut AnyConnection, urls: &Urls, g: &Gathering) -> ServiceResult<GatheringEvent> {
    let who = organiser(conn, urls, g)?;
    let facts = EventFacts {
        id: urls.gathering(&g.id),
        organiser: who.actor,
        organiser_followers: who.followers,
        participant_count: gatherings::participant_count(conn, &g.id)?,
        open: closed_because(conn, g)?.is_none(),
    };
    Ok(GatheringEvent::of(g, facts))
}

/// Queues `Create` (when planned) or `Update` (when its registration
/// changed) of the gathering's Event for the organiser's followers, so
/// Mastodon shows it as a post and Mobilizon lists it.
pub(super) fn announce(
    conn: &mut AnyConnection,
    urls: &Urls,
    g: &Gathering,
    kind: &'static str,
) -> ServiceResult<usize> {
    let who = organiser(conn, urls, g)?;
    let mut object = event_of(conn, urls, g)?;
    object.context = None;
    let what = if kind == "Create" { "create" } else { "update" };
    let id = urls.activity_of(&object.id, what);
    let mut value = activity::public(kind, id, who.actor, &who.followers, object, g.updated_at);
    value.context = crate::infra::wire::context::event();
    let value = value.to_value();
    Ok(match &who.coop {
        Some((coop_id, handle)) => outbox::to_followers(conn, urls, coop_id, handle, &value)?,
        None => outbox::to_follower_nodes(conn, urls, &value)?,
    })
}

/// Queues `Create` (first published) or `Update` of a gathering's
/// conclusions (the notes, attendance and synergy points) to the inboxes
/// of its participants on other servers.
pub(super) fn send_notes(
    conn: &mut AnyConnection,
    urls: &Urls,
    e: &GatheringEntry,
    kind: &'static str,
) -> ServiceResult<usize> {
    let g = &e.gathering;
    let remote = gatherings::remote_participants(conn, &g.id)?;
    if remote.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = remote.iter().map(|p| p.actor_id.clone()).collect();
    let actors = remote_actors::by_ids(conn, &ids)?;
    let who = organiser(conn, urls, g)?;
    let event_id = urls.gathering(&g.id);
    let mut content = markdown_to_safe_html(&g.notes);
    let names: Vec<String> = e
        .participants
        .iter()
        .map(|p| escape_html(&format!("{} ({})", p.coop.name, p.delegate)))
        .collect();
    content.push_str(&format!("<p>Attendance: {}</p>", names.join(", ")));
    if !e.synergy_points.is_empty() {
        content.push_str("<p>Synergy points:</p><ul>");
        for s in &e.synergy_points {
            content.push_str(&format!(
                "<li>{} – {}: {} – {}</li>",
                escape_html(&s.need_coop.name),
                escape_html(&s.need.title),
                escape_html(&s.offer_coop.name),
                escape_html(&s.offer.title),
            ));
        }
        content.push_str("</ul>");
    }
    let mut note_id = event_id.clone();
    note_id.set_fragment(Some("notes"));
    let note = NotesNote {
        id: note_id,
        kind: "Note",
        name: format!("Notes: {}", g.draft.title),
        attributed_to: who.actor.clone(),
        in_reply_to: event_id.clone(),
        context: event_id.clone(),
        content,
        media_type: "text/html",
        url: event_id,
        to: vec![PUBLIC.to_string()],
        cc: actors.iter().map(|a| a.ap_id.clone()).collect(),
        published: rules::utc(g.notes_published_at.unwrap_or(g.updated_at)),
    };
    let what = if kind == "Create" { "create" } else { "update" };
    let activity = event::notes(kind, urls.activity_of(&note.id, what), note);
    let mut inboxes: Vec<Url> = actors
        .iter()
        .filter_map(|a| Url::parse(a.delivery_inbox()).ok())
        .collect();
    inboxes.sort();
    inboxes.dedup();
    Ok(delivery::enqueue(
        conn,
        &who.signer,
        &activity.to_value(),
        &inboxes,
    )?)
}

/// Queues the `Accept` or `Reject` of a `Join` to the joiner's inbox.
fn answer(
    conn: &mut AnyConnection,
    urls: &Urls,
    g: &Gathering,
    kind: &'static str,
    join: serde_json::Value,
    joiner: &RemoteActor,
) -> ServiceResult<usize> {
    let who = organiser(conn, urls, g)?;
    let joiner_id = Url::parse(&joiner.ap_id)
        .map_err(|_| ServiceError::invalid("actor", "its id is not a URL"))?;
    let inbox = Url::parse(joiner.delivery_inbox())
        .map_err(|_| ServiceError::invalid("actor", "its inbox is not a URL"))?;
    let what = if kind == "Accept" {
        "accepts"
    } else {
        "rejects"
    };
    let reply = event::answer_join(
        kind,
        urls.activity_of(&who.actor, what),
        who.actor,
        join,
        &joiner_id,
        time::now(),
    );
    Ok(delivery::enqueue(
        conn,
        &who.signer,
        &reply.to_value(),
        &[inbox],
    )?)
}

/// The delegate a `Join` names, or the actor's own name.
fn delegate_of(named: Option<&str>, actor: &RemoteActor) -> String {
    let fallback = if actor.display_name.trim().is_empty() {
        actor.username.as_str()
    } else {
        actor.display_name.as_str()
    };
    named
        .and_then(|d| rules::delegate(d).ok())
        .or_else(|| rules::delegate(fallback).ok())
        .unwrap_or_else(|| actor.username.chars().take(rules::DELEGATE_MAX).collect())
}

impl Services {
    /// A gathering as its `Event`, for servers that fetch it.
    pub async fn gathering_event(&self, id: &str) -> ServiceResult<GatheringEvent> {
        let (urls, id) = (self.urls.clone(), id.to_string());
        self.db
            .read(move |conn| {
                let g = gatherings::by_id(conn, &id)?
                    .ok_or_else(|| ServiceError::NotFound("no gathering with that id".into()))?;
                event_of(conn, &urls, &g)
            })
            .await
    }

    /// `Join` of one of our gatherings by an actor of another server: it
    /// registers (naming its `delegate`, or speaking for itself) and gets
    /// `Accept`; or `Reject` when the gathering is over, closed or full.
    /// Joining again is accepted again, and changes nothing.
    pub async fn receive_join(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        event: &Url,
        delegate: Option<String>,
    ) -> ServiceResult<Received> {
        let Some(gathering_id) = self.urls.gathering_of(event) else {
            return Ok(Received::Ignored(format!(
                "{event} is not a gathering here"
            )));
        };
        let (urls, actor, join_id) = (self.urls.clone(), actor.clone(), activity_id.clone());
        let event = event.clone();
        once(self, activity_id, move |conn| {
            let g = gatherings::by_id(conn, &gathering_id)?
                .ok_or_else(|| ServiceError::NotFound("no gathering with that id".into()))?;
            let joiner = Url::parse(&actor.ap_id)
                .map_err(|_| ServiceError::invalid("actor", "its id is not a URL"))?;
            let join = event::join_object(&join_id, &joiner, &event);
            if gatherings::remote_participant(conn, &g.id, &actor.id)?.is_some() {
                let queued = answer(conn, &urls, &g, "Accept", join, &actor)?;
                return Ok((Received::Applied, queued));
            }
            if let Some(why) = closed_because(conn, &g)? {
                tracing::info!(gathering = %g.id, actor = %actor.ap_id, %why, "join refused");
                let queued = answer(conn, &urls, &g, "Reject", join, &actor)?;
                return Ok((Received::Applied, queued));
            }
            gatherings::add_remote_participant(
                conn,
                &RemoteParticipant {
                    gathering_id: g.id.clone(),
                    actor_id: actor.id.clone(),
                    join_ap_id: join_id.to_string(),
                    delegate: delegate_of(delegate.as_deref(), &actor),
                    joined_at: time::now(),
                    about_html: String::new(),
                    proposals: Vec::new(),
                    contributed_at: None,
                },
            )?;
            let queued = answer(conn, &urls, &g, "Accept", join, &actor)?;
            Ok((Received::Applied, queued))
        })
        .await
    }

    /// `Leave` of one of our gatherings, or `Undo` of the `Join`: the actor
    /// withdraws. Only its own registration; none is no change.
    pub async fn receive_leave(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        event: Option<Url>,
        join: Option<Url>,
    ) -> ServiceResult<Received> {
        let gathering_id = event.as_ref().and_then(|e| self.urls.gathering_of(e));
        let actor = actor.clone();
        once(self, activity_id, move |conn| {
            let registered = match (&gathering_id, &join) {
                (Some(id), _) => gatherings::remote_participant(conn, id, &actor.id)?,
                (None, Some(join)) => gatherings::remote_participant_by_join(conn, join.as_str())?,
                (None, None) => None,
            };
            match registered {
                Some(p) if p.actor_id == actor.id => {
                    gatherings::remove_remote_participant(conn, &p.gathering_id, &actor.id)?;
                    Ok((Received::Applied, 0))
                }
                Some(_) => Err(ServiceError::Forbidden(
                    "an actor can only withdraw its own registration".into(),
                )),
                None => Ok((Received::Ignored("not registered".into()), 0)),
            }
        })
        .await
    }
}

impl Services {
    /// A registered participant's contribution to the rounds of one of our
    /// gatherings: a Note in reply to its Event, whose content says what
    /// the participant is about and whose attachments are its needs and
    /// offers (its own, on its origin), kept as received proposals while it
    /// takes part. Until the deadline for contributions; not once it is over.
    pub async fn receive_contribution(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        event: &Url,
        note: ReceivedNote,
    ) -> ServiceResult<Received> {
        let Some(gathering_id) = self.urls.gathering_of(event) else {
            return Ok(Received::Ignored(format!(
                "{event} is not a gathering here"
            )));
        };
        check_own_note(actor, &note)?;
        let content = note.content.clone().unwrap_or_default();
        if content.len() > limits::REMOTE_CONTENT_MAX {
            return Err(ServiceError::invalid("object.content", "is too long"));
        }
        let attached = match &note.attachment {
            serde_json::Value::Array(items) => items.clone(),
            serde_json::Value::Null => Vec::new(),
            one => vec![one.clone()],
        };
        super::gatherings::check_brought_count(attached.len())?;
        let mut brought = Vec::new();
        for item in attached {
            let p: ReceivedNote = serde_json::from_value(item)
                .map_err(|e| ServiceError::invalid("object.attachment", e.to_string()))?;
            check_own_note(actor, &p)?;
            match p.into_proposal(new_id(), actor.id.clone(), time::now(), self.links) {
                Ok(p) => brought.push(p),
                Err(NotAProposal::Ignored) => {}
                Err(NotAProposal::Invalid(m)) => {
                    return Err(ServiceError::invalid("object.attachment", m))
                }
            }
        }
        let actor = actor.clone();
        once(self, activity_id, move |conn| {
            let g = gatherings::by_id(conn, &gathering_id)?
                .ok_or_else(|| ServiceError::NotFound("no gathering with that id".into()))?;
            let now = time::now();
            if g.is_past(now) {
                return Err(ServiceError::Conflict("this gathering is over".into()));
            }
            if g.draft.contributions_until.is_some_and(|until| until < now) {
                return Err(ServiceError::Conflict(
                    "contributions to this gathering are closed".into(),
                ));
            }
            if gatherings::remote_participant(conn, &g.id, &actor.id)?.is_none() {
                return Err(ServiceError::Forbidden(
                    "only actors registered for this gathering contribute to it".into(),
                ));
            }
            let mut ids = Vec::new();
            for p in &brought {
                if remote_proposals::save_if_followed(conn, p)? == Saved::OtherOwner {
                    return Err(ServiceError::Forbidden(
                        "an attached proposal belongs to another actor".into(),
                    ));
                }
                if let Some(stored) = remote_proposals::by_ap_id(conn, &p.ap_id)? {
                    ids.push(stored.id);
                }
            }
            let about = sanitize_html(&content);
            gatherings::contribute_remote(conn, &g.id, &actor.id, &about, &ids, now)?;
            Ok((Received::Applied, 0))
        })
        .await
    }
}
