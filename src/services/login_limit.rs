//! Throttles password guessing by counting failed sign-ins three ways:
//!
//! - per client address, whatever the accounts (stops spraying many
//!   accounts from one place): `ADDRESS_FREE` failures, then growing delays;
//! - per account from one address (stops guessing one account):
//!   `PAIR_FREE` failures, then growing delays;
//! - per account from everywhere. Past `ACCOUNT_FREE` the account is under
//!   attack: every address that has already failed on it waits after its
//!   first failure, but an address that has not (the owner, somewhere new)
//!   still gets its attempt at once. So failures from elsewhere can slow an
//!   owner down but never lock them out, and an attacker needs a new address
//!   for every guess.
//!
//! Delays double with each failure past the free ones, from one second to
//! `MAX_DELAY`. An attempt counts as failed from the moment it starts (so a
//! parallel burst cannot all slip through before the first result) and is
//! taken back if it succeeds. Counts are forgotten after `FORGET` quiet.
//! Each process keeps its own counts in memory; the maps are bounded.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures from one address, any accounts, before delays start.
pub const ADDRESS_FREE: u32 = 20;
/// Failures on one account from one address before delays start.
pub const PAIR_FREE: u32 = 5;
/// Failures on one account from all addresses before it is under attack.
pub const ACCOUNT_FREE: u32 = 20;
/// The first delay; each further failure doubles it.
const FIRST_DELAY: Duration = Duration::from_secs(1);
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Counts with no failure for this long are forgotten.
const FORGET: Duration = Duration::from_secs(60 * 60);
/// Entries kept per map; past it the idle ones go, then the oldest.
const MAX_TRACKED: usize = 20_000;

#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    last: Instant,
}

impl Count {
    /// How long until another attempt, allowing `free` failures.
    fn wait(&self, free: u32, now: Instant) -> Duration {
        if self.failures <= free || now.duration_since(self.last) >= FORGET {
            return Duration::ZERO;
        }
        let doublings = (self.failures - free - 1).min(20);
        let delay = FIRST_DELAY.saturating_mul(1u32 << doublings).min(MAX_DELAY);
        delay.saturating_sub(now.duration_since(self.last))
    }
}

#[derive(Debug)]
struct Counts<K>(HashMap<K, Count>);

impl<K: Hash + Eq + Clone> Counts<K> {
    fn get(&self, key: &K, now: Instant) -> u32 {
        match self.0.get(key) {
            Some(c) if now.duration_since(c.last) < FORGET => c.failures,
            _ => 0,
        }
    }

    fn wait(&self, key: &K, free: u32, now: Instant) -> Duration {
        self.0
            .get(key)
            .map_or(Duration::ZERO, |c| c.wait(free, now))
    }

    fn fail(&mut self, key: &K, now: Instant) {
        if self.0.len() >= MAX_TRACKED && !self.0.contains_key(key) {
            self.prune(now);
        }
        let failures = self.get(key, now).saturating_add(1);
        self.0.insert(
            key.clone(),
            Count {
                failures,
                last: now,
            },
        );
    }

    fn take_back(&mut self, key: &K) {
        if let Some(c) = self.0.get_mut(key) {
            c.failures = c.failures.saturating_sub(1);
        }
    }

    fn forget(&mut self, key: &K) {
        self.0.remove(key);
    }

    fn prune(&mut self, now: Instant) {
        self.0.retain(|_, c| now.duration_since(c.last) < FORGET);
        if self.0.len() >= MAX_TRACKED {
            let mut ages: Vec<Instant> = self.0.values().map(|c| c.last).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            self.0.retain(|_, c| c.last > cut);
        }
    }
}

#[derive(Debug)]
struct State {
    addresses: Counts<IpAddr>,
    pairs: Counts<(String, IpAddr)>,
    accounts: Counts<String>,
}

#[derive(Debug)]
pub struct LoginLimiter {
    state: Mutex<State>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            state: Mutex::new(State {
                addresses: Counts(HashMap::new()),
                pairs: Counts(HashMap::new()),
                accounts: Counts(HashMap::new()),
            }),
        }
    }
}

/// One address per IPv6 /64 (what one subscriber is usually given).
fn client_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// An attempt under way; `succeeded` takes its failure back.
#[derive(Debug)]
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    pair: (String, IpAddr),
}

impl Attempt<'_> {
    /// The password was never checked (the node was too busy): the attempt
    /// does not count.
    pub fn not_checked(self) {
        if let Ok(mut s) = self.limiter.state.lock() {
            s.addresses.take_back(&self.pair.1);
            s.accounts.take_back(&self.pair.0);
            s.pairs.take_back(&self.pair);
        }
    }

    pub fn succeeded(self) {
        if let Ok(mut s) = self.limiter.state.lock() {
            s.addresses.take_back(&self.pair.1);
            s.accounts.take_back(&self.pair.0);
            s.pairs.forget(&self.pair);
        }
    }
}

