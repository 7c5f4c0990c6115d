//! The [`Resolver`] the services ask to find `handle@domain`: WebFinger,
//! then the actor document (fetched signed by the node actor), checked and
//! stored; and what a searched URL names, read from its origin. Each
//! failure says which server answered what.

use super::fetch;
use super::inbox::{read_actor, save_fetched, InboxError};
use super::Federation;
use crate::domain::remote::RemoteActor;
use crate::domain::urls::same_origin;
use crate::infra::wire::activity::object_type;
use crate::infra::wire::received_event::ReceivedEvent;
use crate::infra::wire::received_proposal::{attributed_to, ReceivedNote};
use crate::infra::wire::remote_actor::ACTOR_TYPES;
use crate::services::remote::{RemoteFailure, RemoteObject, Resolver};
use crate::services::ServiceError;

pub struct WebFinger {
    federation: std::sync::Arc<Federation>,
}

impl WebFinger {
    pub fn new(federation: std::sync::Arc<Federation>) -> Self {
        WebFinger { federation }
    }
}

/// A failure to read or store an actor, as the API says it.
fn actor_failure(id: &url::Url, e: InboxError, why: &str) -> RemoteFailure {
    match e {
        InboxError::Remote(failure) => failure,
        InboxError::Service(ServiceError::Store(e)) => {
            RemoteFailure::Unreachable(format!("the actor {id} could not be stored now: {e}"))
        }
        other => RemoteFailure::Invalid(format!("the actor {id} {why} was refused: {other}")),
    }
}

#[async_trait::async_trait]
impl Resolver for WebFinger {
    async fn webfinger(&self, account: &str) -> Result<RemoteActor, RemoteFailure> {
        let data = self.federation.to_request_data();
        let id = fetch::webfinger(account, &data).await?;
        read_actor(&id, &data)
            .await
            .map(|known| known.actor)
            .map_err(|e| actor_failure(&id, e, &format!("that WebFinger names for {account}")))
    }

    async fn object(&self, url: &url::Url) -> Result<RemoteObject, RemoteFailure> {
        let data = self.federation.to_request_data();
        let doc = match fetch::from_origin(url, &data).await? {
            fetch::Fetched::Gone => return Err(RemoteFailure::Gone(format!("{url} was deleted"))),
            fetch::Fetched::Live(doc) => doc,
        };
        if object_type(&doc).is_some_and(|t| ACTOR_TYPES.contains(&t)) {
            return save_fetched(doc, url, &data)
                .await
                .map(|known| RemoteObject::Actor(known.actor))
                .map_err(|e| actor_failure(url, e, "at that URL"));
        }
        if object_type(&doc) == Some("Event") {
            let event: ReceivedEvent = serde_json::from_value(doc)
                .map_err(|e| RemoteFailure::Invalid(format!("{url} is not a usable Event: {e}")))?;
            let organiser = event
                .organiser()
                .filter(|a| same_origin(a, url) && same_origin(&event.id, url))
                .ok_or_else(|| {
                    RemoteFailure::Invalid(format!("{url} is not an Event of an actor of its host"))
                })?;
            let organiser = read_actor(&organiser, &data)
                .await
                .map_err(|e| actor_failure(&organiser, e, &format!("that organises {url}")))?
                .actor;
            return Ok(RemoteObject::Event {
                event: Box::new(event),
                organiser,
            });
        }
        let note: ReceivedNote = serde_json::from_value(doc)
            .map_err(|e| RemoteFailure::Invalid(format!("{url} is not a post: {e}")))?;
        let author = note
            .attributed_to
            .as_ref()
            .and_then(attributed_to)
            .filter(|a| same_origin(a, url))
            .ok_or_else(|| {
                RemoteFailure::Invalid(format!("{url} is not attributed to an actor of its host"))
            })?;
        let author = read_actor(&author, &data)
            .await
            .map_err(|e| actor_failure(&author, e, &format!("that {url} is attributed to")))?
            .actor;
        Ok(RemoteObject::Note {
            note: Box::new(note),
            author,
        })
    }
}
