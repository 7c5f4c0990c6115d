//! What activitypub_federation hands the ActivityPub edge's handlers
//! (`Data<Context>`): the services, and the HTTP client for the fetches the
//! edge makes itself (announced objects, directory pages). The library
//! configuration built around it lives here too, at the edge: the services
//! never see the library or the network.

use std::ops::Deref;
use std::sync::Arc;

use activitypub_federation::config::FederationConfig;
use axum::extract::FromRef;
use reqwest_middleware::ClientWithMiddleware;

use crate::edges::activitypub::fetch::Fetched;
use crate::edges::http::state::AppState;
use crate::infra::config::Config;
use crate::infra::outbound::client::{federation_config, http_client};
use crate::infra::outbound::single_flight::SingleFlight;
use crate::infra::outbound::Signer;
use crate::services::remote::RemoteFailure;
use crate::services::Services;

#[derive(Clone)]
pub struct Context {
    pub services: Services,
    pub http: ClientWithMiddleware,
    /// Plain http and loopback peers allowed (config `dev_mode`).
    pub dev_mode: bool,
    /// The node actor's key id and private key, for fetches signed the
    /// RFC 9421 way (the library signs draft-cavage ones itself).
    pub node_key: Arc<(url::Url, String)>,
    /// Documents being fetched from their origins, so that concurrent
    /// askers share one fetch (fetch.rs).
    pub fetches: Arc<SingleFlight<url::Url, Result<Fetched, RemoteFailure>>>,
}

impl Deref for Context {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

/// The library's settings for receiving and fetching.
pub type Federation = FederationConfig<Context>;

/// Builds them: fetches are signed by the node actor `signer`, so servers
/// in authorized-fetch mode answer them.
pub async fn federation(
    config: &Config,
    services: Services,
    signer: &Signer,
) -> anyhow::Result<Federation> {
    let policy = services.policy();
    let context = Context {
        http: http_client(config)?,
        dev_mode: config.dev_mode,
        node_key: Arc::new((
            services.urls.key_id(&signer.id),
            signer.private_key_pem.clone(),
        )),
        fetches: Arc::default(),
        services,
    };
    federation_config(config, context, policy, Some(signer)).await
}

/// The state of the ActivityPub routes: what every edge reaches, and the
/// library's settings, which only this edge uses.
#[derive(Clone)]
pub struct ApState {
    pub app: AppState,
    pub federation: Arc<Federation>,
}

impl FromRef<ApState> for AppState {
    fn from_ref(state: &ApState) -> AppState {
        state.app.clone()
    }
}
