//! A value kept for a short while, for pages many people ask for and that
//! may be a few seconds old (the landing page's newest needs and offers,
//! the node's feed): one reader builds it, the others within `ttl` share
//! it. Keys are the few fixed questions the callers ask, so it stays small.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Fresh<K, V> {
    ttl: Duration,
    kept: Mutex<HashMap<K, (Instant, Arc<V>)>>,
}

impl<K: Eq + Hash, V> Fresh<K, V> {
    pub fn new(ttl: Duration) -> Self {
        Fresh {
            ttl,
            kept: Mutex::new(HashMap::new()),
        }
    }

    /// The value of `key` if it was kept less than `ttl` ago.
    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let kept = self.kept.lock().ok()?;
        kept.get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| Arc::clone(v))
    }

    /// Keeps `value` for `key` from now on.
    pub fn put(&self, key: K, value: V) -> Arc<V> {
        let value = Arc::new(value);
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(key, (Instant::now(), Arc::clone(&value)));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shared_while_fresh_then_asked_for_again() {
        let f: Fresh<u8, String> = Fresh::new(Duration::from_millis(50));
        assert!(f.get(&1).is_none());
        f.put(1, "a".into());
        assert_eq!(f.get(&1).as_deref().map(String::as_str), Some("a"));
        assert!(f.get(&2).is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(f.get(&1).is_none(), "stale");
    }
}
