//! Needs and offers: what a coop asks for or gives, in one of the five
//! categories the monthly calls used.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::limits;
use super::text::markdown_to_safe_html;
use super::validate::{self, Checked, ValidationError};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<$name> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }

            /// "a, b or c", for error messages.
            pub fn choices() -> String {
                let all: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                match all.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => all.join(""),
                }
            }
        }
    };
}

pub(crate) use string_enum;

string_enum!(
    /// A need asks for help; an offer gives it.
    ProposalKind { Need => "need", Offer => "offer" }
);
impl ProposalKind {
    /// What a need is matched with, and the other way round.
    pub fn opposite(self) -> ProposalKind {
        match self {
            ProposalKind::Need => ProposalKind::Offer,
            ProposalKind::Offer => ProposalKind::Need,
        }
    }
}

string_enum!(
    /// The kinds of help from the monthly calls.
    Category {
        Financial => "financial",
        Human => "human",
        Technical => "technical",
        Knowledge => "knowledge",
        Work => "work",
    }
);
string_enum!(
    ProposalStatus { Open => "open", Closed => "closed" }
);

/// An amount: a positive decimal (kept as text, as FEP-0837 sends it) and a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// A positive decimal number written as a string, e.g. "240" or "1.5". May be omitted ("any amount").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The unit: "hour", "one", "EUR" ...
    pub unit: String,
}

impl Quantity {
    pub fn validated(&self) -> Checked<Quantity> {
        let unit = validate::required_text("quantity.unit", &self.unit, limits::QUANTITY_UNIT_MAX)?;
        let value = match self.value.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => {
                let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
                let digits_ok = match v.split_once('.') {
                    Some((int, frac)) => {
                        digits(int) && int.len() <= 12 && digits(frac) && frac.len() <= 6
                    }
                    None => digits(v) && v.len() <= 12,
                };
                if !digits_ok || v.bytes().all(|b| b == b'0' || b == b'.') {
                    return Err(ValidationError::new(
                        "quantity.value",
                        "must be a positive decimal number such as \"20\" or \"2.5\"",
                    ));
                }
                Some(v.to_string())
            }
        };
        Ok(Quantity { value, unit })
    }
}

/// What a coop writes about a proposal; validated into the stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub tags: Vec<String>,
    pub quantity: Option<Quantity>,
    /// A place in words ("Rosario, AR").
    pub place: Option<String>,
    /// Whether the help can be given or received remotely.
    pub remote: bool,
    pub deadline: Option<NaiveDate>,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: String,
    pub coop_id: String,
    pub draft: ProposalDraft,
    pub description_html: String,
    pub status: ProposalStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

impl Proposal {
    /// A newly published proposal: open, created and updated `now`.
    pub fn new_open(
        id: String,
        coop_id: String,
        draft: ProposalDraft,
        now: NaiveDateTime,
    ) -> Proposal {
        Proposal {
            id,
            coop_id,
            description_html: draft.description_html(),
            draft,
            status: ProposalStatus::Open,
            created_at: now,
            updated_at: now,
            closed_at: None,
        }
    }
}

/// A partial update; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct ProposalPatch {
    pub kind: Option<ProposalKind>,
    pub category: Option<Category>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub quantity: Option<Option<Quantity>>,
    pub place: Option<Option<String>>,
    pub remote: Option<bool>,
    pub deadline: Option<Option<NaiveDate>>,
    pub status: Option<ProposalStatus>,
}

impl ProposalPatch {
    pub fn apply_to(&self, current: &ProposalDraft) -> ProposalDraft {
        let mut d = current.clone();
        if let Some(v) = self.kind {
            d.kind = v;
        }
        if let Some(v) = self.category {
            d.category = v;
        }
        if let Some(v) = &self.title {
            d.title = v.clone();
        }
        if let Some(v) = &self.description {
            d.description = v.clone();
        }
        if let Some(v) = &self.tags {
            d.tags = v.clone();
        }
        if let Some(v) = &self.quantity {
            d.quantity = v.clone();
        }
        if let Some(v) = &self.place {
            d.place = v.clone();
        }
        if let Some(v) = self.remote {
            d.remote = v;
        }
        if let Some(v) = self.deadline {
            d.deadline = v;
        }
        d
    }
}

