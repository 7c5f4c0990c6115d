//! The retry schedule, published in docs/FEDERATION.md.

use std::time::Duration;

/// First retry after this long; each failure doubles it...
const FIRST_RETRY: Duration = Duration::from_secs(30);
/// ...up to this.
const MAX_RETRY: Duration = Duration::from_secs(6 * 3600);
/// A host failing for longer than this counts as unreachable...
pub const UNREACHABLE_AFTER: Duration = Duration::from_secs(24 * 3600);
/// ...and is retried at most this often.
const UNREACHABLE_RETRY: Duration = Duration::from_secs(12 * 3600);
/// Deliveries still failing this long after the activity was made are dropped.
pub const ABANDON_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long to wait after the `failures`-th failed attempt, or `None` to
/// give up.
pub fn next_attempt(
    failures: u32,
    activity_age: Duration,
    host_failing_for: Option<Duration>,
) -> Option<Duration> {
    if activity_age >= ABANDON_AFTER {
        return None;
    }
    let exponent = failures.saturating_sub(1).min(20);
    let mut delay = FIRST_RETRY.saturating_mul(1 << exponent).min(MAX_RETRY);
    if host_failing_for.is_some_and(|f| f >= UNREACHABLE_AFTER) {
        delay = delay.max(UNREACHABLE_RETRY);
    }
    Some(delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn doubles_from_thirty_seconds_up_to_six_hours() {
        let d = |n| next_attempt(n, MIN, None).unwrap().as_secs();
        assert_eq!([d(1), d(2), d(3), d(4)], [30, 60, 120, 240]);
        assert_eq!(d(10), 30 * 512);
        assert_eq!(d(11), 6 * 3600);
        assert_eq!(d(500), 6 * 3600);
    }

    #[test]
    fn unreachable_hosts_are_retried_rarely_and_old_work_is_dropped() {
        let day = Duration::from_secs(24 * 3600);
        assert_eq!(
            next_attempt(1, MIN, Some(day)).unwrap().as_secs(),
            12 * 3600
        );
        assert_eq!(next_attempt(1, MIN, Some(MIN)).unwrap().as_secs(), 30);
        assert_eq!(next_attempt(3, ABANDON_AFTER, None), None);
    }
}
