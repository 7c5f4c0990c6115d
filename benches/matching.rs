//! `cargo bench --bench matching` — prints figures, asserts nothing.
//!
//! The matching index at 100,000 and 1,000,000 open proposals (10 per coop):
//! the time to build it (what start-up spends), the memory it holds per
//! proposal (resident set growth), and the time to match one new proposal
//! (analyse, index, find and score its matches), median and p95 over 200
//! new proposals; and the search for solidarity circles around 100 coops.
//! The goal (issue 5) is a p95 under 10 ms at one million on
//! one core: run it under `taskset -c 0`. `INTERCOOP_BENCH_PROPOSALS` picks
//! other sizes (comma-separated). No network.
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, NaiveDateTime};
use intercoop::domain::proposal::{Category, ProposalKind};
use intercoop::infra::matching::{circles, CoopFacts, Document, Index, MatchOptions};

#[path = "support/mod.rs"]
mod support;
use support::{ms, percentile, Rng};

const PER_COOP: usize = 10;
const ROUNDS: usize = 200;
const BATCH: usize = 10_000;
const CIRCLE_ROUNDS: usize = 100;
const LANGUAGES: &[&str] = &["es", "en", "pt", "fr", "ca", "it", "de"];
const COUNTRIES: &[&str] = &["AR", "GB", "ES", "BR", "FR", "IT", "DE", "UY", "MX", "PT"];

/// Words proposals are made of: ones the analyzer knows in several
/// languages, then made-up ones, drawn with a Zipf law (the first words are
/// very common, as in real text).
fn vocabulary() -> Vec<String> {
    let known = [
        "hosting",
        "alojamiento",
        "hospedagem",
        "servidores",
        "servers",
        "accounting",
        "contabilidad",
        "training",
        "formación",
        "formação",
        "mentoring",
        "developers",
        "desarrollo",
        "website",
        "sitio",
        "design",
        "diseño",
        "legal",
        "loan",
        "préstamo",
        "translation",
        "traducción",
        "governance",
        "security",
        "seguridad",
        "cloud",
        "database",
        "mobile",
        "marketing",
        "research",
        "audit",
        "network",
        "education",
        "educación",
        "rust",
        "python",
        "elixir",
        "kubernetes",
        "backup",
        "email",
    ];
    let mut words: Vec<String> = known.iter().map(|w| w.to_string()).collect();
    let syllables = [
        "ka", "lo", "mi", "te", "ru", "sa", "vo", "ne", "di", "pa", "zu", "fe",
    ];
    let mut n = 0usize;
    while words.len() < 6_000 {
        let mut w = String::new();
        let mut k = n;
        for _ in 0..3 {
            w.push_str(syllables[k % syllables.len()]);
            k /= syllables.len();
        }
        w.push_str(&format!("{}", n / 1728));
        words.push(w);
        n += 1;
    }
    words
}

struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> usize {
        let max = self.cumulative.last().copied().unwrap_or(1.0);
        let x = (rng.next() % 1_000_000_007) as f64 / 1_000_000_007.0 * max;
        self.cumulative.partition_point(|c| *c < x)
    }
}

struct Generator {
    words: Vec<String>,
    zipf: Zipf,
    rng: Rng,
    start: NaiveDateTime,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        let words = vocabulary();
        Generator {
            zipf: Zipf::new(words.len()),
            words,
            rng: Rng(seed),
            start: NaiveDate::from_ymd_opt(2026, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("date"),
        }
    }

    fn phrase(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.words[self.zipf.sample(&mut self.rng).min(self.words.len() - 1)].clone())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn coop(&mut self, n: usize) -> CoopFacts {
        let lang = n % LANGUAGES.len();
        CoopFacts {
            node: format!("node{}.bench.test", n % 1_000),
            country: Some(COUNTRIES[n % COUNTRIES.len()].into()),
            languages: vec![LANGUAGES[lang].into(), "en".into()],
            stage: None,
        }
    }

    fn document(&mut self, key: String, coop: usize) -> Document {
        let kind = if self.rng.next().is_multiple_of(2) {
            ProposalKind::Need
        } else {
            ProposalKind::Offer
        };
        let category = *self.rng.pick(Category::ALL);
        let title_words = 3 + (self.rng.next() % 4) as usize;
        let description_words = 15 + (self.rng.next() % 25) as usize;
        let tags = (0..self.rng.next() % 4)
            .map(|_| self.words[self.zipf.sample(&mut self.rng).min(200)].clone())
            .collect();
        Document {
            key,
            coop: format!("coop{coop}"),
            kind,
            category,
            title: self.phrase(title_words),
            description: self.phrase(description_words),
            tags,
            place: None,
            remote: Some(!self.rng.next().is_multiple_of(3)),
            deadline: None,
            published: self.start + Days::minutes((self.rng.next() % 460_000) as i64),
            language: None,
        }
    }
}

/// Resident memory of this process, from /proc (Linux); 0 elsewhere.
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

fn run(size: usize) {
    let coops = size.div_ceil(PER_COOP);
    let mut generator = Generator::new(0x5eed_0001 + size as u64);
    let before = resident_bytes();
    let started = Instant::now();
    let mut index = Index::new();
    for c in 0..coops {
        let facts = generator.coop(c);
        index.set_coop(&format!("coop{c}"), facts);
    }
    // In batches, as start-up reads them from the database.
    let mut generating = Duration::ZERO;
    for start in (0..size).step_by(BATCH) {
        let t = Instant::now();
        let docs: Vec<Document> = (start..(start + BATCH).min(size))
            .map(|p| generator.document(format!("p{p}"), p / PER_COOP))
            .collect();
        generating += t.elapsed();
        index.upsert_many(&docs);
    }
    index.renormalize();
    let built = started.elapsed() - generating;
    let grown = resident_bytes().saturating_sub(before);

    let opts = MatchOptions {
        limit: 20,
        today: NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        pairing: true,
    };
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    let mut found = 0usize;
    for r in 0..ROUNDS {
        let doc = generator.document(format!("new{r}"), r % coops);
        let t = Instant::now();
        index.upsert(&doc);
        let matches = index.matches(&doc.key, &opts).unwrap_or_default();
        times.push(t.elapsed());
        found += matches.len();
        index.remove(&doc.key);
    }
    times.sort();

    // Circles around coops spread over the set.
    let mut circle_times: Vec<Duration> = Vec::with_capacity(CIRCLE_ROUNDS);
    let mut rings = 0usize;
    for r in 0..CIRCLE_ROUNDS {
        let coop = format!("coop{}", (r * 7_919) % coops);
        let t = Instant::now();
        let found = circles::circles(&index, &coop, &opts, 20);
        circle_times.push(t.elapsed());
        rings += found.len();
    }
    circle_times.sort();
    println!("  {size} open proposals, {coops} coops");
    println!(
        "    build (start-up)           {:.1} s on {} threads, {} bytes per proposal resident",
        built.as_secs_f64(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        grown / size as u64
    );
    println!(
        "    match one new proposal     median {}  p95 {}  max {}  ({} rounds, {:.1} matches each)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[times.len() - 1]),
        ROUNDS,
        found as f64 / ROUNDS as f64
    );
    println!(
        "    circles around one coop    median {}  p95 {}  ({} coops, {} circles found, up to 20 each)",
        ms(percentile(&circle_times, 0.5)),
        ms(percentile(&circle_times, 0.95)),
        CIRCLE_ROUNDS,
        rings
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::var("INTERCOOP_BENCH_PROPOSALS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000]);
    println!("matching bench");
    for size in sizes {
        run(size);
    }
}
