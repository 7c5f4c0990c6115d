//! Solidarity circles: rings of three or four coops where each offers what
//! the next needs (A helps B, B helps C, C helps A), found around one coop.
//!
//! The search is anchored and bounded: from the coop's own matches, the
//! best [`EDGES`] coops it can help and the best [`EDGES`] that can help
//! it; then those coops' own matches. A ring of three closes when a coop A
//! helps can help one that helps A; a ring of four when a coop A helps and
//! a coop that helps A meet through a fourth. At most `1 + 2 × EDGES`
//! coops' proposals are matched, whatever the size of the index.

use std::collections::HashMap;

use super::index::{Index, MatchOptions};
use crate::domain::proposal::ProposalKind;

/// Coops followed from each coop on each side.
pub const EDGES: usize = 10;
/// Proposals of one coop looked at per side.
const PROPOSALS_PER_COOP: usize = 20;

/// `from` offers what `to` needs: the best such pair of their proposals.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// `from`'s offer.
    pub offer: String,
    /// `to`'s need.
    pub need: String,
    pub score: f32,
}

/// A ring of coops, starting with the coop asked about, each helping the
/// next and the last helping the first.
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    pub coops: Vec<String>,
    /// `edges[i]` goes from `coops[i]` to the next.
    pub edges: Vec<Edge>,
    /// The weakest exchange's score: a ring holds as well as its weakest
    /// link.
    pub score: f32,
}

/// Edges out of `coop` (it helps) or into it (it is helped), best pair per
/// other coop, best first, at most [`EDGES`].
pub fn edges(index: &Index, coop: &str, out: bool, opts: &MatchOptions) -> Vec<Edge> {
    let kind = if out {
        ProposalKind::Offer
    } else {
        ProposalKind::Need
    };
    let mut best: HashMap<String, Edge> = HashMap::new();
    for key in index
        .proposals_of_kind(coop, kind)
        .into_iter()
        .take(PROPOSALS_PER_COOP)
    {
        for m in index.matches(&key, opts).unwrap_or_default() {
            let edge = if out {
                Edge {
                    from: coop.to_string(),
                    to: m.coop.clone(),
                    offer: key.clone(),
                    need: m.key,
                    score: m.score,
                }
            } else {
                Edge {
                    from: m.coop.clone(),
                    to: coop.to_string(),
                    offer: m.key,
                    need: key.clone(),
                    score: m.score,
                }
            };
            let other = if out { &edge.to } else { &edge.from };
            match best.get(other) {
                Some(e) if e.score >= edge.score => {}
                _ => {
                    best.insert(other.clone(), edge);
                }
            }
        }
    }
    let mut list: Vec<Edge> = best.into_values().collect();
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    list.truncate(EDGES);
    list
}

/// Rings of three and four coops through `coop`, best first, at most
/// `limit`.
pub fn circles(index: &Index, coop: &str, opts: &MatchOptions, limit: usize) -> Vec<Circle> {
    let out = edges(index, coop, true, opts);
    let into = edges(index, coop, false, opts);
    if out.is_empty() || into.is_empty() {
        return Vec::new();
    }
    // Who each coop A helps can help, and who can help each coop helping A.
    let onward: Vec<(Edge, Vec<Edge>)> = out
        .iter()
        .map(|e| (e.clone(), edges(index, &e.to, true, opts)))
        .collect();
    let back: HashMap<&str, (&Edge, Vec<Edge>)> = into
        .iter()
        .map(|e| (e.from.as_str(), (e, edges(index, &e.from, false, opts))))
        .collect();
    let mut found = Vec::new();
    for (a_to_b, from_b) in &onward {
        let b = a_to_b.to.as_str();
        for b_to_x in from_b {
            let x = b_to_x.to.as_str();
            if x == coop {
                continue;
            }
            // Three: A → B → C → A.
            if let Some((c_to_a, _)) = back.get(x) {
                found.push(ring(vec![
                    a_to_b.clone(),
                    b_to_x.clone(),
                    (*c_to_a).clone(),
                ]));
            }
            // Four: A → B → D → C → A, D helping a coop that helps A.
            for (c, (c_to_a, into_c)) in &back {
                if [coop, b, x].contains(c) {
                    continue;
                }
                if let Some(d_to_c) = into_c.iter().find(|e| e.from == x) {
                    found.push(ring(vec![
                        a_to_b.clone(),
                        b_to_x.clone(),
                        d_to_c.clone(),
                        (*c_to_a).clone(),
                    ]));
                }
            }
        }
    }
    found.retain(|c| {
        let mut seen = c.coops.clone();
        seen.sort();
        seen.dedup();
        seen.len() == c.coops.len()
    });
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.coops.len().cmp(&b.coops.len()))
            .then_with(|| a.coops.cmp(&b.coops))
    });
    found.dedup_by(|a, b| a.coops == b.coops);
    found.truncate(limit);
    found
}

