//! A received activity, dispatched by type to the services once the library
//! has checked its digest and signature.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use serde::Deserialize;
use url::Url;

use super::actor::{resolved, KnownActor};
use super::error::InboxError;
use crate::edges::activitypub::Context;
use crate::infra::wire::activity::{object_id, object_type, referenced_follow, IncomingActivity};
use crate::infra::wire::introduction;
use crate::infra::wire::received_proposal::ReceivedNote;
use crate::infra::wire::remote_actor::{RemoteActorDocument, ACTOR_TYPES};
use crate::services::inbox::Received;
use crate::services::{ServiceError, Services};

#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Incoming(pub IncomingActivity);

fn object_url(a: &IncomingActivity) -> Result<Url, InboxError> {
    object_id(&a.object).ok_or_else(|| {
        ServiceError::invalid("object", "must be a URL or an object with an id").into()
    })
}

/// The `Offer` an `Accept` or `Reject` answers, when it is one of our
/// introductions (given by id or embedded).
fn introduction_answered(services: &Services, a: &IncomingActivity) -> Option<Url> {
    let offer = object_id(&a.object)?;
    services.urls.introduction_of(&offer).map(|_| offer)
}

/// Whether an `Accept` or `Reject` answers a `Join` one of our coops sent
/// (embedded, as we and Mobilizon send it, or by id).
async fn answers_our_join(services: &Services, a: &IncomingActivity) -> Result<bool, InboxError> {
    if object_type(&a.object) == Some("Join") {
        return Ok(true);
    }
    match &a.object {
        serde_json::Value::String(_) => match object_id(&a.object) {
            Some(id) => Ok(services.is_our_join(&id).await?),
            None => Ok(false),
        },
        _ => Ok(false),
    }
}

/// The gathering of this node a Note replies to: a contribution to it.
fn replied_gathering(services: &Services, note: &ReceivedNote) -> Option<Url> {
    let to = Url::parse(note.in_reply_to.as_str()?).ok()?;
    services.urls.gathering_of(&to).map(|_| to)
}

#[async_trait::async_trait]
impl Activity for Incoming {
    type DataType = Context;
    type Error = InboxError;

    fn id(&self) -> &Url {
        &self.0.id
    }

    fn actor(&self) -> &Url {
        &self.0.actor
    }

    /// After the signature: the federation policy on the actor's and the
    /// activity's hosts (the inbox has already checked that the id is on the
    /// actor's origin, host and port).
    async fn verify(&self, data: &Data<Context>) -> Result<(), InboxError> {
        let policy = data.policy();
        for url in [&self.0.actor, &self.0.id] {
            let host = crate::domain::urls::origin_of(url).unwrap_or_default();
            if let Err(why) = policy.check(&host) {
                return Err(ServiceError::DomainRefused(why.message(&host)).into());
            }
        }
        Ok(())
    }

    async fn receive(self, data: &Data<Context>) -> Result<(), InboxError> {
        let a = self.0;
        // Resolved (and refreshed if stale) while the signature was checked.
        let actor = match resolved(&a.actor) {
            Some(actor) => actor,
            None => {
                ObjectId::<KnownActor>::from(a.actor.clone())
                    .dereference(data)
                    .await?
                    .actor
            }
        };
        let services: &Services = data;
        let outcome = match a.kind.as_str() {
            "Follow" => {
                services
                    .receive_follow(&a.id, &actor, &object_url(&a)?)
                    .await?
            }
            "Offer" => {
                let offer = introduction::read_offer(&a.object, &a.content, &a.contact_point)
                    .map_err(|m| ServiceError::invalid("object", &m))?;
                services.receive_introduction(&a.id, &actor, offer).await?
            }
            "Accept" | "Reject" if answers_our_join(services, &a).await? => {
                services
                    .receive_join_answer(&a.id, &actor, &object_url(&a)?, a.kind == "Accept")
                    .await?
            }
            "Accept" | "Reject" => match introduction_answered(services, &a) {
                Some(offer) => {
                    let contacts = introduction::read_contacts(&a.contact_point);
                    let accepted = a.kind == "Accept";
                    services
                        .receive_introduction_answer(&a.id, &actor, &offer, accepted, contacts)
                        .await?
                }
                None => {
                    let (follow, embedded) = referenced_follow(&a.object).ok_or_else(|| {
                        ServiceError::invalid("object", "must be the Follow or its id")
                    })?;
                    services
                        .receive_follow_answer(&a.id, &actor, &follow, embedded, a.kind == "Accept")
                        .await?
                }
            },
            "Join" => {
                let delegate = a.delegate.as_str().map(str::to_string);
                services
                    .receive_join(&a.id, &actor, &object_url(&a)?, delegate)
                    .await?
            }
            "Leave" => {
                services
                    .receive_leave(&a.id, &actor, Some(object_url(&a)?), None)
                    .await?
            }
            "Undo" => match object_type(&a.object) {
                Some("Join") => {
                    let event = a.object.get("object").and_then(object_id);
                    services
                        .receive_leave(&a.id, &actor, event, Some(object_url(&a)?))
                        .await?
                }
                Some("Follow") | None => {
                    let (follow, embedded) = referenced_follow(&a.object).ok_or_else(|| {
                        ServiceError::invalid("object", "must be the Follow or its id")
                    })?;
                    services
                        .receive_unfollow(&a.id, &actor, &follow, embedded)
                        .await?
                }
                Some(other) => Received::Ignored(format!("Undo of {other}")),
            },
            "Create" | "Update" => match object_type(&a.object) {
                Some(t) if a.kind == "Update" && ACTOR_TYPES.contains(&t) => {
                    let doc: RemoteActorDocument = serde_json::from_value(a.object)
                        .map_err(|e| ServiceError::invalid("object", e.to_string()))?;
                    services.receive_actor_update(&a.id, &actor, doc).await?
                }
                Some(_) => {
                    let note: ReceivedNote = serde_json::from_value(a.object)
                        .map_err(|e| ServiceError::invalid("object", e.to_string()))?;
                    match replied_gathering(services, &note) {
                        Some(event) => {
                            services
                                .receive_contribution(&a.id, &actor, &event, note)
                                .await?
                        }
                        None => services.receive_proposal(&a.id, &actor, note).await?,
                    }
                }
                // A bare URL: we do not fetch objects by reference (yet).
                None => Received::Ignored("object given by reference".into()),
            },
            "Delete" => {
                services
                    .receive_delete(&a.id, &actor, &object_url(&a)?)
                    .await?
            }
            "Announce" => super::announce::receive(a.clone(), actor, data).await?,
            // Signed and checked, but nothing we act on (a `Like`, an
            // `EmojiReact`): 202 as Mastodon answers, so it is not resent.
            other => {
                tracing::info!(id = %a.id, kind = %other, actor = %a.actor, "activity type not handled; accepted and dropped");
                Received::Ignored(format!("{other} is not handled"))
            }
        };
        match outcome {
            Received::Applied => tracing::debug!(id = %a.id, kind = %a.kind, "activity applied"),
            Received::Duplicate => tracing::debug!(id = %a.id, "duplicate activity ignored"),
            Received::Ignored(why) => {
                tracing::debug!(id = %a.id, kind = %a.kind, %why, "activity ignored")
            }
        }
        Ok(())
    }
}
