//! The federated directory: every open proposal and every coop this node
//! knows, local and remote, in one searchable list.
//!
//! Remote entries count only while something here follows them (a local
//! coop follows the actor, or this node follows the actor's node) and
//! their domain is not limited by the admins. One
//! `UNION ALL` over both sources, filtered and paged in the database; the
//! same SQL runs on SQLite and PostgreSQL.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::proposals::like_pattern;
use super::{AnyConnection, StoreResult};

/// Remote actors whose content is listed here: followed (by a local coop,
/// or through their node) and not on a limited domain. A block covers the
/// domain on any port and its subdomains (`domain::policy::covers`); domain
/// names cannot hold LIKE wildcards, so they are concatenated as they are.
const LISTED_ACTOR: &str = "((EXISTS (SELECT 1 FROM following f WHERE f.actor_id = ra.id) \
     OR EXISTS (SELECT 1 FROM node_follows nf WHERE nf.domain = ra.host AND nf.accepted)) \
     AND NOT EXISTS (SELECT 1 FROM domain_blocks b WHERE b.severity = 'limit' \
       AND (ra.host = b.domain OR (b.domain NOT LIKE '%:%' AND (ra.host LIKE '%.' || b.domain \
         OR ra.host LIKE b.domain || ':%' OR ra.host LIKE '%.' || b.domain || ':%')))))";

/// What a directory search asks for. Empty fields do not filter.
#[derive(Debug, Default, Clone)]
pub struct DirectoryFilter {
    pub kind: Option<String>,
    pub category: Option<String>,
    /// Lower-case words that must all appear in the title (proposals) or
    /// the name or handle (coops).
    pub words: Vec<String>,
    /// `host[:port]` of a node, or our own domain for local entries.
    pub node: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ProposalEntry {
    #[diesel(sql_type = Text)]
    pub id: String,
    /// Empty for local entries.
    #[diesel(sql_type = Text)]
    pub node: String,
    #[diesel(sql_type = Text)]
    pub handle: String,
    #[diesel(sql_type = Text)]
    pub coop_name: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub tags: String,
    /// The ActivityPub id of a remote proposal.
    #[diesel(sql_type = Nullable<Text>)]
    pub ap_id: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub published_at: NaiveDateTime,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct CoopEntry {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub node: String,
    #[diesel(sql_type = Text)]
    pub handle: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub ap_id: Option<String>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Builds `WHERE ...` over the union's columns, with its binds in order.
fn conditions(f: &DirectoryFilter, text_column: &str, local: &str) -> (String, Vec<String>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    let mut bind = |clause: &str, value: String, binds: &mut Vec<String>| {
        binds.push(value);
        clauses.push(clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(kind) = &f.kind {
        bind("d.kind = ?", kind.clone(), &mut binds);
    }
    if let Some(category) = &f.category {
        bind("d.category = ?", category.clone(), &mut binds);
    }
    if let Some(node) = &f.node {
        let node = if node == local {
            String::new()
        } else {
            node.clone()
        };
        bind("d.node = ?", node, &mut binds);
    }
    for word in &f.words {
        bind(
            &format!("LOWER({text_column}) LIKE ? ESCAPE '\\'"),
            like_pattern(word),
            &mut binds,
        );
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (sql, binds)
}

fn count(
    conn: &mut AnyConnection,
    union: &str,
    filter: &str,
    binds: &[String],
) -> StoreResult<i64> {
    let mut q =
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM ({union}) d{filter}")).into_boxed();
    for b in binds {
        q = q.bind::<Text, _>(b.clone());
    }
    Ok(q.get_result::<Count>(conn)?.n)
}

/// Open proposals, newest first, with the number of all that match.
pub fn proposals(
    conn: &mut AnyConnection,
    f: &DirectoryFilter,
    local_domain: &str,
) -> StoreResult<(Vec<ProposalEntry>, i64)> {
    let union = format!(
        "SELECT p.id AS id, '' AS node, c.handle AS handle, c.display_name AS coop_name, \
         p.kind AS kind, p.category AS category, p.title AS title, p.tags AS tags, \
         CAST(NULL AS TEXT) AS ap_id, p.created_at AS published_at \
         FROM proposals p JOIN coops c ON c.id = p.coop_id WHERE p.status = 'open' \
         UNION ALL \
         SELECT rp.id, ra.host, ra.username, ra.display_name, rp.kind, rp.category, rp.title, \
         rp.tags, rp.ap_id, rp.published_at \
         FROM remote_proposals rp JOIN remote_actors ra ON ra.id = rp.actor_id WHERE {LISTED_ACTOR}"
    );
    let (filter, binds) = conditions(f, "d.title", local_domain);
    let total = count(conn, &union, &filter, &binds)?;
    let mut q = diesel::sql_query(format!(
        "SELECT * FROM ({union}) d{filter} ORDER BY d.published_at DESC, d.id DESC LIMIT {} OFFSET {}",
        f.limit, f.offset
    ))
    .into_boxed();
    for b in &binds {
        q = q.bind::<Text, _>(b.clone());
    }
    Ok((q.load::<ProposalEntry>(conn)?, total))
}

/// Coops, by name, with the number of all that match.
pub fn coops(
    conn: &mut AnyConnection,
    f: &DirectoryFilter,
    local_domain: &str,
) -> StoreResult<(Vec<CoopEntry>, i64)> {
    let union = format!(
        "SELECT c.id AS id, '' AS node, c.handle AS handle, c.display_name AS name, \
         CAST(NULL AS TEXT) AS ap_id, '' AS kind, '' AS category \
         FROM coops c \
         UNION ALL \
         SELECT ra.id, ra.host, ra.username, ra.display_name, ra.ap_id, '', '' \
         FROM remote_actors ra WHERE ra.kind = 'Organization' AND {LISTED_ACTOR}"
    );
    let (filter, binds) = conditions(f, "d.name || ' ' || d.handle", local_domain);
    let total = count(conn, &union, &filter, &binds)?;
    let mut q = diesel::sql_query(format!(
        "SELECT d.id, d.node, d.handle, d.name, d.ap_id FROM ({union}) d{filter} \
         ORDER BY LOWER(d.name), d.id LIMIT {} OFFSET {}",
        f.limit, f.offset
    ))
    .into_boxed();
    for b in &binds {
        q = q.bind::<Text, _>(b.clone());
    }
    Ok((q.load::<CoopEntry>(conn)?, total))
}
