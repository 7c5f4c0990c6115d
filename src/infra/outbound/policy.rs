//! The federation policy in force: one copy in memory, shared by the
//! inbox, the delivery worker and every outgoing request. The services
//! load it from the database and put it here after every change.

use std::sync::{Arc, RwLock};

use activitypub_federation::config::UrlVerifier;
use url::Url;

use crate::domain::policy::{Policy, Refusal, Verdict};
use crate::domain::urls::origin_of;

/// The policy in force, shared by everything that talks to other hosts.
#[derive(Default)]
pub struct PolicyCache {
    current: RwLock<Arc<Policy>>,
}

impl PolicyCache {
    pub fn get(&self) -> Arc<Policy> {
        self.current
            .read()
            .map(|p| Arc::clone(&p))
            .unwrap_or_default()
    }

    /// Puts `policy` in force (the services reload it after every change).
    pub fn set(&self, policy: Policy) {
        if let Ok(mut current) = self.current.write() {
            *current = Arc::new(policy);
        }
    }

    pub fn verdict(&self, host: &str) -> Verdict {
        self.get().verdict(host)
    }

    /// `Err` with the reason when the host is refused.
    pub fn check(&self, host: &str) -> Result<Verdict, Refusal> {
        match self.verdict(host) {
            Verdict::Refuse(why) => Err(why),
            other => Ok(other),
        }
    }
}

/// Refuses URLs on hosts the federation policy refuses (suspended, or not
/// allowed in allow-list mode): nothing is fetched from them or sent to them.
#[derive(Clone)]
pub struct PolicyVerifier(pub Arc<PolicyCache>);

#[async_trait::async_trait]
impl UrlVerifier for PolicyVerifier {
    async fn verify(&self, url: &Url) -> Result<(), activitypub_federation::error::Error> {
        let Some(host) = origin_of(url) else {
            return Ok(());
        };
        match self.0.check(&host) {
            Ok(_) => Ok(()),
            Err(_) => Err(activitypub_federation::error::Error::UrlVerificationError(
                "the host is refused by this node's federation policy",
            )),
        }
    }
}
