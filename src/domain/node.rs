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
    /// Ended early for the reason in `Backfill::stop` (a loop, a budget).
    Stopped,
    /// Gave up after repeated errors; following again restarts it.
    Failed,
}

/// Why a backfill walk ended before the directory's last page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackfillStop {
    /// A page named one already read: the directory loops.
    PageSeenTwice,
    /// `limits::BACKFILL_PAGES_MAX` pages were read.
    PageBudget,
    /// `limits::BACKFILL_DURATION_MAX_SECS` passed since the walk started.
    TimeBudget,
}

impl BackfillStop {
    pub fn as_str(self) -> &'static str {
        match self {
            BackfillStop::PageSeenTwice => "page_seen_twice",
            BackfillStop::PageBudget => "page_budget",
            BackfillStop::TimeBudget => "time_budget",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "page_seen_twice" => BackfillStop::PageSeenTwice,
            "page_budget" => BackfillStop::PageBudget,
            "time_budget" => BackfillStop::TimeBudget,
            _ => return None,
        })
    }
}

impl BackfillState {
    pub fn as_str(self) -> &'static str {
        match self {
            BackfillState::Waiting => "waiting",
            BackfillState::Running => "running",
            BackfillState::Done => "done",
            BackfillState::Stopped => "stopped",
            BackfillState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "waiting" => BackfillState::Waiting,
            "running" => BackfillState::Running,
            "done" => BackfillState::Done,
            "stopped" => BackfillState::Stopped,
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
    /// Directory pages read so far.
    pub pages: i64,
    pub started_at: Option<NaiveDateTime>,
    /// Set when the state is `Stopped`.
    pub stop: Option<BackfillStop>,
    pub error: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl Backfill {
    pub fn waiting() -> Self {
        Backfill {
            state: BackfillState::Waiting,
            next: None,
            items: 0,
            pages: 0,
            started_at: None,
            stop: None,
            error: None,
            updated_at: None,
        }
    }

    /// Stops the walk for `why`.
    pub fn stopped(mut self, why: BackfillStop) -> Self {
        self.state = BackfillState::Stopped;
        self.stop = Some(why);
        self.next = None;
        self
    }

    /// Why the walk ended, in words an admin reads: `complete`, a
    /// [`BackfillStop`], `errors`; None while it has not ended.
    pub fn ended_because(&self) -> Option<&'static str> {
        match self.state {
            BackfillState::Waiting | BackfillState::Running => None,
            BackfillState::Done => Some("complete"),
            BackfillState::Stopped => Some(self.stop.map_or("stopped", BackfillStop::as_str)),
            BackfillState::Failed => Some("errors"),
        }
    }

    /// The budget this walk has run out of at `now`, if any.
    pub fn over_budget(&self, now: NaiveDateTime) -> Option<BackfillStop> {
        use crate::domain::limits::{BACKFILL_DURATION_MAX_SECS, BACKFILL_PAGES_MAX};
        if self.pages >= BACKFILL_PAGES_MAX {
            return Some(BackfillStop::PageBudget);
        }
        let started = self.started_at?;
        (now - started > chrono::Duration::seconds(BACKFILL_DURATION_MAX_SECS))
            .then_some(BackfillStop::TimeBudget)
    }
}

#[cfg(test)]
mod backfill_tests {
    use super::*;

    #[test]
    fn a_walk_runs_out_of_pages_or_time() {
        let start = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        let mut b = Backfill::waiting();
        b.state = BackfillState::Running;
        b.started_at = Some(start);
        assert_eq!(b.over_budget(start), None);
        let late = start
            + chrono::Duration::seconds(crate::domain::limits::BACKFILL_DURATION_MAX_SECS + 1);
        assert_eq!(b.over_budget(late), Some(BackfillStop::TimeBudget));
        b.pages = crate::domain::limits::BACKFILL_PAGES_MAX;
        assert_eq!(b.over_budget(start), Some(BackfillStop::PageBudget));
        let b = b.stopped(BackfillStop::PageSeenTwice);
        assert_eq!(b.ended_because(), Some("page_seen_twice"));
        assert_eq!(b.next, None);
        for s in [
            BackfillStop::PageSeenTwice,
            BackfillStop::PageBudget,
            BackfillStop::TimeBudget,
        ] {
            assert_eq!(BackfillStop::parse(s.as_str()), Some(s));
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

/// The deliveries waiting for one destination host, as admins see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostQueue {
    pub host: String,
    pub waiting: i64,
    /// When the first of them is due.
    pub next_try: NaiveDateTime,
    /// Since when deliveries to it fail, if they do.
    pub failing_since: Option<NaiveDateTime>,
    /// The last failure, while it fails.
    pub last_error: Option<String>,
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
