//! Authorized fetch (config `authorized_fetch`, off by default), as
//! Mastodon's secure mode and GoToSocial do it: actor, proposal and
//! collection documents go only to GETs signed by a server this node
//! federates with, so a blocked server cannot read even public documents
//! and every reader is known. The node actor, WebFinger and NodeInfo stay
//! open (other servers need them to sign at all), and an unsigned fetch of
//! a coop's actor gets only what checking its signatures needs.

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{signature, ApState};
use crate::edges::http::error::HttpError;

/// Who asked for a document, as the guard found out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Authorized fetch is off: anyone gets everything.
    Anyone,
    /// A server we federate with, by a signature that verified.
    Signed,
    /// Nobody in particular (allowed only for a coop's key).
    Unsigned,
}

/// The route whose unsigned readers get the key-only actor document.
const COOP_ACTOR: &str = "/actors/{handle}";

pub async fn guard(State(state): State<ApState>, mut request: Request, next: Next) -> Response {
    let reader = if !state.app.services.node_settings().authorized_fetch {
        Reader::Anyone
    } else if signature::is_signed(request.headers()) {
        let data = state.federation.to_request_data();
        if let Err(refused) =
            signature::verify_get(request.method(), request.uri(), request.headers(), &data).await
        {
            tracing::info!(path = %request.uri().path(), error = %refused.message, "signed fetch refused");
            return refused.into_response();
        }
        Reader::Signed
    } else if request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| p.as_str() == COOP_ACTOR)
    {
        Reader::Unsigned
    } else {
        return HttpError::new(
            StatusCode::UNAUTHORIZED,
            "signature_required",
            "this node serves its documents only to signed requests (authorized fetch): sign \
             the GET with your server's key, draft-cavage over (request-target) host date",
        )
        .into_response();
    };
    request.extensions_mut().insert(reader);
    next.run(request).await
}