impl ProposalDraft {
    /// Checks and normalises. `today` is passed in so the rule stays pure;
    /// a deadline already past is refused only when it is being set or
    /// changed (`deadline_changed`), so an old proposal can still be edited.
    pub fn validated(&self, today: NaiveDate, deadline_changed: bool) -> Checked<ProposalDraft> {
        if deadline_changed {
            if let Some(d) = self.deadline {
                if d < today {
                    return Err(ValidationError::new("deadline", "must not be in the past"));
                }
            }
        }
        Ok(ProposalDraft {
            kind: self.kind,
            category: self.category,
            title: validate::required_text("title", &self.title, limits::TITLE_MAX)?,
            description: validate::text("description", &self.description, limits::DESCRIPTION_MAX)?,
            tags: validate::tags("tags", &self.tags, limits::TAGS_MAX)?,
            quantity: self
                .quantity
                .as_ref()
                .map(Quantity::validated)
                .transpose()?,
            place: validate::optional_text("place", self.place.as_deref(), limits::PLACE_MAX)?,
            remote: self.remote,
            deadline: self.deadline,
        })
    }

    pub fn description_html(&self) -> String {
        markdown_to_safe_html(&self.description)
    }

    /// Lower-cased text the `text` filter searches: title, description, tags.
    pub fn search_text(&self) -> String {
        let mut s = String::with_capacity(self.title.len() + self.description.len() + 64);
        s.push_str(&self.title.to_lowercase());
        s.push('\n');
        s.push_str(&self.description.to_lowercase());
        for t in &self.tags {
            s.push_str(" #");
            s.push_str(t);
        }
        s
    }
}

/// What a listing asks for. Results are newest first; `before` is the id of
/// the last item of the previous page (ids are time-ordered UUIDv7).
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub kind: Option<ProposalKind>,
    pub category: Option<Category>,
    pub tag: Option<String>,
    /// Lower-case words that must all appear in title, description or tags.
    pub words: Vec<String>,
    pub status: Option<ProposalStatus>,
    pub coop_id: Option<String>,
    /// Closed proposals are visible only to the coop that owns them.
    pub viewer_coop_id: Option<String>,
    pub before: Option<String>,
    pub limit: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ProposalDraft {
        ProposalDraft {
            kind: ProposalKind::Need,
            category: Category::Human,
            title: "Rust developer".into(),
            description: "20 h/week".into(),
            tags: vec![],
            quantity: None,
            place: None,
            remote: true,
            deadline: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn enums_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Category::parse("money"), None);
        assert_eq!(ProposalKind::choices(), "need or offer");
        assert_eq!(
            Category::choices(),
            "financial, human, technical, knowledge or work"
        );
    }

    #[test]
    fn quantities() {
        let q = |v: &str| {
            Quantity {
                value: Some(v.into()),
                unit: "hour".into(),
            }
            .validated()
        };
        assert!(q("240").is_ok());
        assert!(q("2.5").is_ok());
        for bad in ["0", "-1", "1e3", "2.", ".5", "abc", "0.0", "1234567890123"] {
            assert_eq!(q(bad).unwrap_err().field, "quantity.value", "{bad}");
        }
        let no_unit = Quantity {
            value: Some("1".into()),
            unit: " ".into(),
        }
        .validated();
        assert_eq!(no_unit.unwrap_err().field, "quantity.unit");
    }

    #[test]
    fn deadlines_in_the_past_are_refused_only_when_set() {
        let past = ProposalDraft {
            deadline: NaiveDate::from_ymd_opt(2020, 1, 1),
            ..draft()
        };
        assert_eq!(past.validated(today(), true).unwrap_err().field, "deadline");
        assert!(past.validated(today(), false).is_ok());
    }

    #[test]
    fn search_text_has_everything_lowercased() {
        let d = ProposalDraft {
            tags: vec!["rust".into()],
            title: "Need RUST".into(),
            ..draft()
        };
        let s = d.search_text();
        assert!(s.contains("need rust") && s.contains("20 h/week") && s.contains("#rust"));
    }
}
