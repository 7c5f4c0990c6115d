//! Finding actors on other servers by name (`handle@domain`, or a node by
//! its domain). The lookup itself (WebFinger, then a signed fetch of the
//! actor document) is done by the federation edge, which implements
//! [`Resolver`]; the services check what is asked first and never touch
//! the network or the federation library themselves.

use super::{ServiceError, ServiceResult, Services};
use crate::domain::remote::RemoteActor;

/// Looks up `handle@domain` over WebFinger and fetches, checks and stores
/// the actor it names. `Err` says why, in words.
#[async_trait::async_trait]
pub trait Resolver: Send + Sync {
    async fn webfinger(&self, account: &str) -> Result<RemoteActor, String>;
}

/// The longest `handle@domain` looked up.
const ACCOUNT_MAX: usize = 300;

impl Services {
    /// 403 when the federation policy refuses `domain`: nothing is fetched.
    fn refused(&self, domain: &str) -> ServiceResult<()> {
        let domain = domain.to_ascii_lowercase();
        match self.policy.check(&domain) {
            Ok(_) => Ok(()),
            Err(why) => Err(ServiceError::DomainRefused(why.message(&domain))),
        }
    }

    /// Finds a remote account (`handle@domain`, a leading `@` allowed).
    pub async fn resolve_account(
        &self,
        resolver: &dyn Resolver,
        account: &str,
    ) -> ServiceResult<RemoteActor> {
        let account = account.trim().trim_start_matches('@');
        let malformed = || ServiceError::invalid("account", "must look like handle@domain");
        let (handle, domain) = account.split_once('@').ok_or_else(malformed)?;
        if handle.is_empty()
            || domain.is_empty()
            || account.len() > ACCOUNT_MAX
            || account.contains(['/', '?', '#', ' '])
        {
            return Err(malformed());
        }
        if domain.eq_ignore_ascii_case(&self.urls.domain()) {
            return Err(ServiceError::invalid(
                "account",
                "that coop is on this node; coops on one node already see each other's proposals",
            ));
        }
        self.refused(domain)?;
        resolver
            .webfinger(account)
            .await
            .map_err(|e| ServiceError::NotFound(format!("cannot find {account}: {e}")))
    }

    /// Finds another node's actor by its domain: FEP-d556 WebFinger on the
    /// node's origin, as Mastodon and Mitra answer it.
    pub async fn resolve_node(
        &self,
        resolver: &dyn Resolver,
        domain: &str,
    ) -> ServiceResult<RemoteActor> {
        if domain.eq_ignore_ascii_case(&self.urls.domain()) {
            return Err(ServiceError::invalid("domain", "that is this node"));
        }
        self.refused(domain)?;
        resolver
            .webfinger(&format!("{domain}@{domain}"))
            .await
            .map_err(|e| {
                ServiceError::NotFound(format!("cannot find the node actor of {domain}: {e}"))
            })
    }
}
