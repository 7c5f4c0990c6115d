//! Which proposals can answer which: a need is answered by offers and an
//! offer by needs. The category is a hint, not a wall: the categories that
//! answer a category (its own, and for shared client work `work` and
//! people and time `human` each other) are a direct fit; an offer filed
//! under any other category may still answer when the texts mean the same
//! (a bookkeeping need filed as `human` and a bookkeeping offer filed as
//! `knowledge`), ranked below an equally good direct fit.

use crate::domain::proposal::{Category, ProposalKind};

/// The other side's kind.
pub fn opposite(kind: ProposalKind) -> ProposalKind {
    match kind {
        ProposalKind::Need => ProposalKind::Offer,
        ProposalKind::Offer => ProposalKind::Need,
    }
}

/// The categories on the other side that may answer `category`.
pub fn answering(category: Category) -> &'static [Category] {
    match category {
        Category::Human => &[Category::Human, Category::Work],
        Category::Work => &[Category::Work, Category::Human],
        Category::Financial => &[Category::Financial],
        Category::Technical => &[Category::Technical],
        Category::Knowledge => &[Category::Knowledge],
    }
}

/// Whether `b_category` is a direct fit for `a_category` (either way
/// round: the relation is symmetric).
pub fn direct(a_category: Category, b_category: Category) -> bool {
    answering(a_category).contains(&b_category)
}

/// Whether a proposal of `(a_kind, a_category)` and one of
/// `(b_kind, b_category)` are a direct fit: the other kind, a direct
/// category. Reciprocity ("they also need what you offer") asks this much.
pub fn compatible(
    a_kind: ProposalKind,
    a_category: Category,
    b_kind: ProposalKind,
    b_category: Category,
) -> bool {
    b_kind == opposite(a_kind) && direct(a_category, b_category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_is_symmetric_and_needs_meet_offers() {
        for &a in Category::ALL {
            for &b in Category::ALL {
                assert_eq!(
                    compatible(ProposalKind::Need, a, ProposalKind::Offer, b),
                    compatible(ProposalKind::Offer, b, ProposalKind::Need, a),
                    "{a:?} {b:?}"
                );
                assert!(!compatible(ProposalKind::Need, a, ProposalKind::Need, b));
                assert_eq!(direct(a, b), direct(b, a), "{a:?} {b:?}");
            }
        }
        assert!(compatible(
            ProposalKind::Need,
            Category::Human,
            ProposalKind::Offer,
            Category::Work
        ));
        assert!(!compatible(
            ProposalKind::Need,
            Category::Technical,
            ProposalKind::Offer,
            Category::Knowledge
        ));
    }
}
