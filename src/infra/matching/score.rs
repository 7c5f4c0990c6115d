//! How one candidate is scored against the proposal it may answer, and the
//! reasons given in words. The parts and their weights are described in
//! docs/matching.md; the score is their weighted sum.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::analyze::fold;
use super::language::Language;
use crate::domain::coop::Stage;
use crate::domain::proposal::{Category, ProposalKind};

pub const TEXT_WEIGHT: f32 = 0.60;
pub const TAGS_WEIGHT: f32 = 0.15;
pub const PLACE_WEIGHT: f32 = 0.08;
pub const LANGUAGE_WEIGHT: f32 = 0.07;
pub const DEADLINE_WEIGHT: f32 = 0.05;
pub const FRESHNESS_WEIGHT: f32 = 0.05;
/// Boosts on top of the parts above (which sum to 1).
pub const RECIPROCITY_WEIGHT: f32 = 0.10;
pub const PAIRING_WEIGHT: f32 = 0.05;
/// Taken off when the other proposal is filed under a category that is not
/// a direct fit (docs/matching.md): an equally good direct fit ranks above.
pub const CATEGORY_PENALTY: f32 = 0.20;

/// Below this text similarity a candidate needs a shared tag to count.
pub const MIN_TEXT: f32 = 0.08;
/// The text similarity a candidate filed under another category needs: the
/// category said otherwise, so the words must say more.
pub const MIN_TEXT_ACROSS: f32 = 0.35;
/// Help needed within this many days is called out as near.
const NEAR_DEADLINE_DAYS: i64 = 14;
/// A deadline further than this does not lower the score.
const COMFORTABLE_DAYS: f32 = 30.0;
/// Freshness halves every this many days.
const FRESHNESS_HALF_LIFE_DAYS: f32 = 90.0;

/// Each part's contribution to the score (already weighted): they sum to
/// the score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Parts {
    pub text: f32,
    pub tags: f32,
    pub place: f32,
    pub language: f32,
    pub deadline: f32,
    pub freshness: f32,
    pub reciprocity: f32,
    pub pairing: f32,
    /// Negative or zero: [`CATEGORY_PENALTY`] off for another category.
    pub category: f32,
}

impl Parts {
    pub fn total(&self) -> f32 {
        self.text
            + self.tags
            + self.place
            + self.language
            + self.deadline
            + self.freshness
            + self.reciprocity
            + self.pairing
            + self.category
    }
}

/// Why a match was made, as a code a client can style and words a person
/// reads, from the point of view of the coop the match is shown to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Reason {
    /// `text`, `meaning`, `tags`, `place`, `language`, `deadline`, `fresh`,
    /// `reciprocity`, `pairing` or `category`; and `in_return` (added by the services:
    /// what the other side asks or gives in return).
    pub code: &'static str,
    /// In English (the API's language).
    pub text: String,
    /// The same as a message of the catalogues (`reason-…`, in
    /// `locales/*/web.ftl`) and its arguments, for pages in any language.
    #[serde(skip)]
    pub message: &'static str,
    #[serde(skip)]
    pub args: Vec<(&'static str, ReasonArg)>,
}

