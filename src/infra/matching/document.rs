//! What the index is given about one open proposal and its coop. The
//! service builds these from local and remote rows; matching never reads
//! the database.

use chrono::{NaiveDate, NaiveDateTime};

use super::language::Language;
use crate::domain::coop::Stage;
use crate::domain::proposal::{Category, ProposalKind};

/// One open need or offer.
#[derive(Debug, Clone)]
pub struct Document {
    /// Unique across local and remote proposals (the service's choice).
    pub key: String,
    /// The coop's key (unique across local and remote coops).
    pub coop: String,
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    /// Plain text.
    pub description: String,
    pub tags: Vec<String>,
    /// A place in words ("Rosario, AR").
    pub place: Option<String>,
    /// Whether the help can be given or taken remotely; `None` when not said
    /// (remote proposals do not carry it as a field).
    pub remote: Option<bool>,
    pub deadline: Option<NaiveDate>,
    pub published: NaiveDateTime,
    /// The declared language; detected from the text when `None`.
    pub language: Option<Language>,
}

/// What matching knows about a coop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoopFacts {
    /// The node that serves it (its domain).
    pub node: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    /// BCP 47 tags as the coop gives them.
    pub languages: Vec<String>,
    pub stage: Option<Stage>,
}

impl CoopFacts {
    /// The languages matching understands, in the coop's order.
    pub fn known_languages(&self) -> Vec<Language> {
        let mut out: Vec<Language> = Vec::new();
        for l in self.languages.iter().filter_map(|t| Language::from_tag(t)) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
        out
    }
}
