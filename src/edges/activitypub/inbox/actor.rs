//! A remote actor as activitypub_federation sees it: read from our store,
//! or fetched from its origin (signed by the node actor, through our own
//! fetch so a failure says why), checked and saved. A stored actor is read
//! again from its origin once a day, so profile and key changes arrive even
//! without an `Update`; if its origin does not answer then, the stored copy
//! is used.

use std::cell::RefCell;
use std::future::Future;

use activitypub_federation::config::Data;
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, Utc};
use url::Url;

use crate::edges::activitypub::fetch::{from_origin, Fetched};
use crate::services::remote::RemoteFailure;

use super::error::InboxError;
use crate::domain::remote::RemoteActor;
use crate::domain::urls::same_origin;
use crate::edges::activitypub::Context;
use crate::infra::wire::remote_actor::RemoteActorDocument;
use crate::services::ServiceError;

tokio::task_local! {
    /// The actor the library resolved to check this request's signature,
    /// so that handling the activity does not read it again.
    static RESOLVED: RefCell<Option<RemoteActor>>;
}

/// Runs an inbox request with room to remember its resolved actor.
pub(super) async fn remembering_actor<F: Future>(request: F) -> F::Output {
    RESOLVED.scope(RefCell::new(None), request).await
}

/// The actor `id` as resolved earlier in this request, if it was.
pub(super) fn resolved(id: &Url) -> Option<RemoteActor> {
    RESOLVED
        .try_with(|slot| slot.borrow().clone())
        .ok()
        .flatten()
        .filter(|actor| actor.ap_id == id.as_str())
}

/// Outside an inbox request (a WebFinger resolve) there is nothing to keep.
fn remember(actor: &RemoteActor) {
    let _ = RESOLVED.try_with(|slot| *slot.borrow_mut() = Some(actor.clone()));
}

#[derive(Debug, Clone)]
pub struct KnownActor {
    pub actor: RemoteActor,
    id: Url,
    inbox: Url,
    shared_inbox: Option<Url>,
}

impl TryFrom<RemoteActor> for KnownActor {
    type Error = InboxError;

    fn try_from(actor: RemoteActor) -> Result<Self, InboxError> {
        let bad = |_| ServiceError::Internal(format!("stored actor {} has a bad URL", actor.ap_id));
        Ok(KnownActor {
            id: Url::parse(&actor.ap_id).map_err(bad)?,
            inbox: Url::parse(&actor.inbox).map_err(bad)?,
            shared_inbox: match &actor.shared_inbox {
                Some(s) => Some(Url::parse(s).map_err(bad)?),
                None => None,
            },
            actor,
        })
    }
}

#[async_trait::async_trait]
impl Object for KnownActor {
    type DataType = Context;
    type Kind = RemoteActorDocument;
    type Error = InboxError;

    fn id(&self) -> &Url {
        &self.id
    }

    /// `read_from_id` refreshes stale actors itself, so the library never
    /// fetches one (its fetch would hide why it failed).
    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        None
    }

    async fn read_from_id(id: Url, data: &Data<Context>) -> Result<Option<Self>, InboxError> {
        read(&id, data).await.map(Some)
    }

    async fn into_json(self, _: &Data<Context>) -> Result<RemoteActorDocument, InboxError> {
        Err(ServiceError::Internal("remote actors are not served from here".into()).into())
    }

    async fn verify(
        json: &RemoteActorDocument,
        expected: &Url,
        _: &Data<Context>,
    ) -> Result<(), InboxError> {
        if !same_origin(&json.id, expected) {
            return Err(ServiceError::Forbidden(
                "the actor document is served by another host".into(),
            )
            .into());
        }
        json.check()
            .map_err(|m| ServiceError::Forbidden(format!("actor refused: {m}")))?;
        Ok(())
    }

    async fn from_json(
        json: RemoteActorDocument,
        data: &Data<Context>,
    ) -> Result<Self, InboxError> {
        let actor = data.save_remote_actor(json).await?;
        remember(&actor);
        actor.try_into()
    }
}

/// How long a stored actor is used before it is read again from its origin.
const REFRESH_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// The actor `id`: stored and fresh, or fetched from its origin and saved
/// (the stored copy if a refresh fails).
pub(crate) async fn read(id: &Url, data: &Data<Context>) -> Result<KnownActor, InboxError> {
    let stored = data.remote_actor(id.as_str()).await?;
    if let Some(actor) = &stored {
        if crate::domain::time::now() - actor.fetched_at < REFRESH_AFTER {
            remember(actor);
            return actor.clone().try_into();
        }
    }
    let fetched = match from_origin(id, data).await {
        Ok(Fetched::Live(doc)) => save_fetched(doc, id, data).await,
        Ok(Fetched::Gone) => Err(RemoteFailure::Gone(format!(
            "{id} is gone (its server answered 404 or 410, or a Tombstone)"
        ))
        .into()),
        Err(failure) => Err(failure.into()),
    };
    match (fetched, stored) {
        (Err(e), Some(actor)) => {
            tracing::info!(actor = %id, error = %e, "refreshing a stored actor failed; using the stored copy");
            remember(&actor);
            actor.try_into()
        }
        (result, _) => result,
    }
}

/// Checks and saves an actor document fetched from `id`.
pub(crate) async fn save_fetched(
    doc: serde_json::Value,
    id: &Url,
    data: &Data<Context>,
) -> Result<KnownActor, InboxError> {
    let doc: RemoteActorDocument = serde_json::from_value(doc)
        .map_err(|e| RemoteFailure::Invalid(format!("{id} is not an actor: {e}")))?;
    KnownActor::verify(&doc, id, data).await?;
    if doc.implements_rfc9421() {
        if let Some(host) = crate::domain::urls::origin_of(id) {
            data.knocks()
                .remember(&host, crate::infra::outbound::knocks::Standard::Rfc9421);
        }
    }
    KnownActor::from_json(doc, data).await
}

impl Actor for KnownActor {
    fn public_key_pem(&self) -> &str {
        &self.actor.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        None
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.shared_inbox.clone()
    }
}
