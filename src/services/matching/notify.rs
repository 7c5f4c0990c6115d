//! Notifications of new matches: when a proposal is published or edited,
//! the coops on either side whose threshold its new matches reach are told,
//! once per pair.

use std::collections::HashMap;

use super::{blocking, key, poisoned, split_key, MatchNotification, NotificationPage};
use super::{Services, PER_PROPOSAL};
use crate::domain::limits::PAGE_SIZE_MAX;
use crate::domain::matching::MatchNotice;
use crate::domain::time;
use crate::infra::matching::{Index, MatchOptions};
use crate::infra::store::matching as rows;
use crate::services::paging;
use crate::services::{new_id, ServiceError, ServiceResult, Viewer};

/// Changed proposals whose new matches are looked for per journal pass;
/// more wait for the next pass.
const NOTIFY_PER_PASS: usize = 200;
/// Changed proposals waiting to be looked at; past this, the oldest are
/// dropped (with a warning), so a burst cannot grow memory without bound.
const NOTIFY_BACKLOG: usize = 10_000;

/// The notifications the matches of `changed` (proposal key, coop key)
/// call for: to each side whose threshold (by coop key) the score reaches.
/// Only local coops and their own proposals are notified.
fn notices(
    index: &Index,
    changed: &[(String, String)],
    thresholds: &HashMap<String, f64>,
    opts: &MatchOptions,
    now: chrono::NaiveDateTime,
) -> Vec<MatchNotice> {
    let mut out = Vec::new();
    let mut note = |coop: &str, ours: &str, other: &str, score: f32| {
        let (Some((true, coop_id)), Some((true, proposal_id))) = (split_key(coop), split_key(ours))
        else {
            return;
        };
        out.push(MatchNotice {
            id: new_id(),
            coop_id: coop_id.to_string(),
            proposal_id: proposal_id.to_string(),
            other_key: other.to_string(),
            score: f64::from(score),
            created_at: now,
            read_at: None,
        });
    };
    for (changed, coop) in changed {
        for m in index.matches(changed, opts).unwrap_or_default() {
            let score = f64::from(m.score);
            if thresholds.get(&m.coop).is_some_and(|t| score >= *t) {
                note(&m.coop, &m.key, changed, m.score);
            }
            if thresholds.get(coop).is_some_and(|t| score >= *t) {
                note(coop, changed, &m.key, m.score);
            }
        }
    }
    out
}

impl Services {
    /// Records notifications for the new matches of proposals just created
    /// or edited. Every process may do this for the same change; a pair is
    /// recorded once.
    pub(super) async fn notify_new_matches(
        &self,
        changed: Vec<(String, String)>,
    ) -> ServiceResult<usize> {
        let changed: Vec<(String, String)> = {
            let mut queue = self.matching.to_notify.lock().map_err(poisoned)?;
            queue.extend(changed);
            if queue.len() > NOTIFY_BACKLOG {
                let dropped = queue.len() - NOTIFY_BACKLOG;
                queue.drain(..dropped);
                tracing::warn!(
                    dropped,
                    "too many changes to look for new matches in; skipped the oldest"
                );
            }
            let n = queue.len().min(NOTIFY_PER_PASS);
            queue.drain(..n).collect()
        };
        if changed.is_empty() {
            return Ok(0);
        }
        let thresholds: HashMap<String, f64> = self
            .db
            .read(rows::notify_thresholds)
            .await?
            .into_iter()
            .map(|(coop, t)| (key(true, &coop), t))
            .collect();
        if thresholds.is_empty() {
            return Ok(0);
        }
        let index = self.matching.index.clone();
        let now = time::now();
        let opts = MatchOptions {
            limit: PER_PROPOSAL,
            today: now.date(),
            pairing: false,
        };
        let notes = blocking("match notifications", move || {
            let index = index.read().map_err(poisoned)?;
            Ok(notices(&index, &changed, &thresholds, &opts, now))
        })
        .await?;
        if notes.is_empty() {
            return Ok(0);
        }
        Ok(self
            .db
            .write(move |conn| rows::add_notifications(conn, &notes))
            .await?)
    }

    /// The signed-in coop's notifications of new matches, newest first;
    /// those whose other proposal is gone or no longer listed are left out.
    pub async fn match_notifications(
        &self,
        viewer: &Viewer,
        unread_only: bool,
        offset: Option<i64>,
        limit: Option<i64>,
    ) -> ServiceResult<NotificationPage> {
        let coop = viewer.coop_id()?.to_string();
        let limit = paging::size(limit)?;
        let offset = paging::offset(offset)?;
        let (list, total) = self
            .db
            .read(move |conn| rows::notifications(conn, &coop, unread_only, offset, limit))
            .await?;
        let by_key = self
            .entries_by_key(list.iter().map(|n| n.other_key.as_str()))
            .await?;
        Ok(NotificationPage {
            items: list
                .into_iter()
                .filter_map(|n| {
                    Some(MatchNotification {
                        proposal: by_key.get(&n.other_key)?.clone(),
                        id: n.id,
                        for_proposal: n.proposal_id,
                        score: n.score,
                        created_at: n.created_at,
                        read: n.read_at.is_some(),
                    })
                })
                .collect(),
            total,
            offset,
        })
    }

