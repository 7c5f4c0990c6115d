//! Matches among a few known proposals: a gathering's board pairs the
//! needs and offers its coops brought, whatever else the network holds.

use super::{blocking, key, poisoned, split_key, Services};
use crate::domain::time;
use crate::infra::matching::score::Reason;
use crate::infra::matching::MatchOptions;
use crate::services::ServiceResult;

/// A need answered by an offer, each named as `(local, id)`: a proposal
/// of this node, or one received from another server.
#[derive(Debug, Clone)]
pub struct Pairing {
    pub need: (bool, String),
    pub offer: (bool, String),
    pub score: f32,
    pub reasons: Vec<Reason>,
}

impl Services {
    /// Which of `offers` answer each of `needs` (each `(local, id)`: this
    /// node's proposals and received ones), best first; each pair once,
    /// scored as matches are.
    pub async fn pairings_among(
        &self,
        needs: Vec<(bool, String)>,
        offers: Vec<(bool, String)>,
    ) -> ServiceResult<Vec<Pairing>> {
        if needs.is_empty() || offers.is_empty() {
            return Ok(Vec::new());
        }
        self.matching_ready()?;
        let index = self.matching.index.clone();
        let opts = MatchOptions {
            limit: offers.len(),
            today: time::now().date(),
            pairing: false,
        };
        blocking("pairings", move || {
            let index = index.read().map_err(poisoned)?;
            let offer_keys: Vec<String> = offers.iter().map(|(l, id)| key(*l, id)).collect();
            let mut found = Vec::new();
            for need in needs {
                let matches = index
                    .matches_among(&key(need.0, &need.1), &offer_keys, &opts)
                    .unwrap_or_default();
                for m in matches {
                    if let Some((local, offer)) = split_key(&m.key) {
                        found.push(Pairing {
                            need: need.clone(),
                            offer: (local, offer.to_string()),
                            score: m.score,
                            reasons: m.reasons,
                        });
                    }
                }
            }
            found.sort_by(|a, b| b.score.total_cmp(&a.score));
            Ok(found)
        })
        .await
    }
}
