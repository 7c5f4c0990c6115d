//! What received activities do. The federation edge has already checked the
//! signature, the digest and the date, and resolved the signing actor; these
//! operations apply the origin rules and the effects, each in one
//! transaction that also records the activity id, so a redelivered activity
//! changes nothing.

use url::Url;

use super::follows::answer_follow;
use super::nodes::{answer_node_follow, approval};
use super::notifications::notify;
use super::{new_id, ServiceError, ServiceResult, Services};
use crate::domain::node::{NodeApproval, NodeFollower};
use crate::domain::notification::NotificationKind;
use crate::domain::policy::Verdict;
use crate::domain::remote::{Follow, RemoteActor};
use crate::domain::time;
use crate::domain::urls::{same_origin, LinkRule};
use crate::infra::store::follows::{followers, following};
use crate::infra::store::nodes;
use crate::infra::store::remote_proposals::Saved;
use crate::infra::store::{
    coops, received, remote_actors, remote_gatherings, remote_posts, remote_proposals,
    AnyConnection,
};
use crate::infra::wire::activity::FollowObject;
use crate::infra::wire::received_post::NotKept;
use crate::infra::wire::received_proposal::{attributed_to, NotAProposal, ReceivedNote};
use crate::infra::wire::remote_actor::RemoteActorDocument;

/// What an accepted activity did.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    Applied,
    /// Its id was seen before.
    Duplicate,
    /// Valid, but nothing here needs it (a plain post, an unknown object ...).
    Ignored(String),
}

fn forbidden(message: impl Into<String>) -> ServiceError {
    ServiceError::Forbidden(message.into())
}

/// Runs `apply` unless the activity was seen before, in one transaction.
/// Inbox writes come in bursts: on PostgreSQL several share a commit
/// (`Db::write_grouped`), each still all-or-nothing.
pub(super) async fn once<F>(
    services: &Services,
    activity_id: &Url,
    apply: F,
) -> ServiceResult<Received>
where
    F: FnOnce(&mut AnyConnection) -> ServiceResult<(Received, usize)> + Send + 'static,
{
    let id = activity_id.to_string();
    let (outcome, queued) = services
        .db
        .write_grouped(move |conn| {
            if !received::first_time(conn, &id, time::now())? {
                return Ok((Received::Duplicate, 0));
            }
            apply(conn)
        })
        .await?;
    services.wake_delivery(queued);
    Ok(outcome)
}

/// The local coop a URL names, if any.
fn local_coop(
    conn: &mut AnyConnection,
    urls: &crate::domain::urls::Urls,
    actor: &Url,
) -> ServiceResult<Option<crate::domain::coop::Coop>> {
    match urls.handle_of(actor) {
        Some(handle) => Ok(coops::by_handle(conn, &handle)?),
        None => Ok(None),
    }
}

impl Services {
    /// `Follow`: accepted at once, or kept pending when the coop approves
    /// followers by hand.
    pub async fn receive_follow(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        object: &Url,
    ) -> ServiceResult<Received> {
        let (urls, actor, object, follow_id) = (
            self.urls.clone(),
            actor.clone(),
            object.clone(),
            activity_id.to_string(),
        );
        // Follows from a limited domain wait for approval, whatever the setting.
        let limited = self.policy.verdict(&actor.host) == Verdict::Limit;
        once(self, activity_id, move |conn| {
            if object == urls.node_actor() {
                return node_follow(conn, &urls, &actor, follow_id, limited);
            }
            let coop = local_coop(conn, &urls, &object)?.ok_or_else(|| {
                ServiceError::NotFound(format!("{object} is not a coop on this node"))
            })?;
            let already = followers::get(conn, &coop.id, &actor.id)?;
            let is_new = already.is_none();
            let accepted = already.as_ref().is_some_and(|f| f.accepted)
                || !(coop.profile.manually_approves_followers || limited);
            let follow = Follow {
                coop_id: coop.id.clone(),
                actor_id: actor.id.clone(),
                follow_ap_id: follow_id,
                accepted,
                created_at: already.map(|f| f.created_at).unwrap_or_else(time::now),
            };
            followers::upsert(conn, &follow)?;
            if is_new {
                let kind = if accepted {
                    NotificationKind::Follow
                } else {
                    NotificationKind::FollowRequest
                };
                notify(conn, &coop.id, kind, Some(&actor.id), None)?;
            }
            let queued = if accepted {
                answer_follow(conn, &urls, "Accept", &coop.handle, &follow, &actor)?
            } else {
                0
            };
            Ok((Received::Applied, queued))
        })
        .await
    }

