//! Remote actors in memory, for a minute: every inbox request reads the
//! signing actor, and a busy sender's actor is the same one request after
//! request. Writes of this process replace or drop entries; a change made by
//! another process sharing the database shows within the minute (keys only
//! change through a fetch, which every process does for itself).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::remote::RemoteActor;

const TTL: Duration = Duration::from_secs(60);
/// Beyond this many actors the cache starts over rather than grow.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct ActorCache {
    entries: Mutex<HashMap<String, (Instant, RemoteActor)>>,
}

impl ActorCache {
    pub fn get(&self, ap_id: &str) -> Option<RemoteActor> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(ap_id)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, actor)| actor.clone())
    }

    pub fn put(&self, actor: &RemoteActor) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(actor.ap_id.clone(), (Instant::now(), actor.clone()));
        }
    }

    pub fn forget(&self, ap_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(ap_id);
        }
    }

    /// Drops everything (after a purge removed actors from the database).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(n: usize, name: &str) -> RemoteActor {
        RemoteActor {
            id: format!("r{n}"),
            ap_id: format!("https://x.test/users/{n}"),
            kind: "Person".into(),
            username: format!("u{n}"),
            host: "x.test".into(),
            display_name: name.into(),
            summary_html: String::new(),
            url: None,
            inbox: format!("https://x.test/users/{n}/inbox"),
            shared_inbox: None,
            public_key_pem: String::new(),
            country: None,
            languages: Vec::new(),
            stage: None,
            fetched_at: crate::domain::time::now(),
        }
    }

    #[test]
    fn a_put_replaces_and_a_forget_drops() {
        let cache = ActorCache::default();
        assert!(cache.get("https://x.test/users/1").is_none());
        cache.put(&actor(1, "Ana"));
        cache.put(&actor(1, "Ana María"));
        let got = cache.get("https://x.test/users/1").expect("cached");
        assert_eq!(got.display_name, "Ana María");
        cache.forget("https://x.test/users/1");
        assert!(cache.get("https://x.test/users/1").is_none());
    }

    #[test]
    fn it_never_holds_more_than_its_bound() {
        let cache = ActorCache::default();
        for n in 0..=MAX_ENTRIES {
            cache.put(&actor(n, "x"));
        }
        let held = cache.entries.lock().expect("lock").len();
        assert!(held <= MAX_ENTRIES, "{held} entries");
        assert!(cache.get(&actor(MAX_ENTRIES, "x").ap_id).is_some());
    }
}
