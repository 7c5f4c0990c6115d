//! A need or an offer on the wire: one `Note` that Mastodon shows in full and
//! that also carries the FEP-0837 proposal fields (`purpose`, `publishes`,
//! `unitBased`) for software that reads them. Shape and reasons:
//! docs/FEDERATION.md.

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::PUBLIC;
use crate::domain::proposal::{Category, Proposal, ProposalKind, Quantity};
use crate::domain::proposal_note;
use crate::domain::urls::Urls;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Hashtag {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub href: Url,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Place {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
}

/// FEP-0837 quantities are strings (`"240"`): Mitra parses them as strings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireQuantity {
    pub has_unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_numerical_value: Option<String>,
}

impl WireQuantity {
    /// A proposal's quantity; `one` of any amount when it has none.
    pub fn of(q: Option<&Quantity>) -> WireQuantity {
        match q {
            Some(q) => WireQuantity {
                has_unit: q.unit.clone(),
                has_numerical_value: q.value.clone(),
            },
            None => WireQuantity {
                has_unit: "one".into(),
                has_numerical_value: None,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    pub action: String,
    /// An offer's primary intent names the coop as provider; a need's as receiver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<Url>,
    pub resource_classified_as: Vec<Url>,
    pub resource_quantity: WireQuantity,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProposalNote {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    /// FEP-0837: `request` for a need, `offer` for an offer.
    pub purpose: String,
    pub attributed_to: Url,
    pub name: String,
    pub content: String,
    pub url: Url,
    pub published: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    pub to: Vec<String>,
    pub cc: Vec<Url>,
    pub tag: Vec<Hashtag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_end: Option<DateTime<Utc>>,
    pub publishes: Intent,
    pub unit_based: bool,
    /// Intercoop: help can be given or taken remotely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateActivity {
    /// Absent when the activity is embedded in a collection page.
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: Url,
    pub published: DateTime<Utc>,
    pub to: Vec<String>,
    pub cc: Vec<Url>,
    pub object: ProposalNote,
}

/// What a closed proposal's URL answers (with 410 Gone).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub former_type: String,
    pub deleted: DateTime<Utc>,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// FEP-0837 allows `deliverService` and `transfer`; the closer ValueFlows
/// actions (work, use) are not understood by its current readers.
fn action(category: Category) -> &'static str {
    match category {
        Category::Financial | Category::Technical => "transfer",
        Category::Human | Category::Knowledge | Category::Work => "deliverService",
    }
}

impl ProposalNote {
    pub fn from_proposal(p: &Proposal, coop_handle: &str, urls: &Urls) -> Self {
        let d = &p.draft;
        let id = urls.proposal(&p.id);
        let actor = urls.actor(coop_handle);
        let hashtags = proposal_note::hashtags(d, urls);
        let tags: Vec<Hashtag> = hashtags
            .iter()
            .map(|(name, href)| Hashtag {
                kind: "Hashtag".into(),
                name: format!("#{name}"),
                href: href.clone(),
            })
            .collect();
        let mut intent_id = id.clone();
        intent_id.set_fragment(Some("primary"));
        let (provider, receiver) = match d.kind {
            ProposalKind::Offer => (Some(actor.clone()), None),
            ProposalKind::Need => (None, Some(actor.clone())),
        };
        ProposalNote {
            context: Some(super::context::proposal()),
            kind: "Note".into(),
            purpose: match d.kind {
                ProposalKind::Need => "request".into(),
                ProposalKind::Offer => "offer".into(),
            },
            attributed_to: actor.clone(),
            name: d.title.clone(),
            content: proposal_note::html(p, &hashtags),
            url: id.clone(),
            published: utc(p.created_at),
            updated: (p.updated_at != p.created_at).then(|| utc(p.updated_at)),
            to: vec![PUBLIC.into()],
            cc: vec![urls.actor_part(coop_handle, "followers")],
            tag: tags,
            location: d.place.as_ref().map(|name| Place {
                kind: "Place".into(),
                name: name.clone(),
            }),
            has_end: d.deadline.map(|day| {
                utc(day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()))
            }),
            publishes: Intent {
                kind: "Intent".into(),
                id: intent_id,
                action: action(d.category).into(),
                provider,
                receiver,
                resource_classified_as: vec![urls.category(d.category.as_str())],
                resource_quantity: WireQuantity::of(d.quantity.as_ref()),
            },
            unit_based: false,
            remote: Some(d.remote),
            id,
        }
    }

    /// The `Create` that published it (also what the outbox lists).
    pub fn into_create(mut self, proposal_id: &str, urls: &Urls) -> CreateActivity {
        let context = Some(self.context.take().unwrap_or_else(super::context::proposal));
        CreateActivity {
            context,
            id: urls.proposal_create(proposal_id),
            kind: "Create".into(),
            actor: self.attributed_to.clone(),
            published: self.published,
            to: self.to.clone(),
            cc: self.cc.clone(),
            object: self,
        }
    }
}

impl Tombstone {
    pub fn new(id: Url, deleted: NaiveDateTime) -> Self {
        Tombstone {
            context: super::context::plain(),
            id,
            kind: "Tombstone".into(),
            former_type: "Note".into(),
            deleted: utc(deleted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::proposal::{ProposalDraft, ProposalStatus, Quantity};
    use chrono::NaiveDate;

    fn proposal(kind: ProposalKind) -> Proposal {
        let t = NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        Proposal {
            id: "01a2".into(),
            coop_id: "c".into(),
            draft: ProposalDraft {
                kind,
                category: Category::Human,
                title: "Rust <developer>".into(),
                description: "x".into(),
                tags: vec!["rust".into()],
                quantity: Some(Quantity {
                    value: Some("240".into()),
                    unit: "hour".into(),
                }),
                place: Some("Rosario, AR".into()),
                remote: true,
                deadline: NaiveDate::from_ymd_opt(2027, 3, 1),
            },
            description_html: "<p>x</p>".into(),
            status: ProposalStatus::Open,
            created_at: t,
            updated_at: t,
            closed_at: None,
        }
    }

    #[test]
    fn a_need_is_a_request_note_with_strings_for_numbers() {
        let urls = Urls::new(&Url::parse("https://coops.test").unwrap());
        let note = ProposalNote::from_proposal(&proposal(ProposalKind::Need), "fiqus", &urls);
        let json = serde_json::to_value(&note).unwrap();
        assert_eq!(json["type"], "Note");
        assert_eq!(json["purpose"], "request");
        assert_eq!(
            json["publishes"]["receiver"],
            "https://coops.test/actors/fiqus"
        );
        assert!(json["publishes"].get("provider").is_none());
        assert_eq!(
            json["publishes"]["id"],
            "https://coops.test/proposals/01a2#primary"
        );
        assert_eq!(
            json["publishes"]["resourceQuantity"]["hasNumericalValue"],
            "240"
        );
        assert_eq!(json["unitBased"], false);
        assert_eq!(json["remote"], true);
        assert!(
            json.get("summary").is_none(),
            "a summary would become a content warning in Mastodon"
        );
        assert_eq!(json["tag"][0]["name"], "#coopNeed");
        assert_eq!(json["hasEnd"], "2027-03-01T23:59:59Z");
        let content = json["content"].as_str().unwrap();
        assert!(content.contains("Rust &lt;developer&gt;"), "{content}");
        assert!(
            content.contains("240 hour") && content.contains("remote OK"),
            "{content}"
        );
        assert!(json.get("updated").is_none());
    }

    #[test]
    fn an_offer_names_the_coop_as_provider() {
        let urls = Urls::new(&Url::parse("https://coops.test").unwrap());
        let note = ProposalNote::from_proposal(&proposal(ProposalKind::Offer), "fiqus", &urls);
        assert_eq!(note.purpose, "offer");
        assert_eq!(
            note.publishes.provider.as_ref().map(Url::as_str),
            Some("https://coops.test/actors/fiqus")
        );
        let create = note.into_create("01a2", &urls);
        assert_eq!(
            create.id.as_str(),
            "https://coops.test/proposals/01a2/activity"
        );
        assert_eq!(create.actor, create.object.attributed_to);
        assert!(
            create.object.context.is_none(),
            "the context sits on the activity only"
        );
    }
}