    /// `Accept` or `Reject` of one of our follows. Only the followed actor
    /// may answer it.
    pub async fn receive_follow_answer(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        follow_id: &Url,
        embedded: Option<FollowObject>,
        accepted: bool,
    ) -> ServiceResult<Received> {
        let (urls, actor, follow_id) = (self.urls.clone(), actor.clone(), follow_id.to_string());
        once(self, activity_id, move |conn| {
            let mut follow = following::by_follow_ap_id(conn, &follow_id)?;
            if follow.is_none() {
                // Some servers answer with their own copy of the Follow.
                if let Some(f) = &embedded {
                    if let Some(coop) = local_coop(conn, &urls, &f.actor)? {
                        follow = following::get(conn, &coop.id, &actor.id)?;
                    }
                }
            }
            let Some(follow) = follow else {
                return answer_to_node_follow(conn, &urls, &follow_id, embedded, &actor, accepted);
            };
            if follow.actor_id != actor.id {
                return Err(forbidden("only the followed actor can answer a follow"));
            }
            if accepted {
                following::set_accepted(conn, &follow.coop_id, &actor.id)?;
            } else {
                following::delete(conn, &follow.coop_id, &actor.id)?;
            }
            Ok((Received::Applied, 0))
        })
        .await
    }

    /// `Undo{Follow}`: the actor stops following (or withdraws its request).
    /// It names the Follow it ends by id: an Undo of a Follow not stored
    /// here changes nothing. So when an actor unfollows and follows again
    /// and the two arrive out of order, the newer follow stands.
    pub async fn receive_unfollow(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        follow_id: &Url,
        embedded: Option<FollowObject>,
    ) -> ServiceResult<Received> {
        if let Some(f) = &embedded {
            if f.actor.as_str() != actor.ap_id {
                return Err(forbidden("an actor can only undo its own follow"));
            }
        }
        let (actor, follow_id) = (actor.clone(), follow_id.to_string());
        once(self, activity_id, move |conn| {
            if let Some(f) =
                followers::by_follow_ap_id(conn, &follow_id)?.filter(|f| f.actor_id == actor.id)
            {
                followers::delete(conn, &f.coop_id, &actor.id)?;
                return Ok((Received::Applied, 0));
            }
            // A node stops following ours.
            match nodes::followers::get(conn, &actor.host)? {
                Some(f) if f.actor_id == actor.id && f.follow_ap_id == follow_id => {
                    nodes::followers::delete(conn, &actor.host)?;
                    Ok((Received::Applied, 0))
                }
                _ => Ok((Received::Ignored("no such follow".into()), 0)),
            }
        })
        .await
    }

    /// `Create` or `Update` of a need or an offer by a coop that one of ours
    /// follows. The object must be the actor's own, on its own host.
    pub async fn receive_proposal(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        note: ReceivedNote,
    ) -> ServiceResult<Received> {
        check_own_note(actor, &note)?;
        let (actor_id, links) = (actor.id.clone(), self.links);
        once(self, activity_id, move |conn| {
            Ok((save_note(conn, actor_id, note, links)?, 0))
        })
        .await
    }

    /// An object read from its origin (a followed node's directory, a
    /// searched URL): the same rules as a received `Create`, without an
    /// activity around it.
    pub async fn keep_fetched_note(
        &self,
        actor: &RemoteActor,
        note: ReceivedNote,
    ) -> ServiceResult<Received> {
        check_own_note(actor, &note)?;
        let (actor_id, links) = (actor.id.clone(), self.links);
        self.db
            .write(move |conn| save_note(conn, actor_id, note, links))
            .await
    }

