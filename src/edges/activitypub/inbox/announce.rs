//! `Announce` from a node this node follows: a local coop's activity that
//! the node forwards (FEP-1b12), or a bare object URL (relay style).
//!
//! Nothing inside is taken on trust. The announced object must be on the
//! announcing node's own host, and it is read again from there (signed by
//! our node actor): a created or updated object is stored as its origin
//! serves it, not as embedded; a `Delete` is applied only when the origin
//! answers 410 Gone or a Tombstone. What the origin does not confirm is
//! refused with 403 and changes nothing; when the origin cannot be reached,
//! 503 lets the sender deliver again later.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use serde_json::Value;
use url::Url;

use super::actor::KnownActor;
use super::error::InboxError;
use crate::domain::remote::RemoteActor;
use crate::domain::urls::same_origin;
use crate::edges::activitypub::fetch::{from_origin, Fetched};
use crate::edges::activitypub::Context;
use crate::infra::wire::activity::{object_id, object_type, IncomingActivity};
use crate::infra::wire::received_proposal::{attributed_to, ReceivedNote};
use crate::infra::wire::remote_actor::ACTOR_TYPES;
use crate::services::inbox::Received;
use crate::services::remote::RemoteFailure;
use crate::services::{ServiceError, Services};

fn refused(message: impl Into<String>) -> InboxError {
    ServiceError::Forbidden(message.into()).into()
}

pub(super) async fn receive(
    a: IncomingActivity,
    announcer: RemoteActor,
    data: &Data<Context>,
) -> Result<Received, InboxError> {
    let services: &Services = data;
    if !services.is_followed_node_actor(&announcer).await? {
        return Ok(Received::Ignored(
            "only the node actor of a node this node follows may announce".into(),
        ));
    }
    // FEP-1b12 embeds the whole activity; relays may send only a URL.
    let (inner_kind, author, target) = match &a.object {
        Value::String(_) => (None, None, object_id(&a.object)),
        object => {
            let inner: IncomingActivity = serde_json::from_value(object.clone())
                .map_err(|e| ServiceError::invalid("object", e.to_string()))?;
            (
                Some(inner.kind),
                Some(inner.actor),
                object_id(&inner.object),
            )
        }
    };
    let target = target.ok_or_else(|| ServiceError::invalid("object", "names no object"))?;
    if !same_origin(&target, &a.actor) || author.as_ref().is_some_and(|u| !same_origin(u, &a.actor))
    {
        return Err(refused(
            "a node may only forward activities of its own coops",
        ));
    }
    let deleted = inner_kind.as_deref() == Some("Delete");
    let fetched = from_origin(&target, data).await.map_err(|e| {
        let message = format!("cannot confirm the announced object with its origin: {e}");
        match e {
            RemoteFailure::Unreachable(_) => InboxError::OriginUnreachable(message),
            _ => refused(message),
        }
    })?;
    match fetched {
        Fetched::Gone if deleted => {
            let Some(author) = author else {
                return Err(ServiceError::invalid("object.actor", "is missing").into());
            };
            match services.remote_actor(author.as_str()).await? {
                Some(author) => Ok(services.receive_delete(&a.id, &author, &target).await?),
                None => Ok(Received::Ignored("unknown actor".into())),
            }
        }
        Fetched::Gone => Err(refused(
            "the origin does not confirm the announced object: it is gone",
        )),
        Fetched::Live(_) if deleted => Err(refused(
            "the origin still serves the object the announced Delete removes",
        )),
        Fetched::Live(doc) if object_type(&doc).is_some_and(|t| ACTOR_TYPES.contains(&t)) => {
            // Checked and saved as any fetched actor.
            super::actor::save_fetched(doc, &target, data).await?;
            Ok(Received::Applied)
        }
        Fetched::Live(doc) => {
            let note: ReceivedNote = serde_json::from_value(doc)
                .map_err(|e| ServiceError::invalid("object", e.to_string()))?;
            let author: Url = note
                .attributed_to
                .as_ref()
                .and_then(attributed_to)
                .ok_or_else(|| ServiceError::invalid("object.attributedTo", "is missing"))?;
            if !same_origin(&author, &a.actor) {
                return Err(refused("the object is attributed to another host's actor"));
            }
            let author = ObjectId::<KnownActor>::from(author)
                .dereference(data)
                .await?
                .actor;
            Ok(services.receive_proposal(&a.id, &author, note).await?)
        }
    }
}
