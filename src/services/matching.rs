//! Matches for coops: keeps the in-memory index (matching/) in step with
//! the database and answers what the API asks.
//!
//! Each serving process builds its index at start-up from every open
//! proposal, then follows `match_journal`, which database triggers fill on
//! every change to proposals, remote proposals, coops and remote actors,
//! whichever process or path made it. Results therefore survive restarts
//! (they are recomputed from what is stored) and a change anywhere reaches
//! every process within [`FOLLOW_EVERY`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::NaiveDate;

use super::{ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::Stage;
use crate::domain::directory::ProposalEntry;
use crate::domain::proposal::{Category, ProposalKind, ProposalStatus};
use crate::domain::text::html_to_text;
use crate::domain::time;
use crate::infra::matching::score::{Parts, Reason};
use crate::infra::matching::{CoopFacts, Document, Index, MatchOptions};
use crate::infra::store::matching::{self as rows, CoopRow, DocumentRow};
use crate::infra::store::StoreError;

/// How often each process reads the journal.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(1);
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
/// Matches asked of the index per proposal; some may be unlisted here.
const PER_PROPOSAL: usize = 50;

/// A proposal's key in the index.
fn key(local: bool, id: &str) -> String {
    format!("{}:{id}", if local { "l" } else { "r" })
}

fn split_key(key: &str) -> Option<(bool, &str)> {
    let (side, id) = key.split_once(':')?;
    Some((side == "l", id))
}

#[derive(Default)]
struct Follow {
    ready: bool,
    /// The newest journal entry applied.
    watermark: i64,
    /// Entries applied above `watermark - LOOKBACK`.
    applied: BTreeSet<i64>,
}

/// The index and how far it has followed the journal.
#[derive(Default)]
pub struct Matching {
    index: Arc<RwLock<Index>>,
    follow: Mutex<Follow>,
    /// Changed proposals (key, coop key) whose new matches are still to be
    /// notified.
    to_notify: Mutex<std::collections::VecDeque<(String, String)>>,
}

/// One match of one of the asking coop's proposals.
#[derive(Debug, Clone)]
pub struct FoundMatch {
    /// The asking coop's proposal.
    pub for_proposal: String,
    pub proposal: ProposalEntry,
    pub score: f32,
    pub parts: Parts,
    pub reasons: Vec<Reason>,
}

/// A page of a coop's matches.
#[derive(Debug, Clone)]
pub struct MatchPage {
    pub items: Vec<FoundMatch>,
    pub total: usize,
    pub offset: usize,
}

/// One exchange of a circle: `offer` answers `need`.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub offer: ProposalEntry,
    pub need: ProposalEntry,
    pub score: f32,
}

/// A ring of coops each helping the next, starting with the asking coop.
#[derive(Debug, Clone)]
pub struct FoundCircle {
    pub score: f32,
    pub exchanges: Vec<Exchange>,
}

/// What a coop asks of matching.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchSettings {
    /// Boost pairs of a start-coop and an established coop.
    pub prefer_stage_pairing: bool,
    /// Notify new matches scoring at least this much; `None`: off.
    pub notify_min_score: Option<f64>,
}

/// The highest score a match can have (parts and boosts).
pub const MAX_SCORE: f64 = 1.15;
/// Changed proposals whose new matches are looked for per journal pass;
/// more wait for the next pass.
const NOTIFY_PER_PASS: usize = 200;
/// Changed proposals waiting to be looked at; past this, the oldest are
/// dropped (with a warning), so a burst cannot grow memory without bound.
const NOTIFY_BACKLOG: usize = 10_000;

/// A notification of a new match, with what a listing shows of it.
#[derive(Debug, Clone)]
pub struct MatchNotification {
    pub id: String,
    pub for_proposal: String,
    pub proposal: ProposalEntry,
    pub score: f64,
    pub created_at: chrono::NaiveDateTime,
    pub read: bool,
}

