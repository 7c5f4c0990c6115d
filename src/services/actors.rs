//! Actor keys and node facts that the federation edge publishes.

use super::{ServiceError, ServiceResult, Services};
use crate::domain::actor::ActorKeys;
use crate::domain::time;
use crate::infra::outbound::keys;
use crate::infra::store::{self, coops, node_actor, proposals};

/// A fresh 2048-bit RSA key pair. Slow (tens of milliseconds), so it runs on
/// the blocking pool.
pub async fn generate_keys() -> ServiceResult<ActorKeys> {
    tokio::task::spawn_blocking(|| {
        keys::generate().map_err(|e| ServiceError::Internal(format!("key generation failed: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("key generation task failed: {e}")))?
}

/// Counts a peer needs to decide whether to federate with this node.
pub struct NodeStats {
    pub coops: i64,
    pub open_proposals: i64,
}

impl Services {
    /// Makes sure the node actor and every coop have keys. Runs at start-up;
    /// safe when several processes start at once.
    pub async fn ensure_actor_keys(&self) -> ServiceResult<()> {
        if self.db.read(node_actor::keys).await?.is_none() {
            let keys = generate_keys().await?;
            let inserted = self
                .db
                .write(move |conn| match node_actor::keys(conn)? {
                    Some(_) => Ok(false),
                    None => node_actor::insert(conn, &keys, time::now()).map(|_| true),
                })
                .await;
            match inserted {
                Ok(true) => tracing::info!("node actor key pair created"),
                // Another process inserted it between our read and write.
                Ok(false) | Err(store::StoreError::Conflict) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let missing = self.db.read(coops::without_keys).await?;
        for id in missing {
            let keys = generate_keys().await?;
            self.db
                .write(move |conn| coops::set_keys_if_missing(conn, &id, &keys))
                .await?;
        }
        Ok(())
    }

    pub async fn node_actor_keys(&self) -> ServiceResult<ActorKeys> {
        self.db
            .read(node_actor::keys)
            .await?
            .ok_or_else(|| ServiceError::Internal("the node actor has no keys yet".into()))
    }

    pub async fn node_stats(&self) -> ServiceResult<NodeStats> {
        Ok(self
            .db
            .read(|conn| {
                Ok::<_, store::StoreError>(NodeStats {
                    coops: coops::count(conn)?,
                    open_proposals: proposals::count_open(conn, None)?,
                })
            })
            .await?)
    }
}
