//! A coop's notifications as Mastodon apps list them: follows and follow
//! requests, new matches, introductions asked of it and answered. They are
//! written where each event happens (in the same transaction) and read
//! here with what each is about.

use super::introductions::IntroductionEntry;
use super::matching::MatchNotification;
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::remote::RemoteActor;
use crate::domain::time;
use crate::infra::store::notifications::{self, NotificationFilter};
use crate::infra::store::{remote_actors, AnyConnection, StoreError};

/// Records that `coop_id` is told of something.
pub(super) fn notify(
    conn: &mut AnyConnection,
    coop_id: &str,
    kind: NotificationKind,
    actor_id: Option<&str>,
    subject_id: Option<&str>,
) -> Result<(), StoreError> {
    notifications::insert(
        conn,
        &Notification {
            id: new_id(),
            coop_id: coop_id.to_string(),
            kind,
            actor_id: actor_id.map(String::from),
            subject_id: subject_id.map(String::from),
            created_at: time::now(),
        },
    )
}

/// What a notification is about, read when it is shown.
#[derive(Debug, Clone)]
pub enum About {
    /// A follow or a follow request: who.
    Follower(Box<RemoteActor>),
    Match(Box<MatchNotification>),
    Introduction(Box<IntroductionEntry>),
}

#[derive(Debug, Clone)]
pub struct NotificationItem {
    pub notification: Notification,
    pub about: About,
}

/// A page as apps ask for it.
#[derive(Debug, Default, Clone)]
pub struct NotificationQuery {
    /// Only these kinds (none: all).
    pub kinds: Vec<NotificationKind>,
    pub exclude_kinds: Vec<NotificationKind>,
    /// Only those from this account.
    pub account_id: Option<String>,
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    pub limit: i64,
}

fn paging_id(field: &str, id: Option<String>) -> ServiceResult<Option<String>> {
    match id.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => uuid::Uuid::try_parse(v)
            .map(|u| Some(u.to_string()))
            .map_err(|_| ServiceError::invalid(field, "is not a notification id of this server")),
    }
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no notification '{id}'"))
}

impl Services {
    /// A page of the coop's notifications, newest first. Those whose
    /// subject is gone (a match no longer listed) are left out.
    pub async fn notifications(
        &self,
        viewer: &Viewer,
        q: NotificationQuery,
    ) -> ServiceResult<Vec<NotificationItem>> {
        let coop_id = viewer.coop_id()?.to_string();
        let names = |k: &[NotificationKind]| k.iter().map(|k| k.as_str().to_string()).collect();
        let f = NotificationFilter {
            kinds: names(&q.kinds),
            exclude_kinds: names(&q.exclude_kinds),
            actor_id: q.account_id,
            max_id: paging_id("max_id", q.max_id)?,
            since_id: paging_id("since_id", q.since_id)?,
            min_id: paging_id("min_id", q.min_id)?,
            limit: q.limit.clamp(1, 80),
        };
        let key = coop_id.clone();
        let list = self
            .db
            .read(move |conn| notifications::page(conn, &key, &f))
            .await?;
        let mut out = Vec::with_capacity(list.len());
        for n in list {
            if let Some(item) = self.item(viewer, n).await? {
                out.push(item);
            }
        }
        Ok(out)
    }

    pub async fn notification(&self, viewer: &Viewer, id: &str) -> ServiceResult<NotificationItem> {
        let (coop_id, key) = (viewer.coop_id()?.to_string(), id.to_string());
        let n = self
            .db
            .read(move |conn| notifications::get(conn, &coop_id, &key))
            .await?
            .ok_or_else(|| not_found(id))?;
        self.item(viewer, n).await?.ok_or_else(|| not_found(id))
    }

    async fn item(
        &self,
        viewer: &Viewer,
        n: Notification,
    ) -> ServiceResult<Option<NotificationItem>> {
        let subject = n.subject_id.clone().unwrap_or_default();
        let about = match n.kind {
            NotificationKind::Follow | NotificationKind::FollowRequest => {
                let actor_id = n.actor_id.clone().unwrap_or_default();
                let actor = self
                    .db
                    .read(move |conn| remote_actors::by_id(conn, &actor_id))
                    .await?;
                actor.map(|a| About::Follower(Box::new(a)))
            }
            NotificationKind::Match => self
                .match_notice(&n.coop_id, &subject)
                .await?
                .map(|m| About::Match(Box::new(m))),
            NotificationKind::IntroductionRequest | NotificationKind::IntroductionAnswer => {
                match self.introduction(viewer, &subject).await {
                    Ok(entry) => Some(About::Introduction(Box::new(entry))),
                    Err(ServiceError::NotFound(_)) => None,
                    Err(e) => return Err(e),
                }
            }
        };
        Ok(about.map(|about| NotificationItem {
            notification: n,
            about,
        }))
    }

    /// Dismisses one notification; an unknown one is not found.
    pub async fn dismiss_notification(&self, viewer: &Viewer, id: &str) -> ServiceResult<()> {
        let (coop_id, key) = (viewer.coop_id()?.to_string(), id.to_string());
        let gone = self
            .db
            .write(move |conn| notifications::dismiss(conn, &coop_id, &key))
            .await?;
        if gone {
            Ok(())
        } else {
            Err(not_found(id))
        }
    }

    /// Dismisses all of the coop's notifications.
    pub async fn clear_notifications(&self, viewer: &Viewer) -> ServiceResult<usize> {
        let coop_id = viewer.coop_id()?.to_string();
        Ok(self
            .db
            .write(move |conn| notifications::clear(conn, &coop_id))
            .await?)
    }
}