/// A page of notifications.
#[derive(Debug, Clone)]
pub struct NotificationPage {
    pub items: Vec<MatchNotification>,
    pub total: i64,
    pub offset: i64,
}

/// `GET /matches` as the edges receive it.
#[derive(Debug, Default, Clone)]
pub struct MatchQuery {
    pub category: Option<String>,
    pub node: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

fn facts(row: CoopRow, our_domain: &str) -> CoopFacts {
    CoopFacts {
        node: if row.host.is_empty() {
            our_domain.to_string()
        } else {
            row.host
        },
        country: row.country.map(|c| c.to_uppercase()),
        languages: serde_json::from_str(&row.languages).unwrap_or_default(),
        stage: row.stage.as_deref().and_then(Stage::parse),
    }
}

/// The row as matching reads it; `None` for a row of an unknown kind or
/// category (a newer peer's), which matching leaves out.
fn document(local: bool, row: DocumentRow) -> Option<Document> {
    Some(Document {
        key: key(local, &row.id),
        coop: key(local, &row.coop_id),
        kind: ProposalKind::parse(&row.kind)?,
        category: Category::parse(&row.category)?,
        description: if local {
            row.body
        } else {
            html_to_text(&row.body)
        },
        title: row.title,
        tags: serde_json::from_str(&row.tags).unwrap_or_default(),
        place: row.place,
        remote: row.remote,
        deadline: row
            .deadline
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()),
        published: row.published_at,
        language: None,
    })
}

