//! The federation policy the admins set: open or allow-list mode, domain
//! allows, and domain blocks with a severity. [`Policy::verdict`] is the
//! one place that decides what the node does with another host.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

/// How hard a domain is blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Federate, but keep its coops and proposals out of the directory and
    /// matching; follows from there wait for approval (Mastodon's "limit").
    Limit,
    /// Refuse everything from it, deliver nothing to it, keep nothing of it.
    Suspend,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Limit => "limit",
            Severity::Suspend => "suspend",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "limit" => Some(Severity::Limit),
            "suspend" => Some(Severity::Suspend),
            _ => None,
        }
    }
}

/// Who may federate with this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FederationMode {
    /// Everyone but blocked domains (the default).
    Open,
    /// Only allowed domains, and of those not the blocked ones.
    Allowlist,
}

impl FederationMode {
    pub const SETTING: &'static str = "federation_mode";

    pub fn as_str(self) -> &'static str {
        match self {
            FederationMode::Open => "open",
            FederationMode::Allowlist => "allowlist",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "open" => Some(FederationMode::Open),
            "allowlist" => Some(FederationMode::Allowlist),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainBlock {
    /// `host[:port]`; without a port it also covers every port and subdomain.
    pub domain: String,
    pub severity: Severity,
    /// Why, in words the admins are willing to show other nodes.
    pub public_comment: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainAllow {
    pub domain: String,
    pub created_at: NaiveDateTime,
}

/// Why a host is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Suspended,
    NotAllowed,
}

impl Refusal {
    pub fn message(self, host: &str) -> String {
        match self {
            Refusal::Suspended => format!("{host} is suspended by this node's admins"),
            Refusal::NotAllowed => format!(
                "this node federates only with the domains its admins allow, and {host} is not one of them"
            ),
        }
    }
}

/// What the policy says about one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Federate,
    Limit,
    Refuse(Refusal),
}

/// The whole policy, kept in memory and asked per request: a lookup per
/// label of the host, however long an imported block list is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    mode: FederationMode,
    blocks: HashMap<String, Severity>,
    allows: HashSet<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::new(FederationMode::Open, [], [])
    }
}

/// The keys a rule covering `host` may have, most specific first: the
/// host with its port, then the name and each parent domain.
fn rule_keys(host: &str) -> impl Iterator<Item = &str> {
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let parents = std::iter::successors(Some(name), |d| d.split_once('.').map(|(_, rest)| rest))
        .filter(|d| !d.is_empty());
    (name != host).then_some(host).into_iter().chain(parents)
}

impl Policy {
    pub fn new(
        mode: FederationMode,
        blocks: impl IntoIterator<Item = (String, Severity)>,
        allows: impl IntoIterator<Item = String>,
    ) -> Self {
        Policy {
            mode,
            blocks: blocks.into_iter().collect(),
            allows: allows.into_iter().collect(),
        }
    }

    pub fn mode(&self) -> FederationMode {
        self.mode
    }

    /// Blocks apply in both modes; in allow-list mode a host must also be
    /// allowed. Of several blocks covering a host the most specific wins.
    pub fn verdict(&self, host: &str) -> Verdict {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let block = rule_keys(&host).find_map(|k| self.blocks.get(k).copied());
        if block == Some(Severity::Suspend) {
            return Verdict::Refuse(Refusal::Suspended);
        }
        if self.mode == FederationMode::Allowlist
            && !rule_keys(&host).any(|k| self.allows.contains(k))
        {
            return Verdict::Refuse(Refusal::NotAllowed);
        }
        match block {
            Some(Severity::Limit) => Verdict::Limit,
            _ => Verdict::Federate,
        }
    }

    /// Suspended domains, to purge what is stored of them.
    pub fn suspended(&self) -> impl Iterator<Item = &str> {
        self.blocks
            .iter()
            .filter(|(_, s)| **s == Severity::Suspend)
            .map(|(d, _)| d.as_str())
    }
}

