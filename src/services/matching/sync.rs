//! Keeping the index in step with the database: a full build at start-up,
//! then the journal's entries as they come.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{blocking, document, facts, key, poisoned, Services};
use crate::domain::matching::{Changed, JournalEntry};
use crate::infra::matching::{CoopFacts, Document, Index};
use crate::infra::store::matching as rows;
use crate::infra::store::StoreError;
use crate::services::{ServiceError, ServiceResult};

/// Rows read per page while building.
const PAGE: i64 = 5_000;
/// Journal entries read per pass.
const JOURNAL_BATCH: i64 = 5_000;
/// Entries kept in the journal; a process further behind rebuilds.
const JOURNAL_KEEP: i64 = 100_000;
/// On PostgreSQL, concurrent transactions may commit their journal entries
/// out of order; entries this far below the newest seen are read again
/// (and applied once) so a late commit is not skipped.
const LOOKBACK: i64 = 1_000;

/// How far this process has followed the journal (the streaming API
/// follows it the same way).
#[derive(Debug, Default)]
pub(in crate::services) struct Follow {
    pub(super) ready: bool,
    /// The newest journal entry applied.
    watermark: i64,
    /// Entries applied above `watermark - LOOKBACK`.
    applied: BTreeSet<i64>,
}

impl Follow {
    /// Following from `head`, where a build began.
    pub(in crate::services) fn from(head: i64) -> Self {
        Follow {
            ready: true,
            watermark: head,
            applied: BTreeSet::new(),
        }
    }

    /// Where to read from: a window below the newest applied entry.
    pub(in crate::services) fn read_from(&self) -> i64 {
        (self.watermark - LOOKBACK).max(0)
    }

    /// The entries of `read` not applied yet (a late commit inside the
    /// window is one of them; one below it is too old to tell).
    pub(in crate::services) fn fresh(&self, read: Vec<JournalEntry>) -> Vec<JournalEntry> {
        read.into_iter()
            .filter(|e| e.seq > self.watermark || !self.applied.contains(&e.seq))
            .filter(|e| e.seq > self.watermark - LOOKBACK)
            .collect()
    }

    /// Whether entry `seq` is in the index: applied, or below the window
    /// (where a late commit is too old to tell, as in [`Self::fresh`]).
    pub(in crate::services) fn has_applied(&self, seq: i64) -> bool {
        seq <= self.watermark && (seq <= self.watermark - LOOKBACK || self.applied.contains(&seq))
    }

    /// The newest journal entry applied.
    pub(in crate::services) fn watermark(&self) -> i64 {
        self.watermark
    }

    /// Records `entries` as applied and forgets what fell below the window.
    pub(in crate::services) fn apply(&mut self, entries: &[JournalEntry]) {
        for e in entries {
            self.applied.insert(e.seq);
            self.watermark = self.watermark.max(e.seq);
        }
        let low = self.watermark - LOOKBACK;
        self.applied = self.applied.split_off(&low);
    }
}

/// What a pass reads again: each subject once, in four lists.
#[derive(Debug, Default, PartialEq)]
struct Wanted {
    proposals: Vec<String>,
    remote_proposals: Vec<String>,
    coops: Vec<String>,
    actors: Vec<String>,
}

impl Wanted {
    fn of(entries: &[JournalEntry]) -> Self {
        let mut seen = HashSet::new();
        let mut w = Wanted::default();
        for changed in entries.iter().filter_map(|e| e.changed.as_ref()) {
            if !seen.insert(changed) {
                continue;
            }
            match changed {
                Changed::Proposal(id) => w.proposals.push(id.clone()),
                Changed::RemoteProposal(id) => w.remote_proposals.push(id.clone()),
                Changed::Coop(id) => w.coops.push(id.clone()),
                Changed::Actor(id) => w.actors.push(id.clone()),
                // Posts that are not proposals never match.
                Changed::RemotePost(_) | Changed::Gathering(_) => {}
            }
        }
        w
    }
}

/// One change to apply to the index; `None`: gone (deleted, or closed).
enum Change {
    Proposal(String, Option<Document>),
    Coop(String, Option<CoopFacts>),
}

/// What became of each of `ids`: found, or gone.
fn changes<T, C>(
    local: bool,
    ids: Vec<String>,
    found: Vec<T>,
    id_of: impl Fn(&T) -> &str,
    change: impl Fn(String, Option<T>) -> C,
) -> Vec<C> {
    let mut found: HashMap<String, T> = found
        .into_iter()
        .map(|t| (id_of(&t).to_string(), t))
        .collect();
    ids.into_iter()
        .map(|id| {
            let item = found.remove(&id);
            change(key(local, &id), item)
        })
        .collect()
}