fn poisoned<T>(_: T) -> ServiceError {
    ServiceError::Internal("the matching index lock is poisoned".into())
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
                let page = self
                    .db
                    .read(move |conn| rows::coops(conn, local, &from, PAGE))
                    .await?;
                let Some(last) = page.last() else { break };
                after = last.id.clone();
                for row in page {
                    let id = key(local, &row.id);
                    index.set_coop(&id, facts(row, &domain));
                }
            }
        }
        for local in [true, false] {
            let mut after = String::new();
            loop {
                let from = after.clone();
                let page = self
                    .db
                    .read(move |conn| rows::documents(conn, local, &from, PAGE))
                    .await?;
                let Some(last) = page.last() else { break };
                after = last.id.clone();
                let docs: Vec<Document> = page
                    .into_iter()
                    .filter_map(|r| document(local, r))
                    .collect();
                index = tokio::task::spawn_blocking(move || {
                    index.upsert_many(&docs);
                    index
                })
                .await
                .map_err(|e| ServiceError::Internal(format!("matching build: {e}")))?;
            }
        }
        let mut index = tokio::task::spawn_blocking(move || {
            index.renormalize();
            index
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("matching build: {e}")))?;
        let count = index.len();
        {
            let mut shared = self.matching.index.write().map_err(poisoned)?;
            std::mem::swap(&mut *shared, &mut index);
        }
        let mut follow = self.matching.follow.lock().map_err(poisoned)?;
        *follow = Follow {
            ready: true,
            watermark: head,
            applied: BTreeSet::new(),
        };
        tracing::info!(
            proposals = count,
            seconds = started.elapsed().as_secs_f64(),
            "matching index built"
        );
        Ok(count)
    }

    /// Applies the journal entries not applied yet; returns how many.
    pub async fn follow_matching(&self) -> ServiceResult<usize> {
        let watermark = {
            let f = self.matching.follow.lock().map_err(poisoned)?;
            if !f.ready {
                return Ok(0);
            }
            f.watermark
        };
        let head = self.db.read(rows::journal_head).await?;
        if head - watermark > JOURNAL_KEEP {
            tracing::warn!(
                behind = head - watermark,
                "matching fell behind the journal; rebuilding"
            );
            return self.rebuild_matching().await;
        }
        let from = (watermark - LOOKBACK).max(0);
        let entries = self
            .db
            .read(move |conn| rows::journal_after(conn, from, JOURNAL_BATCH + LOOKBACK))
            .await?;
        let fresh: Vec<_> = {
            let f = self.matching.follow.lock().map_err(poisoned)?;
            entries
                .into_iter()
                .filter(|e| e.seq > f.watermark || !f.applied.contains(&e.seq))
                .filter(|e| e.seq > f.watermark - LOOKBACK)
                .collect()
        };
        if fresh.is_empty() {
            // Still work through changes waiting to be notified.
            self.notify_new_matches(Vec::new()).await?;
            return Ok(0);
        }
        // Each subject once, in its current state.
        let subjects: HashSet<(String, String)> = fresh
            .iter()
            .map(|e| (e.subject.clone(), e.subject_id.clone()))
            .collect();
        let domain = self.urls.domain();
        // Read in four lists; what is not found is gone (or closed).
        let mut wanted: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (subject, id) in subjects {
            let subject = match subject.as_str() {
                "proposal" => "proposal",
                "remote_proposal" => "remote_proposal",
                "coop" => "coop",
                "actor" => "actor",
                _ => continue,
            };
            wanted.entry(subject).or_default().push(id);
        }
        let loaded = self
            .db
            .read(move |conn| {
                let mut out = Vec::new();
                for (subject, ids) in wanted {
                    let local = matches!(subject, "proposal" | "coop");
                    if matches!(subject, "proposal" | "remote_proposal") {
                        let mut found: HashMap<String, DocumentRow> =
                            rows::documents_by_id(conn, local, &ids)?
                                .into_iter()
                                .map(|r| (r.id.clone(), r))
                                .collect();
                        for id in ids {
                            let doc = found.remove(&id).and_then(|r| document(local, r));
                            out.push(Change::Proposal(key(local, &id), doc));
                        }
                    } else {
                        let mut found: HashMap<String, CoopRow> =
                            rows::coops_by_id(conn, local, &ids)?
                                .into_iter()
                                .map(|r| (r.id.clone(), r))
                                .collect();
                        for id in ids {
                            let coop = found.remove(&id).map(|r| facts(r, &domain));
                            out.push(Change::Coop(key(local, &id), coop));
                        }
                    }
                }
                // Coops first, so a new coop's facts are there for its
                // proposals' language fallback.
                out.sort_by_key(|c| matches!(c, Change::Proposal(..)));
                Ok::<_, StoreError>(out)
            })
            .await?;
        let changed: Vec<(String, String)> = loaded
            .iter()
            .filter_map(|c| match c {
                Change::Proposal(k, Some(doc)) => Some((k.clone(), doc.coop.clone())),
                _ => None,
            })
            .collect();
        let index = self.matching.index.clone();
        tokio::task::spawn_blocking(move || {
            let mut index = index.write().map_err(poisoned)?;
            for change in loaded {
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
            Ok::<_, ServiceError>(())
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("matching update: {e}")))??;
        {
            let mut f = self.matching.follow.lock().map_err(poisoned)?;
            for e in &fresh {
                f.applied.insert(e.seq);
                f.watermark = f.watermark.max(e.seq);
            }
            let low = f.watermark - LOOKBACK;
            f.applied = f.applied.split_off(&low);
        }
        self.notify_new_matches(changed).await?;
        Ok(fresh.len())
    }

    /// Records notifications for the new matches of proposals just created
    /// or edited: to the coops that want them (their own proposal met one
    /// scoring at or above their threshold). Every process may do this for
    /// the same change; a pair is recorded once.
    async fn notify_new_matches(&self, changed: Vec<(String, String)>) -> ServiceResult<usize> {
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
        let notes = tokio::task::spawn_blocking(move || {
            let index = index.read().map_err(poisoned)?;
            let mut notes = Vec::new();
            let mut note = |coop: &str, ours: &str, other: &str, score: f32| {
                let (Some((true, coop_id)), Some((true, proposal_id))) =
                    (split_key(coop), split_key(ours))
                else {
                    return;
                };
                notes.push(rows::NotificationRow {
                    id: super::new_id(),
                    coop_id: coop_id.to_string(),
                    proposal_id: proposal_id.to_string(),
                    other_key: other.to_string(),
                    score: f64::from(score),
                    created_at: now,
                    read_at: None,
                });
            };
            for (changed, coop) in &changed {
                for m in index.matches(changed, &opts).unwrap_or_default() {
                    let score = f64::from(m.score);
                    if thresholds.get(&m.coop).is_some_and(|t| score >= *t) {
                        note(&m.coop, &m.key, changed, m.score);
                    }
                    if thresholds.get(coop).is_some_and(|t| score >= *t) {
                        note(coop, changed, &m.key, m.score);
                    }
                }
            }
            Ok::<_, ServiceError>(notes)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("match notifications: {e}")))??;
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
        let limit = page_limit(limit)? as i64;
        let offset = offset.unwrap_or(0);
        if !(0..=crate::domain::limits::DIRECTORY_OFFSET_MAX).contains(&offset) {
            return Err(invalid(
                "offset",
                format!(
                    "must be between 0 and {}",
                    crate::domain::limits::DIRECTORY_OFFSET_MAX
                ),
            ));
        }
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

    /// Marks the signed-in coop's notifications read: those named, or all.
    pub async fn mark_match_notifications_read(
        &self,
        viewer: &Viewer,
        ids: Option<Vec<String>>,
    ) -> ServiceResult<usize> {
        let coop = viewer.coop_id()?.to_string();
        if ids
            .as_ref()
            .is_some_and(|i| i.len() > crate::domain::limits::PAGE_SIZE_MAX as usize)
        {
            return Err(invalid(
                "ids",
                format!("at most {} at a time", crate::domain::limits::PAGE_SIZE_MAX),
            ));
        }
        let now = time::now();
        Ok(self
            .db
            .write(move |conn| rows::mark_read(conn, &coop, ids.as_deref(), now))
            .await?)
    }

    /// Forgets journal entries no process needs any more.
    pub async fn prune_matching_journal(&self) -> ServiceResult<usize> {
        Ok(self
            .db
            .write(|conn| rows::prune_journal(conn, JOURNAL_KEEP))
            .await?)
    }

    async fn match_settings_of(&self, coop: &str) -> ServiceResult<MatchSettings> {
        let coop = coop.to_string();
        let row = self
            .db
            .read(move |conn| rows::settings(conn, &coop))
            .await?;
        Ok(MatchSettings {
            prefer_stage_pairing: row.prefer_stage_pairing,
            notify_min_score: row.notify_min_score,
        })
    }

    /// The signed-in coop's matching settings.
    pub async fn match_settings(&self, viewer: &Viewer) -> ServiceResult<MatchSettings> {
        self.match_settings_of(viewer.coop_id()?).await
    }

    /// Changes the signed-in coop's matching settings.
    pub async fn set_match_settings(
        &self,
        viewer: &Viewer,
        settings: MatchSettings,
    ) -> ServiceResult<MatchSettings> {
        let coop = viewer.coop_id()?.to_string();
        if let Some(t) = settings.notify_min_score {
            if !(0.0..=MAX_SCORE).contains(&t) {
                return Err(invalid(
                    "notify_min_score",
                    format!("must be between 0 and {MAX_SCORE}, or null to turn notifications off"),
                ));
            }
        }
        let row = rows::SettingsRow {
            prefer_stage_pairing: settings.prefer_stage_pairing,
            notify_min_score: settings.notify_min_score,
        };
        self.db
            .write(move |conn| rows::save_settings(conn, &coop, row))
            .await?;
        Ok(settings)
    }

    /// Whether the index has been built since start-up.
    pub fn matching_is_ready(&self) -> bool {
        self.matching.follow.lock().is_ok_and(|f| f.ready)
    }

    fn matching_ready(&self) -> ServiceResult<()> {
        let ready = self.matching.follow.lock().map_err(poisoned)?.ready;
        if ready {
            Ok(())
        } else {
            Err(ServiceError::Unavailable(
                "matching is still being prepared after a restart; try again in a few seconds"
                    .into(),
            ))
        }
    }

    /// The index's best matches for each of `keys`, as (our key, match).
    async fn raw_matches(
        &self,
        coop: &str,
        keys: Vec<String>,
    ) -> ServiceResult<Vec<(String, crate::infra::matching::Match)>> {
        self.matching_ready()?;
        let settings = self.match_settings_of(coop).await?;
        let index = self.matching.index.clone();
        let opts = MatchOptions {
            limit: PER_PROPOSAL,
            today: time::now().date(),
            pairing: settings.prefer_stage_pairing,
        };
        tokio::task::spawn_blocking(move || {
            let index = index.read().map_err(poisoned)?;
            Ok(keys
                .into_iter()
                .flat_map(|k| {
                    index
                        .matches(&k, &opts)
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |m| (k.clone(), m))
                })
                .collect())
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("matching: {e}")))?
    }

    /// Keeps the matches listed here, with what a listing shows of them.
    /// The directory entries of index keys (`l:`/`r:` ids), by key, in one
    /// read. Keys whose proposal is gone or no longer listed are absent.
    async fn entries_by_key<'a>(
        &self,
        keys: impl Iterator<Item = &'a str>,
    ) -> ServiceResult<HashMap<String, ProposalEntry>> {
        let (mut local, mut remote) = (Vec::new(), Vec::new());
        for k in keys {
            match split_key(k) {
                Some((true, id)) => local.push(id.to_string()),
                Some((false, id)) => remote.push(id.to_string()),
                None => {}
            }
        }
        let entries = self
            .db
            .read(move |conn| {
                crate::infra::store::directory::proposals_by_id(conn, &local, &remote)
            })
            .await?;
        let by_key: HashMap<String, ProposalEntry> = entries
            .into_iter()
            .map(|e| (key(e.is_local(), &e.id), e))
            .collect();
        Ok(by_key)
    }

    async fn with_entries(
        &self,
        found: Vec<(String, crate::infra::matching::Match)>,
    ) -> ServiceResult<Vec<FoundMatch>> {
        let by_key = self
            .entries_by_key(found.iter().map(|(_, m)| m.key.as_str()))
            .await?;
        Ok(found
            .into_iter()
            .filter_map(|(ours, m)| {
                let proposal = by_key.get(&m.key)?.clone();
                Some(FoundMatch {
                    for_proposal: split_key(&ours).map(|(_, id)| id.to_string())?,
                    proposal,
                    score: m.score,
                    parts: m.parts,
                    reasons: m.reasons,
                })
            })
            .collect())
    }

    /// The matches of one of the signed-in coop's open proposals, best first.
    pub async fn proposal_matches(
        &self,
        viewer: &Viewer,
        id: &str,
        limit: Option<i64>,
    ) -> ServiceResult<Vec<FoundMatch>> {
        let coop = viewer.coop_id()?.to_string();
        let limit = page_limit(limit)?;
        let wanted = id.to_string();
        let owner = coop.clone();
        let proposal = self
            .db
            .read(move |conn| crate::infra::store::proposals::by_id(conn, &wanted))
            .await?
            .filter(|p| p.coop_id == owner)
            .ok_or_else(|| ServiceError::NotFound(format!("no proposal {id} of your coop")))?;
        if proposal.status != ProposalStatus::Open {
            return Err(ServiceError::Conflict(
                "this proposal is closed: closed proposals have no matches".into(),
            ));
        }
        let found = self.raw_matches(&coop, vec![key(true, id)]).await?;
        let mut out = self.with_entries(found).await?;
        out.truncate(limit);
        Ok(out)
    }

    /// Rings of three or four coops through the signed-in coop, each
    /// helping the next, best first.
    pub async fn coop_circles(
        &self,
        viewer: &Viewer,
        limit: Option<i64>,
    ) -> ServiceResult<Vec<FoundCircle>> {
        let coop = viewer.coop_id()?.to_string();
        let limit = page_limit(limit)?;
        self.matching_ready()?;
        let settings = self.match_settings_of(&coop).await?;
        let index = self.matching.index.clone();
        let opts = MatchOptions {
            limit: PER_PROPOSAL,
            today: time::now().date(),
            pairing: settings.prefer_stage_pairing,
        };
        let anchor = key(true, &coop);
        // Some rings may pass through coops not listed here: ask for more.
        let rings = tokio::task::spawn_blocking(move || {
            let index = index.read().map_err(poisoned)?;
            Ok::<_, ServiceError>(crate::infra::matching::circles::circles(
                &index,
                &anchor,
                &opts,
                limit * 2,
            ))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("circles: {e}")))??;
        let by_key = self
            .entries_by_key(
                rings
                    .iter()
                    .flat_map(|r| &r.edges)
                    .flat_map(|e| [e.offer.as_str(), e.need.as_str()]),
            )
            .await?;
        let mut out: Vec<FoundCircle> = rings
            .into_iter()
            .filter_map(|r| {
                let exchanges = r
                    .edges
                    .iter()
                    .map(|e| {
                        Some(Exchange {
                            offer: by_key.get(&e.offer)?.clone(),
                            need: by_key.get(&e.need)?.clone(),
                            score: e.score,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(FoundCircle {
                    score: r.score,
                    exchanges,
                })
            })
            .collect();
        out.truncate(limit);
        Ok(out)
    }

    /// All the signed-in coop's matches, best first, optionally only of a
    /// category or from a node.
    pub async fn coop_matches(&self, viewer: &Viewer, q: MatchQuery) -> ServiceResult<MatchPage> {
        let coop = viewer.coop_id()?.to_string();
        let limit = page_limit(q.limit)?;
        let offset = q.offset.unwrap_or(0);
        if !(0..=crate::domain::limits::DIRECTORY_OFFSET_MAX).contains(&offset) {
            return Err(invalid(
                "offset",
                format!(
                    "must be between 0 and {}",
                    crate::domain::limits::DIRECTORY_OFFSET_MAX
                ),
            ));
        }
        let category = match q.category.as_deref() {
            Some(c) => Some(Category::parse(c).ok_or_else(|| {
                invalid(
                    "category",
                    "must be financial, human, technical, knowledge or work",
                )
            })?),
            None => None,
        };
        let node = q.node.map(|n| n.trim().to_ascii_lowercase());
        self.matching_ready()?;
        let keys = self
            .matching
            .index
            .read()
            .map_err(poisoned)?
            .proposals_of(&key(true, &coop));
        let mut found = self.raw_matches(&coop, keys).await?;
        found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.1.key.cmp(&b.1.key)));
        let mut all = self.with_entries(found).await?;
        let domain = self.urls.domain();
        all.retain(|m| {
            category.is_none_or(|c| m.proposal.category == c)
                && node
                    .as_deref()
                    .is_none_or(|n| m.proposal.node.as_deref().unwrap_or(domain.as_str()) == n)
        });
        let total = all.len();
        let items = all.into_iter().skip(offset as usize).take(limit).collect();
        Ok(MatchPage {
            items,
            total,
            offset: offset as usize,
        })
    }
}

enum Change {
    Proposal(String, Option<Document>),
    Coop(String, Option<CoopFacts>),
}

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(crate::domain::validate::ValidationError::new(
        field, message,
    ))
}

fn page_limit(limit: Option<i64>) -> ServiceResult<usize> {
    let max = crate::domain::limits::PAGE_SIZE_MAX;
    let limit = limit.unwrap_or(crate::domain::limits::PAGE_SIZE_DEFAULT);
    if !(1..=max).contains(&limit) {
        return Err(invalid("limit", format!("must be between 1 and {max}")));
    }
    Ok(limit as usize)
}
