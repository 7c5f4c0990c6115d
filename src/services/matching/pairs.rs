//! Coops whose needs and offers match strongly, for the network map.

use std::collections::BTreeSet;

use super::{blocking, key, poisoned, Services, PER_PROPOSAL};
use crate::domain::time;
use crate::infra::matching::MatchOptions;
use crate::services::ServiceResult;

impl Services {
    /// Pairs of coop keys (`l:`/`r:`) where a proposal of one of `coops`
    /// (this node's coop ids) matches one of the other's with at least
    /// `min` score; each pair once, at most `limit`. Default options, not
    /// each coop's settings: the map shows the network, not one coop's view.
    pub async fn strong_pairs(
        &self,
        coops: Vec<String>,
        min: f32,
        limit: usize,
    ) -> ServiceResult<Vec<(String, String)>> {
        self.matching_ready()?;
        let index = self.matching.index.clone();
        let opts = MatchOptions {
            limit: PER_PROPOSAL,
            today: time::now().date(),
            pairing: false,
        };
        blocking("strong pairs", move || {
            let index = index.read().map_err(poisoned)?;
            let mut pairs = BTreeSet::new();
            'coops: for coop in coops {
                let ours = key(true, &coop);
                for proposal in index.proposals_of(&ours) {
                    for m in index.matches(&proposal, &opts).unwrap_or_default() {
                        if m.score >= min && m.coop != ours {
                            let pair = if ours < m.coop {
                                (ours.clone(), m.coop)
                            } else {
                                (m.coop, ours.clone())
                            };
                            pairs.insert(pair);
                            if pairs.len() >= limit {
                                break 'coops;
                            }
                        }
                    }
                }
            }
            Ok(pairs.into_iter().collect())
        })
        .await
    }
}
