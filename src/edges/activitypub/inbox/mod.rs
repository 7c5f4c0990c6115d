//! The inboxes (each coop's and the shared one). A request passes, in order:
//! a body cap (413); for a draft-cavage signature a `Date` window, what the
//! signature covers and the `Digest` (401), for an RFC 9421 one what it
//! covers, its `created` time and the `Content-Digest` (401); the activity's
//! JSON (400); the signing actor, read or fetched (signed by our node
//! actor; never from a host the policy refuses) and the signature checked
//! with its key (401); then, in `Incoming::verify`, the federation policy on
//! the actor's and the activity's hosts (403) and the origin rules; then its
//! effects, once per activity id (see services/inbox.rs). A correctly signed
//! activity of a type we do not act on is answered 202. Nobody learns the
//! policy before proving who it is.
//!
//! Written here rather than with activitypub_federation's
//! `receive_activity`, which checks the policy before the signature and
//! knows draft-cavage only; the verification itself uses the same parser
//! (http-signature-normalization), and aws-lc-rs for the RSA check
//! (`infra/outbound/keys.rs`: about nine times faster than the `rsa` crate).

mod activity;
mod actor;
mod announce;
mod error;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::limits::INBOX_BODY_MAX_BYTES;
use crate::domain::urls::{origin_of, same_origin};
use crate::edges::activitypub::{signature, ApState};
use crate::edges::http::error::HttpError;
use crate::edges::http::limits::read_body;

use activity::Incoming;
use activitypub_federation::traits::Activity as _;
use actor::remembering_actor;
pub(crate) use actor::{read as read_actor, save_fetched, KnownActor};
pub(crate) use error::InboxError;

/// Everything after the body is read; `Ok` is 202.
async fn receive(state: &ApState, request: &Parts, body: &[u8]) -> Result<(), HttpError> {
    let headers = &request.headers;
    // What the signature says of itself: cheap checks before any fetch.
    let rfc9421 = if signature::is_rfc9421(headers) {
        Some(signature::read_rfc9421(headers, true)?)
    } else {
        signature::check_date(headers)?;
        signature::check_coverage(headers, true)?;
        signature::check_digest(headers, body)?;
        None
    };
    let activity: Incoming = serde_json::from_slice(body).map_err(|e| {
        HttpError::new(
            StatusCode::BAD_REQUEST,
            "invalid_activity",
            format!("not an activity: {e}"),
        )
    })?;
    let data = state.federation.to_request_data();
    let actor_id = activity.0.actor.clone();
    if activity.0.id.scheme() != "https" && !data.dev_mode {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "activity ids must be https URLs",
        ));
    }
    if !same_origin(&activity.0.id, &actor_id) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "the activity id is on another host than its actor",
        ));
    }
    if origin_of(&actor_id) == Some(data.urls.domain()) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "the activity claims to come from this node",
        ));
    }
    // The activity's actor signs it, whatever the key id says (as the
    // library does): the key is the actor's own, from its origin.
    let actor = read_actor(&actor_id, &data)
        .await
        .map_err(|e| signature::key_error(&actor_id, e))?
        .actor;
    match &rfc9421 {
        Some(input) => {
            signature::verify_rfc9421(
                &request.method,
                &request.uri,
                headers,
                Some(body),
                input,
                &actor.public_key_pem,
                &data,
            )?;
            signature::took_rfc9421(&actor, &data);
        }
        None => signature::verify_cavage(
            &request.method,
            &request.uri,
            headers,
            &actor.public_key_pem,
        )?,
    }
    activity.verify(&data).await.map_err(HttpError::from)?;
    activity.receive(&data).await.map_err(HttpError::from)
}

pub async fn inbox(State(state): State<ApState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match read_body(body, INBOX_BODY_MAX_BYTES, "an activity").await {
        Ok(b) => b,
        Err(refused) => return refused.into_response(),
    };
    match remembering_actor(receive(&state, &parts, &bytes)).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(refused) => {
            tracing::info!(path = %parts.uri.path(), error = %refused.message, "activity refused");
            refused.into_response()
        }
    }
}
