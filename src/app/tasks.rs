//! The background upkeep every `intercoop serve` process runs beside the
//! HTTP server. Each reads its work from the database, so a restart loses
//! nothing.

use std::time::Duration;

use crate::services::Services;

/// Received activity ids are kept this long to recognise redeliveries
/// (senders give up retrying well before: Mastodon after about a week).
const REMEMBER_RECEIVED: std::time::Duration = Duration::from_secs(14 * 24 * 3600);

/// Hourly upkeep of tables that would otherwise only grow. Other posts of
/// followed accounts stay `home_posts_days` (a run-time setting).
pub async fn housekeeping(services: Services) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        match services.prune_received(REMEMBER_RECEIVED).await {
            Ok(n) if n > 0 => tracing::info!(forgotten = n, "old received activity ids pruned"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot prune received activity ids"),
        }
        let home_posts_days = services.node_settings().home_posts_days;
        match services.prune_posts(home_posts_days).await {
            Ok(n) if n > 0 => {
                tracing::info!(forgotten = n, "old posts of followed accounts pruned")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot prune old posts of followed accounts"),
        }
        if let Err(e) = services.prune_matching_journal().await {
            tracing::warn!(error = %e, "cannot prune the matching journal");
        }
    }
}

/// Builds the matching index, then keeps it in step with the journal.
pub async fn keep_matching(services: Services) {
    while let Err(e) = services.rebuild_matching().await {
        tracing::warn!(error = %e, "cannot build the matching index; retrying");
        tokio::time::sleep(Duration::from_secs(5)).await;
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
pub async fn watch_policy(services: Services) {
    let mut every = tokio::time::interval(crate::services::policy::POLICY_POLL);
    loop {
        every.tick().await;
        if let Err(e) = services.reload_policy().await {
            tracing::warn!(error = %e, "cannot reload the federation policy");
        }
        if let Err(e) = services.reload_settings().await {
            tracing::warn!(error = %e, "cannot reload the node's settings");
        }
    }
}

/// Feeds the streaming API from the database's changes.
pub async fn feed_streams(services: Services) {
    let mut every = tokio::time::interval(crate::services::streaming::FEED_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = services.feed_streams().await {
            tracing::warn!(error = %e, "cannot feed the streaming API");
        }
    }
}
