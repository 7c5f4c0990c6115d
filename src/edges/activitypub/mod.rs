//! Federation edge: discovery (WebFinger, NodeInfo) and the ActivityPub
//! documents of the node, its coops, their proposals and gatherings.

mod actors;
mod authorized_fetch;
pub mod backfill;
mod context;
mod discovery;
mod fetch;
mod inbox;
mod objects;
mod resolve;
mod signature;

pub use context::{federation, ApState, Context, Federation};
pub(crate) use inbox::KnownActor;
pub use resolve::WebFinger;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use crate::edges::http::error::HttpError;

/// The ActivityPub routes, with their state given. Documents go through
/// the authorized-fetch guard; discovery, the node actor and the inboxes
/// are always open.
pub fn router<S>(state: ApState) -> Router<S> {
    let documents = Router::new()
        .route("/actor/outbox", get(actors::node_outbox))
        .route("/actor/followers", get(actors::node_followers))
        .route("/actor/directory", get(actors::node_directory))
        .route("/actors/{handle}", get(actors::coop))
        .route("/actors/{handle}/outbox", get(actors::outbox))
        .route("/actors/{handle}/featured", get(actors::featured))
        .route("/actors/{handle}/followers", get(actors::followers))
        .route("/actors/{handle}/following", get(actors::following))
        .route("/proposals/{id}", get(objects::proposal))
        .route("/proposals/{id}/activity", get(objects::proposal_create))
        .route("/gatherings/{id}", get(objects::gathering))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authorized_fetch::guard,
        ));
    Router::new()
        .route("/.well-known/webfinger", get(discovery::webfinger))
        .route("/.well-known/nodeinfo", get(discovery::nodeinfo_links))
        .route("/nodeinfo/2.1", get(discovery::nodeinfo))
        .route("/actor", get(actors::node))
        .route("/inbox", post(inbox::inbox))
        .route("/actors/{handle}/inbox", post(inbox::inbox))
        .merge(documents)
        .with_state(state)
}

/// A JSON body with the given media type.
pub(crate) fn json_as<T: Serialize>(
    status: StatusCode,
    media_type: &'static str,
    body: &T,
) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            response
        }
        Err(e) => HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            .into_response(),
    }
}

/// An ActivityPub document.
pub(crate) fn activity_json<T: Serialize>(body: &T) -> Response {
    json_as(StatusCode::OK, crate::infra::wire::ACTIVITY_JSON, body)
}