fn ring(edges: Vec<Edge>) -> Circle {
    Circle {
        coops: edges.iter().map(|e| e.from.clone()).collect(),
        score: edges.iter().map(|e| e.score).fold(f32::INFINITY, f32::min),
        edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::proposal::Category;
    use crate::infra::matching::Document;
    use chrono::NaiveDate;

    fn doc(key: &str, coop: &str, kind: ProposalKind, title: &str) -> Document {
        Document {
            key: key.into(),
            coop: coop.into(),
            kind,
            category: Category::Technical,
            title: title.into(),
            description: String::new(),
            tags: Vec::new(),
            place: None,
            remote: None,
            deadline: None,
            published: NaiveDate::from_ymd_opt(2026, 11, 20)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("date"),
            language: Some(crate::infra::matching::language::Language::English),
        }
    }

    fn opts() -> MatchOptions {
        MatchOptions {
            limit: 20,
            today: NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
            pairing: false,
        }
    }

    /// a hosts for b, b does accounting software for c, c builds websites
    /// for a: a ring of three. d and e close a ring of four with a and b.
    fn sample() -> Index {
        use ProposalKind::*;
        let mut index = Index::new();
        for d in [
            doc("a-offer", "a", Offer, "Server hosting"),
            doc("b-need", "b", Need, "Server hosting"),
            doc("b-offer", "b", Offer, "Accounting software"),
            doc("c-need", "c", Need, "Accounting software"),
            doc("c-offer", "c", Offer, "Website design"),
            doc("a-need", "a", Need, "Website design"),
            doc("d-need", "d", Need, "Accounting software"),
            doc("d-offer", "d", Offer, "Email migration"),
            doc("e-need", "e", Need, "Email migration"),
            doc("e-offer", "e", Offer, "Website design"),
            doc("lonely", "f", Offer, "Printing posters"),
        ] {
            index.upsert(&d);
        }
        index.renormalize();
        index
    }

    #[test]
    fn rings_of_three_and_four_close_through_the_coop() {
        let index = sample();
        let found = circles(&index, "a", &opts(), 10);
        let rings: Vec<Vec<&str>> = found
            .iter()
            .map(|c| c.coops.iter().map(String::as_str).collect())
            .collect();
        assert!(rings.contains(&vec!["a", "b", "c"]), "{rings:?}");
        assert!(rings.contains(&vec!["a", "b", "d", "e"]), "{rings:?}");
        assert_eq!(rings.len(), 2, "{rings:?}");
        let three = found.iter().find(|c| c.coops.len() == 3).expect("three");
        assert_eq!(three.edges[0].offer, "a-offer");
        assert_eq!(three.edges[0].need, "b-need");
        assert_eq!(three.edges[2].from, "c");
        assert_eq!(three.edges[2].to, "a");
        let weakest = three.edges.iter().map(|e| e.score).fold(f32::MAX, f32::min);
        assert_eq!(three.score, weakest);
    }

    #[test]
    fn no_ring_without_a_way_back() {
        let mut index = sample();
        index.remove("a-need");
        assert!(circles(&index, "a", &opts(), 10).is_empty());
        assert!(circles(&index, "f", &opts(), 10).is_empty());
    }
}
