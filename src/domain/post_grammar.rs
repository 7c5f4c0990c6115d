//! Needs and offers written as posts from Mastodon apps: `#need` or `#offer`,
//! one category hashtag, the first line the title, the rest the
//! description, other hashtags its tags. The words are taken in English,
//! Spanish, Portuguese, Catalan and French.

use super::proposal::{Category, ProposalKind};
use super::validate::ValidationError;

/// The rule in one sentence, as apps show a refusal.
pub const GRAMMAR: &str = "To post a need or an offer, write #need or #offer and one category \
     hashtag (#financial, #human, #technical, #knowledge or #work): the first line is the \
     title, the rest the description, and other hashtags become its tags.";

/// A post read as a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedProposal {
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    /// Markdown, as the post's lines after the first.
    pub description: String,
    /// Lower-case, without `#`, in order of appearance, without repeats.
    pub tags: Vec<String>,
}

const NEED: &[&str] = &[
    "need",
    "needs",
    "coopneed",
    "necesidad",
    "necesito",
    "necessidade",
    "necessitat",
    "besoin",
];
const OFFER: &[&str] = &["offer", "offers", "coopoffer", "oferta", "ofrezco", "offre"];
const CATEGORIES: &[(Category, &[&str])] = &[
    (
        Category::Financial,
        &[
            "financial",
            "finance",
            "financiero",
            "financiera",
            "financeiro",
            "financeira",
            "financer",
            "financera",
            "financier",
            "financière",
        ],
    ),
    (
        Category::Human,
        &["human", "humano", "humana", "humà", "humain", "humaine"],
    ),
    (
        Category::Technical,
        &[
            "technical",
            "tech",
            "técnico",
            "tecnico",
            "técnica",
            "tecnica",
            "tècnic",
            "tècnica",
            "technique",
        ],
    ),
    (
        Category::Knowledge,
        &[
            "knowledge",
            "conocimiento",
            "conhecimento",
            "coneixement",
            "connaissance",
            "savoir",
        ],
    ),
    (
        Category::Work,
        &["work", "trabajo", "trabalho", "treball", "travail"],
    ),
];

/// The kind a hashtag names, in any of the languages.
pub fn kind_of_tag(tag: &str) -> Option<ProposalKind> {
    let tag = tag.trim_start_matches('#').to_lowercase();
    if NEED.contains(&tag.as_str()) {
        Some(ProposalKind::Need)
    } else if OFFER.contains(&tag.as_str()) {
        Some(ProposalKind::Offer)
    } else {
        None
    }
}

/// The category a hashtag names, in any of the languages.
pub fn category_of_tag(tag: &str) -> Option<Category> {
    let tag = tag.trim_start_matches('#').to_lowercase();
    CATEGORIES
        .iter()
        .find(|(_, words)| words.contains(&tag.as_str()))
        .map(|(c, _)| *c)
}

/// A word of a post: a hashtag (without `#`) or anything else.
enum Word<'a> {
    /// The tag, and the word as written without its `#` ("hosting,").
    Hashtag(&'a str, &'a str),
    Other(&'a str),
}

fn words(line: &str) -> Vec<Word<'_>> {
    line.split_whitespace()
        .map(|w| match w.strip_prefix('#') {
            // `#tag,` or `#tag.`: the punctuation is not part of the tag.
            Some(rest) => {
                let tag = rest.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_'));
                if !tag.is_empty()
                    && tag
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                {
                    Word::Hashtag(tag, rest)
                } else {
                    Word::Other(w)
                }
            }
            None => Word::Other(w),
        })
        .collect()
}

fn refuse(why: &str) -> ValidationError {
    ValidationError::new("status", format!("{why}. {GRAMMAR}"))
}