    /// `Delete` of an object by its owner, or of the actor itself.
    pub async fn receive_delete(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        object: &Url,
    ) -> ServiceResult<Received> {
        let actor_url = Url::parse(&actor.ap_id)
            .map_err(|_| ServiceError::Internal("stored actor id is not a URL".into()))?;
        if !same_origin(object, &actor_url) {
            return Err(forbidden(
                "an actor can only delete objects on its own host",
            ));
        }
        let (actor, object, itself) = (actor.clone(), object.to_string(), *object == actor_url);
        if itself {
            self.actors.forget(&actor.ap_id);
        }
        let ap_id = actor.ap_id.clone();
        let outcome = once(self, activity_id, move |conn| {
            if itself {
                remote_actors::delete(conn, &actor.id)?;
                return Ok((Received::Applied, 0));
            }
            match remote_proposals::by_ap_id(conn, &object)? {
                Some(p) if p.actor_id != actor.id => {
                    Err(forbidden("the object belongs to another actor"))
                }
                Some(_) => {
                    remote_proposals::delete_by_ap_id(conn, &object)?;
                    Ok((Received::Applied, 0))
                }
                None => match remote_posts::by_ap_id(conn, &object)? {
                    Some(p) if p.actor_id != actor.id => {
                        Err(forbidden("the object belongs to another actor"))
                    }
                    Some(_) => {
                        remote_posts::delete_by_ap_id(conn, &object)?;
                        Ok((Received::Applied, 0))
                    }
                    None => Ok((Received::Ignored("unknown object".into()), 0)),
                },
            }
        })
        .await;
        if itself {
            // Again after the commit: a read in between may have cached it.
            self.actors.forget(&ap_id);
        }
        outcome
    }

    /// `Update` of the actor's own profile.
    pub async fn receive_actor_update(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        doc: RemoteActorDocument,
    ) -> ServiceResult<Received> {
        if doc.id.as_str() != actor.ap_id {
            return Err(forbidden("an actor can only update itself"));
        }
        let updated = doc
            .into_domain(actor.id.clone(), time::now(), self.links)
            .map_err(|m| ServiceError::invalid("object", m))?;
        if updated.public_key_pem != actor.public_key_pem {
            // A key change must come from the origin, not from an activity.
            return Err(forbidden(
                "a key change is only taken from the actor's own document",
            ));
        }
        let outcome = once(self, activity_id, move |conn| {
            remote_actors::upsert(conn, &updated)?;
            Ok((Received::Applied, 0))
        })
        .await;
        self.actors.forget(&actor.ap_id);
        outcome
    }

    /// Forgets other posts of followed accounts received more than `days` ago.
    pub async fn prune_posts(&self, days: u32) -> ServiceResult<usize> {
        let before = time::now() - chrono::Duration::days(i64::from(days));
        Ok(self
            .db
            .write(move |conn| remote_posts::prune(conn, before))
            .await?)
    }

    /// Forgets received activity ids older than `age`.
    pub async fn prune_received(&self, age: std::time::Duration) -> ServiceResult<usize> {
        let before = time::now() - chrono::Duration::from_std(age).unwrap_or_default();
        Ok(self
            .db
            .write(move |conn| received::prune(conn, before))
            .await?)
    }
}

/// A `Follow` of our node actor: only other nodes' actors may ask.
fn node_follow(
    conn: &mut AnyConnection,
    urls: &crate::domain::urls::Urls,
    actor: &RemoteActor,
    follow_id: String,
    limited: bool,
) -> ServiceResult<(Received, usize)> {
    if !matches!(actor.kind.as_str(), "Application" | "Service") {
        return Err(forbidden(
            "only another node's actor (Application or Service) can follow this node",
        ));
    }
    let already = nodes::followers::get(conn, &actor.host)?;
    let accepted = already
        .as_ref()
        .is_some_and(|f| f.accepted && f.actor_id == actor.id)
        || (approval(conn)? == NodeApproval::Auto && !limited);
    let follow = NodeFollower {
        domain: actor.host.clone(),
        actor_id: actor.id.clone(),
        follow_ap_id: follow_id,
        accepted,
        created_at: already.map(|f| f.created_at).unwrap_or_else(time::now),
    };
    nodes::followers::upsert(conn, &follow)?;
    let queued = if accepted {
        answer_node_follow(conn, urls, "Accept", &follow, actor)?
    } else {
        0
    };
    Ok((Received::Applied, queued))
}

/// `Accept` or `Reject` of our node's follow of another node. Accepted, the
/// backfill of what that node already holds starts.
fn answer_to_node_follow(
    conn: &mut AnyConnection,
    urls: &crate::domain::urls::Urls,
    follow_id: &str,
    embedded: Option<FollowObject>,
    actor: &RemoteActor,
    accepted: bool,
) -> ServiceResult<(Received, usize)> {
    let mut follow = nodes::following::by_follow_ap_id(conn, follow_id)?;
    if follow.is_none() && embedded.is_some_and(|f| f.actor == urls.node_actor()) {
        follow = nodes::following::get(conn, &actor.host)?;
    }
    let Some(follow) = follow else {
        return Ok((Received::Ignored("no such follow request".into()), 0));
    };
    if follow.actor_id != actor.id {
        return Err(forbidden("only the followed actor can answer a follow"));
    }
    if accepted {
        if !follow.accepted {
            nodes::following::accept(conn, &follow.domain, time::now())?;
        }
    } else {
        nodes::following::delete(conn, &follow.domain)?;
    }
    Ok((Received::Applied, 0))
}

