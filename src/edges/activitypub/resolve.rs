//! The [`Resolver`] the services ask to find `handle@domain`: WebFinger,
//! then the actor document (fetched signed by the node actor), checked and
//! stored. Each failure says which server answered what.

use super::fetch;
use super::inbox::{read_actor, InboxError};
use super::Federation;
use crate::domain::remote::RemoteActor;
use crate::services::remote::{RemoteFailure, Resolver};
use crate::services::ServiceError;

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
    async fn webfinger(&self, account: &str) -> Result<RemoteActor, RemoteFailure> {
        let data = self.federation.to_request_data();
        let id = fetch::webfinger(account, &data).await?;
        match read_actor(&id, &data).await {
            Ok(known) => Ok(known.actor),
            Err(InboxError::Remote(failure)) => Err(failure),
            Err(InboxError::Service(ServiceError::Store(e))) => Err(RemoteFailure::Unreachable(
                format!("the actor {id} could not be stored now: {e}"),
            )),
            Err(other) => Err(RemoteFailure::Invalid(format!(
                "the actor {id} that WebFinger names for {account} was refused: {other}"
            ))),
        }
    }
}
