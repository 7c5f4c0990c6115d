//! The domain operations. HTTP edges and the CLI call these; they call
//! storage. Nothing here knows about HTTP.

pub mod account_lookup;
pub mod accounts;
mod actor_cache;
pub mod actors;
pub mod coops;
pub mod directory;
pub mod follows;
mod fresh;
mod gathering_events;
pub mod gatherings;
pub mod inbox;
pub mod introductions;
pub mod login_limit;
pub mod markers;
pub mod matching;
pub mod network;
pub mod nodes;
pub mod notifications;
pub mod oauth;
mod outbox;
pub mod paging;
mod passwords;
pub mod pictures;
pub mod policy;
pub mod proposals;
pub mod remote;
pub mod remote_gatherings;
pub mod sessions;
pub mod settings;
pub mod statuses;
pub mod streaming;
#[cfg(test)]
mod testing;

use crate::domain::time;
use crate::domain::ValidationError;
use crate::infra::store::{Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// The federation policy refuses the domain asked about.
    #[error("{0}")]
    DomainRefused(String),
    /// Another server, asked on the user's behalf, gave no usable answer.
    #[error(transparent)]
    Remote(#[from] remote::RemoteFailure),
    #[error("too many attempts; try again in {} s", .retry_after.as_secs().max(1))]
    RateLimited { retry_after: std::time::Duration },
    #[error(transparent)]
    Store(StoreError),
    /// Not ready yet (the matching index is still being built at start-up).
    #[error("{0}")]
    Unavailable(String),
    /// A fault of the node itself (no randomness, a hashing failure ...).
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            // A unique index caught a race the service's own check could not.
            StoreError::Conflict => ServiceError::Conflict("that already exists".into()),
            StoreError::Refused(why) => {
                tracing::warn!(%why, "the database refused a value the text rule let through");
                ServiceError::invalid("text", "contains characters that cannot be stored")
            }
            other => ServiceError::Store(other),
        }
    }
}

impl ServiceError {
    /// Bad input: `field` and what is wrong with it.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(ValidationError::new(field, message))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Who is acting: a signed-in user, and the coop they act for if any.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: crate::domain::user::User,
}

impl Viewer {
    /// The coop this user acts for, or a clear refusal for node admins without one.
    pub fn coop_id(&self) -> ServiceResult<&str> {
        self.user
            .coop_id
            .as_deref()
            .ok_or_else(|| ServiceError::Forbidden("this account does not act for a coop".into()))
    }
}

/// Everything the services need, cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    /// Builds the URLs of our actors and objects (activities need them).
    pub urls: crate::domain::urls::Urls,
    login_limiter: std::sync::Arc<login_limit::LoginLimiter>,
    /// Password hashing behind its slots and queue (see passwords.rs).
    passwords: std::sync::Arc<passwords::Hashing>,
    /// Notified when deliveries are queued, so the worker starts at once.
    pub delivery_wake: std::sync::Arc<tokio::sync::Notify>,
    actors: std::sync::Arc<actor_cache::ActorCache>,
    /// The federation policy in force (see services/policy.rs).
    policy: std::sync::Arc<policy::PolicyCache>,
    /// Which signature standard each host takes (double-knocking).
    knocks: std::sync::Arc<crate::infra::outbound::knocks::Knocks>,
    /// The in-memory matching index (see services/matching.rs).
    matching: std::sync::Arc<matching::Matching>,
    network: std::sync::Arc<network::MapCache>,
    /// The newest public needs and offers, for a few seconds.
    front: std::sync::Arc<fresh::Fresh<(bool, bool, i64), Vec<statuses::Post>>>,
    /// What the streaming API tells connected apps (see streaming.rs).
    streams: std::sync::Arc<streaming::StreamHub>,
    /// Which links from other servers are kept (https; http in development).
    pub links: crate::domain::urls::LinkRule,
    /// The run-time settings in force (see settings.rs).
    settings: std::sync::Arc<settings::SettingsCache>,
}

impl Services {
    /// Which signature standard each host takes (shared with the
    /// delivery worker and the federation edge).
    pub fn knocks(&self) -> std::sync::Arc<crate::infra::outbound::knocks::Knocks> {
        std::sync::Arc::clone(&self.knocks)
    }

    pub fn new(db: Db, urls: crate::domain::urls::Urls, dev_mode: bool) -> Self {
        Self {
            links: crate::domain::urls::LinkRule::for_mode(dev_mode),
            db,
            urls,
            login_limiter: Default::default(),
            passwords: Default::default(),
            delivery_wake: Default::default(),
            actors: Default::default(),
            policy: Default::default(),
            knocks: Default::default(),
            matching: Default::default(),
            network: Default::default(),
            front: std::sync::Arc::new(fresh::Fresh::new(statuses::FRONT_FRESH_FOR)),
            streams: Default::default(),
            settings: Default::default(),
        }
    }

    /// Sets how many password hashes run at once and how many may wait.
    pub fn with_password_hashing(mut self, slots: usize, queue: usize) -> Self {
        self.passwords = std::sync::Arc::new(passwords::Hashing::new(slots, queue));
        self
    }

    /// Makes queued deliveries due now (all, or to one host) and wakes the worker.
    pub async fn retry_deliveries_now(&self, host: Option<String>) -> ServiceResult<usize> {
        let now = time::now();
        let n = self
            .db
            .write(move |conn| {
                crate::infra::store::deliveries::retry_now(conn, host.as_deref(), now)
            })
            .await?;
        self.delivery_wake.notify_one();
        Ok(n)
    }

    /// The delivery queue per destination host, longest first (at most 200).
    pub async fn delivery_queue(&self) -> ServiceResult<Vec<crate::domain::node::HostQueue>> {
        Ok(self
            .db
            .read(|conn| crate::infra::store::deliveries::queue_by_host(conn, 200))
            .await?)
    }

    /// Deliveries waiting to be sent.
    pub async fn pending_deliveries(&self) -> ServiceResult<i64> {
        Ok(self
            .db
            .read(crate::infra::store::deliveries::pending)
            .await?)
    }

    /// Waiting deliveries that failed at least once (their host was down).
    pub async fn failing_deliveries(&self) -> ServiceResult<i64> {
        Ok(self
            .db
            .read(crate::infra::store::deliveries::failing)
            .await?)
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

impl Services {
    /// "sqlite" or "postgres", for operators.
    pub fn database_kind(&self) -> &'static str {
        match self.db.backend() {
            crate::infra::store::Backend::Sqlite => "sqlite",
            crate::infra::store::Backend::Postgres => "postgres",
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> ServiceResult<()> {
        Ok(self.db.read(crate::infra::store::ping).await?)
    }
}
