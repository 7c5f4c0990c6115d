//! Text to weighted terms: words are split, lower-cased, stripped of
//! stop-words, stemmed in their language, folded (accents dropped) and,
//! when the lexicon knows them, replaced by a concept shared across
//! languages ("alojamiento" and "hosting" both become `~hosting`).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

use rust_stemmers::Stemmer;
use unicode_normalization::UnicodeNormalization;

use super::language::{Language, LanguageDetector};

const LEXICON: &str = include_str!("lexicon.txt");

/// Characters of a text that language detection reads: enough to be sure,
/// and detection costs in proportion.
const DETECTION_SAMPLE: usize = 200;
/// Words whose term each thread remembers (common words repeat a lot;
/// stemming them again is most of the analysis). Cleared when full.
const MEMO_WORDS: usize = 100_000;

/// A word in a language → its (key, surface), or `None` for a stop-word.
type Memo = FxHashMap<(Option<Language>, Box<str>), Option<(Box<str>, Box<str>)>>;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(FxHashMap::default());
}

/// How much a word counts by where it is.
const TITLE_WEIGHT: f32 = 2.0;
const DESCRIPTION_WEIGHT: f32 = 1.0;
/// A tag is a deliberate label: it counts as a word of the title and, as
/// `#tag`, as a term of its own.
const TAG_WEIGHT: f32 = 3.0;

/// What a proposal says, as matching reads it.
#[derive(Debug, Clone, Default)]
pub struct Text<'a> {
    pub title: &'a str,
    /// Plain text (Markdown or HTML already reduced to words is fine: tags
    /// and punctuation are split away).
    pub description: &'a str,
    pub tags: &'a [String],
    /// The language the author declared, if any; detected otherwise.
    pub language: Option<Language>,
    /// What the coop says it works in: taken when detection is unsure.
    pub fallback: Option<Language>,
}

/// One term of a text: `~concept`, `#tag` or a folded stem.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub key: String,
    /// A word a person can read in a reason: the concept's name, the tag,
    /// or the first word of the text that gave this stem.
    pub surface: String,
    pub weight: f32,
    /// Whether only the tags gave this term (the `#tag` itself, or a word
    /// or concept that the title and description do not have).
    pub from_tags_only: bool,
}

#[derive(Debug, Clone)]
pub struct Analyzed {
    pub language: Option<Language>,
    /// Distinct terms, heaviest first.
    pub terms: Vec<Term>,
}

struct LanguageKit {
    stemmer: Option<Stemmer>,
    stop: HashSet<String>,
    /// Folded stem in this language → concept.
    concepts: HashMap<String, String>,
}

pub struct Analyzer {
    detector: LanguageDetector,
    kits: HashMap<Language, LanguageKit>,
    /// For text in no known language: folded word → concept.
    unstemmed: HashMap<String, String>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

/// Lower case with accents removed: "Educación" → "educacion".
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a text as written.
fn tokens(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .flat_map(|w| w.split(['\'', '’']))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    tokens(text).map(str::to_lowercase)
}

/// A language tag (or `*`) and its words for one concept.
type LexiconGroup = (String, Vec<String>);

/// Parses the lexicon: `concept | lang: words | lang: words`.
fn lexicon() -> Vec<(String, Vec<LexiconGroup>)> {
    LEXICON
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.split('|');
            let concept = parts.next()?.trim().to_string();
            let groups = parts
                .filter_map(|g| {
                    let (lang, list) = g.split_once(':')?;
                    Some((
                        lang.trim().to_string(),
                        list.split_whitespace().map(str::to_lowercase).collect(),
                    ))
                })
                .collect();
            Some((concept, groups))
        })
        .collect()
}

impl Analyzer {
    pub fn new() -> Self {
        let mut kits: HashMap<Language, LanguageKit> = Language::ALL
            .into_iter()
            .map(|l| {
                let kit = LanguageKit {
                    stemmer: l.stemmer(),
                    stop: l.stop_words().iter().map(|w| w.to_lowercase()).collect(),
                    concepts: HashMap::new(),
                };
                (l, kit)
            })
            .collect();
        let mut unstemmed = HashMap::new();
        for (concept, groups) in lexicon() {
            for (lang, list) in groups {
                let targets: Vec<Language> = if lang == "*" {
                    Language::ALL.to_vec()
                } else {
                    Language::from_tag(&lang).into_iter().collect()
                };
                for word in &list {
                    unstemmed
                        .entry(fold(word))
                        .or_insert_with(|| concept.clone());
                    for l in &targets {
                        if let Some(kit) = kits.get_mut(l) {
                            let stem = kit.stem(word);
                            kit.concepts.entry(stem).or_insert_with(|| concept.clone());
                        }
                    }
                }
            }
        }
        Analyzer {
            detector: LanguageDetector::default(),
            kits,
            unstemmed,
        }
    }