/// A value a reason names, put in words by the page's language.
#[derive(Debug, Clone, PartialEq)]
pub enum ReasonArg {
    /// A coop's own text (a word, a title, a place): shown as written.
    Text(String),
    /// Several such texts, joined as the language joins a list.
    List(Vec<String>),
    /// Languages by their codes (`es`), named in the page's language.
    Languages(Vec<&'static str>),
    /// A number of days.
    Count(i64),
    /// A proposal category by its code (`knowledge`), named in the page's
    /// language.
    Category(&'static str),
}

impl Reason {
    pub fn new(
        code: &'static str,
        message: &'static str,
        args: Vec<(&'static str, ReasonArg)>,
        text: String,
    ) -> Reason {
        Reason {
            code,
            text,
            message,
            args,
        }
    }
}

fn words(items: &[&str]) -> ReasonArg {
    ReasonArg::List(items.iter().map(|s| s.to_string()).collect())
}

/// One side of a pair, as scoring sees it.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    pub kind: ProposalKind,
    pub place: Option<&'a str>,
    pub remote: Option<bool>,
    pub deadline: Option<NaiveDate>,
    pub published: NaiveDateTime,
    pub language: Option<Language>,
    pub country: Option<&'a str>,
    pub languages: &'a [Language],
    pub stage: Option<Stage>,
}

/// What the index found in common.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    /// Cosine similarity of the two texts (0 to 1).
    pub text: f32,
    /// The words they share that weigh most, readable.
    pub shared_words: Vec<&'a str>,
    /// Tags on both, as written (`#rust`).
    pub shared_tags: Vec<&'a str>,
    /// Tags on the side with fewer.
    pub fewer_tags: usize,
    /// The title of the other coop's proposal that the asking coop can
    /// answer in turn, when there is one.
    pub reciprocal: Option<&'a str>,
    /// The other proposal's category when it is not a direct fit for the
    /// asking one's.
    pub across: Option<Category>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f32,
    pub parts: Parts,
    pub reasons: Vec<Reason>,
}

/// The highest score a candidate of this text similarity can reach, every
/// other part at its best.
pub fn best_possible(text: f32) -> f32 {
    TEXT_WEIGHT * text.clamp(0.0, 1.0)
        + TAGS_WEIGHT
        + PLACE_WEIGHT
        + LANGUAGE_WEIGHT
        + DEADLINE_WEIGHT
        + FRESHNESS_WEIGHT
        + RECIPROCITY_WEIGHT
        + PAIRING_WEIGHT
}

/// Whether there is enough in common to call it a match at all.
pub fn is_evidence(e: &Evidence<'_>) -> bool {
    if e.across.is_some() {
        return e.text >= MIN_TEXT_ACROSS;
    }
    e.text >= MIN_TEXT || !e.shared_tags.is_empty()
}

/// Scores `them` as an answer to `us`, on `today`, with the pairing
/// preference of the asking coop.
pub fn score(
    us: &Side<'_>,
    them: &Side<'_>,
    e: &Evidence<'_>,
    today: NaiveDate,
    pairing: bool,
) -> Scored {
    let mut said = Said::new(true);
    let parts = score_parts(us, them, e, today, pairing, &mut said);
    Scored {
        score: parts.total(),
        parts,
        reasons: said.reasons,
    }
}

/// The score alone, its reasons not put in words: for the many candidates
/// of which only the best are kept (and then scored with [`score`]).
pub fn score_only(
    us: &Side<'_>,
    them: &Side<'_>,
    e: &Evidence<'_>,
    today: NaiveDate,
    pairing: bool,
) -> f32 {
    let mut quiet = Said::new(false);
    score_parts(us, them, e, today, pairing, &mut quiet).total()
}

/// Reasons as scoring finds them, made only when they will be shown.
struct Said {
    explain: bool,
    reasons: Vec<Reason>,
}

impl Said {
    fn new(explain: bool) -> Said {
        Said {
            explain,
            reasons: Vec::new(),
        }
    }

