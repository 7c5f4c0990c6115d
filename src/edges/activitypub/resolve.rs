//! The [`Resolver`] the services ask to find `handle@domain`: WebFinger,
//! then the actor document (fetched signed by the node actor), checked and
//! stored, through activitypub_federation.

use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;

use super::inbox::KnownActor;
use super::Federation;
use crate::domain::remote::RemoteActor;
use crate::services::remote::Resolver;

pub struct WebFinger {
    federation: std::sync::Arc<Federation>,
}

impl WebFinger {
    pub fn new(federation: std::sync::Arc<Federation>) -> Self {
        WebFinger { federation }
    }
}

#[async_trait::async_trait]
impl Resolver for WebFinger {
    async fn webfinger(&self, account: &str) -> Result<RemoteActor, String> {
        let data = self.federation.to_request_data();
        webfinger_resolve_actor::<_, KnownActor>(account, &data)
            .await
            .map(|known| known.actor)
            .map_err(|e| e.to_string())
    }
}