    pub fn detect(&self, text: &str, fallback: Option<Language>) -> Option<Language> {
        self.detector.detect(text, fallback)
    }

    pub fn analyze(&self, text: &Text<'_>) -> Analyzed {
        let language = text.language.or_else(|| {
            let mut sample = format!("{} {}", text.title, text.description);
            if let Some((cut, _)) = sample.char_indices().nth(DETECTION_SAMPLE) {
                sample.truncate(cut);
            }
            self.detector.detect(&sample, text.fallback)
        });
        let kit = language.and_then(|l| self.kits.get(&l));
        let mut terms: Vec<Term> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        // The text is read before the tags: a term first met after this is
        // set comes from the tags alone.
        let in_tags = Cell::new(false);
        let mut add = |key: String, surface: &str, weight: f32| match at.get(&key) {
            Some(&i) => terms[i].weight += weight,
            None => {
                at.insert(key.clone(), terms.len());
                terms.push(Term {
                    key,
                    surface: surface.to_string(),
                    weight,
                    from_tags_only: in_tags.get(),
                });
            }
        };
        let field = |s: &str, weight: f32, add: &mut dyn FnMut(String, &str, f32)| {
            MEMO.with(|memo| {
                let mut memo = memo.borrow_mut();
                for word in words(s) {
                    let memo_key = (language, word.into_boxed_str());
                    if let Some(known) = memo.get(&memo_key) {
                        if let Some((key, surface)) = known {
                            add(key.to_string(), surface, weight);
                        }
                        continue;
                    }
                    let found = self.term(kit, &memo_key.1);
                    if let Some((key, surface)) = &found {
                        add(key.clone(), surface, weight);
                    }
                    if memo.len() >= MEMO_WORDS {
                        memo.clear();
                    }
                    memo.insert(memo_key, found.map(|(k, s)| (k.into(), s.into())));
                }
            })
        };
        field(text.title, TITLE_WEIGHT, &mut add);
        field(text.description, DESCRIPTION_WEIGHT, &mut add);
        in_tags.set(true);
        for tag in text.tags {
            add(format!("#{}", fold(tag)), &format!("#{tag}"), TAG_WEIGHT);
            field(tag, TITLE_WEIGHT, &mut add);
        }
        // Repeats count less than new words: a description that says
        // "hosting" ten times is not ten times about hosting.
        for t in &mut terms {
            t.weight = t.weight.sqrt();
        }
        terms.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.key.cmp(&b.key)));
        Analyzed { language, terms }
    }

    /// The words of `text` (as written) that stand for a concept of the
    /// lexicon, with the concept's term (`~loan`), first one per concept:
    /// what lets a reason say which words of two texts mean the same.
    pub fn concept_words<'t>(
        &self,
        text: &'t str,
        language: Option<Language>,
    ) -> Vec<(String, &'t str)> {
        let kit = language.and_then(|l| self.kits.get(&l));
        let mut out: Vec<(String, &str)> = Vec::new();
        for written in tokens(text) {
            let Some((key, _)) = self.term(kit, &written.to_lowercase()) else {
                continue;
            };
            if key.starts_with('~') && !out.iter().any(|(k, _)| *k == key) {
                out.push((key, written));
            }
        }
        out
    }

    /// The term of one lower-case word, or `None` for a stop-word.
    fn term(&self, kit: Option<&LanguageKit>, word: &str) -> Option<(String, String)> {
        match kit {
            Some(kit) => {
                if kit.stop.contains(word) {
                    return None;
                }
                let stem = kit.stem(word);
                Some(match kit.concepts.get(&stem) {
                    Some(c) => (format!("~{c}"), c.clone()),
                    None => (stem, word.to_string()),
                })
            }
            None => {
                let folded = fold(word);
                if self.kits.values().any(|k| k.stop.contains(word)) {
                    return None;
                }
                Some(match self.unstemmed.get(&folded) {
                    Some(c) => (format!("~{c}"), c.clone()),
                    None => (folded, word.to_string()),
                })
            }
        }
    }
}

