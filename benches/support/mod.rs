//! What the benchmarks share: a deterministic generator, the words titles
//! are made of, and how latencies are summarised.
#![allow(dead_code)]

use std::time::Duration;

pub mod federated;
pub mod node;

pub const WORDS: &[&str] = &[
    "rust",
    "hosting",
    "design",
    "accounting",
    "mentoring",
    "translation",
    "server",
    "training",
    "loan",
    "developer",
    "governance",
    "security",
    "mobile",
    "frontend",
    "backend",
    "data",
    "cloud",
    "education",
    "legal",
    "marketing",
    "python",
    "elixir",
    "kubernetes",
    "research",
    "audit",
    "ux",
    "network",
];

/// A small deterministic generator (xorshift64*), so runs are comparable.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// The `p` quantile (0 to 1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
