//! The in-memory index over every open proposal the node knows, local and
//! remote. Postings are kept per (kind, category): a need walks the offers
//! of the categories that answer it first, and those of the others at less
//! weight (the category is a hint, docs/matching.md); a change updates only
//! the proposal's own postings. The service owns one index and feeds it.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use chrono::NaiveDate;

use super::analyze::{fold, Analyzed, Analyzer, Text};
use super::categories::{compatible, direct, opposite};
use super::document::{CoopFacts, Document};
use super::language::Language;
use super::score::{self, Evidence, Parts, Reason, Side};
use crate::domain::proposal::{Category, ProposalKind};

/// Candidates by text similarity that are scored in full.
const RERANK: usize = 300;
/// Postings walked to gather candidates (about a millisecond's work).
const POSTINGS_BUDGET: usize = 150_000;
/// How much a candidate of a category that is not a direct fit counts while
/// gathering: it must say more to be among the best reranked.
const ACROSS: f32 = 0.6;
/// Postings walked for those candidates, after the direct fits' budget.
const ACROSS_BUDGET: usize = 30_000;
/// Two proposals of the same two coops this similar make a match the other
/// way round (reciprocity).
const RECIPROCAL_TEXT: f32 = 0.15;
/// Proposals per coop looked at for reciprocity (bounds the work for coops
/// with very many).
const RECIPROCAL_SCAN: usize = 64;
/// Words named in a reason.
const REASON_WORDS: usize = 3;
/// Pairs of words that mean the same named per match at most.
const REASON_PAIRS: usize = 2;

#[derive(Debug, Clone)]
pub struct MatchOptions {
    pub limit: usize,
    /// Proposals whose deadline is before this day are left out; freshness
    /// and deadlines are counted from it.
    pub today: NaiveDate,
    /// The asking coop prefers pairing start-coops with established ones.
    pub pairing: bool,
}

/// A proposal that may answer the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub key: String,
    pub coop: String,
    pub score: f32,
    pub parts: Parts,
    pub reasons: Vec<Reason>,
}

#[derive(Clone, Copy)]
struct Posting {
    slot: u32,
    weight: f32,
}

struct Entry {
    key: Box<str>,
    coop: u32,
    kind: ProposalKind,
    category: Category,
    title: Box<str>,
    /// (term, weight), sorted by term.
    terms: Box<[(u32, f32)]>,
    /// The words and concepts only the tags gave, sorted: across
    /// categories, only what the texts themselves say is evidence.
    tag_words: Box<[u32]>,
    place: Option<Box<str>>,
    remote: Option<bool>,
    deadline: Option<NaiveDate>,
    published: chrono::NaiveDateTime,
    language: Option<Language>,
}

struct Coop {
    key: Box<str>,
    facts: CoopFacts,
    languages: Vec<Language>,
    slots: Vec<u32>,
}

#[derive(Default)]
struct Vocabulary {
    ids: HashMap<Box<str>, u32>,
    /// A readable word per term (the first seen).
    surfaces: Vec<Box<str>>,
    /// In how many indexed proposals each term is.
    df: Vec<u32>,
    /// What each term is, kept beside it so that telling does not read
    /// its surface (a pointer away).
    class: Vec<TermClass>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TermClass {
    Word,
    /// `#tag`
    Tag,
    /// A concept of the lexicon (`~hosting`): a meaning shared across
    /// languages.
    Concept,
}

impl Vocabulary {
    fn intern(&mut self, key: &str, surface: &str) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.surfaces.len() as u32;
        self.ids.insert(key.into(), id);
        self.surfaces.push(surface.into());
        self.df.push(0);
        self.class.push(match key.as_bytes().first() {
            Some(b'#') => TermClass::Tag,
            Some(b'~') => TermClass::Concept,
            _ => TermClass::Word,
        });
        id
    }

    fn is_tag(&self, term: u32) -> bool {
        self.class[term as usize] == TermClass::Tag
    }

    fn is_concept(&self, term: u32) -> bool {
        self.class[term as usize] == TermClass::Concept
    }
}

fn partition(kind: ProposalKind, category: Category) -> usize {
    let k = match kind {
        ProposalKind::Need => 0,
        ProposalKind::Offer => 1,
    };
    let c = Category::ALL
        .iter()
        .position(|x| *x == category)
        .unwrap_or(0);
    k * Category::ALL.len() + c
}

