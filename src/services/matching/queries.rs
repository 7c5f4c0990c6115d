//! What coops ask of matching: the matches of one of their proposals, all
//! their matches (filtered and paged), and solidarity circles.

use std::collections::HashMap;

use super::{blocking, key, poisoned, split_key, Exchange, FoundCircle, FoundMatch};
use super::{MatchPage, MatchQuery, Services, PER_PROPOSAL};
use crate::domain::directory::ProposalEntry;
use crate::domain::proposal::{Category, ProposalKind, ProposalStatus};
use crate::domain::time;
use crate::infra::matching::score::{Reason, ReasonArg};
use crate::infra::matching::{circles, Match, MatchOptions};
use crate::infra::store::{directory, proposals};
use crate::services::{paging, ServiceError, ServiceResult, Viewer};

/// A hint, not a score: what the other side says it asks (an offer) or
/// gives (a need) in return, as Mitra prices its offers (FEP-0837
/// `reciprocal`), so a coop sees the terms before it asks for an
/// introduction.
fn in_return(other: &ProposalEntry) -> Option<Reason> {
    let r = other.reciprocal.as_ref()?;
    let (verb, message) = match other.kind {
        ProposalKind::Offer => ("they ask in return", "reason-they-ask"),
        ProposalKind::Need => ("they give in return", "reason-they-give"),
    };
    Some(Reason::new(
        "in_return",
        message,
        vec![("terms", ReasonArg::Text(r.describe()))],
        format!("{verb}: {}", r.describe()),
    ))
}

/// Keeps the matches with a category (if asked) from a node (if asked;
/// local proposals are on `our_domain`).
fn keep(m: &FoundMatch, category: Option<Category>, node: Option<&str>, our_domain: &str) -> bool {
    category.is_none_or(|c| m.proposal.category == c)
        && node.is_none_or(|n| m.proposal.node.as_deref().unwrap_or(our_domain) == n)
}

impl Services {
    async fn match_options(&self, coop: &str) -> ServiceResult<MatchOptions> {
        let settings = self.match_settings_of(coop).await?;
        Ok(MatchOptions {
            limit: PER_PROPOSAL,
            today: time::now().date(),
            pairing: settings.prefer_stage_pairing,
        })
    }

