//! Durable delivery of outgoing activities.
//!
//! An activity is stored once with one delivery row per destination inbox
//! (followers on one server share its shared inbox, so they cost one
//! delivery). Background workers claim due rows, sign with the sender's key
//! through activitypub_federation, and record the outcome. Nothing is kept in
//! memory only: a crash or `kill -9` loses nothing, and rows claimed by a dead
//! worker are taken over when their lease ends.

mod schedule;
mod worker;

pub use schedule::{next_attempt, ABANDON_AFTER, UNREACHABLE_AFTER};
pub use worker::{DeliveryWorker, WorkerHandle};

use url::Url;

use crate::domain::time;
use crate::infra::store::{deliveries, AnyConnection, StoreResult};

/// Who signs an activity: the node actor, or a local coop by handle.
pub const NODE_SIGNER: &str = "node";

/// Queues `activity` (JSON with an `id`) for each distinct inbox, inside the
/// caller's transaction, so the change and its announcement commit together.
pub fn enqueue(
    conn: &mut AnyConnection,
    signer: &str,
    activity: &serde_json::Value,
    inboxes: &[Url],
) -> StoreResult<usize> {
    let ap_id = activity
        .get("id")
        .and_then(|v| v.as_str())
        .ok_or_else(|| crate::infra::store::StoreError::Database("activity without id".into()))?;
    let mut targets: Vec<(String, String)> = Vec::new();
    for inbox in inboxes {
        // The origin is the unit of per-destination limits.
        if let Some(host) = crate::domain::urls::origin_of(inbox) {
            let inbox = inbox.to_string();
            if !targets.iter().any(|(i, _)| *i == inbox) {
                targets.push((inbox, host));
            }
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    let body = activity.to_string();
    deliveries::enqueue(
        conn,
        &deliveries::NewActivity {
            id: &id,
            ap_id,
            signer,
            body: &body,
            created_at: time::now(),
        },
        &targets,
        || uuid::Uuid::now_v7().to_string(),
    )
}
