//! Finding actors on other servers by name (`handle@domain`, or a node by
//! its domain). The lookup itself (WebFinger, then a signed fetch of the
//! actor document) is done by the federation edge, which implements
//! [`Resolver`]; the services check what is asked first and never touch
//! the network or the federation library themselves.

use super::{ServiceError, ServiceResult, Services};
use crate::domain::remote::RemoteActor;
use crate::infra::wire::received_event::ReceivedEvent;
use crate::infra::wire::received_proposal::ReceivedNote;

/// Why another server gave no usable answer. Each message names the URL or
/// host asked and what it answered.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RemoteFailure {
    /// It answered that there is no such account or object (404).
    #[error("{0}")]
    NotFound(String),
    /// It refused to answer: 401, 403 or another 4xx (often a server that
    /// serves only signed requests, or that blocks this node).
    #[error("{0}")]
    Refused(String),
    /// It answered 410: the account or object was deleted.
    #[error("{0}")]
    Gone(String),
    /// No answer in time, a network error, 429 or 5xx: trying later may work.
    #[error("{0}")]
    Unreachable(String),
    /// It answered, with something that is not a usable document.
    #[error("{0}")]
    Invalid(String),
    /// Our federation policy refuses its host: it was not asked.
    #[error("{0}")]
    Policy(String),
}

impl RemoteFailure {
    /// The error code the API answers with, and the log line names.
    pub fn code(&self) -> &'static str {
        match self {
            RemoteFailure::NotFound(_) => "not_found",
            RemoteFailure::Refused(_) => "remote_refused",
            RemoteFailure::Gone(_) => "remote_gone",
            RemoteFailure::Unreachable(_) => "remote_unreachable",
            RemoteFailure::Invalid(_) => "remote_invalid",
            RemoteFailure::Policy(_) => "domain_refused",
        }
    }
}

impl From<RemoteFailure> for String {
    fn from(failure: RemoteFailure) -> String {
        failure.to_string()
    }
}

/// What a URL on another server names, read from its origin.
#[derive(Debug)]
pub enum RemoteObject {
    /// An actor, checked and stored (as any fetched actor).
    Actor(RemoteActor),
    /// An object on its author's origin, with the author (checked and
    /// stored); the object itself is not stored yet.
    Note {
        note: Box<ReceivedNote>,
        author: RemoteActor,
    },
    /// An `Event` (a gathering) with its organiser (checked and stored).
    Event {
        event: Box<ReceivedEvent>,
        organiser: RemoteActor,
    },
}

/// Looks up `handle@domain` over WebFinger and fetches, checks and stores
/// the actor it names; reads what a URL names from its origin.
#[async_trait::async_trait]
pub trait Resolver: Send + Sync {
    async fn webfinger(&self, account: &str) -> Result<RemoteActor, RemoteFailure>;

    /// The document at `url`, signed by the node actor, from its origin.
    async fn object(&self, url: &url::Url) -> Result<RemoteObject, RemoteFailure>;
}

/// One log line per failed lookup, saying what the API says.
pub(super) fn logged(what: &str, failure: RemoteFailure) -> ServiceError {
    tracing::info!(lookup = what, error = %failure, code = failure.code(), "remote lookup failed");
    ServiceError::Remote(failure)
}

/// A peer addressed by an IP address: the federation library and other
/// servers need host names (a signature covers `host`; TLS needs a name).
fn ip_literal(domain: &str) -> bool {
    let bare = |h: &str| {
        h.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok()
    };
    bare(domain) || domain.rsplit_once(':').is_some_and(|(host, _)| bare(host))
}

pub(super) fn named_host(field: &str, domain: &str) -> ServiceResult<()> {
    if ip_literal(domain) {
        return Err(ServiceError::invalid(
            field,
            "peers are addressed by host name, not IP address; on a test machine, name the \
             address in the dev_hosts setting (dev_hosts = \"beta.test=127.0.0.1\") and use \
             beta.test:port",
        ));
    }
    Ok(())
}

/// The longest `handle@domain` looked up.
const ACCOUNT_MAX: usize = 300;

impl Services {
    /// 403 when the federation policy refuses `domain`: nothing is fetched.
    pub(super) fn refused(&self, domain: &str) -> ServiceResult<()> {
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
        named_host("account", domain)?;
        self.refused(domain)?;
        resolver
            .webfinger(account)
            .await
            .map_err(|e| logged(account, e))
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
        named_host("domain", domain)?;
        self.refused(domain)?;
        resolver
            .webfinger(&format!("{domain}@{domain}"))
            .await
            .map_err(|e| logged(domain, e))
    }
}

#[cfg(test)]
mod tests {
    use super::ip_literal;

    #[test]
    fn ip_addresses_are_told_from_host_names() {
        for ip in [
            "127.0.0.1",
            "127.0.0.1:8002",
            "[::1]:8002",
            "::1",
            "10.0.0.2",
        ] {
            assert!(ip_literal(ip), "{ip}");
        }
        for name in [
            "beta.test",
            "beta.test:8002",
            "localhost:3000",
            "coop.example",
        ] {
            assert!(!ip_literal(name), "{name}");
        }
    }
}
