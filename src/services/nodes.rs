//! Node-to-node following through the node actors, as the admins run it:
//! follow and unfollow a node, approve, reject or remove a follower node,
//! the list of known nodes, and the record of admin actions.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::follows::{actor_by_id, parse, queue_follow_answer};
use super::paging::{self, Cursor, Page};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::node::{AdminAction, Backfill, NodeApproval, NodeFollow, NodeFollower};
use crate::domain::policy::DomainBlock;
use crate::domain::remote::RemoteActor;
use crate::domain::time;
use crate::domain::urls::Urls;
use crate::infra::delivery::{self, NODE_SIGNER};
use crate::infra::store::nodes::{followers, following};
use crate::infra::store::policy as store_policy;
use crate::infra::store::{
    admin_actions, deliveries, remote_proposals, settings, AnyConnection, StoreError,
};
use crate::infra::wire::activity::{self, FollowObject};

/// Who acts: an admin signed in to the API, or the command line.
#[derive(Debug, Clone)]
pub enum Admin {
    User(String),
    Cli,
}

impl Admin {
    /// The signed-in user, if they are a node admin.
    pub fn of(viewer: &Viewer) -> ServiceResult<Admin> {
        if viewer.user.role != crate::domain::user::Role::Admin {
            return Err(ServiceError::Forbidden(
                "only node admins may do this".into(),
            ));
        }
        Ok(Admin::User(viewer.user.email.clone()))
    }

    fn name(&self) -> String {
        match self {
            Admin::User(email) => email.clone(),
            Admin::Cli => "cli".into(),
        }
    }
}

/// Records an admin action in the caller's transaction.
pub(super) fn record(
    conn: &mut AnyConnection,
    admin: &Admin,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), StoreError> {
    admin_actions::insert(
        conn,
        &AdminAction {
            id: new_id(),
            admin: admin.name(),
            action: action.into(),
            target: target.into(),
            detail: detail.into(),
            created_at: time::now(),
        },
    )
}

/// One node as the admins see it.
#[derive(Debug, Clone)]
pub struct KnownNode {
    pub domain: String,
    /// Its node actor, once known (a domain only blocked or allowed may
    /// never have been in touch).
    pub actor: Option<RemoteActor>,
    pub following: Option<NodeFollow>,
    pub follower: Option<NodeFollower>,
    pub block: Option<DomainBlock>,
    pub allowed: bool,
    /// Since when deliveries to it fail, if they do.
    pub unreachable_since: Option<NaiveDateTime>,
    /// Deliveries waiting for it.
    pub backlog: i64,
}

impl KnownNode {
    pub fn new(domain: String) -> Self {
        KnownNode {
            domain,
            actor: None,
            following: None,
            follower: None,
            block: None,
            allowed: false,
            unreachable_since: None,
            backlog: 0,
        }
    }

    /// Our follow of it: `none`, `pending` or `accepted`.
    pub fn following_state(&self) -> &'static str {
        relation(self.following.as_ref().map(|f| f.accepted))
    }

    /// Its follow of us: `none`, `pending` or `accepted`.
    pub fn followed_by_state(&self) -> &'static str {
        relation(self.follower.as_ref().map(|f| f.accepted))
    }
}

fn relation(accepted: Option<bool>) -> &'static str {
    match accepted {
        None => "none",
        Some(false) => "pending",
        Some(true) => "accepted",
    }
}

pub(super) fn approval(conn: &mut AnyConnection) -> Result<NodeApproval, StoreError> {
    Ok(settings::get(conn, NodeApproval::SETTING)?
        .and_then(|v| NodeApproval::parse(&v))
        .unwrap_or(NodeApproval::Auto))
}

/// Queues our node's `Accept` or `Reject` of a node's follow.
pub(super) fn answer_node_follow(
    conn: &mut AnyConnection,
    urls: &Urls,
    kind: &'static str,
    follow: &NodeFollower,
    actor: &RemoteActor,
) -> ServiceResult<usize> {
    let answerer = (NODE_SIGNER, urls.node_actor());
    queue_follow_answer(conn, urls, kind, answerer, &follow.follow_ap_id, actor)
}