/// Reads a post. Hashtags naming the kind and category are taken out of
/// the text; other hashtags become tags, and a run of them at the end of a
/// line is taken out too (a hashtag inside a sentence stays as its word).
pub fn parse(text: &str) -> Result<PostedProposal, ValidationError> {
    let mut kinds: Vec<ProposalKind> = Vec::new();
    let mut categories: Vec<Category> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let words = words(line);
        if !words.iter().any(|w| matches!(w, Word::Hashtag(..))) {
            // Untouched, so Markdown's indentation stays.
            lines.push(line.trim_end().to_string());
            continue;
        }
        let mut kept: Vec<String> = Vec::new();
        let mut trailing_tags = 0usize;
        for word in words {
            match word {
                Word::Hashtag(tag, written) => {
                    if let Some(k) = kind_of_tag(tag) {
                        if !kinds.contains(&k) {
                            kinds.push(k);
                        }
                    } else if let Some(c) = category_of_tag(tag) {
                        if !categories.contains(&c) {
                            categories.push(c);
                        }
                    } else {
                        let tag = tag.to_lowercase();
                        if !tags.contains(&tag) {
                            tags.push(tag.clone());
                        }
                        kept.push(written.to_string());
                        trailing_tags += 1;
                    }
                }
                Word::Other(w) => {
                    kept.push(w.to_string());
                    trailing_tags = 0;
                }
            }
        }
        kept.truncate(kept.len() - trailing_tags);
        lines.push(kept.join(" "));
    }
    let kind = match kinds.as_slice() {
        [k] => *k,
        [] => return Err(refuse("This post has no #need or #offer")),
        _ => return Err(refuse("A post is either a #need or an #offer, not both")),
    };
    let category = match categories.as_slice() {
        [c] => *c,
        [] => return Err(refuse("This post has no category hashtag")),
        _ => return Err(refuse("A post has one category hashtag")),
    };
    let mut lines = lines.into_iter().skip_while(|l| l.trim().is_empty());
    let title = lines.next().unwrap_or_default().trim().to_string();
    if title.is_empty() {
        return Err(refuse("The first line (the title) is empty"));
    }
    let description = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    Ok(PostedProposal {
        kind,
        category,
        title,
        description,
        tags,
    })
}

/// A proposal written back as a post that [`parse`] reads as the same
/// proposal (what apps edit, and "delete and redraft").
pub fn source(
    kind: ProposalKind,
    category: Category,
    title: &str,
    description: &str,
    tags: &[String],
) -> String {
    let mut hashtags = vec![
        format!("#{}", kind.as_str()),
        format!("#{}", category.as_str()),
    ];
    hashtags.extend(tags.iter().map(|t| format!("#{t}")));
    let mut text = title.to_string();
    if !description.is_empty() {
        text.push_str("\n\n");
        text.push_str(description);
    }
    text.push_str("\n\n");
    text.push_str(&hashtags.join(" "));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_need_with_its_category_title_description_and_tags() {
        let p = parse(
            "Rust developer, 20 h/week #need #human #rust\n\nThree months, **remote**.\nFor a #Hosting client.",
        )
        .unwrap();
        assert_eq!(p.kind, ProposalKind::Need);
        assert_eq!(p.category, Category::Human);
        assert_eq!(p.title, "Rust developer, 20 h/week");
        assert_eq!(
            p.description,
            "Three months, **remote**.\nFor a Hosting client."
        );
        assert_eq!(p.tags, ["rust", "hosting"]);
    }

    #[test]
    fn the_words_in_other_languages_and_any_case() {
        for (text, kind, category) in [
            (
                "Servidor #Oferta #Técnico",
                ProposalKind::Offer,
                Category::Technical,
            ),
            (
                "Formação #necessidade #conhecimento",
                ProposalKind::Need,
                Category::Knowledge,
            ),
            (
                "Feina #oferta #treball",
                ProposalKind::Offer,
                Category::Work,
            ),
            (
                "Prêt #besoin #financier",
                ProposalKind::Need,
                Category::Financial,
            ),
            (
                "Gente #NECESIDAD #humana",
                ProposalKind::Need,
                Category::Human,
            ),
        ] {
            let p = parse(text).unwrap();
            assert_eq!((p.kind, p.category), (kind, category), "{text}");
            assert!(p.tags.is_empty(), "{text}: {:?}", p.tags);
        }
    }

    #[test]
    fn tags_may_stand_on_a_line_of_their_own_and_punctuation_is_not_part_of_them() {
        let p =
            parse("#offer #technical\nHosting for coops\nIn Rosario. #hosting, #linux.").unwrap();
        assert_eq!(p.title, "Hosting for coops");
        assert_eq!(p.description, "In Rosario.");
        assert_eq!(p.tags, ["hosting", "linux"]);
    }

    #[test]
    fn the_source_of_a_proposal_reads_back_as_the_same_proposal() {
        let tags = vec!["rust".to_string(), "hosting".to_string()];
        let text = source(
            ProposalKind::Offer,
            Category::Work,
            "Two developers",
            "For **three** months.\n\n- remote",
            &tags,
        );
        let p = parse(&text).unwrap();
        assert_eq!(
            (
                p.kind,
                p.category,
                p.title.as_str(),
                p.description.as_str(),
                p.tags
            ),
            (
                ProposalKind::Offer,
                Category::Work,
                "Two developers",
                "For **three** months.\n\n- remote",
                tags
            )
        );
    }

    #[test]
    fn posts_outside_the_grammar_are_refused_with_the_rule() {
        for text in [
            "Just saying hello",
            "#need but no category",
            "#human but no kind",
            "#need #offer #human both kinds",
            "#need #human #work two categories",
            "#need #human",
        ] {
            let e = parse(text).unwrap_err();
            assert!(
                e.to_string().contains("#need or #offer and one category"),
                "{text}: {e}"
            );
        }
    }
}
