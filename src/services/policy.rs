//! The federation policy as the admins run it (mode, allows, blocks, block
//! lists). The copy in force lives in `infra::outbound::policy`, asked by
//! the inbox, the delivery worker and every outgoing fetch.
//!
//! The command line changes the database from another process; the server
//! reloads the policy every [`POLICY_POLL`] and purges again what it may
//! have stored from a newly suspended domain in between.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::nodes::{record, Admin};
use super::{ServiceError, ServiceResult, Services};
use crate::domain::blocklist::{self, BlockList};
use crate::domain::limits::BLOCKLIST_BYTES_MAX;
use crate::domain::node::normalize_domain;
use crate::domain::policy::{covers, DomainAllow, DomainBlock, FederationMode, Severity};
use crate::domain::time;
use crate::domain::ValidationError;
pub use crate::infra::outbound::policy::PolicyCache;
use crate::infra::store::policy::{self as store_policy, Purged};
use crate::infra::store::{AnyConnection, StoreError};

/// How soon a change made by the command line takes effect in a running server.
pub const POLICY_POLL: Duration = Duration::from_secs(2);

/// What importing a block list did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    pub added: Vec<String>,
    /// Already blocked: left as they were.
    pub unchanged: Vec<String>,
    /// `noop` rows, which have nothing to enforce here.
    pub noop: usize,
}

fn domain(input: &str) -> ServiceResult<String> {
    normalize_domain(input).map_err(|m| ValidationError::new("domain", m).into())
}

fn purge(conn: &mut AnyConnection, domain: &str) -> Result<Purged, StoreError> {
    let purged = store_policy::purge(conn, domain)?;
    if purged.actors > 0 || purged.deliveries > 0 {
        tracing::info!(
            domain,
            actors = purged.actors,
            deliveries = purged.deliveries,
            "suspended domain purged"
        );
    }
    Ok(purged)
}

impl Services {
    /// The policy handle the delivery worker and the HTTP client share.
    pub fn policy(&self) -> Arc<PolicyCache> {
        Arc::clone(&self.policy)
    }

    /// Reads the policy again. Domains suspended since the last read (by
    /// the command line) are purged once more, in case something from
    /// them was stored while this process did not know yet.
    pub async fn reload_policy(&self) -> ServiceResult<()> {
        let before: HashSet<String> = self.policy.get().suspended().map(str::to_string).collect();
        let policy = self.db.read(store_policy::load).await?;
        let newly: Vec<String> = policy
            .suspended()
            .filter(|d| !before.contains(*d))
            .map(str::to_string)
            .collect();
        self.policy.set(policy);
        if !newly.is_empty() {
            self.db
                .write(move |conn| {
                    for d in &newly {
                        purge(conn, d)?;
                    }
                    Ok::<_, StoreError>(())
                })
                .await?;
            self.actors.clear();
        }
        Ok(())
    }

    pub async fn federation_mode(&self) -> ServiceResult<FederationMode> {
        Ok(self.db.read(store_policy::mode).await?)
    }

    pub async fn set_federation_mode(
        &self,
        admin: Admin,
        mode: FederationMode,
    ) -> ServiceResult<()> {
        self.db
            .write(move |conn| {
                store_policy::set_mode(conn, mode)?;
                record(conn, &admin, "policy.mode", mode.as_str(), "")
            })
            .await?;
        self.reload_policy().await
    }

    pub async fn domain_blocks(&self) -> ServiceResult<Vec<DomainBlock>> {
        Ok(self.db.read(store_policy::blocks).await?)
    }

    /// Blocks a domain (or changes its block). A suspension removes at
    /// once everything stored from it and every delivery waiting for it.
    pub async fn block_domain(
        &self,
        admin: Admin,
        domain_input: &str,
        severity: Severity,
        public_comment: String,
    ) -> ServiceResult<(DomainBlock, Purged)> {
        let domain = domain(domain_input)?;
        if covers(&domain, &self.urls.domain()) {
            return Err(ValidationError::new("domain", "that would block this node itself").into());
        }
        let block = DomainBlock {
            domain,
            severity,
            public_comment,
            created_at: time::now(),
        };
        let b = block.clone();
        let purged = self
            .db
            .write(move |conn| {
                store_policy::put_block(conn, &b)?;
                let purged = match b.severity {
                    Severity::Suspend => purge(conn, &b.domain)?,
                    Severity::Limit => Purged::default(),
                };
                let detail = format!(
                    "{}; {} actors and {} deliveries removed",
                    b.severity.as_str(),
                    purged.actors,
                    purged.deliveries
                );
                record(conn, &admin, "blocks.add", &b.domain, &detail)?;
                Ok::<_, StoreError>(purged)
            })
            .await?;
        if purged.actors > 0 {
            self.actors.clear();
        }
        self.reload_policy().await?;
        Ok((block, purged))
    }

