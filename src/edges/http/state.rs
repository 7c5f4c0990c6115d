//! What every HTTP edge handler can reach.

use std::sync::Arc;

use crate::infra::config::Config;
use crate::services::remote::Resolver;
use crate::services::Services;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<Config>,
    /// Finds `handle@domain` on other servers (the ActivityPub edge's
    /// WebFinger lookup, handed to the services by whoever asks).
    pub resolver: Arc<dyn Resolver>,
}