impl Services {
    /// Builds the index from everything stored and starts following the
    /// journal from where the build began. Returns the proposals indexed.
    pub async fn rebuild_matching(&self) -> ServiceResult<usize> {
        let started = std::time::Instant::now();
        let head = self.db.read(rows::journal_head).await?;
        let domain = self.urls.domain();
        let mut index = Index::new();
        for local in [true, false] {
            let mut after = String::new();
            loop {
                let from = after.clone();
                let batch = self
                    .db
                    .read(move |conn| rows::coops(conn, local, &from, PAGE))
                    .await?;
                let Some(last) = batch.last_id else { break };
                after = last;
                for coop in batch.items {
                    index.set_coop(&key(local, &coop.id), facts(coop, &domain));
                }
            }
        }
        for local in [true, false] {
            let mut after = String::new();
            loop {
                let from = after.clone();
                let batch = self
                    .db
                    .read(move |conn| rows::documents(conn, local, &from, PAGE))
                    .await?;
                let Some(last) = batch.last_id else { break };
                after = last;
                let docs: Vec<Document> = batch
                    .items
                    .into_iter()
                    .map(|p| document(local, p))
                    .collect();
                index = blocking("matching build", move || {
                    index.upsert_many(&docs);
                    Ok(index)
                })
                .await?;
            }
        }
        let mut index = blocking("matching build", move || {
            index.renormalize();
            Ok(index)
        })
        .await?;
        let count = index.len();
        {
            let mut shared = self.matching.index.write().map_err(poisoned)?;
            std::mem::swap(&mut *shared, &mut index);
        }
        *self.matching.follow.lock().map_err(poisoned)? = Follow::from(head);
        tracing::info!(
            proposals = count,
            seconds = started.elapsed().as_secs_f64(),
            "matching index built"
        );
        Ok(count)
    }

    /// Applies the journal entries not applied yet; returns how many.
    pub async fn follow_matching(&self) -> ServiceResult<usize> {
        let (watermark, from) = {
            let f = self.matching.follow.lock().map_err(poisoned)?;
            if !f.ready {
                return Ok(0);
            }
            (f.watermark, f.read_from())
        };
        let head = self.db.read(rows::journal_head).await?;
        if head - watermark > JOURNAL_KEEP {
            tracing::warn!(
                behind = head - watermark,
                "matching fell behind the journal; rebuilding"
            );
            return self.rebuild_matching().await;
        }
        let read = self
            .db
            .read(move |conn| rows::journal_after(conn, from, JOURNAL_BATCH + LOOKBACK))
            .await?;
        let fresh = self.matching.follow.lock().map_err(poisoned)?.fresh(read);
        if fresh.is_empty() {
            // Still work through changes waiting to be notified.
            self.notify_new_matches().await?;
            return Ok(0);
        }
        let wanted = Wanted::of(&fresh);
        let domain = self.urls.domain();
        let mut loaded = self
            .db
            .read(move |conn| {
                let mut out = Vec::new();
                // Coops first, so a new coop's facts are there for its
                // proposals' language fallback.
                for (local, ids) in [(true, wanted.coops), (false, wanted.actors)] {
                    let found = rows::coops_by_id(conn, local, &ids)?;
                    out.extend(changes(
                        local,
                        ids,
                        found,
                        |c| &c.id,
                        |k, c| Change::Coop(k, c.map(|c| facts(c, &domain))),
                    ));
                }
                for (local, ids) in [(true, wanted.proposals), (false, wanted.remote_proposals)] {
                    let found = rows::documents_by_id(conn, local, &ids)?;
                    out.extend(changes(
                        local,
                        ids,
                        found,
                        |p| &p.id,
                        |k, p| Change::Proposal(k, p.map(|p| document(local, p))),
                    ));
                }
                Ok::<_, StoreError>(out)
            })
            .await?;
        let index = self.matching.index.clone();
        blocking("matching update", move || {
            let mut index = index.write().map_err(poisoned)?;
            for change in loaded.drain(..) {
                match change {
                    Change::Proposal(_, Some(doc)) => index.upsert(&doc),
                    Change::Proposal(k, None) => {
                        index.remove(&k);
                    }
                    Change::Coop(k, Some(facts)) => index.set_coop(&k, facts),
                    Change::Coop(k, None) => {
                        index.remove_coop(&k);
                    }
                }
            }
            Ok(())
        })
        .await?;
        self.matching.follow.lock().map_err(poisoned)?.apply(&fresh);
        self.notify_new_matches().await?;
        Ok(fresh.len())
    }

