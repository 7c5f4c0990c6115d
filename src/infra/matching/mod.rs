//! Matching needs with offers: text analysis in the languages coops write
//! in, an in-memory index over every open proposal the node knows, and
//! scores that carry their reasons. No I/O: the service feeds it.

pub mod analyze;
pub mod categories;
pub mod circles;
pub mod document;
pub mod eval;
pub mod index;
pub mod language;
pub mod score;

pub use document::{CoopFacts, Document};
pub use index::{Index, Match, MatchOptions};
