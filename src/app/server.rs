//! Assembles the HTTP edges and runs them.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

use super::tasks;
use crate::edges::activitypub::{self, ApState, Federation};
use crate::edges::api;
use crate::edges::http::error::HttpError;
use crate::edges::http::state::AppState;
use crate::infra::config::Config;
use crate::infra::delivery::DeliveryWorker;
use crate::infra::store::Db;
use crate::services::Services;

/// Opens the configured database and applies pending migrations.
pub fn open_database(config: &Config, pool_size: u32) -> anyhow::Result<(Db, usize)> {
    let db = Db::connect(&config.database_url, pool_size).map_err(|e| {
        anyhow::anyhow!(
            "cannot open the database {}: {e}",
            crate::infra::config::mask_password(&config.database_url)
        )
    })?;
    let applied = db.migrate()?;
    Ok((db, applied))
}

/// A prepared node: the state every edge reaches, and the ActivityPub
/// edge's library settings.
#[derive(Clone)]
pub struct Node {
    pub state: AppState,
    pub federation: Arc<Federation>,
}

/// Opens the database, applies migrations, makes sure every actor has keys
/// and builds the state.
pub async fn prepare(config: &Config) -> anyhow::Result<Node> {
    let (db, applied) = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || open_database(&config, config.database_pool_size))
            .await??
    };
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let urls = crate::domain::urls::Urls::new(&config.public_url);
    let services = Services::new(db, urls.clone(), config.dev_mode)
        .with_password_hashing(
            config.limits.password_hash_concurrency as usize,
            config.limits.password_hash_queue as usize,
        )
        .with_settings_defaults(config.settings_defaults());
    services.ensure_actor_keys().await?;
    services.reload_policy().await?;
    services.reload_settings().await?;
    // Fetches of remote actors are signed by the node actor, so servers in
    // authorized-fetch mode answer them.
    let node_keys = services.node_actor_keys().await?;
    let signer = crate::infra::outbound::Signer {
        id: urls.node_actor(),
        inbox: urls.shared_inbox(),
        public_key_pem: node_keys.public_key_pem,
        private_key_pem: node_keys.private_key_pem,
    };
    let federation = Arc::new(activitypub::federation(config, services.clone(), &signer).await?);
    let resolver = Arc::new(activitypub::WebFinger::new(Arc::clone(&federation)));
    Ok(Node {
        state: AppState {
            services,
            config: Arc::new(config.clone()),
            resolver,
        },
        federation,
    })
}

pub fn app(node: Node) -> Router {
    let state = node.state.clone();
    Router::new()
        .merge(api::router())
        .merge(crate::edges::mastodon::router())
        .merge(crate::edges::web::router(state.clone()))
        .merge(activitypub::router(ApState {
            app: node.state,
            federation: node.federation,
        }))
        .fallback(|| async { HttpError::not_found("nothing here") })
        // Browsers get the page of a coop's or a proposal's URL.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::edges::web::negotiate::pages,
        ))
        .layer(axum::middleware::from_fn(
            crate::edges::http::limits::refuse_control_characters,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.config.limits.request_timeout,
            crate::edges::http::limits::request_deadline,
        ))
        // A 5xx is logged where it is made, at the level it deserves (a
        // fault as an error, a full sign-in queue or a missing database as
        // what it is); the trace layer repeating each one as an error would
        // flood the log under attack.
        .layer(
            TraceLayer::new_for_http()
                .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        .layer(CatchPanicLayer::custom(|_| {
            HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the node hit a bug; it has been logged",
            )
            .into_response()
        }))
        .with_state(state)
}

/// Serves on `listener`, with the delivery worker beside it, until
/// `shutdown` resolves; in-flight requests finish, queued deliveries stay
/// queued for the next start.
pub async fn run(
    node: Node,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = &node.state;
    let worker = DeliveryWorker::new(
        state.services.db.clone(),
        &state.config,
        state.services.delivery_wake.clone(),
        state.services.policy(),
        state.services.knocks(),
    )
    .await?
    .spawn();
    let housekeeping = tokio::spawn(tasks::housekeeping(state.services.clone()));
    let policy = tokio::spawn(tasks::watch_policy(state.services.clone()));
    let backfill = activitypub::backfill::spawn(Arc::clone(&node.federation));
    let matching = tokio::spawn(tasks::keep_matching(state.services.clone()));
    let streams = tokio::spawn(tasks::feed_streams(state.services.clone()));
    let limits = node.state.config.limits.clone();
    let served = super::connections::serve(listener, app(node), &limits, shutdown).await;
    housekeeping.abort();
    policy.abort();
    matching.abort();
    streams.abort();
    // Progress is saved after every page; an interrupted page is read again.
    backfill.abort();
    worker.stop().await;
    served?;
    Ok(())
}

/// `intercoop serve`: everything up to the signal that stops it.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let shutdown = shutdown_signal();
    let node = prepare(&config).await?;
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} (bind): {e}", config.bind))?;
    let local: SocketAddr = listener.local_addr()?;
    tracing::info!(
        address = %local,
        public_url = %config.public_url,
        database = ?node.state.services.db.backend(),
        "listening on http://{local}"
    );
    run(node, listener, shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}

/// The signals that stop the server, registered at once (so one that comes
/// while the server is still starting is not lost and does not kill it),
/// as a future that resolves on the first.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (mut terminate, mut interrupt) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = wait(terminate.as_mut()) => {},
                _ = wait(interrupt.as_mut()) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    }
}

/// Waits for a registered signal; forever when it could not be registered.
#[cfg(unix)]
async fn wait(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