    /// The index's best matches for each of `keys`, as (our key, match).
    async fn raw_matches(
        &self,
        coop: &str,
        keys: Vec<String>,
    ) -> ServiceResult<Vec<(String, Match)>> {
        self.matching_ready()?;
        let opts = self.match_options(coop).await?;
        let index = self.matching.index.clone();
        blocking("matching", move || {
            let index = index.read().map_err(poisoned)?;
            Ok(keys
                .into_iter()
                .flat_map(|k| {
                    index
                        .matches(&k, &opts)
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |m| (k.clone(), m))
                })
                .collect())
        })
        .await
    }

    /// The directory entries of index keys (`l:`/`r:` ids), by key, in one
    /// read. Keys whose proposal is gone or no longer listed are absent.
    pub(super) async fn entries_by_key<'a>(
        &self,
        keys: impl Iterator<Item = &'a str>,
    ) -> ServiceResult<HashMap<String, ProposalEntry>> {
        let (mut local, mut remote) = (Vec::new(), Vec::new());
        for k in keys {
            match split_key(k) {
                Some((true, id)) => local.push(id.to_string()),
                Some((false, id)) => remote.push(id.to_string()),
                None => {}
            }
        }
        let entries = self
            .db
            .read(move |conn| directory::proposals_by_id(conn, &local, &remote))
            .await?;
        Ok(entries
            .into_iter()
            .map(|e| (key(e.is_local(), &e.id), e))
            .collect())
    }

    /// Keeps the matches listed here, with what a listing shows of them.
    async fn with_entries(&self, found: Vec<(String, Match)>) -> ServiceResult<Vec<FoundMatch>> {
        let by_key = self
            .entries_by_key(found.iter().map(|(_, m)| m.key.as_str()))
            .await?;
        Ok(found
            .into_iter()
            .filter_map(|(ours, m)| {
                let proposal = by_key.get(&m.key)?.clone();
                let mut reasons = m.reasons;
                reasons.extend(in_return(&proposal));
                Some(FoundMatch {
                    for_proposal: split_key(&ours).map(|(_, id)| id.to_string())?,
                    proposal,
                    score: m.score,
                    parts: m.parts,
                    reasons,
                })
            })
            .collect())
    }

    /// The matches of one of the signed-in coop's open proposals, best first.
    pub async fn proposal_matches(
        &self,
        viewer: &Viewer,
        id: &str,
        limit: Option<i64>,
    ) -> ServiceResult<Vec<FoundMatch>> {
        let coop = viewer.coop_id()?.to_string();
        let limit = paging::size(limit)? as usize;
        let wanted = id.to_string();
        let owner = coop.clone();
        let proposal = self
            .db
            .read(move |conn| proposals::by_id(conn, &wanted))
            .await?
            .filter(|p| p.coop_id == owner)
            .ok_or_else(|| ServiceError::NotFound(format!("no proposal {id} of your coop")))?;
        if proposal.status != ProposalStatus::Open {
            return Err(ServiceError::Conflict(
                "this proposal is closed: closed proposals have no matches".into(),
            ));
        }
        let found = self.raw_matches(&coop, vec![key(true, id)]).await?;
        let mut out = self.with_entries(found).await?;
        out.truncate(limit);
        Ok(out)
    }

    /// Rings of three or four coops through the signed-in coop, each
    /// helping the next, best first.
    pub async fn coop_circles(
        &self,
        viewer: &Viewer,
        limit: Option<i64>,
    ) -> ServiceResult<Vec<FoundCircle>> {
        let coop = viewer.coop_id()?.to_string();
        let limit = paging::size(limit)? as usize;
        self.matching_ready()?;
        let opts = self.match_options(&coop).await?;
        let index = self.matching.index.clone();
        let anchor = key(true, &coop);
        // Some rings may pass through coops not listed here: ask for more.
        let rings = blocking("circles", move || {
            let index = index.read().map_err(poisoned)?;
            Ok(circles::circles(&index, &anchor, &opts, limit * 2))
        })
        .await?;
        let by_key = self
            .entries_by_key(
                rings
                    .iter()
                    .flat_map(|r| &r.edges)
                    .flat_map(|e| [e.offer.as_str(), e.need.as_str()]),
            )
            .await?;
        let mut out: Vec<FoundCircle> = rings
            .into_iter()
            .filter_map(|r| {
                let exchanges = r
                    .edges
                    .iter()
                    .map(|e| {
                        Some(Exchange {
                            offer: by_key.get(&e.offer)?.clone(),
                            need: by_key.get(&e.need)?.clone(),
                            score: e.score,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(FoundCircle {
                    score: r.score,
                    exchanges,
                })
            })
            .collect();
        out.truncate(limit);
        Ok(out)
    }

    /// All the signed-in coop's matches, best first, optionally only of a
    /// category or from a node.
    pub async fn coop_matches(&self, viewer: &Viewer, q: MatchQuery) -> ServiceResult<MatchPage> {
        let coop = viewer.coop_id()?.to_string();
        let limit = paging::size(q.limit)? as usize;
        let offset = paging::offset(q.offset)? as usize;
        let category = match q.category.as_deref() {
            Some(c) => Some(Category::parse(c).ok_or_else(|| {
                ServiceError::invalid(
                    "category",
                    "must be financial, human, technical, knowledge or work",
                )
            })?),
            None => None,
        };
        let node = q.node.map(|n| n.trim().to_ascii_lowercase());
        self.matching_ready()?;
        let keys = self
            .matching
            .index
            .read()
            .map_err(poisoned)?
            .proposals_of(&key(true, &coop));
        let mut found = self.raw_matches(&coop, keys).await?;
        found.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.1.key.cmp(&b.1.key)));
        let mut all = self.with_entries(found).await?;
        let domain = self.urls.domain();
        all.retain(|m| keep(m, category, node.as_deref(), &domain));
        let total = all.len();
        let items = all.into_iter().skip(offset).take(limit).collect();
        Ok(MatchPage {
            items,
            total,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::matching::score::Parts;

    fn found(category: Category, node: Option<&str>) -> FoundMatch {
        FoundMatch {
            for_proposal: "p".into(),
            proposal: ProposalEntry {
                id: "x".into(),
                node: node.map(str::to_string),
                handle: "h".into(),
                coop_name: "H".into(),
                kind: ProposalKind::Offer,
                category,
                title: "t".into(),
                tags: vec![],
                ap_id: None,
                coop_ap_id: None,
                published_at: time::now(),
                reciprocal: None,
            },
            score: 0.5,
            parts: Parts::default(),
            reasons: vec![],
        }
    }

    #[test]
    fn a_reciprocal_is_a_hint_in_the_reasons() {
        let mut offer = found(Category::Technical, Some("m.example")).proposal;
        assert_eq!(in_return(&offer), None);
        offer.reciprocal = Some(crate::domain::remote::Reciprocal {
            action: "transfer".into(),
            resource: None,
            quantity: Some(crate::domain::proposal::Quantity {
                value: Some("30".into()),
                unit: "EUR".into(),
            }),
        });
        let reason = in_return(&offer).unwrap();
        assert_eq!(reason.code, "in_return");
        assert_eq!(reason.text, "they ask in return: transfer 30 EUR");
        offer.kind = ProposalKind::Need;
        assert_eq!(
            in_return(&offer).unwrap().text,
            "they give in return: transfer 30 EUR"
        );
    }

    #[test]
    fn filters_keep_a_category_and_a_node_with_ours_for_local_ones() {
        let local = found(Category::Work, None);
        let remote = found(Category::Human, Some("b.test"));
        assert!(keep(&local, None, None, "a.test"));
        assert!(keep(&local, Some(Category::Work), Some("a.test"), "a.test"));
        assert!(!keep(&local, Some(Category::Human), None, "a.test"));
        assert!(!keep(&local, None, Some("b.test"), "a.test"));
        assert!(keep(&remote, None, Some("b.test"), "a.test"));
        assert!(!keep(&remote, None, Some("a.test"), "a.test"));
    }

    /// A need and an offer of two coops on one node find each other, and a
    /// closed proposal has no matches.
    #[tokio::test]
    async fn a_need_finds_an_offer_and_a_closed_one_is_refused() {
        use crate::services::testing;
        let (_dir, services) = testing::services().await;
        let a = testing::coop(&services, "fiqus").await;
        let b = testing::coop(&services, "cotech").await;
        let need = testing::need(&services, &a, "Rust developers for a web backend").await;
        let offer = testing::offer(&services, &b, "Rust developers for web backends").await;
        assert!(
            services.proposal_matches(&a, &need, None).await.is_err(),
            "not ready yet"
        );
        services.rebuild_matching().await.unwrap();
        let matches = services.proposal_matches(&a, &need, None).await.unwrap();
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].proposal.id, offer);
        let page = services
            .coop_matches(&b, MatchQuery::default())
            .await
            .unwrap();
        assert_eq!(
            (page.total, page.items[0].for_proposal.as_str()),
            (1, offer.as_str())
        );
        services.delete_proposal(&a, &need).await.unwrap();
        services.follow_matching().await.unwrap();
        assert!(services.proposal_matches(&a, &need, None).await.is_err());
        assert_eq!(
            services
                .coop_matches(&b, MatchQuery::default())
                .await
                .unwrap()
                .total,
            0
        );
    }
}