    /// Lifts a block. Nothing comes back by itself: follows were severed,
    /// and following again brings the content back through backfill.
    pub async fn unblock_domain(&self, admin: Admin, domain_input: &str) -> ServiceResult<()> {
        let domain = domain(domain_input)?;
        self.db
            .write(move |conn| {
                if !store_policy::delete_block(conn, &domain)? {
                    return Err(ServiceError::NotFound(format!("{domain} is not blocked")));
                }
                record(conn, &admin, "blocks.remove", &domain, "")?;
                Ok(())
            })
            .await?;
        self.reload_policy().await
    }

    /// Adds the blocks of a list in Mastodon's CSV format; domains already
    /// blocked keep their block. A bad row refuses the whole list.
    pub async fn import_blocks(&self, admin: Admin, csv: &str) -> ServiceResult<Imported> {
        if csv.len() > BLOCKLIST_BYTES_MAX {
            return Err(ValidationError::new(
                "list",
                format!("may be at most {BLOCKLIST_BYTES_MAX} bytes"),
            )
            .into());
        }
        let BlockList { blocks, noop } =
            blocklist::parse(csv).map_err(|m| ValidationError::new("list", m))?;
        let own = self.urls.domain();
        if let Some(b) = blocks.iter().find(|b| covers(&b.domain, &own)) {
            return Err(ValidationError::new(
                "list",
                format!("{} is this node; remove it from the list", b.domain),
            )
            .into());
        }
        let imported = self
            .db
            .write(move |conn| {
                let mut imported = Imported {
                    noop,
                    ..Imported::default()
                };
                let mut purged = Purged::default();
                for b in blocks {
                    if store_policy::block_of(conn, &b.domain)?.is_some()
                        || imported.added.contains(&b.domain)
                    {
                        imported.unchanged.push(b.domain);
                        continue;
                    }
                    store_policy::put_block(
                        conn,
                        &DomainBlock {
                            domain: b.domain.clone(),
                            severity: b.severity,
                            public_comment: b.public_comment,
                            created_at: time::now(),
                        },
                    )?;
                    if b.severity == Severity::Suspend {
                        let p = purge(conn, &b.domain)?;
                        purged.actors += p.actors;
                        purged.deliveries += p.deliveries;
                    }
                    imported.added.push(b.domain);
                }
                let detail = format!(
                    "{} added, {} already blocked, {} noop rows; {} actors and {} deliveries removed",
                    imported.added.len(),
                    imported.unchanged.len(),
                    imported.noop,
                    purged.actors,
                    purged.deliveries
                );
                record(conn, &admin, "blocks.import", "", &detail)?;
                Ok::<_, StoreError>(imported)
            })
            .await?;
        self.actors.clear();
        self.reload_policy().await?;
        Ok(imported)
    }

    /// Every block, in Mastodon's CSV format.
    pub async fn export_blocks(&self) -> ServiceResult<String> {
        Ok(blocklist::write(&self.domain_blocks().await?))
    }

    pub async fn domain_allows(&self) -> ServiceResult<Vec<DomainAllow>> {
        Ok(self.db.read(store_policy::allows).await?)
    }

    /// Allows a domain (what counts in allow-list mode). True if new.
    pub async fn allow_domain(&self, admin: Admin, domain_input: &str) -> ServiceResult<bool> {
        let allow = DomainAllow {
            domain: domain(domain_input)?,
            created_at: time::now(),
        };
        let added = self
            .db
            .write(move |conn| {
                let added = store_policy::add_allow(conn, &allow)?;
                if added {
                    record(conn, &admin, "allows.add", &allow.domain, "")?;
                }
                Ok::<_, StoreError>(added)
            })
            .await?;
        self.reload_policy().await?;
        Ok(added)
    }

    pub async fn disallow_domain(&self, admin: Admin, domain_input: &str) -> ServiceResult<()> {
        let domain = domain(domain_input)?;
        self.db
            .write(move |conn| {
                if !store_policy::delete_allow(conn, &domain)? {
                    return Err(ServiceError::NotFound(format!("{domain} is not allowed")));
                }
                record(conn, &admin, "allows.remove", &domain, "")?;
                Ok(())
            })
            .await?;
        self.reload_policy().await
    }
}
