//! Which HTTP signature standard each host takes, learnt by "double
//! knocking" as Fedify does: a host known to take RFC 9421 (it signed a
//! request to us that way, or its server actor says so, FEP-844e) gets an
//! RFC 9421 signature first, and draft-cavage if it refuses that; every
//! other host gets draft-cavage, which every server verifies. Kept in
//! memory: a restart only costs one more knock per host.

use std::collections::HashMap;
use std::sync::Mutex;

/// A signature standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    Rfc9421,
    DraftCavage,
}

/// More hosts than any node talks to; past it the memory starts over.
const HOSTS_MAX: usize = 10_000;

#[derive(Debug, Default)]
pub struct Knocks {
    hosts: Mutex<HashMap<String, Standard>>,
}

impl Knocks {
    /// What to sign a request to `host` with first.
    pub fn first(&self, host: &str) -> Standard {
        self.known(host).unwrap_or(Standard::DraftCavage)
    }

    pub fn known(&self, host: &str) -> Option<Standard> {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts.get(host).copied()
    }

    /// `host` took (or refused, then took the other) this standard.
    pub fn remember(&self, host: &str, standard: Standard) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if hosts.len() >= HOSTS_MAX && !hosts.contains_key(host) {
            hosts.clear();
        }
        if hosts.get(host) != Some(&standard) {
            tracing::debug!(%host, ?standard, "signature standard remembered");
            hosts.insert(host.to_string(), standard);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_hosts_get_draft_cavage_and_what_worked_is_kept() {
        let k = Knocks::default();
        assert_eq!(k.first("a.example"), Standard::DraftCavage);
        k.remember("a.example", Standard::Rfc9421);
        assert_eq!(k.first("a.example"), Standard::Rfc9421);
        k.remember("a.example", Standard::DraftCavage);
        assert_eq!(k.first("a.example"), Standard::DraftCavage);
        for n in 0..HOSTS_MAX + 1 {
            k.remember(&format!("h{n}.example"), Standard::Rfc9421);
        }
        assert!(k.hosts.lock().unwrap().len() <= HOSTS_MAX, "bounded");
    }
}