impl LoginLimiter {
    /// Starts an attempt for `email` from `address`, counted as a failure
    /// until it succeeds; `Err` holds how long to wait first.
    pub fn attempt(&self, email: &str, address: IpAddr) -> Result<Attempt<'_>, Duration> {
        self.attempt_at(email, address, Instant::now())
    }

    fn attempt_at(
        &self,
        email: &str,
        address: IpAddr,
        now: Instant,
    ) -> Result<Attempt<'_>, Duration> {
        let address = client_key(address);
        let pair = (email.to_string(), address);
        // A poisoned lock means a panic mid-update; counting goes on.
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let under_attack = s.accounts.get(&pair.0, now) > ACCOUNT_FREE;
        let pair_free = if under_attack { 0 } else { PAIR_FREE };
        let wait = s
            .addresses
            .wait(&address, ADDRESS_FREE, now)
            .max(s.pairs.wait(&pair, pair_free, now));
        if wait > Duration::ZERO {
            return Err(wait);
        }
        s.addresses.fail(&address, now);
        s.pairs.fail(&pair, now);
        s.accounts.fail(&pair.0, now);
        Ok(Attempt {
            limiter: self,
            pair,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn one_account_from_one_address_waits_longer_each_time() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..PAIR_FREE {
            assert!(l.attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t0).is_ok());
        }
        assert_eq!(
            l.attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t0).err(),
            None,
            "the first past the free ones goes; it starts the delays"
        );
        let first = l
            .attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t0)
            .unwrap_err();
        assert_eq!(first, FIRST_DELAY);
        let t1 = t0 + first;
        assert!(l.attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t1).is_ok());
        let second = l
            .attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t1)
            .unwrap_err();
        assert_eq!(second, FIRST_DELAY * 2, "delays double");
        // Other accounts from that address, and that account from elsewhere, go on.
        assert!(l.attempt_at("bo@fiqus.coop", ip("192.0.2.1"), t1).is_ok());
        assert!(l
            .attempt_at("ana@fiqus.coop", ip("198.51.100.7"), t1)
            .is_ok());
        // Long after, all is forgotten.
        assert!(l
            .attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t1 + FORGET)
            .is_ok());
    }

    #[test]
    fn spraying_many_accounts_from_one_address_is_slowed() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for n in 0..=ADDRESS_FREE {
            assert!(l
                .attempt_at(&format!("u{n}@x.coop"), ip("192.0.2.9"), t0)
                .is_ok());
        }
        let wait = l.attempt_at("new@x.coop", ip("192.0.2.9"), t0).unwrap_err();
        assert_eq!(wait, FIRST_DELAY);
        // An IPv6 client cannot escape by changing the low 64 bits.
        for n in 0..=ADDRESS_FREE {
            let a = ip(&format!("2001:db8::{n:x}"));
            assert!(l.attempt_at(&format!("v{n}@x.coop"), a, t0).is_ok());
        }
        assert!(l.attempt_at("w@x.coop", ip("2001:db8::ffff"), t0).is_err());
    }

    #[test]
    fn under_attack_an_owner_from_a_new_address_still_gets_in() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        // Failures from many addresses put the account under attack.
        for n in 0..=ACCOUNT_FREE {
            let a = ip(&format!("203.0.113.{n}"));
            assert!(l.attempt_at("ana@fiqus.coop", a, t0).is_ok());
        }
        // Each of those addresses now waits after its single failure...
        assert!(l
            .attempt_at("ana@fiqus.coop", ip("203.0.113.1"), t0)
            .is_err());
        // ...but the owner, somewhere new, gets an attempt at once, and
        // once it succeeds they are not held up.
        let owner = l
            .attempt_at("ana@fiqus.coop", ip("192.0.2.50"), t0)
            .unwrap();
        owner.succeeded();
        assert!(l.attempt_at("ana@fiqus.coop", ip("192.0.2.50"), t0).is_ok());
    }

    #[test]
    fn success_takes_the_attempt_back() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..100 {
            l.attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t0)
                .unwrap()
                .succeeded();
        }
    }

    #[test]
    fn attempts_never_checked_do_not_count() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for _ in 0..100 {
            l.attempt_at("ana@fiqus.coop", ip("192.0.2.1"), t0)
                .unwrap()
                .not_checked();
        }
    }

    #[test]
    fn the_maps_stay_bounded() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        for n in 0..(MAX_TRACKED as u32 + 10) {
            let a = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            let _ = l.attempt_at("ana@fiqus.coop", a, t0);
        }
        let s = l.state.lock().unwrap();
        assert!(s.addresses.0.len() <= MAX_TRACKED);
        assert!(s.pairs.0.len() <= MAX_TRACKED);
    }
}
