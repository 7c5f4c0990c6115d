//! One request for many askers: while a fetch of a URL is under way, others
//! who ask for the same URL wait for its answer instead of fetching again
//! (sixteen inbox requests signed by an actor we have not seen yet make one
//! fetch of it, not sixteen). Nothing is cached past the fetch: the map
//! holds only what is in flight.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

pub struct SingleFlight<K, T> {
    flights: Mutex<HashMap<K, Arc<OnceCell<T>>>>,
}

impl<K, T> Default for SingleFlight<K, T> {
    fn default() -> Self {
        SingleFlight {
            flights: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq + Clone, T: Clone> SingleFlight<K, T> {
    /// The answer of `work` for `key`, run once for every caller that asks
    /// while it runs. If the caller running it gives up (its request is
    /// dropped), one of those waiting runs it instead.
    pub async fn run<F, Fut>(&self, key: K, work: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let cell = {
            let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
            flights.entry(key.clone()).or_default().clone()
        };
        let _leave = Leave {
            flights: &self.flights,
            key,
            cell: &cell,
        };
        cell.get_or_init(work).await.clone()
    }

    /// Flights under way (for tests and bounds).
    pub fn in_flight(&self) -> usize {
        self.flights
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The last caller of a flight to leave, done or given up, removes it, so
/// the next ask fetches anew and nothing stays behind.
struct Leave<'a, K: Hash + Eq, T> {
    flights: &'a Mutex<HashMap<K, Arc<OnceCell<T>>>>,
    key: K,
    cell: &'a Arc<OnceCell<T>>,
}

impl<K: Hash + Eq, T> Drop for Leave<'_, K, T> {
    fn drop(&mut self) {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        let ours = flights
            .get(&self.key)
            .is_some_and(|c| Arc::ptr_eq(c, self.cell));
        // The map's reference and ours: no one else is waiting.
        if ours && Arc::strong_count(self.cell) == 2 {
            flights.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn concurrent_askers_share_one_run_and_later_ones_run_again() {
        let flights: Arc<SingleFlight<String, usize>> = Arc::default();
        let runs = Arc::new(AtomicUsize::new(0));
        let ask = |flights: Arc<SingleFlight<String, usize>>, runs: Arc<AtomicUsize>| async move {
            flights
                .run("https://x.test/actor".to_string(), || async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    runs.fetch_add(1, Ordering::SeqCst) + 1
                })
                .await
        };
        let askers: Vec<_> = (0..16)
            .map(|_| tokio::spawn(ask(flights.clone(), runs.clone())))
            .collect();
        for a in askers {
            assert_eq!(a.await.expect("task"), 1, "every asker gets the one answer");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(flights.in_flight(), 0, "nothing is kept after");
        assert_eq!(ask(flights.clone(), runs.clone()).await, 2);
    }

    #[tokio::test]
    async fn when_the_runner_gives_up_a_waiter_runs_it() {
        let flights: Arc<SingleFlight<&'static str, u8>> = Arc::default();
        let slow = {
            let flights = flights.clone();
            tokio::spawn(async move {
                flights
                    .run("k", || async {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        1
                    })
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let waiter = {
            let flights = flights.clone();
            tokio::spawn(async move { flights.run("k", || async { 2 }).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        slow.abort();
        let got = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("not stuck")
            .expect("task");
        assert_eq!(got, 2);
        assert_eq!(flights.in_flight(), 0);
    }
}
