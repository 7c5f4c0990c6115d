//! Follow relations between local coops and remote actors, as the signed-in
//! coop manages them: follow, unfollow, approve or reject followers, and see
//! what followed coops publish.

use url::Url;

use super::paging::{self, Cursor, Page};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::remote::WithActor;
use crate::domain::remote::{Follow, RemoteActor, RemoteProposal};
use crate::domain::time;
use crate::infra::delivery;
use crate::infra::store::follows::{followers, following};
use crate::infra::store::{coops, remote_actors, remote_proposals, AnyConnection, StoreError};
use crate::infra::wire::activity::{self, FollowObject};
use crate::infra::wire::remote_actor::RemoteActorDocument;

/// Which relations of a list to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowState {
    Pending,
    Accepted,
}

/// Which way a follow relation goes, seen from a local coop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Actors that follow the coop.
    Followers,
    /// Actors the coop follows.
    Following,
}

impl FollowState {
    fn accepted(self) -> bool {
        self == FollowState::Accepted
    }
}

fn bad_url(what: &str) -> ServiceError {
    ServiceError::Internal(format!("stored {what} is not a URL"))
}

pub(super) fn parse(url: &str, what: &str) -> ServiceResult<Url> {
    Url::parse(url).map_err(|_| bad_url(what))
}

fn handle_of(conn: &mut AnyConnection, coop_id: &str) -> ServiceResult<String> {
    Ok(coops::by_id(conn, coop_id)?
        .ok_or_else(|| ServiceError::NotFound("coop not found".into()))?
        .handle)
}

pub(super) fn actor_by_id(conn: &mut AnyConnection, id: &str) -> ServiceResult<RemoteActor> {
    remote_actors::by_id(conn, id)?
        .ok_or_else(|| ServiceError::NotFound(format!("no remote actor '{id}'")))
}

impl Services {
    /// Stores (or refreshes) an actor document fetched from its origin.
    pub async fn save_remote_actor(&self, doc: RemoteActorDocument) -> ServiceResult<RemoteActor> {
        let now = time::now();
        let actor = doc
            .into_domain(new_id(), now, self.links)
            .map_err(|m| ServiceError::Invalid(crate::domain::ValidationError::new("actor", m)))?;
        let ap_id = actor.ap_id.clone();
        let saved = self
            .db
            .write(move |conn| remote_actors::upsert(conn, &actor))
            .await;
        match &saved {
            Ok(actor) => self.actors.put(actor),
            Err(_) => self.actors.forget(&ap_id),
        }
        Ok(saved?)
    }

    pub async fn remote_actor(&self, ap_id: &str) -> ServiceResult<Option<RemoteActor>> {
        if let Some(actor) = self.actors.get(ap_id) {
            return Ok(Some(actor));
        }
        let id = ap_id.to_string();
        let found = self
            .db
            .read(move |conn| remote_actors::by_ap_id(conn, &id))
            .await?;
        if let Some(actor) = &found {
            self.actors.put(actor);
        }
        Ok(found)
    }

