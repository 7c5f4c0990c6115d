//! Other nodes as this node relates to them: nodes it follows (and the
//! backfill of what they held before), nodes following it, and the policy
//! its admins set.

use chrono::NaiveDateTime;

/// How far the pull of a followed node's existing coops and proposals got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackfillState {
    /// Not started: the follow is not accepted yet.
    Waiting,
    /// Pages left to read (`NodeFollow::backfill_next`).
    Running,
    Done,
    /// Gave up after repeated errors; following again restarts it.
    Failed,
}

impl BackfillState {
    pub fn as_str(self) -> &'static str {
        match self {
            BackfillState::Waiting => "waiting",
            BackfillState::Running => "running",
            BackfillState::Done => "done",
            BackfillState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "waiting" => BackfillState::Waiting,
            "running" => BackfillState::Running,
            "done" => BackfillState::Done,
            "failed" => BackfillState::Failed,
            _ => return None,
        })
    }
}

/// A node this node follows through the node actors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFollow {
    /// `host[:port]` of the followed node.
    pub domain: String,
    /// Its node actor (a `remote_actors` id).
    pub actor_id: String,
    pub follow_ap_id: String,
    pub accepted: bool,
    pub created_at: NaiveDateTime,
    pub backfill: Backfill,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backfill {
    pub state: BackfillState,
    pub next: Option<String>,
    /// Coops and proposals read so far.
    pub items: i64,
    pub error: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl Backfill {
    pub fn waiting() -> Self {
        Backfill {
            state: BackfillState::Waiting,
            next: None,
            items: 0,
            error: None,
            updated_at: None,
        }
    }
}

/// A node following this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFollower {
    pub domain: String,
    pub actor_id: String,
    pub follow_ap_id: String,
    pub accepted: bool,
    pub created_at: NaiveDateTime,
}

/// Whether follow requests from other nodes are accepted at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeApproval {
    Auto,
    Manual,
}

impl NodeApproval {
    pub const SETTING: &'static str = "node_follow_approval";

    pub fn as_str(self) -> &'static str {
        match self {
            NodeApproval::Auto => "auto",
            NodeApproval::Manual => "manual",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "auto" => Some(NodeApproval::Auto),
            "manual" => Some(NodeApproval::Manual),
            _ => None,
        }
    }
}

/// One recorded admin action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminAction {
    pub id: String,
    /// The admin's email, or `cli` for the command line.
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

/// `host[:port]` as an admin types it: lower case, no scheme or path.
pub fn normalize_domain(input: &str) -> Result<String, String> {
    let d = input.trim().trim_end_matches('/').to_ascii_lowercase();
    let d = d
        .strip_prefix("https://")
        .or_else(|| d.strip_prefix("http://"))
        .unwrap_or(&d)
        .to_string();
    let valid = !d.is_empty()
        && d.len() <= 253
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !d.starts_with(['.', '-', ':'])
        && d.contains('.');
    if !valid {
        return Err(format!(
            "'{input}' is not a domain (like coops.example.org)"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalized_and_junk_refused() {
        assert_eq!(
            normalize_domain(" Coops.Example.ORG/ ").unwrap(),
            "coops.example.org"
        );
        assert_eq!(
            normalize_domain("https://beta.test:8443").unwrap(),
            "beta.test:8443"
        );
        for bad in [
            "",
            "localhost",
            "a b.org",
            "x.org/path",
            ".x.org",
            "x.org?q",
        ] {
            assert!(normalize_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn states_round_trip() {
        for s in [
            BackfillState::Waiting,
            BackfillState::Running,
            BackfillState::Done,
            BackfillState::Failed,
        ] {
            assert_eq!(BackfillState::parse(s.as_str()), Some(s));
        }
        assert_eq!(NodeApproval::parse("manual"), Some(NodeApproval::Manual));
        assert_eq!(NodeApproval::parse("maybe"), None);
    }
}
