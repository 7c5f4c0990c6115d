//! `cargo run --release --example matching_eval [-- --misses]`
//!
//! Prints how well matching finds the pairs a facilitator would make in
//! the evaluation set (tests/data/matching/): precision@3, recall@10 and
//! mean reciprocal rank. `--misses` also lists the proposals whose pairs
//! are not all in their first three matches.
// A measuring program: it reports on stdout and stops loudly on a broken set-up.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use intercoop::infra::matching::eval;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/matching");
    let read = |name: &str| {
        std::fs::read_to_string(format!("{dir}/{name}")).unwrap_or_else(|e| {
            eprintln!("cannot read {dir}/{name}: {e}");
            std::process::exit(1)
        })
    };
    let set = match eval::parse(&read("coops.txt"), &read("proposals.txt")) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("bad evaluation set: {e}");
            std::process::exit(1)
        }
    };
    let figures = eval::evaluate(&set);
    println!(
        "matching evaluation: {} coops, {} proposals, {} facilitator pairs, {} queries",
        set.coops.len(),
        set.documents.len(),
        figures.pairs,
        figures.queries
    );
    println!("  precision@3          {:.3}", figures.precision_at_3);
    println!("  recall@10            {:.3}", figures.recall_at_10);
    println!("  mean reciprocal rank {:.3}", figures.mean_reciprocal_rank);
    if std::env::args().any(|a| a == "--misses") {
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