/// Whether a rule for `domain` applies to `host` (both lower case). A rule
/// without a port covers the domain on any port and all its subdomains,
/// as in Mastodon; a rule with a port covers exactly that host and port.
pub fn covers(domain: &str, host: &str) -> bool {
    if host == domain {
        return true;
    }
    if domain.contains(':') {
        return false;
    }
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    name == domain
        || name
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: FederationMode, blocks: &[(&str, Severity)], allows: &[&str]) -> Policy {
        Policy::new(
            mode,
            blocks.iter().map(|(d, s)| (d.to_string(), *s)),
            allows.iter().map(|d| d.to_string()),
        )
    }

    #[test]
    fn the_lookup_agrees_with_covers() {
        let hosts = [
            "bad.example",
            "bad.example:8443",
            "a.bad.example:1",
            "notbad.example",
            "bad.example.org",
        ];
        for domain in ["bad.example", "bad.example:8443", "example", "org"] {
            let p = policy(FederationMode::Open, &[(domain, Severity::Limit)], &[]);
            for host in hosts {
                assert_eq!(
                    p.verdict(host) == Verdict::Limit,
                    covers(domain, host),
                    "{domain} {host}"
                );
            }
        }
    }

    #[test]
    fn a_rule_covers_ports_and_subdomains_but_not_lookalikes() {
        assert!(covers("bad.example", "bad.example"));
        assert!(covers("bad.example", "bad.example:8443"));
        assert!(covers("bad.example", "social.bad.example"));
        assert!(!covers("bad.example", "notbad.example"));
        assert!(!covers("bad.example", "bad.example.org"));
        assert!(covers("bad.example:8443", "bad.example:8443"));
        assert!(!covers("bad.example:8443", "bad.example:9000"));
        assert!(!covers("bad.example:8443", "bad.example"));
    }

    #[test]
    fn open_mode_refuses_only_suspended_domains() {
        let p = policy(
            FederationMode::Open,
            &[
                ("spam.example", Severity::Suspend),
                ("loud.example", Severity::Limit),
            ],
            &[],
        );
        assert_eq!(p.verdict("coops.example"), Verdict::Federate);
        assert_eq!(
            p.verdict("a.spam.example:443"),
            Verdict::Refuse(Refusal::Suspended)
        );
        assert_eq!(p.verdict("Loud.Example."), Verdict::Limit);
    }

    #[test]
    fn allowlist_mode_needs_an_allow_and_blocks_still_win() {
        let p = policy(
            FederationMode::Allowlist,
            &[
                ("friend.example", Severity::Suspend),
                ("noisy.friend.example", Severity::Limit),
            ],
            &["friend.example", "coops.example"],
        );
        assert_eq!(p.verdict("coops.example"), Verdict::Federate);
        assert_eq!(
            p.verdict("stranger.example"),
            Verdict::Refuse(Refusal::NotAllowed)
        );
        assert_eq!(
            p.verdict("friend.example"),
            Verdict::Refuse(Refusal::Suspended)
        );
        assert_eq!(p.verdict("noisy.friend.example"), Verdict::Limit);
    }

    #[test]
    fn the_most_specific_block_wins() {
        let p = policy(
            FederationMode::Open,
            &[
                ("example", Severity::Limit),
                ("bad.example", Severity::Suspend),
            ],
            &[],
        );
        assert_eq!(p.verdict("ok.example"), Verdict::Limit);
        assert_eq!(
            p.verdict("x.bad.example"),
            Verdict::Refuse(Refusal::Suspended)
        );
        let p = policy(
            FederationMode::Open,
            &[
                ("example", Severity::Suspend),
                ("good.example", Severity::Limit),
            ],
            &[],
        );
        assert_eq!(p.verdict("good.example"), Verdict::Limit);
        assert_eq!(
            p.verdict("other.example"),
            Verdict::Refuse(Refusal::Suspended)
        );
    }
}
