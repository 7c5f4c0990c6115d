//! Argon2id password hashes (the RustCrypto defaults: 19 MiB, 2 passes).
//!
//! Hashing is deliberately slow and memory-hungry, so strangers must not be
//! able to run many at once: a few hashing slots, each with its own working
//! memory kept for the life of the process, and a bounded queue in front of
//! them. Past the queue a sign-in is refused with 503 and `Retry-After`.
//! Reusing the buffers matters as much as the limit: a fresh 19 MiB
//! allocation per attempt is served by the allocator's arenas, which keep it
//! after a burst; these buffers are the only hash memory there is, so peak
//! memory is `slots × 19 MiB` above the rest, whatever is sent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use super::{ServiceError, ServiceResult};

/// Hashes computed at once by default (each holds 19 MiB while it runs).
pub const DEFAULT_SLOTS: usize = 2;
/// Attempts that may wait for a slot by default; more are refused (503).
pub const DEFAULT_QUEUE: usize = 32;

pub struct Hashing {
    slots: Arc<Semaphore>,
    /// Working memory, one buffer per slot once used.
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
    /// Attempts holding or waiting for a slot.
    in_line: AtomicUsize,
    most_in_line: usize,
}

impl Default for Hashing {
    fn default() -> Self {
        Hashing::new(DEFAULT_SLOTS, DEFAULT_QUEUE)
    }
}

/// Gives the place in line back however the attempt ends.
struct InLine<'a>(&'a AtomicUsize);

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hashing {
    pub fn new(slots: usize, queue: usize) -> Self {
        let slots = slots.max(1);
        Hashing {
            slots: Arc::new(Semaphore::new(slots)),
            buffers: Arc::new(Mutex::new(Vec::new())),
            in_line: AtomicUsize::new(0),
            most_in_line: slots + queue,
        }
    }

    /// A new PHC string for `password`.
    pub async fn hash(&self, password: String) -> ServiceResult<String> {
        self.run(move |memory| {
            let salt = SaltString::generate(&mut OsRng);
            let mut salt_bytes = [0u8; 64];
            let raw_salt = salt
                .as_salt()
                .decode_b64(&mut salt_bytes)
                .map_err(|e| e.to_string())?;
            let params = Params::default();
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            compute(
                Algorithm::Argon2id,
                Version::V0x13,
                &params,
                password.as_bytes(),
                raw_salt,
                &mut out,
                memory,
            )?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
                salt: Some(salt.as_salt()),
                hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
            };
            Ok::<String, String>(phc.to_string())
        })
        .await?
        .map_err(|e| ServiceError::Internal(format!("password hashing failed: {e}")))
    }

    /// Checks a password; with no stored hash, spends the same time on a
    /// dummy one so response times do not reveal which emails exist.
    /// `Err` only when the node is too busy to check now.
    pub async fn verify(&self, password: String, stored: Option<String>) -> ServiceResult<bool> {
        let dummy = match &stored {
            Some(_) => None,
            None => Some(self.dummy().await?),
        };
        self.run(move |memory| {
            let (phc, real) = match (&stored, &dummy) {
                (Some(h), _) => (h.as_str(), true),
                (None, Some(d)) => (d.as_str(), false),
                (None, None) => return false,
            };
            matches(phc, password.as_bytes(), memory) && real
        })
        .await
    }

    async fn dummy(&self) -> ServiceResult<String> {
        static DUMMY: OnceLock<String> = OnceLock::new();
        if let Some(d) = DUMMY.get() {
            return Ok(d.clone());
        }
        let made = self.hash("not a real password".into()).await?;
        Ok(DUMMY.get_or_init(|| made).clone())
    }

    /// Runs `work` on the blocking pool in a slot, with its working memory.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> ServiceResult<T> {
        if self.in_line.fetch_add(1, Ordering::SeqCst) >= self.most_in_line {
            self.in_line.fetch_sub(1, Ordering::SeqCst);
            return Err(busy());
        }
        let _in_line = InLine(&self.in_line);
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|_| busy())?;
        let buffers = Arc::clone(&self.buffers);
        let mut memory = buffers
            .lock()
            .map_err(|_| ServiceError::Internal("password buffers poisoned".into()))?
            .pop()
            .unwrap_or_default();
        // The slot and the buffer go with the computation, not with this
        // future: a client that hangs up does not free the slot while its
        // hash still runs, and the buffer comes back whatever happens here.
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let result = work(&mut memory);
            if let Ok(mut b) = buffers.lock() {
                b.push(memory);
            }
            result
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("password hashing task failed: {e}")))
    }

    /// Buffers held now (one per slot used so far).
    #[cfg(test)]
    fn buffers_held(&self) -> usize {
        self.buffers.lock().map(|b| b.len()).unwrap_or(0)
    }
}