    /// Forgets journal entries no process needs any more.
    pub async fn prune_matching_journal(&self) -> ServiceResult<usize> {
        Ok(self
            .db
            .write(|conn| rows::prune_journal(conn, JOURNAL_KEEP))
            .await?)
    }

    /// Whether the index has been built since start-up.
    pub fn matching_is_ready(&self) -> bool {
        self.matching.follow.lock().is_ok_and(|f| f.ready)
    }

    pub(super) fn matching_ready(&self) -> ServiceResult<()> {
        if self.matching.follow.lock().map_err(poisoned)?.ready {
            Ok(())
        } else {
            Err(ServiceError::Unavailable(
                "matching is still being prepared after a restart; try again in a few seconds"
                    .into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, changed: Changed) -> JournalEntry {
        JournalEntry {
            seq,
            changed: Some(changed),
        }
    }

    #[test]
    fn a_late_commit_inside_the_window_is_applied_once() {
        let mut f = Follow::from(100);
        let first = f.fresh(vec![
            entry(101, Changed::Coop("a".into())),
            entry(103, Changed::Coop("b".into())),
        ]);
        assert_eq!(first.len(), 2);
        f.apply(&first);
        // 102 commits late; the next read (from the window) sees all three.
        let read = vec![
            entry(101, Changed::Coop("a".into())),
            entry(102, Changed::Coop("c".into())),
            entry(103, Changed::Coop("b".into())),
        ];
        let second = f.fresh(read.clone());
        assert_eq!(second.iter().map(|e| e.seq).collect::<Vec<_>>(), [102]);
        f.apply(&second);
        assert!(f.fresh(read).is_empty(), "nothing twice");
    }

    #[test]
    fn a_change_is_in_the_index_once_applied_or_below_the_window() {
        let mut f = Follow::from(LOOKBACK * 2);
        let head = LOOKBACK * 2;
        // Below the window: taken as built in.
        assert!(f.has_applied(LOOKBACK));
        // Inside it, only once applied (a late commit waits); above the
        // newest applied, never.
        assert!(!f.has_applied(head - 1));
        f.apply(&[entry(head - 1, Changed::Proposal("p".into()))]);
        assert!(f.has_applied(head - 1));
        assert!(!f.has_applied(head + 1));
    }

    #[test]
    fn the_window_is_bounded_and_moves_with_the_newest_entry() {
        let mut f = Follow::from(0);
        let far = LOOKBACK * 3;
        f.apply(&[
            entry(1, Changed::Coop("a".into())),
            entry(far, Changed::Coop("b".into())),
        ]);
        assert_eq!(f.read_from(), far - LOOKBACK);
        assert_eq!(f.applied.len(), 1, "entries below the window are forgotten");
        // An entry below the window is too old to tell apart: left alone.
        assert!(f
            .fresh(vec![entry(2, Changed::Coop("x".into()))])
            .is_empty());
    }

    #[test]
    fn each_subject_is_read_once_and_unknown_ones_not_at_all() {
        let entries = vec![
            entry(1, Changed::Proposal("p".into())),
            entry(2, Changed::Proposal("p".into())),
            entry(3, Changed::RemoteProposal("p".into())),
            entry(4, Changed::Actor("a".into())),
            JournalEntry {
                seq: 5,
                changed: None,
            },
        ];
        assert_eq!(
            Wanted::of(&entries),
            Wanted {
                proposals: vec!["p".into()],
                remote_proposals: vec!["p".into()],
                coops: vec![],
                actors: vec!["a".into()],
            }
        );
    }

    #[test]
    fn what_is_not_found_again_is_gone() {
        let out = changes(
            true,
            vec!["a".into(), "b".into()],
            vec!["b".to_string()],
            |s| s.as_str(),
            |k, found| (k, found.is_some()),
        );
        assert_eq!(out, [("l:a".to_string(), false), ("l:b".to_string(), true)]);
    }

    /// The whole loop on a real database: a proposal written after the
    /// build reaches the index through the journal, and its close removes it.
    #[tokio::test]
    async fn the_journal_brings_writes_into_the_index() {
        let (_dir, services) = crate::services::testing::services().await;
        assert!(!services.matching_is_ready());
        assert_eq!(services.rebuild_matching().await.unwrap(), 0);
        let coop = crate::services::testing::coop(&services, "fiqus").await;
        let id = crate::services::testing::need(&services, &coop, "Rust developers").await;
        assert!(services.follow_matching().await.unwrap() >= 1);
        assert_eq!(services.matching.index.read().unwrap().len(), 1);
        services.delete_proposal(&coop, &id).await.unwrap();
        assert!(services.follow_matching().await.unwrap() >= 1);
        assert_eq!(services.matching.index.read().unwrap().len(), 0);
    }
}
