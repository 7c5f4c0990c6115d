//! The network map: the coops this node knows (its own and those of the
//! nodes and coops it follows), grouped by node, with their ties: follows,
//! accepted introductions, and strong matches. Built again at most every
//! [`FRESH_FOR`], in the background, and shared, so the landing page
//! reads it without queries.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{ServiceError, ServiceResult, Services};
pub use crate::domain::network_map::TieKind;

/// Coops drawn at most (the directory lists the rest), shared among nodes.
pub const MAP_COOPS: usize = 1000;
/// Nodes drawn at most, this one included: those with most coops.
pub const MAP_NODES: usize = 20;
/// Ties of each kind read at most, and drawn at most.
pub const MAP_TIES: usize = 3000;
/// The score from which a match is a tie on the map.
pub const STRONG_MATCH: f32 = 0.5;
/// How long a built map is shown before it is built again.
pub const FRESH_FOR: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct MapCoop {
    /// `l:<coop id>` or `r:<actor id>`.
    pub key: String,
    pub name: String,
    /// Its page (here) or its actor (elsewhere).
    pub href: String,
}

#[derive(Debug, Clone)]
pub struct MapNode {
    /// `host[:port]`.
    pub domain: String,
    pub local: bool,
    pub coops: Vec<MapCoop>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tie {
    pub a: String,
    pub b: String,
    pub kind: TieKind,
}

#[derive(Debug, Clone, Default)]
pub struct NetworkMap {
    /// This node first, then the others by domain.
    pub nodes: Vec<MapNode>,
    pub ties: Vec<Tie>,
    /// Whether some coops were left out (more than [`MAP_COOPS`] or
    /// [`MAP_NODES`]).
    pub cut: bool,
}

/// The last map built, and when; whether a new one is being built.
#[derive(Default)]
pub struct MapCache {
    last: Mutex<Option<(Instant, Arc<NetworkMap>)>>,
    building: AtomicBool,
}

impl Services {
    /// The map: the one built last while it is fresh; once it is not, still
    /// that one while a new one is built in the background, so no page
    /// waits for it (only the very first one is waited for).
    pub async fn network_map(&self) -> ServiceResult<Arc<NetworkMap>> {
        let poisoned = |_| ServiceError::Internal("the map cache lock is poisoned".into());
        let last = self.network.last.lock().map_err(poisoned)?.clone();
        match last {
            Some((at, map)) if at.elapsed() < FRESH_FOR => Ok(map),
            Some((_, map)) => {
                if !self.network.building.swap(true, Ordering::AcqRel) {
                    let services = self.clone();
                    tokio::spawn(async move {
                        if let Err(e) = services.rebuild_network_map().await {
                            tracing::warn!(error = %e, "the network map could not be built");
                        }
                        services.network.building.store(false, Ordering::Release);
                    });
                }
                Ok(map)
            }
            None => self.rebuild_network_map().await,
        }
    }

    async fn rebuild_network_map(&self) -> ServiceResult<Arc<NetworkMap>> {
        let started = Instant::now();
        let map = Arc::new(self.build_network_map().await?);
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            coops = map.nodes.iter().map(|n| n.coops.len()).sum::<usize>(),
            ties = map.ties.len(),
            "network map built"
        );
        let poisoned = |_| ServiceError::Internal("the map cache lock is poisoned".into());
        *self.network.last.lock().map_err(poisoned)? = Some((Instant::now(), Arc::clone(&map)));
        Ok(map)
    }

    async fn build_network_map(&self) -> ServiceResult<NetworkMap> {
        let domain = self.urls.domain();
        let (coops, cut, stored) = self
            .db
            .read(move |conn| {
                let (coops, cut) = crate::infra::store::network::coops(conn, MAP_COOPS, MAP_NODES)?;
                let ties = crate::infra::store::network::ties(conn, MAP_TIES as i64)?;
                Ok::<_, crate::infra::store::StoreError>((coops, cut, ties))
            })
            .await?;
        let mut by_node: BTreeMap<(bool, String), Vec<MapCoop>> = BTreeMap::new();
        let mut local_ids = Vec::new();
        for c in coops {
            let (key, href, node) = match c.node() {
                None => {
                    local_ids.push(c.id.clone());
                    (
                        format!("l:{}", c.id),
                        self.urls.actor(&c.link).to_string(),
                        domain.clone(),
                    )
                }
                Some(host) => (format!("r:{}", c.id), c.link.clone(), host.to_string()),
            };
            // This node sorts first.
            by_node
                .entry((c.node().is_some(), node))
                .or_default()
                .push(MapCoop {
                    key,
                    name: c.name,
                    href,
                });
        }
        let on_map: HashSet<String> = by_node.values().flatten().map(|c| c.key.clone()).collect();
        let matches = match self.strong_pairs(local_ids, STRONG_MATCH, MAP_TIES).await {
            Ok(pairs) => pairs,
            // Being built at start-up: the map has no matches for a moment.
            Err(ServiceError::Unavailable(_)) => Vec::new(),
            Err(e) => return Err(e),
        };
        let mut ties = BTreeSet::new();
        for (a, b, kind) in stored
            .into_iter()
            .chain(matches.into_iter().map(|(a, b)| (a, b, TieKind::Match)))
        {
            if a != b && on_map.contains(&a) && on_map.contains(&b) {
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                ties.insert(Tie { a, b, kind });
            }
        }
        Ok(NetworkMap {
            nodes: by_node
                .into_iter()
                .map(|((remote, domain), coops)| MapNode {
                    domain,
                    local: !remote,
                    coops,
                })
                .collect(),
            ties: ties.into_iter().take(MAP_TIES).collect(),
            cut,
        })
    }
}
