//! What matching is built from and what it records, as the store hands it
//! over: open proposals and coop facts (local and remote), the journal of
//! changes, each coop's settings, and notifications of new matches.

use chrono::{NaiveDate, NaiveDateTime};

use super::coop::Stage;
use super::proposal::{Category, ProposalKind};
use super::text::html_to_text;

/// A proposal's description as stored: Markdown (ours) or sanitised HTML
/// (received).
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Markdown(String),
    Html(String),
}

impl Body {
    /// The words matching reads.
    pub fn into_text(self) -> String {
        match self {
            Body::Markdown(s) => s,
            Body::Html(s) => html_to_text(&s),
        }
    }
}

/// One open proposal, local or remote.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenProposal {
    pub id: String,
    /// The local coop's id, or the remote actor's id.
    pub coop_id: String,
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    pub body: Body,
    pub tags: Vec<String>,
    pub place: Option<String>,
    /// `None` when a remote sender does not say.
    pub remote: Option<bool>,
    pub deadline: Option<NaiveDate>,
    pub published_at: NaiveDateTime,
}

/// A coop's facts that matching weighs (local coop or remote actor).
#[derive(Debug, Clone, PartialEq)]
pub struct CoopTraits {
    pub id: String,
    /// The remote actor's host; `None` for a local coop.
    pub host: Option<String>,
    pub country: Option<String>,
    /// BCP 47 tags.
    pub languages: Vec<String>,
    pub stage: Option<Stage>,
}

/// What a journal entry says changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Changed {
    Proposal(String),
    RemoteProposal(String),
    Coop(String),
    Actor(String),
    /// A received post that is not a proposal (for the streaming API only).
    RemotePost(String),
    /// A gathering of this node (for the streaming API only).
    Gathering(String),
}

impl Changed {
    /// From the journal's `subject` and `subject_id` columns; `None` for a
    /// subject this version does not know.
    pub fn parse(subject: &str, id: String) -> Option<Changed> {
        Some(match subject {
            "proposal" => Changed::Proposal(id),
            "remote_proposal" => Changed::RemoteProposal(id),
            "coop" => Changed::Coop(id),
            "actor" => Changed::Actor(id),
            "remote_post" => Changed::RemotePost(id),
            "gathering" => Changed::Gathering(id),
            _ => return None,
        })
    }
}

/// One entry of the matching journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub seq: i64,
    /// `None` for a subject this version does not know (a newer process
    /// on the same database wrote it): counted as read, changes nothing.
    pub changed: Option<Changed>,
}

/// What a coop asks of matching (defaults when it never said).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MatchSettings {
    /// Boost pairs of a start-coop and an established coop.
    pub prefer_stage_pairing: bool,
    /// Notify new matches scoring at least this much; `None`: off.
    pub notify_min_score: Option<f64>,
}

/// A recorded notification of a new match: `proposal_id` (the coop's own)
/// met the proposal behind `other_key` (an index key, `l:` or `r:` id).
#[derive(Debug, Clone, PartialEq)]
pub struct MatchNotice {
    pub id: String,
    pub coop_id: String,
    pub proposal_id: String,
    pub other_key: String,
    pub score: f64,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_bodies_are_read_as_words() {
        let text = Body::Html("<p>Rust <b>help</b></p>".into()).into_text();
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            ["Rust", "help"]
        );
        assert_eq!(Body::Markdown("**x**".into()).into_text(), "**x**");
    }

    #[test]
    fn journal_subjects_parse_and_unknown_ones_are_left_out() {
        assert_eq!(
            Changed::parse("actor", "a1".into()),
            Some(Changed::Actor("a1".into()))
        );
        assert_eq!(
            Changed::parse("gathering", "g".into()),
            Some(Changed::Gathering("g".into()))
        );
        assert_eq!(Changed::parse("meeting", "m".into()), None);
    }
}