    /// One of a coop's match notices with the proposal it found; `None`
    /// once that proposal is gone or no longer listed.
    pub async fn match_notice(
        &self,
        coop_id: &str,
        id: &str,
    ) -> ServiceResult<Option<MatchNotification>> {
        let (coop, id) = (coop_id.to_string(), id.to_string());
        let Some(n) = self
            .db
            .read(move |conn| rows::notice(conn, &coop, &id))
            .await?
        else {
            return Ok(None);
        };
        let by_key = self
            .entries_by_key(std::iter::once(n.other_key.as_str()))
            .await?;
        Ok(by_key.get(&n.other_key).map(|p| MatchNotification {
            proposal: p.clone(),
            id: n.id,
            for_proposal: n.proposal_id,
            score: n.score,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        }))
    }

    /// Marks the signed-in coop's notifications read: those named, or all.
    pub async fn mark_match_notifications_read(
        &self,
        viewer: &Viewer,
        ids: Option<Vec<String>>,
    ) -> ServiceResult<usize> {
        let coop = viewer.coop_id()?.to_string();
        if ids
            .as_ref()
            .is_some_and(|i| i.len() > PAGE_SIZE_MAX as usize)
        {
            return Err(ServiceError::invalid(
                "ids",
                format!("at most {PAGE_SIZE_MAX} at a time"),
            ));
        }
        let now = time::now();
        Ok(self
            .db
            .write(move |conn| rows::mark_read(conn, &coop, ids.as_deref(), now))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coop::Stage;
    use crate::domain::proposal::{Category, ProposalKind};
    use crate::infra::matching::{CoopFacts, Document};

    fn doc(key: &str, coop: &str, kind: ProposalKind, title: &str) -> Document {
        Document {
            key: key.into(),
            coop: coop.into(),
            kind,
            category: Category::Technical,
            title: title.into(),
            description: title.into(),
            tags: vec![],
            place: None,
            remote: Some(true),
            deadline: None,
            published: time::now(),
            language: None,
        }
    }

    fn index() -> Index {
        let mut index = Index::new();
        for c in ["l:c1", "l:c2", "r:a1"] {
            index.set_coop(
                c,
                CoopFacts {
                    node: "coops.test".into(),
                    country: None,
                    languages: vec!["en".into()],
                    stage: Some(Stage::Established),
                },
            );
        }
        index.upsert(&doc(
            "l:need",
            "l:c1",
            ProposalKind::Need,
            "Rust developers for a web backend",
        ));
        index.upsert(&doc(
            "l:offer",
            "l:c2",
            ProposalKind::Offer,
            "Rust developers for web backends",
        ));
        index.upsert(&doc(
            "r:offer",
            "r:a1",
            ProposalKind::Offer,
            "Rust developers for web backends",
        ));
        index.renormalize();
        index
    }

    fn opts() -> MatchOptions {
        MatchOptions {
            limit: PER_PROPOSAL,
            today: time::now().date(),
            pairing: false,
        }
    }

    #[test]
    fn both_local_sides_above_their_threshold_are_told_and_remote_ones_never() {
        let index = index();
        let all: HashMap<String, f64> = [("l:c1", 0.0), ("l:c2", 0.0), ("r:a1", 0.0)]
            .into_iter()
            .map(|(k, t)| (k.to_string(), t))
            .collect();
        let notes = notices(
            &index,
            &[("l:need".into(), "l:c1".into())],
            &all,
            &opts(),
            time::now(),
        );
        let mut pairs: Vec<(String, String, String)> = notes
            .iter()
            .map(|n| {
                (
                    n.coop_id.clone(),
                    n.proposal_id.clone(),
                    n.other_key.clone(),
                )
            })
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("c1".into(), "need".into(), "l:offer".into()),
                ("c1".into(), "need".into(), "r:offer".into()),
                ("c2".into(), "offer".into(), "l:need".into()),
            ]
        );
    }

    #[test]
    fn a_threshold_above_the_score_keeps_a_coop_quiet() {
        let index = index();
        let only_c2_high: HashMap<String, f64> = [("l:c2".to_string(), 5.0)].into_iter().collect();
        let notes = notices(
            &index,
            &[("l:need".into(), "l:c1".into())],
            &only_c2_high,
            &opts(),
            time::now(),
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}
