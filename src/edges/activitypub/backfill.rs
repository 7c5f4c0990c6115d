//! Backfill: once another node accepts our node's follow, read what it
//! already holds from its directory (its coops, then its open proposals),
//! page by page, in the background.
//!
//! Like the HTTP edge, this drives the services. Progress (the next page,
//! items read, the last error) is saved after every page, so a restart
//! resumes where it stopped. A lease in the database lets only one of
//! several serve processes on one database read a node at a time. A page
//! read twice changes nothing, because coops and proposals are stored by
//! their ids. Everything is read from the followed node itself (signed by
//! our node actor), and only objects on that node's own host are taken.
//!
//! A walk always ends: a page named twice stops it (a directory that loops,
//! remembered per process; the page budget catches a loop spread across
//! restarts), as do the page and time budgets in `domain::limits`. Why it
//! stopped is saved and shown to admins.

use std::collections::HashSet;
use std::time::Duration;

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use serde_json::Value;
use url::Url;

use super::{Context, Federation};
use crate::domain::node::{Backfill, BackfillState, BackfillStop, NodeFollow};
use crate::domain::remote::RemoteActor;
use crate::domain::time;
use crate::domain::urls::same_origin;
use crate::edges::activitypub::fetch::{from_origin, Fetched};
use crate::edges::activitypub::KnownActor;
use crate::infra::wire::activity::object_type;
use crate::infra::wire::received_proposal::{attributed_to, ReceivedNote};
use crate::infra::wire::remote_actor::{RemoteActorDocument, ACTOR_TYPES};

/// How often to look for work when there is none.
const IDLE_POLL: Duration = Duration::from_secs(2);
/// How long to leave a node alone after a failed page.
const RETRY_AFTER: Duration = Duration::from_secs(30);
/// Pages one round reads from one node before turning to the next.
const PAGES_PER_ROUND: usize = 5;
/// How long a process holds a node's backfill past its last page; one that
/// dies holding it delays the backfill by at most this.
const LEASE: Duration = Duration::from_secs(30);
/// Consecutive failed pages after which a backfill is marked failed.
const GIVE_UP_AFTER: i64 = 20;

pub fn spawn(federation: std::sync::Arc<Federation>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut failures: std::collections::HashMap<String, (i64, tokio::time::Instant)> =
            Default::default();
        // Pages read per walk in this process (hashes of their URLs), by
        // node and the walk's start, so a new walk starts afresh.
        let mut seen: std::collections::HashMap<String, HashSet<u64>> = Default::default();
        let walk = |f: &NodeFollow| format!("{} {:?}", f.domain, f.backfill.started_at);
        loop {
            let data = federation.to_request_data();
            let work = match data.backfilling_nodes().await {
                Ok(w) => w,
                Err(e) => {
                    tracing::warn!(error = %e, "backfill: cannot read the followed nodes");
                    Vec::new()
                }
            };
            let mut busy = false;
            seen.retain(|key, _| work.iter().any(|(f, _)| &walk(f) == key));
            for (follow, actor) in work {
                if let Some((_, until)) = failures.get(&follow.domain) {
                    if tokio::time::Instant::now() < *until {
                        continue;
                    }
                }
                // Another serve process on the same database may have it.
                let follow = match data.claim_backfill(&follow.domain, LEASE).await {
                    Ok(Some(claimed)) => claimed,
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::warn!(node = %follow.domain, error = %e, "backfill: cannot take the lease");
                        continue;
                    }
                };
                busy = true;
                let pages_seen = seen.entry(walk(&follow)).or_default();
                match run_pages(&data, follow.clone(), &actor, pages_seen).await {
                    Ok(()) => {
                        failures.remove(&follow.domain);
                    }
                    Err(message) => {
                        let entry = failures
                            .entry(follow.domain.clone())
                            .or_insert((0, tokio::time::Instant::now()));
                        entry.0 += 1;
                        entry.1 = tokio::time::Instant::now() + RETRY_AFTER;
                        let failed = entry.0 >= GIVE_UP_AFTER;
                        tracing::warn!(node = %follow.domain, error = %message, failed, "backfill page failed");
                        let mut backfill = follow.backfill.clone();
                        backfill.error = Some(message);
                        backfill.updated_at = Some(time::now());
                        if failed {
                            backfill.state = BackfillState::Failed;
                            failures.remove(&follow.domain);
                        }
                        let _ = data.save_backfill(follow.domain.clone(), backfill).await;
                    }
                }
                if let Err(e) = data.release_backfill(&follow.domain).await {
                    tracing::warn!(node = %follow.domain, error = %e, "backfill: cannot release the lease");
                }
            }
            if !busy {
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    })
}

