//! What every HTTP edge handler can reach.

use std::sync::Arc;

use crate::infra::config::Config;
use crate::services::remote::Resolver;
use crate::services::Services;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<Config>,
    /// activitypub_federation's settings for receiving and fetching, with
    /// the services as the data its handlers reach.
    pub federation: activitypub_federation::config::FederationConfig<Services>,
    /// Finds `handle@domain` on other servers (the ActivityPub edge's
    /// WebFinger lookup, handed to the services by whoever asks).
    pub resolver: Arc<dyn Resolver>,
}
