//! Which proposals can answer which: a need is answered by offers and an
//! offer by needs, of the same category, with one documented exception:
//! shared client work (`work`) is also a way to give people and time
//! (`human`), so a `work` offer may answer a `human` need and a `human`
//! offer may answer a `work` need.

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

/// Whether a proposal of `(a_kind, a_category)` and one of
/// `(b_kind, b_category)` can match at all.
pub fn compatible(
    a_kind: ProposalKind,
    a_category: Category,
    b_kind: ProposalKind,
    b_category: Category,
) -> bool {
    b_kind == opposite(a_kind) && answering(a_category).contains(&b_category)
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