/// Reads up to `PAGES_PER_ROUND` pages of one node, saving after each.
async fn run_pages(
    data: &Data<Context>,
    mut follow: NodeFollow,
    actor: &RemoteActor,
    seen: &mut HashSet<u64>,
) -> Result<(), String> {
    let origin = Url::parse(&actor.ap_id).map_err(|e| e.to_string())?;
    for _ in 0..PAGES_PER_ROUND {
        let backfill = step(data, &follow.backfill, &origin, seen).await?;
        let done = backfill.state != BackfillState::Running;
        match backfill.ended_because() {
            Some(why) => tracing::info!(
                node = %follow.domain,
                items = backfill.items,
                pages = backfill.pages,
                why,
                "backfill ended"
            ),
            None => {
                tracing::debug!(node = %follow.domain, items = backfill.items, "backfill page read")
            }
        }
        if !data
            .save_backfill(follow.domain.clone(), backfill.clone())
            .await
            .map_err(|e| e.to_string())?
        {
            return Ok(()); // unfollowed meanwhile
        }
        follow.backfill = backfill;
        if done {
            break;
        }
        data.renew_backfill(&follow.domain, LEASE)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn live(fetched: Fetched, what: &Url) -> Result<Value, String> {
    match fetched {
        Fetched::Live(v) => Ok(v),
        Fetched::Gone => Err(format!("{what} is gone")),
    }
}

fn url_field(doc: &Value, field: &str) -> Option<Url> {
    doc.get(field)?.as_str().and_then(|s| Url::parse(s).ok())
}

/// One step: find the directory, or read one page of it.
async fn step(
    data: &Data<Context>,
    at: &Backfill,
    origin: &Url,
    seen: &mut HashSet<u64>,
) -> Result<Backfill, String> {
    let now = time::now();
    let mut next = at.clone();
    next.error = None;
    next.updated_at = Some(now);
    if let Some(why) = at.over_budget(now) {
        return Ok(next.stopped(why));
    }
    let Some(page_url) = at.next.as_deref() else {
        // Not started: the node actor names its directory, which names its first page.
        let doc = live(from_origin(origin, data).await?, origin)?;
        let first = match url_field(&doc, "directory") {
            Some(dir) if same_origin(&dir, origin) => {
                let coll = live(from_origin(&dir, data).await?, &dir)?;
                url_field(&coll, "first").filter(|u| same_origin(u, origin))
            }
            // Not an Intercoop node: nothing to backfill.
            _ => None,
        };
        match first {
            Some(first) => next.next = Some(first.to_string()),
            None => next.state = BackfillState::Done,
        }
        return Ok(next);
    };
    let key = page_key(page_url);
    if seen.contains(&key) {
        return Ok(next.stopped(BackfillStop::PageSeenTwice));
    }
    let page_url = Url::parse(page_url).map_err(|e| e.to_string())?;
    let page = live(from_origin(&page_url, data).await?, &page_url)?;
    // Only a page actually read counts: a failed one is tried again.
    seen.insert(key);
    next.pages += 1;
    let items = page
        .get("orderedItems")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for item in items {
        if let Err(e) = take(data, item, origin).await {
            // One bad item does not stop the rest.
            tracing::info!(error = %e, "backfill item skipped");
        } else {
            next.items += 1;
        }
    }
    match url_field(&page, "next").filter(|u| same_origin(u, origin)) {
        Some(n) => next.next = Some(n.to_string()),
        None => {
            next.next = None;
            next.state = BackfillState::Done;
        }
    }
    Ok(next)
}

fn page_key(url: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    url.hash(&mut h);
    h.finish()
}

/// Stores one directory item: a coop's actor document or a proposal.
async fn take(data: &Data<Context>, item: Value, origin: &Url) -> Result<(), String> {
    let id = url_field(&item, "id").ok_or("an item without id")?;
    if !same_origin(&id, origin) {
        return Err(format!("{id} is not on the followed node"));
    }
    match object_type(&item) {
        Some(t) if ACTOR_TYPES.contains(&t) => {
            let doc: RemoteActorDocument =
                serde_json::from_value(item).map_err(|e| e.to_string())?;
            doc.check()?;
            data.save_remote_actor(doc)
                .await
                .map_err(|e| e.to_string())?;
        }
        _ => {
            let note: ReceivedNote = serde_json::from_value(item).map_err(|e| e.to_string())?;
            let author = note
                .attributed_to
                .as_ref()
                .and_then(attributed_to)
                .ok_or("a proposal without attributedTo")?;
            if !same_origin(&author, origin) {
                return Err(format!("{author} is not on the followed node"));
            }
            let author = ObjectId::<KnownActor>::from(author)
                .dereference(&data.reset_request_count())
                .await
                .map_err(|e| e.to_string())?
                .actor;
            data.keep_fetched_note(&author, note)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