impl Services {
    /// Our node asks `actor` (another node's actor) to let it follow.
    /// Following again returns the existing relation.
    pub async fn follow_node(
        &self,
        admin: Admin,
        actor: RemoteActor,
    ) -> ServiceResult<(NodeFollow, bool)> {
        let urls = self.urls.clone();
        let (follow, created, queued) = self
            .db
            .write(move |conn| {
                if let Some(existing) = following::get(conn, &actor.host)? {
                    return Ok::<_, ServiceError>((existing, false, 0));
                }
                let me = urls.node_actor();
                let id = urls.activity_of(&me, "follows");
                let follow = NodeFollow {
                    domain: actor.host.clone(),
                    actor_id: actor.id.clone(),
                    follow_ap_id: id.to_string(),
                    accepted: false,
                    created_at: time::now(),
                    backfill: Backfill::waiting(),
                };
                following::insert(conn, &follow)?;
                let value = activity::follow(id, me, parse(&actor.ap_id, "actor id")?).to_value();
                let inbox = parse(&actor.inbox, "inbox")?;
                let queued = delivery::enqueue(conn, NODE_SIGNER, &value, &[inbox])?;
                record(conn, &admin, "nodes.follow", &actor.host, &actor.ap_id)?;
                Ok((follow, true, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok((follow, created))
    }

    /// Stops following a node (`Undo{Follow}`) and forgets what only that
    /// node brought: proposals of its coops that no local coop follows.
    pub async fn unfollow_node(&self, admin: Admin, domain: String) -> ServiceResult<()> {
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let follow = following::get(conn, &domain)?.ok_or_else(|| {
                    ServiceError::NotFound(format!("this node does not follow {domain}"))
                })?;
                let actor = actor_by_id(conn, &follow.actor_id)?;
                following::delete(conn, &domain)?;
                let forgotten = remote_proposals::forget_unfollowed_of_host(conn, &domain)?;
                let me = urls.node_actor();
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
                let queued = delivery::enqueue(conn, NODE_SIGNER, &undo.to_value(), &[inbox])?;
                record(
                    conn,
                    &admin,
                    "nodes.unfollow",
                    &domain,
                    &format!("{forgotten} proposals forgotten"),
                )?;
                Ok::<_, ServiceError>(queued)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    /// Accepts a node's pending follow request.
    pub async fn approve_node_follower(&self, admin: Admin, domain: String) -> ServiceResult<()> {
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let mut follow = followers::get(conn, &domain)?.ok_or_else(|| {
                    ServiceError::NotFound(format!("no follow request from {domain}"))
                })?;
                if follow.accepted {
                    return Ok::<_, ServiceError>(0);
                }
                let actor = actor_by_id(conn, &follow.actor_id)?;
                followers::set_accepted(conn, &domain)?;
                follow.accepted = true;
                record(conn, &admin, "nodes.approve", &domain, "")?;
                answer_node_follow(conn, &urls, "Accept", &follow, &actor)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    /// Refuses a node's request, or removes a follower node (`Reject`).
    pub async fn remove_node_follower(&self, admin: Admin, domain: String) -> ServiceResult<()> {
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let follow = followers::get(conn, &domain)?.ok_or_else(|| {
                    ServiceError::NotFound(format!("{domain} does not follow this node"))
                })?;
                let actor = actor_by_id(conn, &follow.actor_id)?;
                followers::delete(conn, &domain)?;
                let what = if follow.accepted {
                    "removed"
                } else {
                    "request rejected"
                };
                record(conn, &admin, "nodes.remove_follower", &domain, what)?;
                answer_node_follow(conn, &urls, "Reject", &follow, &actor)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    /// Sets whether other nodes' follows are accepted at once.
    pub async fn set_node_approval(
        &self,
        admin: Admin,
        approval: NodeApproval,
    ) -> ServiceResult<()> {
        self.db
            .write(move |conn| {
                settings::set(conn, NodeApproval::SETTING, approval.as_str())?;
                record(conn, &admin, "policy.node_approval", approval.as_str(), "")
            })
            .await?;
        Ok(())
    }

    /// Whether `actor` is the node actor of a node this node follows
    /// (accepted): the only actor whose Announces are taken.
    pub async fn is_followed_node_actor(&self, actor: &RemoteActor) -> ServiceResult<bool> {
        let (host, id) = (actor.host.clone(), actor.id.clone());
        Ok(self
            .db
            .read(move |conn| following::get(conn, &host))
            .await?
            .is_some_and(|f| f.accepted && f.actor_id == id))
    }

    /// Followed nodes whose backfill has pages left.
    pub async fn backfilling_nodes(&self) -> ServiceResult<Vec<(NodeFollow, RemoteActor)>> {
        Ok(self
            .db
            .read(|conn| {
                let mut out = Vec::new();
                for f in following::backfilling(conn)? {
                    if let Some(actor) =
                        crate::infra::store::remote_actors::by_id(conn, &f.actor_id)?
                    {
                        out.push((f, actor));
                    }
                }
                Ok::<_, StoreError>(out)
            })
            .await?)
    }

    /// Takes a node's backfill for one round, unless another process on
    /// the same database has it; returns the follow as it is now.
    pub async fn claim_backfill(
        &self,
        domain: &str,
        lease: std::time::Duration,
    ) -> ServiceResult<Option<NodeFollow>> {
        let domain = domain.to_string();
        let now = time::now();
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        Ok(self
            .db
            .write(move |conn| following::claim_backfill(conn, &domain, now, until))
            .await?)
    }

    /// Keeps the lease taken with [`Services::claim_backfill`] for `lease` more.
    pub async fn renew_backfill(
        &self,
        domain: &str,
        lease: std::time::Duration,
    ) -> ServiceResult<()> {
        let domain = domain.to_string();
        let until =
            time::now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        Ok(self
            .db
            .write(move |conn| following::renew_backfill(conn, &domain, until))
            .await?)
    }

    pub async fn release_backfill(&self, domain: &str) -> ServiceResult<()> {
        let domain = domain.to_string();
        Ok(self
            .db
            .write(move |conn| following::release_backfill(conn, &domain))
            .await?)
    }

    /// Records how far a backfill got (false if the follow is gone).
    pub async fn save_backfill(&self, domain: String, backfill: Backfill) -> ServiceResult<bool> {
        Ok(self
            .db
            .write(move |conn| following::backfill_progress(conn, &domain, &backfill))
            .await?)
    }

    /// Nodes following this one (accepted).
    pub async fn node_follower_count(&self) -> ServiceResult<i64> {
        Ok(self.db.read(followers::count_accepted).await?)
    }

    pub async fn node_approval(&self) -> ServiceResult<NodeApproval> {
        Ok(self.db.read(approval).await?)
    }

    /// Every node we follow, that follows us, or that the policy names,
    /// by domain, with its delivery state.
    pub async fn known_nodes(&self) -> ServiceResult<Vec<KnownNode>> {
        let (follows, followed_by, blocks, allows, backlog, failing) = self
            .db
            .read(|conn| {
                Ok::<_, StoreError>((
                    following::all(conn)?,
                    followers::all(conn)?,
                    store_policy::blocks(conn)?,
                    store_policy::allows(conn)?,
                    deliveries::backlog_by_host(conn)?,
                    deliveries::failing_hosts(conn)?,
                ))
            })
            .await?;
        let mut nodes: BTreeMap<String, KnownNode> = BTreeMap::new();
        fn node<'a>(nodes: &'a mut BTreeMap<String, KnownNode>, domain: &str) -> &'a mut KnownNode {
            nodes
                .entry(domain.to_string())
                .or_insert_with(|| KnownNode::new(domain.to_string()))
        }
        for (f, actor) in follows {
            let n = node(&mut nodes, &f.domain);
            n.actor = Some(actor);
            n.following = Some(f);
        }
        for (f, actor) in followed_by {
            let n = node(&mut nodes, &f.domain);
            n.actor = Some(actor);
            n.follower = Some(f);
        }
        for b in blocks {
            let domain = b.domain.clone();
            node(&mut nodes, &domain).block = Some(b);
        }
        for a in allows {
            node(&mut nodes, &a.domain).allowed = true;
        }
        // Delivery state for the nodes listed, not for every host we deliver to.
        for (host, n) in backlog {
            if let Some(known) = nodes.get_mut(&host) {
                known.backlog = n;
            }
        }
        for (host, since) in failing {
            if let Some(known) = nodes.get_mut(&host) {
                known.unreachable_since = Some(since);
            }
        }
        Ok(nodes.into_values().collect())
    }

    pub async fn admin_actions(
        &self,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<AdminAction>> {
        let page = Cursor::new(limit)?;
        let cursor = paging::cursor(cursor)?;
        let fetch = page.fetch();
        let items = self
            .db
            .read(move |conn| admin_actions::list(conn, cursor.as_deref(), fetch))
            .await?;
        Ok(page.cut(items, |a| a.id.clone()))
    }
}
