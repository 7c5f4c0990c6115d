//! The inboxes (each coop's and the shared one). A request passes, in order:
//! a body cap (413), a `Date` window (401), a JSON envelope check (400), the
//! federation policy on the actor's and the activity's hosts (403: a refused
//! host never costs a key fetch), what the signature covers (401), then
//! activitypub_federation, which checks the `Digest` against the body,
//! fetches or reads the signing actor (the fetch signed by our node actor)
//! and verifies the draft-cavage signature; then the activity's own origin
//! rules and its effects, once per activity id (see services/inbox.rs). A
//! correctly signed activity of a type we do not act on is answered 202.

mod activity;
mod actor;
mod announce;
mod error;

use activitypub_federation::axum::inbox::{receive_activity, ActivityData};
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::limits::INBOX_BODY_MAX_BYTES;
use crate::domain::urls::origin_of;
use crate::edges::activitypub::{signature, ApState};
use crate::edges::http::error::HttpError;
use crate::edges::http::limits::read_body;
use crate::infra::wire::activity::IncomingActivity;

use activity::Incoming;
use activitypub_federation::traits::Activity as _;
use actor::remembering_actor;
pub(crate) use actor::{read as read_actor, KnownActor};
pub(crate) use error::InboxError;

/// An activity signed the RFC 9421 way, which activitypub_federation does
/// not verify: the same steps as its `receive_activity` (parse, origin
/// checks, the actor's key, the signature), then ours (`verify`, `receive`).
async fn rfc9421_inbox(state: &ApState, request: Request, body: &[u8]) -> Result<(), HttpError> {
    let headers = request.headers();
    let input = signature::read_rfc9421(headers, true)?;
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
    if origin_of(&actor_id) == Some(data.urls.domain()) {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "the activity claims to come from this node",
        ));
    }
    // As the library does: the activity's actor signs it, whatever keyId says.
    let actor = read_actor(&actor_id, &data)
        .await
        .map_err(|e| signature::key_error(&actor_id, e))?;
    signature::verify_rfc9421(
        request.method(),
        request.uri(),
        headers,
        Some(body),
        &input,
        &actor.actor.public_key_pem,
        &data,
    )?;
    signature::took_rfc9421(&actor.actor, &data);
    activity.verify(&data).await.map_err(HttpError::from)?;
    activity.receive(&data).await.map_err(HttpError::from)
}

fn refuse(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    HttpError::new(status, code, message).into_response()
}

pub async fn inbox(State(state): State<ApState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match read_body(body, INBOX_BODY_MAX_BYTES, "an activity").await {
        Ok(b) => b,
        Err(refused) => return refused.into_response(),
    };
    let rfc9421 = signature::is_rfc9421(&parts.headers);
    let request = Request::from_parts(parts, Body::from(bytes.clone()));
    // RFC 9421 signatures carry their own time (`created`).
    if !rfc9421 {
        if let Err(refused) = signature::check_date(request.headers()) {
            return refused.into_response();
        }
    }
    // Cheap checks first, so junk never costs an actor fetch.
    let envelope: IncomingActivity = match serde_json::from_slice(&bytes) {
        Ok(a) => a,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "invalid_activity",
                format!("not an activity: {e}"),
            )
        }
    };
    // Before the signature, so a refused host never costs an actor fetch.
    let policy = state.app.services.policy();
    for url in [&envelope.actor, &envelope.id] {
        let host = origin_of(url).unwrap_or_default();
        if let Err(why) = policy.check(&host) {
            return refuse(StatusCode::FORBIDDEN, "domain_refused", why.message(&host));
        }
    }
    if rfc9421 {
        return match remembering_actor(rfc9421_inbox(&state, request, &bytes)).await {
            Ok(()) => StatusCode::ACCEPTED.into_response(),
            Err(refused) => {
                tracing::info!(id = %envelope.id, kind = %envelope.kind, error = %refused.message, "activity refused");
                refused.into_response()
            }
        };
    }
    if let Err(refused) = signature::check_coverage(request.headers(), true) {
        return refused.into_response();
    }
    let data = match ActivityData::from_request(request, &state).await {
        Ok(d) => d,
        Err(response) => return response,
    };
    let federation = state.federation.to_request_data();
    match remembering_actor(receive_activity::<Incoming, KnownActor, _>(
        data,
        &federation,
    ))
    .await
    {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => {
            tracing::info!(id = %envelope.id, kind = %envelope.kind, error = %e, "activity refused");
            e.into_response()
        }
    }
}