    /// The viewer's coop asks to follow `actor`; pending until it accepts.
    /// Following again is harmless: the existing relation is returned.
    pub async fn follow(
        &self,
        viewer: &Viewer,
        actor: RemoteActor,
    ) -> ServiceResult<(Follow, bool)> {
        let coop_id = viewer.coop_id()?.to_string();
        let urls = self.urls.clone();
        let (follow, created, queued) = self
            .db
            .write(move |conn| {
                if let Some(existing) = following::get(conn, &coop_id, &actor.id)? {
                    return Ok::<_, ServiceError>((existing, false, 0));
                }
                let handle = handle_of(conn, &coop_id)?;
                let me = urls.actor(&handle);
                let target = parse(&actor.ap_id, "actor id")?;
                let id = urls.activity_of(&me, "follows");
                let follow = Follow {
                    coop_id: coop_id.clone(),
                    actor_id: actor.id.clone(),
                    follow_ap_id: id.to_string(),
                    accepted: false,
                    created_at: time::now(),
                };
                following::upsert(conn, &follow)?;
                let value = activity::follow(id, me, target).to_value();
                let inbox = parse(&actor.inbox, "inbox")?;
                let queued = delivery::enqueue(conn, &handle, &value, &[inbox])?;
                Ok((follow, true, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok((follow, created))
    }

    /// Stops following (or withdraws a pending request) with `Undo{Follow}`.
    pub async fn unfollow(&self, viewer: &Viewer, actor_id: &str) -> ServiceResult<()> {
        let coop_id = viewer.coop_id()?.to_string();
        let actor_id = actor_id.to_string();
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let follow = following::get(conn, &coop_id, &actor_id)?.ok_or_else(|| {
                    ServiceError::NotFound("this coop does not follow that actor".into())
                })?;
                let actor = actor_by_id(conn, &actor_id)?;
                let handle = handle_of(conn, &coop_id)?;
                following::delete(conn, &coop_id, &actor_id)?;
                let me = urls.actor(&handle);
                let undo = activity::about_follow(
                    "Undo",
                    urls.activity_of(&me, "undo"),
                    me.clone(),
                    FollowObject::new(
                        parse(&follow.follow_ap_id, "follow id")?,
                        me,
                        parse(&actor.ap_id, "actor id")?,
                    ),
                );
                let inbox = parse(&actor.inbox, "inbox")?;
                Ok::<_, ServiceError>(delivery::enqueue(
                    conn,
                    &handle,
                    &undo.to_value(),
                    &[inbox],
                )?)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    /// Accepts a pending follower (`Accept{Follow}`).
    pub async fn approve_follower(
        &self,
        viewer: &Viewer,
        actor_id: &str,
    ) -> ServiceResult<WithActor> {
        let coop_id = viewer.coop_id()?.to_string();
        let actor_id = actor_id.to_string();
        let urls = self.urls.clone();
        let (out, queued) = self
            .db
            .write(move |conn| {
                let mut follow = followers::get(conn, &coop_id, &actor_id)?.ok_or_else(|| {
                    ServiceError::NotFound("no follow request from that actor".into())
                })?;
                let actor = actor_by_id(conn, &actor_id)?;
                if follow.accepted {
                    return Ok::<_, ServiceError>(((follow, actor), 0));
                }
                followers::set_accepted(conn, &coop_id, &actor_id)?;
                follow.accepted = true;
                let handle = handle_of(conn, &coop_id)?;
                let queued = answer_follow(conn, &urls, "Accept", &handle, &follow, &actor)?;
                Ok(((follow, actor), queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(out)
    }

    /// Refuses a follow request, or removes an accepted follower
    /// (`Reject{Follow}` either way, as Mastodon does).
    pub async fn reject_follower(&self, viewer: &Viewer, actor_id: &str) -> ServiceResult<()> {
        let coop_id = viewer.coop_id()?.to_string();
        let actor_id = actor_id.to_string();
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let follow = followers::get(conn, &coop_id, &actor_id)?.ok_or_else(|| {
                    ServiceError::NotFound("that actor does not follow this coop".into())
                })?;
                let actor = actor_by_id(conn, &actor_id)?;
                followers::delete(conn, &coop_id, &actor_id)?;
                let handle = handle_of(conn, &coop_id)?;
                answer_follow(conn, &urls, "Reject", &handle, &follow, &actor)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    pub async fn followers_of(
        &self,
        viewer: &Viewer,
        state: FollowState,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<WithActor>> {
        self.relations_of(viewer.coop_id()?, Side::Followers, state, cursor, limit)
            .await
    }

    pub async fn followed_by(
        &self,
        viewer: &Viewer,
        state: FollowState,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<WithActor>> {
        self.relations_of(viewer.coop_id()?, Side::Following, state, cursor, limit)
            .await
    }

    /// A coop's followers or follows in one state, by actor id.
    pub async fn relations_of(
        &self,
        coop_id: &str,
        side: Side,
        state: FollowState,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<WithActor>> {
        let coop_id = coop_id.to_string();
        let page = Cursor::new(limit)?;
        let cursor = paging::cursor(cursor)?;
        let fetch = page.fetch();
        let items = self
            .db
            .read(move |conn| match side {
                Side::Followers => {
                    followers::list(conn, &coop_id, state.accepted(), cursor.as_deref(), fetch)
                }
                Side::Following => {
                    following::list(conn, &coop_id, state.accepted(), cursor.as_deref(), fetch)
                }
            })
            .await?;
        Ok(page.cut(items, |(f, _)| f.actor_id.clone()))
    }

    /// Needs and offers of the remote coops the viewer's coop follows.
    pub async fn received_proposals(
        &self,
        viewer: &Viewer,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<(RemoteProposal, RemoteActor)>> {
        let coop_id = viewer.coop_id()?.to_string();
        let page = Cursor::new(limit)?;
        let cursor = paging::cursor(cursor)?;
        let fetch = page.fetch();
        let items = self
            .db
            .read(move |conn| {
                remote_proposals::received_by(conn, &coop_id, cursor.as_deref(), fetch)
            })
            .await?;
        Ok(page.cut(items, |(p, _)| p.id.clone()))
    }

    /// A coop's numbers as an account shows them: accepted followers,
    /// accepted follows, open proposals, and followers waiting for approval.
    pub async fn account_counts(&self, coop_id: &str) -> ServiceResult<AccountCounts> {
        let coop_id = coop_id.to_string();
        Ok(self
            .db
            .read(move |conn| {
                Ok::<_, StoreError>(AccountCounts {
                    followers: followers::count(conn, &coop_id, true)?,
                    following: following::count(conn, &coop_id, true)?,
                    open_proposals: crate::infra::store::proposals::count_open(
                        conn,
                        Some(&coop_id),
                    )?,
                    follow_requests: followers::count(conn, &coop_id, false)?,
                })
            })
            .await?)
    }

    /// Accepted followers and followed actors of a coop, for its collections.
    pub async fn follow_counts(&self, coop_id: &str) -> ServiceResult<(i64, i64)> {
        let coop_id = coop_id.to_string();
        Ok(self
            .db
            .read(move |conn| {
                Ok::<_, StoreError>((
                    followers::count(conn, &coop_id, true)?,
                    following::count(conn, &coop_id, true)?,
                ))
            })
            .await?)
    }
}

/// A coop's numbers (see [`Services::account_counts`]).
#[derive(Debug, Clone, Copy)]
pub struct AccountCounts {
    pub followers: i64,
    pub following: i64,
    pub open_proposals: i64,
    pub follow_requests: i64,
}

/// Queues a local coop's `Accept` or `Reject` of `follow`.
pub(super) fn answer_follow(
    conn: &mut AnyConnection,
    urls: &crate::domain::urls::Urls,
    kind: &'static str,
    handle: &str,
    follow: &Follow,
    actor: &RemoteActor,
) -> ServiceResult<usize> {
    let answerer = (handle, urls.actor(handle));
    queue_follow_answer(conn, urls, kind, answerer, &follow.follow_ap_id, actor)
}

/// Queues an `Accept` or `Reject` of `actor`'s follow `follow_ap_id`, from
/// `answerer` (its signer and actor URL: a coop, or the node), to
/// the follower's inbox.
pub(super) fn queue_follow_answer(
    conn: &mut AnyConnection,
    urls: &crate::domain::urls::Urls,
    kind: &'static str,
    (signer, me): (&str, Url),
    follow_ap_id: &str,
    actor: &RemoteActor,
) -> ServiceResult<usize> {
    let what = if kind == "Accept" {
        "accepts"
    } else {
        "rejects"
    };
    let answer = activity::about_follow(
        kind,
        urls.activity_of(&me, what),
        me.clone(),
        FollowObject::new(
            parse(follow_ap_id, "follow id")?,
            parse(&actor.ap_id, "actor id")?,
            me,
        ),
    );
    let inbox = parse(&actor.inbox, "inbox")?;
    Ok(delivery::enqueue(
        conn,
        signer,
        &answer.to_value(),
        &[inbox],
    )?)
}
