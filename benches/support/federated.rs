//! A federated network for the benchmarks: 1,000 followed nodes of 100
//! coops each, and as many open proposals from them as asked for, with
//! time-ordered (UUIDv7) ids as the node gives them.

use intercoop::edges::http::state::AppState;
use intercoop::infra::store::StoreError;

use super::{Rng, WORDS};

pub const NODES: usize = 1_000;
pub const COOPS_PER_NODE: usize = 100;
const KINDS: &[&str] = &["need", "offer"];
const CATEGORIES: &[&str] = &["financial", "human", "technical", "knowledge", "work"];
/// Countries and a language of each, spread over the coops.
const PLACES: &[(&str, &str)] = &[
    ("AR", "es"),
    ("GB", "en-GB"),
    ("ES", "ca"),
    ("BR", "pt-BR"),
    ("FR", "fr"),
    ("IT", "it"),
    ("DE", "de"),
    ("UY", "es-UY"),
    ("MX", "es"),
    ("PT", "pt"),
];

/// Runs `statements` (generated here, no outside input) in one transaction.
pub async fn execute(state: &AppState, statements: Vec<String>) {
    state
        .services
        .db
        .write(move |conn| {
            use diesel::connection::SimpleConnection;
            for sql in &statements {
                conn.batch_execute(sql).map_err(StoreError::from)?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .expect("seed");
}

pub fn host(n: usize) -> String {
    format!("node{n}.bench.test")
}

/// Node actors, followed and accepted; their coops; their proposals.
pub async fn seed(state: &AppState, proposals: usize) {
    let at = "2026-11-01 00:00:00";
    let mut statements = Vec::new();
    for n in 0..NODES {
        let h = host(n);
        let mut actors = vec![format!(
            "('{}', 'https://{h}/actor', 'Application', '{h}', '{h}', 'Node {n}', '', NULL, \
             'https://{h}/inbox', 'https://{h}/inbox', 'key', '{at}', NULL, '[]')",
            node_actor_id(n)
        )];
        for c in 0..COOPS_PER_NODE {
            let (country, language) = PLACES[(n + c) % PLACES.len()];
            actors.push(format!(
                "('{}', 'https://{h}/users/coop{c}', 'Organization', 'coop{c}', '{h}', \
                 'Coop {c} of node {n}', '', NULL, 'https://{h}/users/coop{c}/inbox', \
                 'https://{h}/inbox', 'key', '{at}', '{country}', '[\"{language}\",\"en\"]')",
                coop_actor_id(n, c)
            ));
        }
        statements.push(format!(
            "INSERT INTO remote_actors (id, ap_id, kind, username, host, display_name, summary_html, \
             url, inbox, shared_inbox, public_key_pem, fetched_at, country, languages) VALUES {}",
            actors.join(", ")
        ));
        statements.push(format!(
            "INSERT INTO node_follows (domain, actor_id, follow_ap_id, accepted, created_at, \
             backfill_state, backfill_next, backfill_items, backfill_error, backfill_updated_at) \
             VALUES ('{h}', '{}', 'https://bench.test/actor#follows/{n}', TRUE, '{at}', 'done', \
             NULL, 0, NULL, NULL)",
            node_actor_id(n)
        ));
    }
    execute(state, statements).await;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    let chunk = 1_000;
    let mut done = 0;
    while done < proposals {
        let mut statements = Vec::new();
        for _ in 0..20 {
            if done >= proposals {
                break;
            }
            let rows: Vec<String> = (done..(done + chunk).min(proposals))
                .map(|i| {
                    let (n, c) = (i % NODES, (i / NODES) % COOPS_PER_NODE);
                    let h = host(n);
                    let title = format!(
                        "{} {} {} #{i}",
                        *rng.pick(WORDS),
                        *rng.pick(WORDS),
                        *rng.pick(WORDS)
                    );
                    let at = start + chrono::Duration::seconds(i as i64 * 30);
                    let published = at.format("%Y-%m-%d %H:%M:%S");
                    let id = proposal_id(at, i as u64);
                    format!(
                        "('{id}', 'https://{h}/proposals/{i}', '{}', '{}', '{}', '{title}', \
                         '<p>{title}</p>', '[\"{}\"]', NULL, NULL, NULL, NULL, NULL, '{published}', \
                         '{published}', '{published}')",
                        coop_actor_id(n, c),
                        *rng.pick(KINDS),
                        *rng.pick(CATEGORIES),
                        *rng.pick(WORDS)
                    )
                })
                .collect();
            done = (done + chunk).min(proposals);
            statements.push(format!(
                "INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, \
                 content_html, tags, quantity_value, quantity_unit, place, deadline, url, \
                 published_at, updated_at, received_at) VALUES {}",
                rows.join(", ")
            ));
        }
        execute(state, statements).await;
    }
    // Planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize`
    // (SQLite) would have gathered on tables that grew gradually.
    execute(state, vec!["ANALYZE".into()]).await;
}

/// A UUIDv7 for a proposal received at `at`: ids sort by time, as ours do.
pub fn proposal_id(at: chrono::NaiveDateTime, n: u64) -> String {
    let millis = at.and_utc().timestamp_millis() as u64;
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        millis / 1000,
        ((millis % 1000) * 1_000_000) as u32,
    );
    let mut bytes = *uuid::Uuid::new_v7(ts).as_bytes();
    // The random part from the row number, so runs are comparable.
    bytes[8..16].copy_from_slice(&n.to_be_bytes());
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// The id of node `n`'s actor (UUIDs, as the node gives actors).
pub fn node_actor_id(n: usize) -> String {
    uuid::Uuid::from_u128((1u128 << 64) | n as u128).to_string()
}

/// The id of coop `c` of node `n`.
pub fn coop_actor_id(n: usize, c: usize) -> String {
    uuid::Uuid::from_u128((2u128 << 64) | ((n as u128) << 32) | c as u128).to_string()
}