impl LanguageKit {
    /// Folds, then stems: "tecnología" and the often typed "tecnologia"
    /// then give the same stem.
    fn stem(&self, word: &str) -> String {
        let folded = fold(word);
        match &self.stemmer {
            Some(s) => s.stem(&folded).into_owned(),
            None => folded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(a: &Analyzer, title: &str, language: Option<Language>) -> Vec<String> {
        let mut k: Vec<String> = a
            .analyze(&Text {
                title,
                language,
                ..Default::default()
            })
            .terms
            .into_iter()
            .map(|t| t.key)
            .collect();
        k.sort();
        k
    }

    #[test]
    fn the_same_need_in_different_languages_shares_its_concepts() {
        let a = Analyzer::new();
        let en = keys(&a, "Web hosting for our servers", Some(Language::English));
        let es = keys(
            &a,
            "Alojamiento web para nuestros servidores",
            Some(Language::Spanish),
        );
        let pt = keys(
            &a,
            "Hospedagem web para os nossos servidores",
            Some(Language::Portuguese),
        );
        let fr = keys(
            &a,
            "Hébergement web pour nos serveurs",
            Some(Language::French),
        );
        let ca = keys(
            &a,
            "Allotjament web per als nostres servidors",
            Some(Language::Catalan),
        );
        for k in [&en, &es, &pt, &fr, &ca] {
            assert!(k.contains(&"~hosting".to_string()), "{k:?}");
            assert!(k.contains(&"~website".to_string()), "{k:?}");
            assert!(k.contains(&"~server".to_string()), "{k:?}");
        }
        // Stop-words are gone; what is left is only the three concepts.
        assert_eq!(es, vec!["~hosting", "~server", "~website"]);
    }

    #[test]
    fn stems_join_word_forms_and_accents_fold() {
        let a = Analyzer::new();
        let one = keys(&a, "Cooperativas de tecnología", Some(Language::Spanish));
        let two = keys(&a, "cooperativa tecnologia", Some(Language::Spanish));
        assert_eq!(one, two);
    }

    #[test]
    fn tags_count_as_themselves_and_as_words() {
        let a = Analyzer::new();
        let tags = vec!["rust".to_string(), "backend".to_string()];
        let out = a.analyze(&Text {
            title: "Backend work",
            tags: &tags,
            language: Some(Language::English),
            ..Default::default()
        });
        let term = |key: &str| out.terms.iter().find(|t| t.key == key).expect(key);
        let (tag, word) = (term("#rust"), term("rust"));
        assert_eq!(tag.surface, "#rust");
        assert!(tag.weight > word.weight - f32::EPSILON);
        // What the tags alone bring is told apart from what the text says.
        assert!(tag.from_tags_only && word.from_tags_only);
        assert!(term("#backend").from_tags_only);
        assert!(!term("backend").from_tags_only && !term("work").from_tags_only);
    }

    #[test]
    fn concept_words_are_kept_as_written_once_per_concept() {
        let a = Analyzer::new();
        let got = a.concept_words("Darlehen für neue Rechner, Kredit", Some(Language::German));
        assert_eq!(got.first(), Some(&("~loan".to_string(), "Darlehen")));
        assert_eq!(got.iter().filter(|(k, _)| k == "~loan").count(), 1);
        assert!(a
            .concept_words("für neue", Some(Language::German))
            .is_empty());
    }

    #[test]
    fn the_language_is_detected_when_not_given() {
        let a = Analyzer::new();
        let out = a.analyze(&Text {
            title: "Buscamos una cooperativa que nos ayude con la contabilidad",
            ..Default::default()
        });
        assert_eq!(out.language, Some(Language::Spanish));
        assert!(out.terms.iter().any(|t| t.key == "~accounting"));
    }

    #[test]
    fn every_lexicon_line_parses_with_three_languages_or_more() {
        for (concept, groups) in lexicon() {
            let langs: HashSet<&str> = groups.iter().map(|(l, _)| l.as_str()).collect();
            assert!(
                langs.contains("*") || langs.len() >= 3,
                "{concept}: {langs:?}"
            );
            for (l, _) in &groups {
                assert!(
                    l == "*" || Language::from_tag(l).is_some(),
                    "{concept}: {l}"
                );
            }
        }
    }
}
