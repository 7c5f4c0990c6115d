//! Notifications of new matches: when a proposal is published or edited,
//! the coops on either side whose threshold its new matches reach are told,
//! once per pair.

use std::collections::HashMap;

use super::{blocking, key, poisoned, split_key, MatchNotification, NotificationPage};
use super::{Services, PER_PROPOSAL};
use crate::domain::limits::PAGE_SIZE_MAX;
use crate::domain::matching::{Changed, JournalEntry, MatchNotice};
use crate::domain::time;
use crate::infra::matching::{Index, MatchOptions};
use crate::infra::store::matching as rows;
use crate::services::paging;
use crate::services::{new_id, ServiceError, ServiceResult, Viewer};

/// Changes of proposals read from the journal per batch.
const NOTIFY_BATCH: i64 = 200;
/// Batches per pass at most, so that a burst being notified does not hold
/// up the index following the journal; the rest waits (stored) for the
/// next pass.
const NOTIFY_BATCHES_PER_PASS: usize = 25;

/// The notifications the matches of `changed` (proposal keys) call for: to
/// each side whose threshold (by coop key) the score reaches. Only local
/// coops and their own proposals are notified; a proposal no longer in the
/// index (closed, deleted) has none.
fn notices(
    index: &Index,
    changed: &[String],
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
    for changed in changed {
        let Some(coop) = index.coop_of(changed) else {
            continue;
        };
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
    /// Records notifications for the new matches of proposals created or
    /// edited, working through the journal's changes not notified yet, in
    /// batches, up to what this process's index has applied. Every process
    /// may do this for the same change; a pair is recorded once, in the
    /// same transaction that marks the change notified, so a crash or a
    /// burst skips nothing. Returns the notifications added.
    pub(super) async fn notify_new_matches(&self) -> ServiceResult<usize> {
        let mut added = 0;
        for _ in 0..NOTIFY_BATCHES_PER_PASS {
            let upto = {
                let follow = self.matching.follow.lock().map_err(poisoned)?;
                if !follow.ready {
                    return Ok(added);
                }
                follow.watermark()
            };
            let read = self
                .db
                .read(move |conn| rows::journal_to_notify(conn, upto, NOTIFY_BATCH))
                .await?;
            let full = read.len() as i64 == NOTIFY_BATCH;
            // A change committed late (below the newest applied) waits
            // until the index has it.
            let entries: Vec<JournalEntry> = {
                let follow = self.matching.follow.lock().map_err(poisoned)?;
                read.into_iter()
                    .filter(|e| follow.has_applied(e.seq))
                    .collect()
            };
            if entries.is_empty() {
                break;
            }
            let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
            let mut changed: Vec<String> = entries
                .iter()
                .filter_map(|e| match e.changed.as_ref()? {
                    Changed::Proposal(id) => Some(key(true, id)),
                    Changed::RemoteProposal(id) => Some(key(false, id)),
                    _ => None,
                })
                .collect();
            changed.sort_unstable();
            changed.dedup();
            let notes = self.notices_for(changed).await?;
            added += self
                .db
                .write(move |conn| rows::record_notified(conn, &notes, &seqs))
                .await?;
            if !full {
                break;
            }
        }
        Ok(added)
    }

    /// The notifications the new matches of `changed` call for, by the
    /// coops' thresholds of now.
    async fn notices_for(&self, changed: Vec<String>) -> ServiceResult<Vec<MatchNotice>> {
        let thresholds: HashMap<String, f64> = self
            .db
            .read(rows::notify_thresholds)
            .await?
            .into_iter()
            .map(|(coop, t)| (key(true, &coop), t))
            .collect();
        if thresholds.is_empty() || changed.is_empty() {
            return Ok(Vec::new());
        }
        let index = self.matching.index.clone();
        let now = time::now();
        let opts = MatchOptions {
            limit: PER_PROPOSAL,
            today: now.date(),
            pairing: false,
        };
        blocking("match notifications", move || {
            let index = index.read().map_err(poisoned)?;
            Ok(notices(&index, &changed, &thresholds, &opts, now))
        })
        .await
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
        let notes = notices(&index, &["l:need".into()], &all, &opts(), time::now());
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
            &["l:need".into()],
            &only_c2_high,
            &opts(),
            time::now(),
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    /// A burst of changes larger than the old in-memory backlog (10,000),
    /// with a restart before any was looked at: every match it brings is
    /// still notified, once.
    #[tokio::test]
    async fn a_burst_across_a_restart_is_notified_in_full() {
        use crate::domain::matching::MatchSettings;
        use crate::services::testing;
        const BURST: usize = 10_500;
        const EVERY: usize = 500;
        let (_dir, first) = testing::services().await;
        let a = testing::coop(&first, "fiqus").await;
        let b = testing::coop(&first, "cotech").await;
        first
            .set_match_settings(
                &a,
                MatchSettings {
                    prefer_stage_pairing: false,
                    notify_min_score: Some(0.0),
                },
            )
            .await
            .expect("settings");
        let need = testing::need(&first, &a, "Rust developers for a web backend").await;
        first.rebuild_matching().await.expect("build");
        // Mostly offers that match nothing (one made-up word each), and
        // every 500th, the first among them, one that answers the need.
        let mut answers = Vec::new();
        for i in 0..BURST {
            if i % EVERY == 0 {
                let title = format!("Rust developers for web backends, team {i}");
                answers.push(testing::offer(&first, &b, &title).await);
            } else {
                testing::offer(&first, &b, &format!("zq{i:05}x")).await;
            }
        }
        // Another process starts (or this one restarts) before any of it
        // was looked at.
        let second = crate::services::Services::new(first.db.clone(), first.urls.clone(), false);
        drop(first);
        second.rebuild_matching().await.expect("build");
        let mut passes = 0;
        while second.follow_matching().await.expect("follow") > 0
            || second.notify_new_matches().await.expect("notify") > 0
        {
            passes += 1;
            assert!(passes < 100, "the journal is worked off");
        }
        let page = second
            .match_notifications(&a, false, None, Some(100))
            .await
            .expect("notifications");
        let mut told: Vec<&str> = page.items.iter().map(|n| n.proposal.id.as_str()).collect();
        told.sort_unstable();
        answers.sort_unstable();
        assert_eq!(told, answers);
        assert!(page.items.iter().all(|n| n.for_proposal == need));
        // Nothing is left to do, and doing it again adds nothing.
        assert_eq!(second.notify_new_matches().await.expect("notify"), 0);
    }
}
