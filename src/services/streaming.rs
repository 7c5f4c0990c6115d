//! What the streaming API tells connected apps as it happens: needs and
//! offers published, edited or closed (here or received), and new
//! notifications. One task per process follows the matching journal (which
//! triggers fill on every change) and the notifications table, and
//! broadcasts to every connection; each connection keeps what its streams
//! show. Reading from the database, not from in-process calls, means
//! changes made by any process (the command line, another server process)
//! are seen too.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

use super::matching::JournalFollow;
use super::statuses::Post;
use super::{ServiceError, ServiceResult, Services};
use crate::domain::matching::Changed;
use crate::domain::post_grammar::{category_of_tag, kind_of_tag};
use crate::domain::time;
use crate::infra::store::follows::following;
use crate::infra::store::{matching as journal, notifications};

/// How often the feed looks for changes.
pub const FEED_EVERY: Duration = Duration::from_secs(1);
/// Events a slow connection may fall behind by before it misses some.
const BACKLOG: usize = 1024;
/// Journal entries read per pass.
const PER_PASS: i64 = 500;
/// Notifications are looked for this far back, so one committed late
/// (PostgreSQL commits out of order) is still sent, once.
const NOTIFY_LOOKBACK: chrono::Duration = chrono::Duration::seconds(30);

/// Something to tell connected apps.
#[derive(Debug, Clone)]
pub enum StreamEvent {
    /// A need or offer published (`edited` false) or changed.
    Post { post: Box<Post>, edited: bool },
    /// A need or offer closed, deleted, or no longer listed.
    Removed { id: String },
    /// A notification for one coop.
    Notified { coop_id: String, id: String },
}

/// The broadcast and where the feed stands.
pub struct StreamHub {
    sender: broadcast::Sender<Arc<StreamEvent>>,
    state: Mutex<FeedState>,
}

#[derive(Default)]
struct FeedState {
    journal: Option<JournalFollow>,
    /// Notifications already sent, by id, with when they were made.
    sent: BTreeMap<String, chrono::NaiveDateTime>,
}

impl Default for StreamHub {
    fn default() -> Self {
        StreamHub {
            sender: broadcast::channel(BACKLOG).0,
            state: Mutex::new(FeedState::default()),
        }
    }
}

fn poisoned<T>(_: T) -> ServiceError {
    ServiceError::Internal("the streaming feed's state is poisoned".into())
}

impl Post {
    /// Whether a hashtag timeline for `tag` shows this post: a kind, a
    /// category (in any of the grammar's languages) or one of its tags.
    pub fn has_hashtag(&self, tag: &str) -> bool {
        let tag = tag.trim().trim_start_matches('#').to_lowercase();
        let (kind, category, tags) = match self {
            Post::Local { proposal, .. } => {
                let d = &proposal.draft;
                (d.kind, d.category, &d.tags)
            }
            Post::Remote { proposal, .. } => (proposal.kind, proposal.category, &proposal.tags),
            Post::Plain { .. } | Post::Gathering { .. } => return false,
        };
        kind_of_tag(&tag) == Some(kind)
            || category_of_tag(&tag) == Some(category)
            || tags.iter().any(|t| t.to_lowercase() == tag)
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Post::Local { .. } | Post::Gathering { .. })
    }

    /// Whether public timelines show it: needs, offers and gatherings, not
    /// the other posts of followed accounts.
    pub fn is_public(&self) -> bool {
        !matches!(self, Post::Plain { .. })
    }
}

impl Services {
    /// A new listener: every event from now on.
    pub fn subscribe_stream(&self) -> broadcast::Receiver<Arc<StreamEvent>> {
        self.streams.sender.subscribe()
    }

    /// Whether `coop_id` follows the remote actor (accepted): its posts are
    /// in the coop's home stream.
    pub async fn follows_actor(&self, coop_id: &str, actor_id: &str) -> ServiceResult<bool> {
        let (coop, actor) = (coop_id.to_string(), actor_id.to_string());
        Ok(self
            .db
            .read(move |conn| following::get(conn, &coop, &actor))
            .await?
            .is_some_and(|f| f.accepted))
    }

    /// One pass of the feed: what changed since the last one, broadcast.
    /// With nobody listening it only keeps its place.
    pub async fn feed_streams(&self) -> ServiceResult<usize> {
        let listening = self.streams.sender.receiver_count() > 0;
        let start = self
            .streams
            .state
            .lock()
            .map_err(poisoned)?
            .journal
            .as_ref()
            .map(|j| j.read_from());
        let Some(read_from) = start else {
            let head = self.db.read(journal::journal_head).await?;
            self.streams.state.lock().map_err(poisoned)?.journal = Some(JournalFollow::from(head));
            return Ok(0);
        };
        let read = self
            .db
            .read(move |conn| journal::journal_after(conn, read_from, PER_PASS))
            .await?;
        let fresh = {
            let mut state = self.streams.state.lock().map_err(poisoned)?;
            let Some(follow) = state.journal.as_mut() else {
                return Ok(0);
            };
            let fresh = follow.fresh(read);
            follow.apply(&fresh);
            fresh
        };
        let since = time::now() - NOTIFY_LOOKBACK;
        let recent = self
            .db
            .read(move |conn| notifications::made_since(conn, since, PER_PASS))
            .await?;
        let mut events = Vec::new();
        {
            let mut state = self.streams.state.lock().map_err(poisoned)?;
            for n in recent {
                if state.sent.insert(n.id.clone(), n.created_at).is_none() {
                    events.push(StreamEvent::Notified {
                        coop_id: n.coop_id,
                        id: n.id,
                    });
                }
            }
            state.sent.retain(|_, at| *at >= since);
        }
        if !listening {
            return Ok(0);
        }
        let mut seen = HashSet::new();
        for changed in fresh.iter().filter_map(|e| e.changed.as_ref()) {
            let (id, found) = match changed {
                Changed::Proposal(id) | Changed::RemoteProposal(id) | Changed::Gathering(id) => {
                    if !seen.insert(id.clone()) {
                        continue;
                    }
                    let found = match self.post(None, id).await {
                        Ok(post) => Some(post),
                        Err(ServiceError::NotFound(_)) => None,
                        Err(e) => return Err(e),
                    };
                    (id, found)
                }
                // Whoever may see it: each stream checks (followers only).
                Changed::RemotePost(id) => {
                    if !seen.insert(id.clone()) {
                        continue;
                    }
                    (id, self.plain_post(id).await?)
                }
                Changed::Coop(_) | Changed::Actor(_) => continue,
            };
            events.push(match found {
                Some(post) => {
                    let edited = match &post {
                        Post::Local { proposal, .. } => proposal.updated_at > proposal.created_at,
                        Post::Remote { proposal, .. } => {
                            proposal.updated_at > proposal.published_at
                        }
                        Post::Plain { post, .. } => post.updated_at > post.published_at,
                        Post::Gathering { gathering, .. } => {
                            gathering.updated_at > gathering.created_at
                        }
                    };
                    StreamEvent::Post {
                        post: Box::new(post),
                        edited,
                    }
                }
                None => StreamEvent::Removed { id: id.clone() },
            });
        }
        let sent = events.len();
        for event in events {
            // No receiver left is not an error: nobody to tell.
            let _ = self.streams.sender.send(Arc::new(event));
        }
        Ok(sent)
    }
}
