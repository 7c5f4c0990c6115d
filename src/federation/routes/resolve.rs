//! Finding a remote actor by `handle@domain`: WebFinger, then the actor
//! document (fetched signed by the node actor), checked and stored.

use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use axum::http::StatusCode;

use super::inbox::KnownActor;
use crate::api::error::ApiError;
use crate::domain::remote::RemoteActor;
use crate::state::AppState;

/// 403 when the federation policy refuses `domain`: nothing is fetched.
fn refused(state: &AppState, domain: &str) -> Result<(), ApiError> {
    let domain = domain.to_ascii_lowercase();
    match state.services.policy().check(&domain) {
        Ok(_) => Ok(()),
        Err(why) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "domain_refused",
            why.message(&domain),
        )),
    }
}

/// Resolves `account` (`handle@domain`, a leading `@` allowed).
pub(crate) async fn resolve_account(
    state: &AppState,
    account: &str,
) -> Result<RemoteActor, ApiError> {
    let account = account.trim().trim_start_matches('@');
    let invalid = |m: &str| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("account: {m}"),
        )
    };
    let Some((handle, domain)) = account.split_once('@') else {
        return Err(invalid("must look like handle@domain"));
    };
    if handle.is_empty()
        || domain.is_empty()
        || account.len() > 300
        || account.contains(['/', '?', '#', ' '])
    {
        return Err(invalid("must look like handle@domain"));
    }
    if domain.eq_ignore_ascii_case(&state.config.domain()) {
        return Err(invalid(
            "that coop is on this node; coops on one node already see each other's proposals",
        ));
    }
    refused(state, domain)?;
    let data = state.federation.to_request_data();
    webfinger_resolve_actor::<_, KnownActor>(account, &data)
        .await
        .map(|known| known.actor)
        .map_err(|e| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("cannot find {account}: {e}"),
            )
        })
}

/// Finds another node's actor by its domain: FEP-d556 WebFinger on the
/// node's origin, as Mastodon and Mitra answer it.
pub(crate) async fn resolve_node(state: &AppState, domain: &str) -> Result<RemoteActor, ApiError> {
    if domain.eq_ignore_ascii_case(&state.config.domain()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "domain: that is this node",
        ));
    }
    refused(state, domain)?;
    let data = state.federation.to_request_data();
    webfinger_resolve_actor::<_, KnownActor>(&format!("{domain}@{domain}"), &data)
        .await
        .map(|known| known.actor)
        .map_err(|e| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("cannot find the node actor of {domain}: {e}"),
            )
        })
}