/// The object must be the actor's own, on its own host.
pub(super) fn check_own_note(actor: &RemoteActor, note: &ReceivedNote) -> ServiceResult<()> {
    let actor_url = Url::parse(&actor.ap_id)
        .map_err(|_| ServiceError::Internal("stored actor id is not a URL".into()))?;
    if !same_origin(&note.id, &actor_url) {
        return Err(forbidden("the object is on another host than its actor"));
    }
    match note.attributed_to.as_ref().and_then(attributed_to) {
        Some(author) if author == actor_url => Ok(()),
        Some(_) => Err(forbidden("the object is attributed to another actor")),
        None => Err(ServiceError::invalid("object.attributedTo", "is missing")),
    }
}

/// Stores a need or an offer if its actor or its node is followed; any
/// other post if a coop here follows its actor, for home timelines.
fn save_note(
    conn: &mut AnyConnection,
    actor_id: String,
    note: ReceivedNote,
    links: LinkRule,
) -> ServiceResult<Received> {
    if note.purpose.is_none() {
        if let Some(done) = save_gathering_notes(conn, &actor_id, &note)? {
            return Ok(done);
        }
        return save_post(conn, actor_id, note, links);
    }
    let proposal = match note.into_proposal(new_id(), actor_id, time::now(), links) {
        Ok(p) => p,
        Err(NotAProposal::Ignored) => {
            return Ok(Received::Ignored("not a need or an offer".into()))
        }
        Err(NotAProposal::Invalid(m)) => return Err(ServiceError::invalid("object", m)),
    };
    Ok(match remote_proposals::save_if_followed(conn, &proposal)? {
        Saved::Saved => Received::Applied,
        Saved::NotFollowed => {
            Received::Ignored("neither this actor nor its node is followed here".into())
        }
        Saved::OtherOwner => return Err(forbidden("the object belongs to another actor")),
    })
}

/// The conclusions of another server's gathering our coops joined: a Note
/// in reply to its Event, from its organiser. `None` when the Note is not
/// in reply to such a gathering.
fn save_gathering_notes(
    conn: &mut AnyConnection,
    actor_id: &str,
    note: &ReceivedNote,
) -> ServiceResult<Option<Received>> {
    let Some(event) = note.in_reply_to.as_str() else {
        return Ok(None);
    };
    let Some(g) = remote_gatherings::by_ap_id(conn, event)? else {
        return Ok(None);
    };
    if g.organiser_actor_id != actor_id {
        return Err(forbidden(
            "only a gathering's organiser publishes its notes",
        ));
    }
    let content = note.content.as_deref().unwrap_or("");
    if content.len() > crate::domain::limits::REMOTE_CONTENT_MAX {
        return Err(ServiceError::invalid("object.content", "is too long"));
    }
    let html = crate::domain::text::sanitize_html(content);
    remote_gatherings::set_notes(conn, &g.id, &html, time::now())?;
    Ok(Some(Received::Applied))
}

/// A post that is not a proposal, kept if a coop here follows its author.
fn save_post(
    conn: &mut AnyConnection,
    actor_id: String,
    note: ReceivedNote,
    links: LinkRule,
) -> ServiceResult<Received> {
    let author = note
        .attributed_to
        .as_ref()
        .and_then(attributed_to)
        .ok_or_else(|| ServiceError::invalid("object.attributedTo", "is missing"))?;
    let post = match note.into_post(new_id(), actor_id, &author, time::now(), links) {
        Ok(p) => p,
        Err(NotKept::Skipped(why)) => return Ok(Received::Ignored(why.into())),
        Err(NotKept::Invalid(m)) => return Err(ServiceError::invalid("object", m)),
    };
    if remote_posts::save_if_followed(conn, &post)? {
        return Ok(Received::Applied);
    }
    match remote_posts::by_ap_id(conn, &post.ap_id)? {
        Some(stored) if stored.actor_id != post.actor_id => {
            Err(forbidden("the object belongs to another actor"))
        }
        _ => Ok(Received::Ignored("no coop here follows this actor".into())),
    }
}
