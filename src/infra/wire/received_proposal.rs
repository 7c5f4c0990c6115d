//! Reading needs and offers that other servers publish: a `Note` (or any
//! object) carrying the FEP-0837 `purpose` and `publishes` fields. Our own
//! notes are one case; Mitra and other FEP-0837 software are others, so
//! everything beyond `purpose` is optional.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::domain::proposal::{Category, ProposalKind, Quantity};
use crate::domain::remote::{Reciprocal, RemoteProposal};
use crate::domain::text::{sanitize_html, truncate_chars as cut};
use crate::domain::urls::LinkRule;
use crate::domain::{limits, validate};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedNote {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub attributed_to: Option<Value>,
    pub purpose: Option<String>,
    pub name: Option<String>,
    pub content: Option<String>,
    #[serde(default)]
    pub url: Value,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    #[serde(default)]
    pub tag: Value,
    #[serde(default)]
    pub location: Value,
    pub has_end: Option<DateTime<Utc>>,
    #[serde(default)]
    pub publishes: Value,
    /// FEP-0837's optional Intent in return (Mitra: the price).
    #[serde(default)]
    pub reciprocal: Value,
    /// Intercoop's `remote`: help can be given or taken remotely. Anything
    /// but a boolean is read as not said.
    #[serde(default)]
    pub remote: Value,
    /// The rest is read for posts that are not proposals (received_post.rs).
    pub summary: Option<String>,
    #[serde(default)]
    pub sensitive: Value,
    #[serde(default)]
    pub to: Value,
    #[serde(default)]
    pub cc: Value,
    #[serde(default)]
    pub in_reply_to: Value,
    #[serde(default)]
    pub content_map: Value,
    /// A gathering contribution's needs and offers (infra/wire/event.rs).
    #[serde(default)]
    pub attachment: Value,
}

/// An Intent's `resourceQuantity`. One the local rules would refuse
/// (negative, not a number) is dropped; the proposal is kept without it.
fn quantity_of(intent: &Value) -> Option<Quantity> {
    let q = intent.get("resourceQuantity")?;
    let unit = q.get("hasUnit").and_then(str_or_number)?;
    Quantity {
        value: q.get("hasNumericalValue").and_then(str_or_number),
        unit: cut(&unit, limits::QUANTITY_UNIT_MAX),
    }
    .validated()
    .ok()
}

/// The reciprocal Intent (the first, if a list), under the text rules of
/// local input; one without a readable `action` is dropped.
fn reciprocal(value: &Value) -> Option<Reciprocal> {
    let intent = match value {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let action = intent
        .get("action")
        .and_then(Value::as_str)
        .and_then(|a| validate::received_text(a, limits::RECIPROCAL_ACTION_MAX))?;
    Some(Reciprocal {
        action,
        resource: intent
            .get("resourceConformsTo")
            .and_then(Value::as_str)
            .and_then(|r| validate::received_text(r, limits::RECIPROCAL_RESOURCE_MAX)),
        quantity: quantity_of(intent),
    })
}

/// Why a received object was not stored.
#[derive(Debug, PartialEq)]
pub enum NotAProposal {
    /// A plain post: fine, just not something we keep.
    Ignored,
    /// Claims to be a proposal but breaks a rule.
    Invalid(String),
}

/// The tags every need and offer carries; not repeated in the tag list.
const KIND_TAGS: [&str; 2] = ["coopneed", "coopoffer"];

fn str_or_number(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An object's `attributedTo` as one actor id (string, object or list).
pub fn attributed_to(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(map) => map.get("id").and_then(attributed_to),
        Value::Array(items) => items.iter().find_map(attributed_to),
        _ => None,
    }
}

fn category(publishes: &Value) -> Category {
    let classified: Vec<String> = match publishes.get("resourceClassifiedAs") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    for c in &classified {
        // Ours end in `#category`; others may end in a path segment.
        let last = c.rsplit(['#', '/', ':']).next().unwrap_or(c);
        if let Some(cat) = Category::parse(&last.to_lowercase()) {
            return cat;
        }
    }
    // Unknown vocabularies: ValueFlows `transfer` is about resources,
    // `deliverService` about people's time.
    match publishes.get("action").and_then(Value::as_str) {
        Some("deliverService") | Some("work") => Category::Human,
        _ => Category::Technical,
    }
}

fn tags(value: &Value) -> Vec<String> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![value],
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for t in items {
        if t.get("type").and_then(Value::as_str) != Some("Hashtag") {
            continue;
        }
        let Some(name) = t.get("name").and_then(Value::as_str) else {
            continue;
        };
        // The local rule for tags, one at a time: a tag that breaks it is
        // dropped, the rest kept.
        let Ok(mut one) = validate::tags("tag", &[name.to_string()], 1) else {
            continue;
        };
        let Some(name) = one.pop() else { continue };
        if KIND_TAGS.contains(&name.as_str()) || out.contains(&name) {
            continue;
        }
        if out.len() < limits::TAGS_MAX {
            out.push(name);
        }
    }
    out
}

