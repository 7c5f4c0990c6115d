//! Assembles the HTTP edges and runs them.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::edges::api;
use crate::edges::http::error::ApiError;
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

/// Opens the database, applies migrations, makes sure every actor has keys
/// and builds the state.
pub async fn prepare(config: &Config) -> anyhow::Result<AppState> {
    let (db, applied) = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || open_database(&config, config.database_pool_size))
            .await??
    };
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let urls = crate::domain::urls::Urls::new(&config.public_url);
    let services = Services::new(db, urls.clone());
    services.ensure_actor_keys().await?;
    services.reload_policy().await?;
    // Fetches of remote actors are signed by the node actor, so servers in
    // authorized-fetch mode answer them.
    let node_keys = services.node_actor_keys().await?;
    let node = crate::infra::outbound::Signer {
        id: urls.node_actor(),
        inbox: urls.shared_inbox(),
        public_key_pem: node_keys.public_key_pem,
        private_key_pem: node_keys.private_key_pem,
    };
    services.set_http_client(crate::infra::outbound::client::http_client(config)?);
    let federation = crate::infra::outbound::client::federation_config(
        config,
        services.clone(),
        services.policy(),
        Some(&node),
    )
    .await?;
    let resolver = Arc::new(crate::edges::activitypub::WebFinger::new(
        federation.clone(),
    ));
    Ok(AppState {
        services,
        config: Arc::new(config.clone()),
        federation,
        resolver,
    })
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(crate::edges::activitypub::router())
        .route("/", axum::routing::get(root))
        .fallback(|| async { ApiError::not_found("nothing here") })
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the node hit a bug; it has been logged",
            )
            .into_response()
        }))
        .with_state(state)
}

async fn root(axum::extract::State(state): axum::extract::State<AppState>) -> String {
    format!(
        "{} — an Intercoop node.\nAPI: {}{}/openapi.json\n",
        state.config.node_name,
        state.config.public_url.as_str().trim_end_matches('/'),
        api::PREFIX
    )
}

/// Serves on `listener`, with the delivery worker beside it, until
/// `shutdown` resolves; in-flight requests finish, queued deliveries stay
/// queued for the next start.
pub async fn run(
    state: AppState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let worker = DeliveryWorker::new(
        state.services.db.clone(),
        &state.config,
        state.services.delivery_wake.clone(),
        state.services.policy(),
    )
    .await?
    .spawn();
    let housekeeping = tokio::spawn(housekeeping(state.services.clone()));
    let policy = tokio::spawn(watch_policy(state.services.clone()));
    let backfill = crate::edges::activitypub::backfill::spawn(state.federation.clone());
    let matching = tokio::spawn(keep_matching(state.services.clone()));
    let served = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    housekeeping.abort();
    policy.abort();
    matching.abort();
    // Progress is saved after every page; an interrupted page is read again.
    backfill.abort();
    worker.stop().await;
    served?;
    Ok(())
}

/// Received activity ids are kept this long to recognise redeliveries
/// (senders give up retrying well before: Mastodon after about a week).
const REMEMBER_RECEIVED: std::time::Duration = std::time::Duration::from_secs(14 * 24 * 3600);

/// Hourly upkeep of tables that would otherwise only grow.
async fn housekeeping(services: crate::services::Services) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        match services.prune_received(REMEMBER_RECEIVED).await {
            Ok(n) if n > 0 => tracing::info!(forgotten = n, "old received activity ids pruned"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot prune received activity ids"),
        }
        if let Err(e) = services.prune_matching_journal().await {
            tracing::warn!(error = %e, "cannot prune the matching journal");
        }
    }
}

/// Builds the matching index, then keeps it in step with the journal.
async fn keep_matching(services: crate::services::Services) {
    while let Err(e) = services.rebuild_matching().await {
        tracing::warn!(error = %e, "cannot build the matching index; retrying");
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
    let mut every = tokio::time::interval(crate::services::matching::FOLLOW_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = services.follow_matching().await {
            tracing::warn!(error = %e, "cannot follow the matching journal");
        }
    }
}

/// Picks up policy changes made from the command line (another process).
async fn watch_policy(services: crate::services::Services) {
    let mut every = tokio::time::interval(crate::services::policy::POLICY_POLL);
    loop {
        every.tick().await;
        if let Err(e) = services.reload_policy().await {
            tracing::warn!(error = %e, "cannot reload the federation policy");
        }
    }
}

/// `intercoop serve`: everything up to the signal that stops it.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let state = prepare(&config).await?;
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} (bind): {e}", config.bind))?;
    let local: SocketAddr = listener.local_addr()?;
    tracing::info!(
        address = %local,
        public_url = %config.public_url,
        database = ?state.services.db.backend(),
        "listening on http://{local}"
    );
    run(state, listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
