//! Throttles password guessing: sign-in attempts are limited per account
//! (email), as Mastodon does. Not per client address: behind a reverse proxy
//! on the same host every client would share one address.
//!
//! Each process keeps its own counts in memory; several processes behind a
//! load balancer each allow the burst.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// Attempts allowed at once for one account.
pub const BURST: u32 = 10;
/// After the burst, one more attempt per this period.
pub const REFILL: Duration = Duration::from_secs(30);
/// Forget idle accounts once this many are tracked.
const MAX_TRACKED: usize = 10_000;

pub struct LoginLimiter {
    limiter: RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>,
    clock: DefaultClock,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        let quota = Quota::with_period(REFILL)
            .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(BURST).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }
}

impl LoginLimiter {
    /// Counts one attempt for `email`; `Err` holds how long to wait.
    pub fn attempt(&self, email: &str) -> Result<(), Duration> {
        if self.limiter.len() > MAX_TRACKED {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&email.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_attempts_wait() {
        let l = LoginLimiter::default();
        for _ in 0..BURST {
            assert!(l.attempt("ana@fiqus.coop").is_ok());
        }
        let wait = l.attempt("ana@fiqus.coop").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= REFILL, "{wait:?}");
        assert!(
            l.attempt("other@fiqus.coop").is_ok(),
            "accounts are counted apart"
        );
    }
}
