//! What every HTTP edge handler can reach.

use std::sync::Arc;

use crate::config::Config;
use crate::services::Services;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<Config>,
}