pub(super) fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An object's `url`: a string, or a `Link` with an `href`.
pub(crate) fn link_href(url: &Value) -> Option<&str> {
    match url {
        Value::String(s) => Some(s.as_str()),
        Value::Object(m) => m.get("href").and_then(Value::as_str),
        Value::Array(items) => items.iter().find_map(link_href),
        _ => None,
    }
}

pub(super) fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::SubsecRound;
    t.naive_utc().trunc_subsecs(6)
}

impl ReceivedNote {
    /// The stored form, or why it is not kept. `now` fills in missing dates.
    pub fn into_proposal(
        self,
        id: String,
        actor_id: String,
        now: NaiveDateTime,
        links: LinkRule,
    ) -> Result<RemoteProposal, NotAProposal> {
        let kind = match self.purpose.as_deref() {
            Some("request") => ProposalKind::Need,
            Some("offer") => ProposalKind::Offer,
            Some(other) => {
                return Err(NotAProposal::Invalid(format!(
                    "purpose '{other}' is neither 'request' nor 'offer'"
                )))
            }
            None => return Err(NotAProposal::Ignored),
        };
        let content = self.content.as_deref().unwrap_or("");
        if content.len() > limits::REMOTE_CONTENT_MAX {
            return Err(NotAProposal::Invalid("content is too long".into()));
        }
        let content_html = sanitize_html(content);
        let title = match self.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => {
                // The same rule as a local title: a name that hides or
                // reorders what it shows refuses the whole proposal.
                if let Some(problem) = validate::text_problem(name) {
                    return Err(NotAProposal::Invalid(format!("name {problem}")));
                }
                cut(name, limits::TITLE_MAX)
            }
            _ => validate::received_text(&plain_text(&content_html), limits::TITLE_MAX)
                .ok_or_else(|| NotAProposal::Invalid("it has neither a name nor text".into()))?,
        };
        let quantity = quantity_of(&self.publishes);
        let published = self.published.map(naive).unwrap_or(now);
        Ok(RemoteProposal {
            id,
            actor_id,
            kind,
            category: category(&self.publishes),
            title,
            content_html,
            tags: tags(&self.tag),
            quantity,
            place: self
                .location
                .get("name")
                .and_then(Value::as_str)
                .and_then(|p| validate::received_text(p, limits::PLACE_MAX)),
            deadline: self.has_end.map(naive),
            remote: self.remote.as_bool(),
            url: link_href(&self.url).and_then(|u| super::kept_link(links, u, "proposal url")),
            published_at: published,
            updated_at: self.updated.map(naive).unwrap_or(published),
            received_at: now,
            ap_id: self.id.to_string(),
            reciprocal: reciprocal(&self.reciprocal),
        })
    }
}