thread_local! {
    /// Per-thread accumulator: a score per slot and the slots touched.
    static SCRATCH: RefCell<(Vec<f32>, Vec<u32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

pub struct Index {
    analyzer: Analyzer,
    entries: Vec<Option<Entry>>,
    /// Length of each entry's weighted vector, by slot.
    norms: Vec<f32>,
    /// Length of the part of it that is concepts, by slot.
    meaning_norms: Vec<f32>,
    free: Vec<u32>,
    by_key: HashMap<Box<str>, u32>,
    vocabulary: Vocabulary,
    postings: Vec<HashMap<u32, Vec<Posting>>>,
    coops: Vec<Coop>,
    coop_ids: HashMap<Box<str>, u32>,
    live: usize,
}

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

impl Index {
    pub fn new() -> Self {
        Index {
            analyzer: Analyzer::new(),
            entries: Vec::new(),
            norms: Vec::new(),
            meaning_norms: Vec::new(),
            free: Vec::new(),
            by_key: HashMap::default(),
            vocabulary: Vocabulary::default(),
            postings: (0..2 * Category::ALL.len())
                .map(|_| HashMap::default())
                .collect(),
            coops: Vec::new(),
            coop_ids: HashMap::default(),
            live: 0,
        }
    }

    /// How many proposals are indexed.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn contains(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// The title of an indexed proposal.
    pub fn title(&self, key: &str) -> Option<&str> {
        let &slot = self.by_key.get(key)?;
        self.entry(slot).map(|e| &*e.title)
    }

    /// The key of the coop of an indexed proposal.
    pub fn coop_of(&self, key: &str) -> Option<&str> {
        let &slot = self.by_key.get(key)?;
        self.entry(slot).map(|e| &*self.coops[e.coop as usize].key)
    }

    /// The keys of a coop's indexed proposals of one kind.
    pub fn proposals_of_kind(&self, coop: &str, kind: ProposalKind) -> Vec<String> {
        self.coop_ids
            .get(coop)
            .map(|&c| {
                self.coops[c as usize]
                    .slots
                    .iter()
                    .filter_map(|&s| self.entry(s))
                    .filter(|e| e.kind == kind)
                    .map(|e| e.key.to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The keys of a coop's indexed proposals.
    pub fn proposals_of(&self, coop: &str) -> Vec<String> {
        self.coop_ids
            .get(coop)
            .map(|&c| {
                self.coops[c as usize]
                    .slots
                    .iter()
                    .filter_map(|&s| self.entry(s).map(|e| e.key.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn entry(&self, slot: u32) -> Option<&Entry> {
        self.entries.get(slot as usize).and_then(Option::as_ref)
    }

    fn coop_id(&mut self, key: &str) -> u32 {
        if let Some(&id) = self.coop_ids.get(key) {
            return id;
        }
        let id = self.coops.len() as u32;
        self.coops.push(Coop {
            key: key.into(),
            facts: CoopFacts::default(),
            languages: Vec::new(),
            slots: Vec::new(),
        });
        self.coop_ids.insert(key.into(), id);
        id
    }

    /// Sets what matching knows about a coop (its proposals keep theirs).
    pub fn set_coop(&mut self, key: &str, facts: CoopFacts) {
        let id = self.coop_id(key) as usize;
        self.coops[id].languages = facts.known_languages();
        self.coops[id].facts = facts;
    }

    /// Removes a coop's proposals (its entry stays, empty, for reuse).
    pub fn remove_coop(&mut self, key: &str) -> usize {
        let keys = self.proposals_of(key);
        keys.iter().filter(|k| self.remove(k)).count()
    }

    fn idf(&self, term: u32) -> f32 {
        let df = self.vocabulary.df[term as usize].max(1) as f32;
        (1.0 + self.live.max(1) as f32 / df).ln()
    }

    fn norm(&self, terms: &[(u32, f32)]) -> f32 {
        terms
            .iter()
            .map(|&(t, w)| (w * self.idf(t)).powi(2))
            .sum::<f32>()
            .sqrt()
            .max(f32::MIN_POSITIVE)
    }

    fn meaning_norm(&self, terms: &[(u32, f32)]) -> f32 {
        terms
            .iter()
            .filter(|t| self.vocabulary.is_concept(t.0))
            .map(|&(t, w)| (w * self.idf(t)).powi(2))
            .sum::<f32>()
            .sqrt()
    }

    /// Adds a proposal, or replaces the one with the same key.
    pub fn upsert(&mut self, doc: &Document) {
        let analyzed = self.analyze(doc);
        self.insert(doc, analyzed);
    }

    /// Adds many proposals, analysing them on every core (start-up).
    pub fn upsert_many(&mut self, docs: &[Document]) {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let chunk = docs.len().div_ceil(threads).max(1);
        let this = &*self;
        let analyzed: Vec<Analyzed> = std::thread::scope(|scope| {
            let workers: Vec<_> = docs
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || part.iter().map(|d| this.analyze(d)).collect::<Vec<_>>())
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for (doc, a) in docs.iter().zip(analyzed) {
            self.insert(doc, a);
        }
    }

    fn analyze(&self, doc: &Document) -> Analyzed {
        let fallback = self
            .coop_ids
            .get(doc.coop.as_str())
            .and_then(|&c| self.coops[c as usize].languages.first().copied());
        self.analyzer.analyze(&Text {
            title: &doc.title,
            description: &doc.description,
            tags: &doc.tags,
            language: doc.language,
            fallback,
        })
    }

    fn insert(&mut self, doc: &Document, analyzed: Analyzed) {
        self.remove(&doc.key);
        let coop = self.coop_id(&doc.coop);
        let mut terms: Vec<(u32, f32)> = analyzed
            .terms
            .iter()
            .map(|t| (self.vocabulary.intern(&t.key, &t.surface), t.weight))
            .collect();
        terms.sort_by_key(|t| t.0);
        let mut tag_words: Vec<u32> = analyzed
            .terms
            .iter()
            .filter(|t| t.from_tags_only)
            .filter_map(|t| self.vocabulary.ids.get(t.key.as_str()).copied())
            .filter(|&t| !self.vocabulary.is_tag(t))
            .collect();
        tag_words.sort_unstable();
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.entries.push(None);
                self.norms.push(0.0);
                self.meaning_norms.push(0.0);
                (self.entries.len() - 1) as u32
            }
        };
        let list = &mut self.postings[partition(doc.kind, doc.category)];
        for &(term, weight) in &terms {
            self.vocabulary.df[term as usize] += 1;
            list.entry(term).or_default().push(Posting { slot, weight });
        }
        self.live += 1;
        self.norms[slot as usize] = self.norm(&terms);
        self.meaning_norms[slot as usize] = self.meaning_norm(&terms);
        self.entries[slot as usize] = Some(Entry {
            key: doc.key.as_str().into(),
            coop,
            kind: doc.kind,
            category: doc.category,
            title: doc.title.as_str().into(),
            terms: terms.into_boxed_slice(),
            tag_words: tag_words.into_boxed_slice(),
            place: doc.place.as_deref().map(Into::into),
            remote: doc.remote,
            deadline: doc.deadline,
            published: doc.published,
            language: analyzed.language,
        });
        self.by_key.insert(doc.key.as_str().into(), slot);
        self.coops[coop as usize].slots.push(slot);
    }

    /// Removes a proposal; false when it was not indexed.
    pub fn remove(&mut self, key: &str) -> bool {
        let Some(slot) = self.by_key.remove(key) else {
            return false;
        };
        let Some(entry) = self.entries[slot as usize].take() else {
            return false;
        };
        let list = &mut self.postings[partition(entry.kind, entry.category)];
        for &(term, _) in entry.terms.iter() {
            self.vocabulary.df[term as usize] -= 1;
            if let Some(postings) = list.get_mut(&term) {
                if let Some(i) = postings.iter().position(|p| p.slot == slot) {
                    postings.swap_remove(i);
                }
                if postings.is_empty() {
                    list.remove(&term);
                }
            }
        }
        self.coops[entry.coop as usize].slots.retain(|&s| s != slot);
        self.free.push(slot);
        self.live -= 1;
        true
    }

    /// Recomputes every length with today's term frequencies: after a bulk
    /// load, and from time to time as the collection drifts.
    pub fn renormalize(&mut self) {
        for slot in 0..self.entries.len() {
            if let Some(e) = &self.entries[slot] {
                self.norms[slot] = self.norm(&e.terms);
                self.meaning_norms[slot] = self.meaning_norm(&e.terms);
            }
        }
    }

    /// Text similarity of two entries (0 to 1): the better of the two
    /// measures of [`Index::similarities`].
    fn similarity(&self, a: u32, b: u32) -> f32 {
        let (words, meanings) = self.similarities(a, b);
        words.max(meanings)
    }

    /// Two measures of how alike two entries' texts are:
    /// - words: the cosine of their idf-weighted terms;
    /// - meanings: the cosine of their concepts alone, leaving out the
    ///   words that only one of their languages has (which otherwise make
    ///   two texts in two languages look unlike whatever they mean),
    ///   counted by the square root of how much of the less covered text
    ///   its concepts make up, so a single shared concept in a long text
    ///   does not pass for agreement (docs/matching.md, "Meaning").
    fn similarities(&self, a: u32, b: u32) -> (f32, f32) {
        self.similarities_over(a, b, |_, _, _| true)
    }

    /// The similarity of what two proposals' titles and descriptions say,
    /// leaving out what only their tags bring.
    fn text_similarity(&self, a: u32, b: u32) -> f32 {
        let (words, meaning) = self.similarities_over(a, b, |t, x, y| {
            !self.vocabulary.is_tag(t)
                && x.tag_words.binary_search(&t).is_err()
                && y.tag_words.binary_search(&t).is_err()
        });
        words.max(meaning)
    }

    /// [`Self::similarities`] over the shared terms `keep` keeps (the norms
    /// stay those of the whole texts).
    fn similarities_over(
        &self,
        a: u32,
        b: u32,
        keep: impl Fn(u32, &Entry, &Entry) -> bool,
    ) -> (f32, f32) {
        let (Some(x), Some(y)) = (self.entry(a), self.entry(b)) else {
            return (0.0, 0.0);
        };
        let (mut dot, mut meaning) = (0.0, 0.0);
        for (t, wa, wb) in shared(&x.terms, &y.terms).filter(|s| keep(s.0, x, y)) {
            let d = wa * wb * self.idf(t).powi(2);
            dot += d;
            if self.vocabulary.is_concept(t) {
                meaning += d;
            }
        }
        let (na, nb) = (self.norms[a as usize], self.norms[b as usize]);
        let (ma, mb) = (
            self.meaning_norms[a as usize],
            self.meaning_norms[b as usize],
        );
        let words = dot / (na * nb);
        if ma <= 0.0 || mb <= 0.0 {
            return (words, 0.0);
        }
        let cover = (ma / na).min(mb / nb);
        (words, meaning / (ma * mb) * cover.sqrt())
    }

    /// The proposals that may answer `key`, best first; `None` when `key`
    /// is not indexed.
    pub fn matches(&self, key: &str, opts: &MatchOptions) -> Option<Vec<Match>> {
        let &slot = self.by_key.get(key)?;
        let q = self.entry(slot)?;
        let candidates = self.candidates(slot, q, opts.today);
        Some(self.rank(slot, q, candidates, opts))
    }

    /// Which of `others` answer `key`, best first, scored and explained as
    /// [`Index::matches`] would, whether or not they are among the best of
    /// the whole index (a facilitator's board weighs a few known
    /// proposals). `None` when `key` is not indexed; keys not indexed, of
    /// the same kind or coop, or past their deadline are left out.
    pub fn matches_among(
        &self,
        key: &str,
        others: &[String],
        opts: &MatchOptions,
    ) -> Option<Vec<Match>> {
        let &slot = self.by_key.get(key)?;
        let q = self.entry(slot)?;
        let candidates = others
            .iter()
            .filter_map(|k| self.by_key.get(k.as_str()).copied())
            .filter(|&s| {
                self.entry(s).is_some_and(|e| {
                    e.kind == opposite(q.kind)
                        && e.coop != q.coop
                        && e.deadline.is_none_or(|d| d >= opts.today)
                })
            })
            .map(|s| (self.similarity(slot, s), s))
            .collect();
        Some(self.rank(slot, q, candidates, opts))
    }

    /// The best `opts.limit` of `candidates` (text similarity, slot) as
    /// answers to the entry `q` at `slot`, with their reasons.
    fn rank(
        &self,
        slot: u32,
        q: &Entry,
        mut candidates: Vec<(f32, u32)>,
        opts: &MatchOptions,
    ) -> Vec<Match> {
        // Best text first: once even the best score a candidate's text
        // allows cannot reach the last of the `limit` best so far, no later
        // one can either, and the rest are not scored (the result is the
        // same).
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let us_coop = &self.coops[q.coop as usize];
        let us = self.side(q, us_coop);
        let our_tags = self.tag_count(q);
        let mut reciprocal: HashMap<u32, Option<u32>> = HashMap::default();
        // (score, slot, text similarity, reciprocal proposal) of each
        // candidate scored; only the best are then put in words.
        let mut kept: Vec<(f32, u32, f32, Option<u32>)> = Vec::new();
        let mut best: Vec<f32> = Vec::with_capacity(opts.limit + 1);
        for (text, c_slot) in candidates {
            if best.len() >= opts.limit
                && best
                    .last()
                    .is_some_and(|&last| score::best_possible(text) < last)
            {
                break;
            }
            let Some(c) = self.entry(c_slot) else {
                continue;
            };
            let text = if direct(q.category, c.category) {
                text
            } else {
                self.text_similarity(slot, c_slot)
            };
            let mut evidence = self.evidence(q, c, text, our_tags, false);
            if !score::is_evidence(&evidence) {
                continue;
            }
            // Looked for only now: it is the costly part, and it does not
            // decide whether there is a match, only how good it is.
            let back = *reciprocal
                .entry(c.coop)
                .or_insert_with(|| self.reciprocal(q, c.coop));
            evidence.reciprocal = back.and_then(|s| self.entry(s)).map(|e| &*e.title);
            let them = self.side(c, &self.coops[c.coop as usize]);
            let scored = score::score_only(&us, &them, &evidence, opts.today, opts.pairing);
            let at = best.partition_point(|&b| b >= scored);
            best.insert(at, scored);
            best.truncate(opts.limit);
            kept.push((scored, c_slot, text, back));
        }
        let key_of = |s: u32| self.entry(s).map_or("", |e| &*e.key);
        kept.sort_by(|a, b| b.0.total_cmp(&a.0).then(key_of(a.1).cmp(key_of(b.1))));
        kept.truncate(opts.limit);
        let mut out: Vec<Match> = Vec::with_capacity(kept.len());
        for (_, c_slot, text, back) in kept {
            let Some(c) = self.entry(c_slot) else {
                continue;
            };
            let them_coop = &self.coops[c.coop as usize];
            let mut evidence = self.evidence(q, c, text, our_tags, true);
            evidence.reciprocal = back.and_then(|s| self.entry(s)).map(|e| &*e.title);
            let them = self.side(c, them_coop);
            let scored = score::score(&us, &them, &evidence, opts.today, opts.pairing);
            out.push(Match {
                key: c.key.to_string(),
                coop: them_coop.key.to_string(),
                score: scored.score,
                parts: scored.parts,
                reasons: scored.reasons,
            });
        }
        self.say_same_meanings(q, &mut out);
        out
    }

    /// What `q` and `c` have in common, with a text similarity `text`
    /// (already the texts' own across categories); the shared words, which
    /// only reasons need, when `words`.
    fn evidence<'a>(
        &'a self,
        q: &Entry,
        c: &Entry,
        text: f32,
        our_tags: usize,
        words: bool,
    ) -> Evidence<'a> {
        let mut shared_words: Vec<(f32, &str)> = Vec::new();
        let mut tags: Vec<&str> = Vec::new();
        for (t, wq, wc) in shared(&q.terms, &c.terms) {
            let surface = &*self.vocabulary.surfaces[t as usize];
            if self.vocabulary.is_tag(t) {
                tags.push(surface);
            } else if words {
                shared_words.push((wq * wc * self.idf(t).powi(2), surface));
            }
        }
        shared_words.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        shared_words.truncate(REASON_WORDS);
        Evidence {
            text,
            shared_words: shared_words.into_iter().map(|w| w.1).collect(),
            shared_tags: tags,
            fewer_tags: our_tags.min(self.tag_count(c)),
            reciprocal: None,
            across: (!direct(q.category, c.category)).then_some(c.category),
        }
    }

    fn tag_count(&self, e: &Entry) -> usize {
        e.terms
            .iter()
            .filter(|t| self.vocabulary.is_tag(t.0))
            .count()
    }

    /// Adds to each match, after its `text` reason, which words of the two
    /// titles mean the same though written differently ("Darlehen" and
    /// "préstamo"). Only for the matches kept: it reads the titles again.
    fn say_same_meanings(&self, q: &Entry, out: &mut [Match]) {
        let ours = self.analyzer.concept_words(&q.title, q.language);
        if ours.is_empty() {
            return;
        }
        for m in out {
            let Some(c) = self.by_key.get(m.key.as_str()).and_then(|&s| self.entry(s)) else {
                continue;
            };
            let pairs = self
                .analyzer
                .concept_words(&c.title, c.language)
                .into_iter()
                .filter_map(|(key, theirs)| {
                    let (_, our) = ours.iter().find(|(k, _)| *k == key)?;
                    (fold(our) != fold(theirs)).then(|| score::same_meaning(theirs, our))
                })
                .take(REASON_PAIRS);
            let at = m
                .reasons
                .iter()
                .position(|r| r.code == "text")
                .map_or(0, |i| i + 1);
            let said: Vec<_> = pairs.collect();
            m.reasons.splice(at..at, said);
        }
    }

    fn side<'a>(&'a self, e: &'a Entry, coop: &'a Coop) -> Side<'a> {
        Side {
            kind: e.kind,
            place: e.place.as_deref(),
            remote: e.remote,
            deadline: e.deadline,
            published: e.published,
            language: e.language,
            country: coop.facts.country.as_deref(),
            languages: &coop.languages,
            stage: coop.facts.stage,
        }
    }

    /// Adds to `acc` the partial similarity of the proposals in `lists`
    /// that share the query's rarest terms, walking at most `budget`
    /// postings, each counted `factor` times.
    fn gather(
        &self,
        q: &Entry,
        lists: &[&HashMap<u32, Vec<Posting>>],
        budget: usize,
        factor: f32,
        acc: &mut [f32],
        touched: &mut Vec<u32>,
    ) {
        let mut terms: Vec<(u32, f32, usize)> = q
            .terms
            .iter()
            .map(|&(t, w)| {
                let len = lists.iter().filter_map(|l| l.get(&t)).map(Vec::len).sum();
                (t, w * self.idf(t).powi(2) * factor, len)
            })
            .filter(|t| t.2 > 0)
            .collect();
        terms.sort_by_key(|t| (t.2, t.0));
        let mut spent = 0;
        for &(term, weight, len) in &terms {
            if spent > 0 && spent + len > budget {
                break;
            }
            spent += len;
            for postings in lists.iter().filter_map(|l| l.get(&term)) {
                for p in postings {
                    let a = &mut acc[p.slot as usize];
                    if *a == 0.0 {
                        touched.push(p.slot);
                    }
                    *a += weight * p.weight;
                }
            }
        }
    }

    /// The best candidates by text similarity, of another coop and not past
    /// their deadline. Candidates are gathered through the query's rarest
    /// terms, up to [`POSTINGS_BUDGET`] postings in the categories that
    /// answer and [`ACROSS_BUDGET`] in the others: a term in most proposals
    /// finds little and costs much. The best [`RERANK`] by that partial sum
    /// then get their exact similarity over all terms.
    fn candidates(&self, slot: u32, q: &Entry, today: NaiveDate) -> Vec<(f32, u32)> {
        let target = opposite(q.kind);
        let (direct_lists, across_lists): (Vec<Category>, Vec<Category>) =
            Category::ALL.iter().partition(|&&c| direct(q.category, c));
        let lists = |categories: &[Category]| -> Vec<&HashMap<u32, Vec<Posting>>> {
            categories
                .iter()
                .map(|&c| &self.postings[partition(target, c)])
                .collect()
        };
        let (direct_lists, across_lists) = (lists(&direct_lists), lists(&across_lists));
        let mut found = SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let (acc, touched) = &mut *scratch;
            if acc.len() < self.entries.len() {
                acc.resize(self.entries.len(), 0.0);
            }
            // The categories that answer first, then the others with a
            // budget of their own: they cannot crowd out a direct fit.
            self.gather(q, &direct_lists, POSTINGS_BUDGET, 1.0, acc, touched);
            self.gather(q, &across_lists, ACROSS_BUDGET, ACROSS, acc, touched);
            let mut found = Vec::with_capacity(touched.len());
            for &s in touched.iter() {
                let partial = std::mem::take(&mut acc[s as usize]);
                let Some(e) = self.entry(s) else {
                    continue;
                };
                if e.coop == q.coop || e.deadline.is_some_and(|d| d < today) {
                    continue;
                }
                found.push((partial / self.norms[s as usize], s));
            }
            touched.clear();
            found
        });
        let best = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if found.len() > RERANK {
            found.select_nth_unstable_by(RERANK, best);
            found.truncate(RERANK);
        }
        for c in &mut found {
            c.0 = self.similarity(slot, c.1);
        }
        found
    }

    /// A proposal of `them` that a proposal of `q`'s coop answers in turn
    /// (they need what we offer, or offer what we need).
    fn reciprocal(&self, q: &Entry, them: u32) -> Option<u32> {
        let ours: Vec<u32> = self.coops[q.coop as usize]
            .slots
            .iter()
            .copied()
            .filter(|&s| self.entry(s).is_some_and(|e| e.kind == opposite(q.kind)))
            .take(RECIPROCAL_SCAN)
            .collect();
        let theirs = self.coops[them as usize]
            .slots
            .iter()
            .copied()
            .filter(|&s| self.entry(s).is_some_and(|e| e.kind == q.kind))
            .take(RECIPROCAL_SCAN);
        for b in theirs {
            let eb = self.entry(b)?;
            for &a in &ours {
                let Some(ea) = self.entry(a) else {
                    continue;
                };
                if compatible(ea.kind, ea.category, eb.kind, eb.category)
                    && self.similarity(a, b) >= RECIPROCAL_TEXT
                {
                    return Some(b);
                }
            }
        }
        None
    }
}

/// The terms two sorted lists share, with both weights.
fn shared<'a>(
    a: &'a [(u32, f32)],
    b: &'a [(u32, f32)],
) -> impl Iterator<Item = (u32, f32, f32)> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let out = (a[i].0, a[i].1, b[j].1);
                    i += 1;
                    j += 1;
                    return Some(out);
                }
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::coop::Stage;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    fn doc(key: &str, coop: &str, kind: ProposalKind, category: Category, title: &str) -> Document {
        Document {
            key: key.into(),
            coop: coop.into(),
            kind,
            category,
            title: title.into(),
            description: String::new(),
            tags: Vec::new(),
            place: None,
            remote: None,
            deadline: None,
            published: day(20).and_hms_opt(12, 0, 0).expect("time"),
            language: None,
        }
    }

    fn opts() -> MatchOptions {
        MatchOptions {
            limit: 10,
            today: day(22),
            pairing: false,
        }
    }

    #[test]
    fn matches_among_scores_the_given_offers_even_below_the_best_of_the_index() {
        let mut index = Index::new();
        let tech = Category::Technical;
        index.upsert(&doc(
            "l:need",
            "radio",
            ProposalKind::Need,
            tech,
            "Web hosting for a radio",
        ));
        for i in 0..12 {
            let title = "Web hosting for a community radio station";
            index.upsert(&doc(
                &format!("l:o{i}"),
                &format!("c{i}"),
                ProposalKind::Offer,
                tech,
                title,
            ));
        }
        index.upsert(&doc(
            "l:far",
            "cotech",
            ProposalKind::Offer,
            tech,
            "Hosting servers",
        ));
        index.upsert(&doc(
            "l:mine",
            "radio",
            ProposalKind::Offer,
            tech,
            "Web hosting for a radio",
        ));
        index.upsert(&doc(
            "l:other",
            "x",
            ProposalKind::Need,
            tech,
            "Web hosting for a radio",
        ));
        index.renormalize();
        let top = opts();
        assert!(!keys(&index, "l:need").contains(&"l:far".to_string()));
        let among = |others: &[&str]| -> Vec<String> {
            let others: Vec<String> = others.iter().map(|k| k.to_string()).collect();
            index
                .matches_among("l:need", &others, &top)
                .expect("indexed")
                .into_iter()
                .map(|m| m.key)
                .collect()
        };
        // Scored though ten better ones fill the index's own list.
        assert_eq!(among(&["l:far", "l:o3"]), vec!["l:o3", "l:far"]);
        // Its own coop's, a need and an unknown key are never answers.
        assert!(among(&["l:mine", "l:other", "l:nothing"]).is_empty());
        assert!(index.matches_among("l:unknown", &[], &top).is_none());
    }

    fn keys(index: &Index, key: &str) -> Vec<String> {
        index
            .matches(key, &opts())
            .expect("indexed")
            .into_iter()
            .map(|m| m.key)
            .collect()
    }

    fn sample() -> Index {
        use Category::*;
        use ProposalKind::*;
        let mut index = Index::new();
        index.set_coop(
            "a",
            CoopFacts {
                node: "alpha.example".into(),
                languages: vec!["es".into()],
                ..Default::default()
            },
        );
        for d in [
            doc(
                "need-hosting",
                "a",
                Need,
                Technical,
                "Buscamos alojamiento web para nuestros servidores",
            ),
            doc(
                "offer-hosting",
                "b",
                Offer,
                Technical,
                "Web hosting and server administration",
            ),
            doc(
                "offer-accounting",
                "c",
                Offer,
                Technical,
                "Accounting software for cooperatives",
            ),
            doc(
                "need-hosting-b",
                "b",
                Need,
                Knowledge,
                "Training on web hosting",
            ),
            doc(
                "offer-own",
                "a",
                Offer,
                Technical,
                "Hosting on our own servers",
            ),
            doc(
                "need-people",
                "d",
                Need,
                Human,
                "Two developers for a client project",
            ),
            doc(
                "offer-work",
                "e",
                Offer,
                Work,
                "A client project for developers",
            ),
        ] {
            index.upsert(&d);
        }
        index.renormalize();
        index
    }

    #[test]
    fn a_need_finds_offers_across_languages_and_not_its_own_coop() {
        let index = sample();
        // The Spanish need meets the English offer through shared concepts;
        // the need of the same topic and the coop's own offer are left out.
        assert_eq!(keys(&index, "need-hosting"), vec!["offer-hosting"]);
        let m = &index.matches("need-hosting", &opts()).expect("indexed")[0];
        assert_eq!(m.coop, "b");
        assert!(m
            .reasons
            .iter()
            .any(|r| r.code == "text" && r.text.starts_with("they offer")));
        assert!((m.score - m.parts.total()).abs() < 1e-6);
        // And the other way round.
        assert_eq!(keys(&index, "offer-hosting"), vec!["need-hosting"]);
    }

    #[test]
    fn texts_in_two_languages_meet_by_their_concepts_whatever_else_they_say() {
        use Category::*;
        use ProposalKind::*;
        let mut index = Index::new();
        let mut need = doc(
            "need",
            "a",
            Need,
            Technical,
            "Buscamos alojamiento web y copias de seguridad para las radios barriales",
        );
        need.description = "Las socias de Rosario mantienen tres sitios vecinales, \
            un foro barrial, la radio comunitaria del barrio Echesortu, la biblioteca \
            popular, el comedor escolar y la feria de artesanas de los sábados. \
            Queremos dejar de depender de un único técnico que vive lejos \
            y cobra en dólares cada vez que algo falla durante el carnaval."
            .into();
        let mut offer = doc(
            "offer",
            "b",
            Offer,
            Technical,
            "Friendly web hosting with nightly backups from Yorkshire",
        );
        offer.description = "Neighbourhood groups, charities, allotment societies, \
            brass bands, food banks and small shops around Leeds and Bradford trust \
            us with their websites and mailing lists. Ask about our sliding-scale \
            prices, our tea-fuelled helpdesk and our annual picnic on the moors \
            near Haworth, where everybody brings sandwiches, flasks and dogs."
            .into();
        // The same concepts, and unrelated words: a text about gardens.
        let unrelated = doc(
            "unrelated",
            "c",
            Offer,
            Technical,
            "Garden tools and seeds for allotments",
        );
        for d in [need, offer, unrelated] {
            index.upsert(&d);
        }
        index.renormalize();
        let (need, offer) = (index.by_key["need"], index.by_key["offer"]);
        let (words, meanings) = index.similarities(need, offer);
        // Each language's own words weigh the word cosine down below what
        // counts as a match; the concepts alone say they are about the same.
        assert!(words < score::MIN_TEXT, "{words}");
        assert!(meanings > score::MIN_TEXT, "{meanings}");
        assert_eq!(keys(&index, "need"), vec!["offer"]);
        let m = &index.matches("need", &opts()).expect("indexed")[0];
        let said = &m.reasons[0].text;
        assert!(
            said.contains("hosting") && said.contains("backup"),
            "{said}"
        );
        // Right after it, which of their words mean which of ours, as
        // written; a word both write alike ("web") is not paired.
        let meaning: Vec<&str> = m
            .reasons
            .iter()
            .filter(|r| r.code == "meaning")
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(m.reasons[1].code, "meaning");
        assert_eq!(
            meaning,
            [
                "their \u{201c}hosting\u{201d} means your \u{201c}alojamiento\u{201d}",
                "their \u{201c}backups\u{201d} means your \u{201c}copias\u{201d}"
            ]
        );
        // Seen from the other side, the other way round.
        let back = &index.matches("offer", &opts()).expect("indexed")[0];
        assert!(back.reasons.iter().any(|r| r.code == "meaning"
            && r.text == "their \u{201c}alojamiento\u{201d} means your \u{201c}hosting\u{201d}"));
    }

    #[test]
    fn a_work_offer_answers_a_human_need() {
        let index = sample();
        assert_eq!(keys(&index, "need-people"), vec!["offer-work"]);
        assert_eq!(keys(&index, "offer-work"), vec!["need-people"]);
    }

    #[test]
    fn an_offer_filed_under_another_category_answers_when_the_texts_meet_and_ranks_below() {
        use Category::*;
        use ProposalKind::*;
        let mut index = Index::new();
        let text = "Bookkeeping, invoices and bank reconciliation for cooperatives";
        for d in [
            doc("need", "a", Need, Human, text),
            doc("same-category", "b", Offer, Human, text),
            doc("other-category", "c", Offer, Knowledge, text),
            // Another category and only a word in common: the category said
            // otherwise and the words do not say enough.
            doc(
                "weak",
                "d",
                Offer,
                Technical,
                "Invoices printed on recycled paper",
            ),
            // Another category and a short text that only its tags tie to
            // the need: tags are no evidence across categories.
            Document {
                tags: [
                    "bookkeeping",
                    "invoices",
                    "bank",
                    "reconciliation",
                    "cooperatives",
                ]
                .map(String::from)
                .to_vec(),
                language: Some(Language::English),
                ..doc("tagged", "e", Offer, Technical, "Printing")
            },
        ] {
            index.upsert(&d);
        }
        index.renormalize();
        let found = index.matches("need", &opts()).expect("indexed");
        let order: Vec<&str> = found.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(order, vec!["same-category", "other-category"]);
        let (same, other) = (&found[0], &found[1]);
        assert_eq!(same.parts.category, 0.0);
        assert!((other.parts.category + score::CATEGORY_PENALTY).abs() < 1e-6);
        assert!((other.score - other.parts.total()).abs() < 1e-6);
        assert!(same.score > other.score);
        let reason = other
            .reasons
            .iter()
            .find(|r| r.code == "category")
            .expect("the category is named");
        assert_eq!(reason.text, "filed under knowledge, but about the same");
        assert!(!same.reasons.iter().any(|r| r.code == "category"));
        // And the other way round.
        assert_eq!(keys(&index, "other-category"), vec!["need"]);
    }

    #[test]
    fn edits_and_removals_update_matches_incrementally() {
        let mut index = sample();
        assert_eq!(index.len(), 7);
        assert!(index.remove("offer-hosting"));
        assert!(!index.remove("offer-hosting"));
        assert!(keys(&index, "need-hosting").is_empty());
        // An edit that now speaks of hosting makes a new match.
        let mut edited = doc(
            "offer-accounting",
            "c",
            ProposalKind::Offer,
            Category::Technical,
            "Hosting for coops, with servers in Europe",
        );
        edited.tags = vec!["hosting".into()];
        index.upsert(&edited);
        assert_eq!(index.len(), 6);
        assert_eq!(keys(&index, "need-hosting"), vec!["offer-accounting"]);
        assert_eq!(index.remove_coop("c"), 1);
        assert!(index.matches("offer-accounting", &opts()).is_none());
        // A removed slot is reused without leaking into other postings.
        index.upsert(&doc(
            "new",
            "f",
            ProposalKind::Offer,
            Category::Technical,
            "Server hosting",
        ));
        assert_eq!(keys(&index, "need-hosting"), vec!["new"]);
    }

    #[test]
    fn past_deadlines_are_left_out() {
        let mut index = sample();
        let mut late = doc(
            "late",
            "g",
            ProposalKind::Offer,
            Category::Technical,
            "Web hosting",
        );
        late.deadline = Some(day(21));
        index.upsert(&late);
        assert!(!keys(&index, "need-hosting").contains(&"late".to_string()));
        late.deadline = Some(day(22));
        index.upsert(&late);
        assert!(keys(&index, "need-hosting").contains(&"late".to_string()));
    }

    #[test]
    fn coops_that_can_help_each_other_both_ways_rank_higher() {
        use Category::*;
        use ProposalKind::*;
        let mut index = Index::new();
        index.upsert(&doc(
            "n",
            "a",
            Need,
            Technical,
            "Web hosting for our servers",
        ));
        index.upsert(&doc(
            "a-offers",
            "a",
            Offer,
            Knowledge,
            "Accounting training for coops",
        ));
        index.upsert(&doc(
            "one-way",
            "b",
            Offer,
            Technical,
            "Web hosting for your servers",
        ));
        index.upsert(&doc(
            "z-both-ways",
            "c",
            Offer,
            Technical,
            "Web hosting for your servers",
        ));
        index.upsert(&doc(
            "c-needs",
            "c",
            Need,
            Knowledge,
            "Training in accounting for our coop",
        ));
        index.renormalize();
        let found = index.matches("n", &opts()).expect("indexed");
        // Same text: only reciprocity puts it first (ties go by key).
        assert_eq!(found[0].key, "z-both-ways");
        assert!(found[0].parts.reciprocity > 0.0);
        assert_eq!(found[1].key, "one-way");
        assert_eq!(found[1].parts.reciprocity, 0.0);
        let why = found[0]
            .reasons
            .iter()
            .find(|r| r.code == "reciprocity")
            .expect("reason");
        assert_eq!(
            why.text,
            "you also offer what they need: \u{201c}Training in accounting for our coop\u{201d}"
        );
    }

    #[test]
    fn the_pairing_preference_lifts_a_start_coop_for_an_established_one() {
        use Category::*;
        use ProposalKind::*;
        let mut index = Index::new();
        let stage = |s| CoopFacts {
            stage: Some(s),
            ..Default::default()
        };
        index.set_coop("start", stage(Stage::StartCoop));
        index.set_coop("old", stage(Stage::Established));
        index.set_coop("young", stage(Stage::StartCoop));
        index.upsert(&doc(
            "n",
            "start",
            Need,
            Knowledge,
            "Mentoring on governance",
        ));
        index.upsert(&doc(
            "z",
            "old",
            Offer,
            Knowledge,
            "Mentoring on governance",
        ));
        index.upsert(&doc(
            "b",
            "young",
            Offer,
            Knowledge,
            "Mentoring on governance",
        ));
        index.renormalize();
        let mut o = opts();
        o.pairing = true;
        let found = index.matches("n", &o).expect("indexed");
        // Same text: only the preference puts the established coop first
        // (ties go by key, which would put "b" first).
        assert_eq!(found[0].key, "z");
        assert!(found[0].parts.pairing > 0.0);
        assert_eq!(found[1].parts.pairing, 0.0);
    }

    #[test]
    fn unknown_keys_have_no_matches() {
        assert!(sample().matches("nope", &opts()).is_none());
    }
}
