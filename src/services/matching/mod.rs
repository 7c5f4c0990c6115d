//! Matches for coops: the in-memory index (`infra::matching`) kept in step
//! with the database, and what the edges ask of it.
//!
//! Each serving process builds its index at start-up from every open
//! proposal, then follows `match_journal`, which database triggers fill on
//! every change to proposals, remote proposals, coops and remote actors,
//! whichever process or path made it. Results therefore survive restarts
//! (they are recomputed from what is stored) and a change anywhere reaches
//! every process within [`FOLLOW_EVERY`].
//!
//! - `sync.rs`: building the index and following the journal;
//! - `notify.rs`: notifications of new matches;
//! - `settings.rs`: what each coop asks of matching;
//! - `queries.rs`: a proposal's matches, a coop's matches, circles;
//! - `among.rs`: matches among a few known proposals (a gathering's board).

mod among;
mod notify;
mod pairs;
mod queries;
mod settings;
mod sync;

pub use among::Pairing;
pub(in crate::services) use sync::Follow as JournalFollow;

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use super::{ServiceError, ServiceResult, Services};
use crate::domain::directory::ProposalEntry;
use crate::domain::matching::{CoopTraits, OpenProposal};
use crate::infra::matching::score::Parts;
use crate::infra::matching::{CoopFacts, Document, Index};

pub use crate::domain::matching::MatchSettings;
pub use crate::infra::matching::score::{Reason, ReasonArg};
pub use settings::MAX_SCORE;

/// How often each process reads the journal.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(1);
/// Matches asked of the index per proposal; some may be unlisted here.
const PER_PROPOSAL: usize = 50;

/// The index and how far this process has followed the journal.
#[derive(Default)]
pub struct Matching {
    index: Arc<RwLock<Index>>,
    follow: Mutex<sync::Follow>,
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

/// A proposal's or a coop's key in the index: local and remote ids may
/// collide, so each is prefixed with its side.
fn key(local: bool, id: &str) -> String {
    format!("{}:{id}", if local { "l" } else { "r" })
}

/// (local, id) of an index key.
fn split_key(key: &str) -> Option<(bool, &str)> {
    let (side, id) = key.split_once(':')?;
    match side {
        "l" => Some((true, id)),
        "r" => Some((false, id)),
        _ => None,
    }
}

/// A coop as the index weighs it; a local coop's node is ours.
fn facts(coop: CoopTraits, our_domain: &str) -> CoopFacts {
    CoopFacts {
        node: coop.host.unwrap_or_else(|| our_domain.to_string()),
        country: coop.country.map(|c| c.to_uppercase()),
        languages: coop.languages,
        stage: coop.stage,
    }
}

/// A proposal as the index reads it.
fn document(local: bool, p: OpenProposal) -> Document {
    Document {
        key: key(local, &p.id),
        coop: key(local, &p.coop_id),
        kind: p.kind,
        category: p.category,
        description: p.body.into_text(),
        title: p.title,
        tags: p.tags,
        place: p.place,
        remote: p.remote,
        deadline: p.deadline,
        published: p.published_at,
        language: None,
    }
}

fn poisoned<T>(_: T) -> ServiceError {
    ServiceError::Internal("the matching index lock is poisoned".into())
}

/// Runs index work off the async threads.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    f: impl FnOnce() -> ServiceResult<T> + Send + 'static,
) -> ServiceResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Internal(format!("{what}: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coop::Stage;
    use crate::domain::matching::Body;
    use crate::domain::proposal::{Category, ProposalKind};

    #[test]
    fn keys_tell_local_from_remote_and_round_trip() {
        assert_eq!(split_key(&key(true, "abc")), Some((true, "abc")));
        assert_eq!(split_key(&key(false, "a:b")), Some((false, "a:b")));
        assert_eq!(split_key("x:1"), None);
        assert_eq!(split_key("nokey"), None);
    }

    #[test]
    fn a_local_coop_is_on_our_node_and_countries_are_upper_case() {
        let local = facts(
            CoopTraits {
                id: "c".into(),
                host: None,
                country: Some("ar".into()),
                languages: vec!["es".into()],
                stage: Some(Stage::StartCoop),
            },
            "coops.test",
        );
        assert_eq!(local.node, "coops.test");
        assert_eq!(local.country.as_deref(), Some("AR"));
        let remote = facts(
            CoopTraits {
                id: "r".into(),
                host: Some("b.test".into()),
                country: None,
                languages: vec![],
                stage: None,
            },
            "coops.test",
        );
        assert_eq!(remote.node, "b.test");
    }

    #[test]
    fn remote_html_is_indexed_as_words_under_its_side() {
        let d = document(
            false,
            OpenProposal {
                id: "p1".into(),
                coop_id: "r1".into(),
                kind: ProposalKind::Offer,
                category: Category::Technical,
                title: "Hosting".into(),
                body: Body::Html("<p>Servers <em>at night</em></p>".into()),
                tags: vec!["hosting".into()],
                place: None,
                remote: Some(true),
                deadline: None,
                published_at: crate::domain::time::now(),
            },
        );
        assert_eq!(d.key, "r:p1");
        assert_eq!(d.coop, "r:r1");
        assert!(!d.description.contains('<'), "{}", d.description);
        assert!(d.description.contains("night"));
    }
}
