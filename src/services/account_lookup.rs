//! Finding accounts the way client apps ask for them: by id, by
//! `handle@domain`, by words; and how the signed-in coop stands with each.

use super::{ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::{validate_handle, Coop};
use crate::domain::remote::RemoteActor;
use crate::infra::store::follows::{followers, following};
use crate::infra::store::{coops, remote_actors, StoreError};
use crate::services::directory::DirectoryQuery;
use crate::services::remote::Resolver;

/// An account: a coop of this node, or an actor of another server.
#[derive(Debug, Clone)]
pub enum Someone {
    Coop(Box<Coop>),
    Actor(Box<RemoteActor>),
}

impl Someone {
    pub fn id(&self) -> &str {
        match self {
            Someone::Coop(c) => &c.id,
            Someone::Actor(a) => &a.id,
        }
    }
}

/// How the signed-in coop and an account stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    pub id: String,
    pub following: bool,
    pub requested: bool,
    pub followed_by: bool,
    pub requested_by: bool,
}

fn unknown(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no account '{id}' on this node"))
}

/// At most this many accounts in one relationships question.
pub const RELATIONSHIPS_MAX: usize = 80;

impl Services {
    pub async fn someone(&self, id: &str) -> ServiceResult<Someone> {
        if uuid::Uuid::try_parse(id).is_err() {
            return Err(unknown(id));
        }
        let key = id.to_string();
        let found = self
            .db
            .read(move |conn| -> Result<_, StoreError> {
                if let Some(c) = coops::by_id(conn, &key)? {
                    return Ok(Some(Someone::Coop(Box::new(c))));
                }
                Ok(remote_actors::by_id(conn, &key)?.map(|a| Someone::Actor(Box::new(a))))
            })
            .await?;
        found.ok_or_else(|| unknown(id))
    }

    /// `handle`, `handle@this-domain` or `handle@other-domain`; an account
    /// of another server not known yet is looked up over WebFinger when
    /// `resolve` is set.
    pub async fn someone_by_acct(
        &self,
        resolver: &dyn Resolver,
        acct: &str,
        resolve: bool,
    ) -> ServiceResult<Someone> {
        let acct = acct.trim().trim_start_matches('@');
        let (handle, domain) = match acct.split_once('@') {
            Some((h, d)) => (h, Some(d)),
            None => (acct, None),
        };
        let local = domain.is_none_or(|d| d.eq_ignore_ascii_case(&self.urls.domain()));
        if local {
            let handle = validate_handle(handle).map_err(|_| unknown(acct))?;
            let found = self
                .db
                .read(move |conn| coops::by_handle(conn, &handle))
                .await?;
            return found
                .map(|c| Someone::Coop(Box::new(c)))
                .ok_or_else(|| unknown(acct));
        }
        let (user, host) = (handle.to_string(), domain.unwrap_or_default().to_string());
        let known = self
            .db
            .read(move |conn| remote_actors::by_username_host(conn, &user, &host))
            .await?;
        match known {
            Some(actor) => Ok(Someone::Actor(Box::new(actor))),
            None if resolve => Ok(Someone::Actor(Box::new(
                self.resolve_account(resolver, acct).await?,
            ))),
            None => Err(unknown(acct)),
        }
    }

    /// Accounts whose name or handle holds every word of `q` (coops here
    /// and coops elsewhere that this node knows); `handle@domain` with
    /// `resolve` finds one not known yet.
    pub async fn search_someone(
        &self,
        resolver: &dyn Resolver,
        q: &str,
        resolve: bool,
        limit: i64,
    ) -> ServiceResult<Vec<Someone>> {
        let q = q.trim().trim_start_matches('@');
        if q.contains('@') && !q.contains(char::is_whitespace) {
            return match self.someone_by_acct(resolver, q, resolve).await {
                Ok(s) => Ok(vec![s]),
                Err(ServiceError::NotFound(_)) => Ok(Vec::new()),
                Err(e) => Err(e),
            };
        }
        let found = self
            .directory_coops(DirectoryQuery {
                text: Some(q.to_string()),
                limit: Some(limit),
                ..Default::default()
            })
            .await?;
        let mut out = Vec::new();
        for entry in found.items {
            match self.someone(&entry.id).await {
                Ok(s) => out.push(s),
                Err(ServiceError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// How the viewer's coop stands with each account (unknown ids are
    /// left out, as Mastodon does).
    pub async fn standings(
        &self,
        viewer: &Viewer,
        ids: Vec<String>,
    ) -> ServiceResult<Vec<Standing>> {
        let coop_id = viewer.coop_id()?.to_string();
        if ids.len() > RELATIONSHIPS_MAX {
            return Err(ServiceError::invalid(
                "id",
                format!("ask about at most {RELATIONSHIPS_MAX} accounts at once"),
            ));
        }
        Ok(self
            .db
            .read(move |conn| -> Result<_, StoreError> {
                let mut out = Vec::new();
                for id in ids {
                    let mut s = Standing {
                        id: id.clone(),
                        ..Default::default()
                    };
                    if let Some(f) = following::get(conn, &coop_id, &id)? {
                        s.following = f.accepted;
                        s.requested = !f.accepted;
                    }
                    if let Some(f) = followers::get(conn, &coop_id, &id)? {
                        s.followed_by = f.accepted;
                        s.requested_by = !f.accepted;
                    }
                    out.push(s);
                }
                Ok(out)
            })
            .await?)
    }
}
