//! `cargo run --release --example matching_eval [-- --set main|frozen|study] [--misses]`
//!
//! Prints how well matching finds the pairs a facilitator would make:
//! precision@1, precision@3, recall@10 and mean reciprocal rank.
//! `--set main` (the default) is tests/data/matching/; `frozen` and
//! `study` are the two halves of the meaning set
//! (tests/data/matching/meaning/), asked from their needs. `--misses`
//! also lists the queries whose pairs are not all in their first three.
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use intercoop::infra::matching::eval::{self, Queries};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let set_name = args
        .iter()
        .position(|a| a == "--set")
        .and_then(|i| args.get(i + 1))
        .map_or("main", String::as_str);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/matching");
    let (coops, proposals, queries) = match set_name {
        "main" => ("coops.txt", "proposals.txt", Queries::Both),
        "frozen" => ("meaning/coops.txt", "meaning/frozen.txt", Queries::Needs),
        "study" => ("meaning/coops.txt", "meaning/study.txt", Queries::Needs),
        other => {
            eprintln!("unknown set {other}: main, frozen or study");
            std::process::exit(2)
        }
    };
    let read = |name: &str| {
        std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_else(|e| {
            eprintln!("cannot read {dir}/{name}: {e}");
            std::process::exit(1)
        })
    };
    let set = match eval::parse(&read(coops), &read(proposals)) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("bad evaluation set: {e}");
            std::process::exit(1)
        }
    };
    let figures = eval::evaluate(&set, queries);
    println!(
        "matching evaluation ({set_name}): {} coops, {} proposals, {} facilitator pairs, {} queries",
        set.coops.len(),
        set.documents.len(),
        figures.pairs,
        figures.queries
    );
    println!("  precision@1          {:.3}", figures.precision_at_1);
    println!("  precision@3          {:.3}", figures.precision_at_3);
    println!("  recall@10            {:.3}", figures.recall_at_10);
    println!("  mean reciprocal rank {:.3}", figures.mean_reciprocal_rank);
    if args.iter().any(|a| a == "--misses") {
        for r in &figures.results {
            let top: Vec<&String> = r.found.iter().take(3).collect();
            let wanted = r.expected.len().min(3);
            if top.iter().filter(|k| r.expected.contains(**k)).count() < wanted {
                let mut expected: Vec<&String> = r.expected.iter().collect();
                expected.sort();
                println!("  {}: expected {:?}, found {:?}", r.key, expected, r.found);
            }
        }
    }
}