/// Sign-ins refused because the queue was full, and when that was last
/// logged: one warning per 10 seconds says how many, not one per request.
static REFUSED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static LOGGED_AT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn busy() -> ServiceError {
    use std::sync::atomic::Ordering::Relaxed;
    let refused = REFUSED.fetch_add(1, Relaxed) + 1;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let last = LOGGED_AT.load(Relaxed);
    if now >= last + 10
        && LOGGED_AT
            .compare_exchange(last, now, Relaxed, Relaxed)
            .is_ok()
    {
        REFUSED.store(0, Relaxed);
        tracing::warn!(
            refused,
            "sign-ins refused (503): the password-check queue is full; many attempts at once"
        );
    }
    ServiceError::Unavailable("the node is busy checking passwords; try again shortly".into())
}

fn compute(
    algorithm: Algorithm,
    version: Version,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<(), String> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
        .map_err(|e| e.to_string())
}

/// Whether `password` hashes to the stored PHC string (constant-time compare).
fn matches(phc: &str, password: &[u8], memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if compute(
        algorithm, version, &params, password, raw_salt, &mut out, memory,
    )
    .is_err()
    {
        return false;
    }
    Output::new(&out).is_ok_and(|got| got == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher as _;

    #[tokio::test]
    async fn hashes_verify_here_and_with_the_library() {
        let h = Hashing::new(1, 4);
        let phc = h.hash("correct horse".into()).await.unwrap();
        assert!(h
            .verify("correct horse".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!h
            .verify("wrong horse".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!h.verify("correct horse".into(), None).await.unwrap());
        // The library's own verifier reads ours, and we read its.
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(argon2::PasswordVerifier::verify_password(
            &Argon2::default(),
            b"correct horse",
            &parsed
        )
        .is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"battery staple", &salt)
            .unwrap()
            .to_string();
        assert!(h
            .verify("battery staple".into(), Some(theirs))
            .await
            .unwrap());
        assert!(!h
            .verify("x".into(), Some("not a phc".into()))
            .await
            .unwrap());
        assert_eq!(h.buffers_held(), 1, "one slot, one buffer, reused");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn abandoned_checks_keep_their_slot_until_done_and_give_their_buffer_back() {
        let h = Arc::new(Hashing::new(1, 8));
        let phc = h.hash("pw".into()).await.unwrap();
        let tries: Vec<_> = (0..4)
            .map(|_| {
                let (h, phc) = (Arc::clone(&h), phc.clone());
                tokio::spawn(async move { h.verify("pw".into(), Some(phc)).await })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        // Their clients hang up.
        for t in tries {
            t.abort();
        }
        // Bounded wait for whatever was started to finish.
        for _ in 0..200 {
            if h.slots.available_permits() == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(
            h.buffers_held(),
            1,
            "the one buffer came back, no other was made"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_queue_attempts_are_refused_not_queued() {
        let h = Arc::new(Hashing::new(1, 2));
        let phc = h.hash("pw".into()).await.unwrap();
        let tries: Vec<_> = (0..8)
            .map(|_| {
                let (h, phc) = (Arc::clone(&h), phc.clone());
                tokio::spawn(async move { h.verify("pw".into(), Some(phc)).await })
            })
            .collect();
        let mut ok = 0;
        let mut busy = 0;
        for t in tries {
            match t.await.unwrap() {
                Ok(true) => ok += 1,
                Err(ServiceError::Unavailable(_)) => busy += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(ok >= 3, "the slot and the queue are served: {ok}");
        assert!(busy >= 1, "the rest is refused: {busy}");
        assert_eq!(ok + busy, 8);
        assert_eq!(h.buffers_held(), 1, "memory stays one buffer");
    }
}