    fn say(&mut self, reason: impl FnOnce() -> Reason) {
        if self.explain {
            self.reasons.push(reason());
        }
    }
}

fn score_parts(
    us: &Side<'_>,
    them: &Side<'_>,
    e: &Evidence<'_>,
    today: NaiveDate,
    pairing: bool,
    said: &mut Said,
) -> Parts {
    let mut parts = Parts::default();

    let same_language = them
        .language
        .filter(|l| us.languages.contains(l) || us.language == Some(*l));
    parts.text = TEXT_WEIGHT * e.text.clamp(0.0, 1.0);
    if !e.shared_words.is_empty() {
        said.say(|| {
            let (verb, message, message_in) = match them.kind {
                ProposalKind::Offer => ("they offer", "reason-they-offer", "reason-they-offer-in"),
                ProposalKind::Need => ("they need", "reason-they-need", "reason-they-need-in"),
            };
            let mut text = format!("{verb} {}", list(&e.shared_words));
            let mut args = vec![("words", words(&e.shared_words))];
            if let Some(l) = same_language {
                text.push_str(&format!(" in {}", l.name()));
                args.push(("language", ReasonArg::Languages(vec![l.code()])));
            }
            let message = if same_language.is_some() {
                message_in
            } else {
                message
            };
            Reason::new("text", message, args, text)
        });
    }

    if !e.shared_tags.is_empty() && e.fewer_tags > 0 {
        parts.tags = TAGS_WEIGHT * (e.shared_tags.len() as f32 / e.fewer_tags as f32).min(1.0);
        said.say(|| {
            Reason::new(
                "tags",
                "reason-tags",
                vec![("tags", words(&e.shared_tags))],
                format!("both tagged {}", list(&e.shared_tags)),
            )
        });
    }

    parts.place = PLACE_WEIGHT * place(us, them, said);
    parts.language = LANGUAGE_WEIGHT * language(us, them, same_language, said);
    parts.deadline = DEADLINE_WEIGHT * deadline(them, today, said);

    let age = (today - them.published.date()).num_days().max(0);
    parts.freshness =
        FRESHNESS_WEIGHT * 0.5f32.powf(age as f32 / FRESHNESS_HALF_LIFE_DAYS).max(0.1);
    if age <= 7 {
        said.say(|| {
            Reason::new(
                "fresh",
                "reason-fresh",
                Vec::new(),
                "published this week".into(),
            )
        });
    }

    if let Some(title) = e.reciprocal {
        parts.reciprocity = RECIPROCITY_WEIGHT;
        said.say(|| {
            let (message, text) = match us.kind {
                ProposalKind::Need => (
                    "reason-you-also-offer",
                    format!("you also offer what they need: \u{201c}{title}\u{201d}"),
                ),
                ProposalKind::Offer => (
                    "reason-they-also-offer",
                    format!("they also offer what you need: \u{201c}{title}\u{201d}"),
                ),
            };
            let args = vec![("title", ReasonArg::Text(title.to_string()))];
            Reason::new("reciprocity", message, args, text)
        });
    }

    if pairing {
        if let (Some(a), Some(b)) = (us.stage, them.stage) {
            if a != b {
                parts.pairing = PAIRING_WEIGHT;
                said.say(|| {
                    let (message, text) = match b {
                        Stage::StartCoop => (
                            "reason-pairing-start",
                            "they are a start-coop and you are established",
                        ),
                        Stage::Established => (
                            "reason-pairing-established",
                            "they are an established coop and you are a start-coop",
                        ),
                    };
                    Reason::new("pairing", message, Vec::new(), text.into())
                });
            }
        }
    }

    if let Some(category) = e.across {
        parts.category = -CATEGORY_PENALTY;
        said.say(|| {
            Reason::new(
                "category",
                "reason-other-category",
                vec![("category", ReasonArg::Category(category.as_str()))],
                format!("filed under {}, but about the same", category.as_str()),
            )
        });
    }
    parts
}

/// A word of their title that means a word of ours: the same concept in
/// two languages, or two words for one thing.
pub fn same_meaning(theirs: &str, ours: &str) -> Reason {
    Reason::new(
        "meaning",
        "reason-same-meaning",
        vec![
            ("theirs", ReasonArg::Text(theirs.to_string())),
            ("ours", ReasonArg::Text(ours.to_string())),
        ],
        format!("their \u{201c}{theirs}\u{201d} means your \u{201c}{ours}\u{201d}"),
    )
}

/// "a", "a and b", "a, b and c".
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The first part of a place in words, folded: "Rosario, AR" → "rosario".
fn locality(place: &str) -> String {
    fold(place.split(',').next().unwrap_or(place).trim())
}

fn place(us: &Side<'_>, them: &Side<'_>, said: &mut Said) -> f32 {
    if let (Some(a), Some(b)) = (us.place, them.place) {
        if !locality(a).is_empty() && locality(a) == locality(b) {
            said.say(|| {
                let name = b.split(',').next().unwrap_or(b).trim().to_string();
                let text = format!("both in {name}");
                let args = vec![("place", ReasonArg::Text(name))];
                Reason::new("place", "reason-place", args, text)
            });
            return 1.0;
        }
    }
    match (us.remote, them.remote) {
        (Some(true), Some(true)) => {
            said.say(|| {
                Reason::new(
                    "place",
                    "reason-remote-both",
                    Vec::new(),
                    "both can work remotely".into(),
                )
            });
            return 1.0;
        }
        (_, Some(true)) => {
            said.say(|| {
                Reason::new(
                    "place",
                    "reason-remote-they",
                    Vec::new(),
                    "they can work remotely".into(),
                )
            });
            return 0.9;
        }
        (Some(true), _) => return 0.9,
        _ => {}
    }
    match (us.country, them.country) {
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {
            said.say(|| {
                Reason::new(
                    "place",
                    "reason-country",
                    vec![("country", ReasonArg::Text(b.to_uppercase()))],
                    format!("both based in {}", b.to_uppercase()),
                )
            });
            0.8
        }
        (Some(_), Some(_)) if us.remote == Some(false) || them.remote == Some(false) => 0.0,
        (Some(_), Some(_)) => 0.2,
        _ => 0.4,
    }
}

fn language(us: &Side<'_>, them: &Side<'_>, same: Option<Language>, said: &mut Said) -> f32 {
    let shared = || {
        us.languages
            .iter()
            .copied()
            .filter(|l| them.languages.contains(l))
    };
    if shared().next().is_some() {
        said.say(|| {
            let names: Vec<&str> = shared().map(|l| l.name()).collect();
            Reason::new(
                "language",
                "reason-languages",
                vec![(
                    "languages",
                    ReasonArg::Languages(shared().map(|l| l.code()).collect()),
                )],
                format!("you both work in {}", list(&names)),
            )
        });
        return 1.0;
    }
    if same.is_some() {
        return 1.0;
    }
    if us.languages.is_empty() || them.languages.is_empty() {
        0.5
    } else {
        0.0
    }
}

fn deadline(them: &Side<'_>, today: NaiveDate, said: &mut Said) -> f32 {
    let Some(d) = them.deadline else {
        return 1.0;
    };
    let days = (d - today).num_days();
    let part = (days as f32 / COMFORTABLE_DAYS).clamp(0.3, 1.0);
    if days <= NEAR_DEADLINE_DAYS {
        said.say(|| {
            Reason::new(
                "deadline",
                "reason-deadline",
                vec![("days", ReasonArg::Count(days))],
                match days {
                    0 => "their deadline is today".to_string(),
                    1 => "their deadline is tomorrow".to_string(),
                    n => format!("their deadline is in {n} days"),
                },
            )
        });
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said() -> Said {
        Said::new(true)
    }

    fn side(kind: ProposalKind) -> Side<'static> {
        Side {
            kind,
            place: None,
            remote: None,
            deadline: None,
            published: NaiveDate::from_ymd_opt(2026, 11, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("date"),
            language: None,
            country: None,
            languages: &[],
            stage: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    #[test]
    fn parts_sum_to_the_score_and_text_weighs_most() {
        let us = side(ProposalKind::Need);
        let them = side(ProposalKind::Offer);
        let e = Evidence {
            text: 0.5,
            shared_words: vec!["hosting"],
            ..Default::default()
        };
        let s = score(&us, &them, &e, today(), false);
        assert!((s.score - s.parts.total()).abs() < 1e-6);
        assert!((s.parts.text - 0.30).abs() < 1e-6);
        assert_eq!(s.reasons[0].text, "they offer hosting");
        let more = score(
            &us,
            &them,
            &Evidence {
                text: 0.6,
                ..e.clone()
            },
            today(),
            false,
        );
        assert!(more.score > s.score);
    }

    #[test]
    fn no_score_is_above_the_best_its_text_allows() {
        // Every other part at its best: the same town, a shared language,
        // no deadline, published today, both ways, a pairing.
        let languages = [Language::Spanish];
        let published = today().and_hms_opt(0, 0, 0).expect("time");
        let us = Side {
            place: Some("Rosario"),
            languages: &languages,
            stage: Some(Stage::StartCoop),
            ..side(ProposalKind::Need)
        };
        let them = Side {
            place: Some("Rosario"),
            language: Some(Language::Spanish),
            languages: &languages,
            published,
            stage: Some(Stage::Established),
            ..side(ProposalKind::Offer)
        };
        for text in [0.1, 0.5, 1.0] {
            let e = Evidence {
                text,
                shared_tags: vec!["#rust"],
                fewer_tags: 1,
                reciprocal: Some("Accounting"),
                ..Default::default()
            };
            let s = score(&us, &them, &e, today(), true);
            assert!((s.score - best_possible(text)).abs() < 1e-6, "{s:?}");
        }
    }

    #[test]
    fn reasons_speak_from_the_asking_coop() {
        let spanish = [Language::Spanish, Language::English];
        let us = Side {
            languages: &spanish,
            stage: Some(Stage::StartCoop),
            ..side(ProposalKind::Need)
        };
        let only_spanish = [Language::Spanish];
        let them = Side {
            language: Some(Language::Spanish),
            languages: &only_spanish,
            remote: Some(true),
            stage: Some(Stage::Established),
            ..side(ProposalKind::Offer)
        };
        let e = Evidence {
            text: 0.4,
            shared_words: vec!["hosting", "servers"],
            shared_tags: vec!["#rust"],
            fewer_tags: 1,
            reciprocal: Some("Accounting for a small coop"),
            across: None,
        };
        let s = score(&us, &them, &e, today(), true);
        let texts: Vec<&str> = s.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "they offer hosting and servers in Spanish",
                "both tagged #rust",
                "they can work remotely",
                "you both work in Spanish",
                "you also offer what they need: \u{201c}Accounting for a small coop\u{201d}",
                "they are an established coop and you are a start-coop",
            ]
        );
        assert!((s.parts.reciprocity - RECIPROCITY_WEIGHT).abs() < 1e-6);
        assert!((s.parts.pairing - PAIRING_WEIGHT).abs() < 1e-6);
        // Without the preference there is no pairing boost.
        let off = score(&us, &them, &e, today(), false);
        assert_eq!(off.parts.pairing, 0.0);
        assert!((s.score - off.score - PAIRING_WEIGHT).abs() < 1e-6);
    }

    #[test]
    fn place_prefers_the_same_town_then_remote_then_the_same_country() {
        let mut us = side(ProposalKind::Need);
        let mut them = side(ProposalKind::Offer);
        us.place = Some("Rosario, AR");
        them.place = Some("rosario");
        assert_eq!(place(&us, &them, &mut said()), 1.0);
        them.place = Some("Córdoba, AR");
        them.remote = Some(true);
        assert_eq!(place(&us, &them, &mut said()), 0.9);
        them.remote = Some(false);
        us.country = Some("AR");
        them.country = Some("ar");
        assert_eq!(place(&us, &them, &mut said()), 0.8);
        them.country = Some("UY");
        assert_eq!(place(&us, &them, &mut said()), 0.0);
        assert_eq!(
            place(
                &side(ProposalKind::Need),
                &side(ProposalKind::Offer),
                &mut said()
            ),
            0.4
        );
    }

    #[test]
    fn near_deadlines_are_said_and_lower_the_part() {
        let mut them = side(ProposalKind::Offer);
        assert_eq!(deadline(&them, today(), &mut said()), 1.0);
        them.deadline = today().succ_opt();
        let mut why = said();
        assert_eq!(deadline(&them, today(), &mut why), 0.3);
        let texts: Vec<&str> = why.reasons.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["their deadline is tomorrow"]);
        them.deadline = Some(today() + chrono::Days::new(60));
        let mut why = said();
        assert_eq!(deadline(&them, today(), &mut why), 1.0);
        assert!(why.reasons.is_empty());
    }

    #[test]
    fn fresh_proposals_score_higher_than_old_ones() {
        let us = side(ProposalKind::Need);
        let fresh = Side {
            published: today().and_hms_opt(0, 0, 0).expect("t"),
            ..side(ProposalKind::Offer)
        };
        let old = Side {
            published: NaiveDate::from_ymd_opt(2025, 11, 22)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("t"),
            ..side(ProposalKind::Offer)
        };
        let e = Evidence::default();
        let a = score(&us, &fresh, &e, today(), false);
        let b = score(&us, &old, &e, today(), false);
        assert!(a.parts.freshness > b.parts.freshness);
        assert!(a.reasons.iter().any(|r| r.code == "fresh"));
    }

    #[test]
    fn the_score_alone_is_the_score_put_in_words() {
        let languages = [Language::Spanish];
        let us = Side {
            place: Some("Rosario"),
            languages: &languages,
            ..side(ProposalKind::Need)
        };
        let them = Side {
            place: Some("Rosario"),
            languages: &languages,
            deadline: today().succ_opt(),
            ..side(ProposalKind::Offer)
        };
        let e = Evidence {
            text: 0.4,
            shared_words: vec!["hosting"],
            shared_tags: vec!["#rust"],
            fewer_tags: 2,
            reciprocal: Some("Accounting"),
            across: Some(Category::Knowledge),
        };
        let full = score(&us, &them, &e, today(), true);
        assert!(full.reasons.len() >= 5, "{full:?}");
        assert_eq!(score_only(&us, &them, &e, today(), true), full.score);
    }

    #[test]
    fn a_shared_tag_is_evidence_enough() {
        assert!(!is_evidence(&Evidence::default()));
        assert!(is_evidence(&Evidence {
            shared_tags: vec!["#rust"],
            ..Default::default()
        }));
        assert!(is_evidence(&Evidence {
            text: MIN_TEXT,
            ..Default::default()
        }));
    }
}
