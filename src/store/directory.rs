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

/// Rows counted at most per search: past this, the total says "at least".
/// Counting every match of a broad search over a million proposals would
/// cost more than the page itself.
pub const COUNT_CAP: i64 = 1_000;

/// The columns one side of the proposal directory filters on.
struct Side {
    kind: &'static str,
    category: &'static str,
    title: &'static str,
}

/// `AND ...` conditions on one side, with binds numbered from 1.
fn side_conditions(f: &DirectoryFilter, side: &Side) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut bind = |clause: String, value: String| {
        binds.push(value);
        sql.push_str(&format!(
            " AND {}",
            clause.replace('?', &format!("${}", binds.len()))
        ));
    };
    if let Some(kind) = &f.kind {
        bind(format!("{} = ?", side.kind), kind.clone());
    }
    if let Some(category) = &f.category {
        bind(format!("{} = ?", side.category), category.clone());
    }
    for word in &f.words {
        bind(
            format!("LOWER({}) LIKE ? ESCAPE '\\'", side.title),
            like_pattern(word),
        );
    }
    (sql, binds)
}

const PROPOSAL_COLUMNS_LOCAL: &str = "p.id AS id, '' AS node, c.handle AS handle, \
     c.display_name AS coop_name, p.kind AS kind, p.category AS category, p.title AS title, \
     p.tags AS tags, CAST(NULL AS TEXT) AS ap_id, p.created_at AS published_at";
const PROPOSAL_COLUMNS_REMOTE: &str = "rp.id AS id, ra.host AS node, ra.username AS handle, \
     ra.display_name AS coop_name, rp.kind AS kind, rp.category AS category, \
     rp.title AS title, rp.tags AS tags, rp.ap_id AS ap_id, rp.published_at AS published_at";

/// One side's newest `fetch` matches and its match count (up to the cap).
fn proposal_side(
    conn: &mut AnyConnection,
    columns: &str,
    from_where: &str,
    order: &str,
    binds: &[String],
    fetch: i64,
) -> StoreResult<(Vec<ProposalEntry>, i64)> {
    let bound = |sql: String| {
        let mut q = diesel::sql_query(sql).into_boxed();
        for b in binds {
            q = q.bind::<Text, _>(b.clone());
        }
        q
    };
    let rows = bound(format!(
        "SELECT {columns} {from_where} ORDER BY {order} LIMIT {fetch}"
    ))
    .load::<ProposalEntry>(conn)?;
    let n = bound(format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one {from_where} LIMIT {}) t",
        COUNT_CAP + 1
    ))
    .get_result::<Count>(conn)?
    .n;
    Ok((rows, n))
}

/// Open proposals, newest first, with how many match (exact up to
/// [`COUNT_CAP`], then `COUNT_CAP + 1` meaning "more").
///
/// Local and remote proposals are read separately, each newest first
/// through its own index and stopping at the page's end, then merged:
/// a `UNION ALL` with `ORDER BY` over both would sort every match.
pub fn proposals(
    conn: &mut AnyConnection,
    f: &DirectoryFilter,
    local_domain: &str,
) -> StoreResult<(Vec<ProposalEntry>, i64)> {
    let fetch = f.offset + f.limit;
    let local_only = f.node.as_deref() == Some(local_domain);
    let mut rows = Vec::new();
    let mut total = 0;
    if f.node.is_none() || local_only {
        let (cond, binds) = side_conditions(
            f,
            &Side {
                kind: "p.kind",
                category: "p.category",
                title: "p.title",
            },
        );
        let from_where = format!(
            "FROM proposals p JOIN coops c ON c.id = p.coop_id \
             WHERE p.status = 'open'{cond}"
        );
        let (r, n) = proposal_side(
            conn,
            PROPOSAL_COLUMNS_LOCAL,
            &from_where,
            "p.created_at DESC, p.id DESC",
            &binds,
            fetch,
        )?;
        rows.extend(r);
        total += n;
    }
    if !local_only {
        let (mut cond, mut binds) = side_conditions(
            f,
            &Side {
                kind: "rp.kind",
                category: "rp.category",
                title: "rp.title",
            },
        );
        // Without a node filter, walk proposals newest first and stop at the
        // page's end; SQLite's planner, left to itself, may start from the
        // actors and sort every proposal. CROSS JOIN pins the order there
        // (PostgreSQL plans it like any inner join). With a node filter,
        // starting from that node's actors is the cheap way.
        let join = match &f.node {
            Some(node) => {
                binds.push(node.clone());
                cond.push_str(&format!(" AND ra.host = ${}", binds.len()));
                "JOIN remote_actors ra ON ra.id = rp.actor_id"
            }
            None => "CROSS JOIN remote_actors ra",
        };
        let from_where = format!(
            "FROM remote_proposals rp {join} WHERE ra.id = rp.actor_id AND {LISTED_ACTOR}{cond}"
        );
        let (r, n) = proposal_side(
            conn,
            PROPOSAL_COLUMNS_REMOTE,
            &from_where,
            "rp.published_at DESC, rp.id DESC",
            &binds,
            fetch,
        )?;
        rows.extend(r);
        total += n;
    }
    rows.sort_by(|a, b| (b.published_at, &b.id).cmp(&(a.published_at, &a.id)));
    let items = rows
        .into_iter()
        .skip(f.offset as usize)
        .take(f.limit as usize)
        .collect();
    Ok((items, total.min(COUNT_CAP + 1)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;

    /// A local coop with proposals at even minutes, a followed remote coop
    /// with proposals at odd minutes, and an unfollowed one.
    fn seeded() -> (tempfile::TempDir, crate::store::Db) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db =
            crate::store::Db::connect(&dir.path().join("d.db").to_string_lossy(), 1).expect("db");
        db.migrate().expect("migrate");
        let mut conn = db.conn().expect("conn");
        let at = "2026-11-01 00:00:00";
        let mut sql = format!(
            "INSERT INTO coops (id, handle, display_name, about, about_html, languages, sectors, \
             networks, public_contact, private_contact, created_at, updated_at, \
             manually_approves_followers) VALUES ('c1', 'fiqus', 'Fiqus', '', '', '[]', '[]', \
             '[]', '', '', '{at}', '{at}', FALSE);
             INSERT INTO remote_actors (id, ap_id, kind, username, host, display_name, \
             summary_html, inbox, public_key_pem, fetched_at) VALUES \
             ('r1', 'https://b.test/users/cotech', 'Organization', 'cotech', 'b.test', 'CoTech', \
              '', 'https://b.test/inbox', 'k', '{at}'), \
             ('r2', 'https://c.test/users/other', 'Organization', 'other', 'c.test', 'Other', \
              '', 'https://c.test/inbox', 'k', '{at}');
             INSERT INTO following (coop_id, actor_id, follow_ap_id, accepted, created_at) \
             VALUES ('c1', 'r1', 'https://a.test/f/1', TRUE, '{at}');"
        );
        for i in 0..10 {
            let local = format!("2026-11-01 00:{:02}:00", 2 * i);
            let remote = format!("2026-11-01 00:{:02}:00", 2 * i + 1);
            sql.push_str(&format!(
                "INSERT INTO proposals (id, coop_id, kind, category, title, description, \
                 description_html, tags, remote, status, search_text, created_at, updated_at) \
                 VALUES ('l{i}', 'c1', 'need', 'human', 'local {i}', '', '', '[]', FALSE, \
                 'open', '', '{local}', '{local}');
                 INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, \
                 content_html, tags, published_at, updated_at, received_at) VALUES \
                 ('m{i}', 'https://b.test/p/{i}', 'r1', 'offer', 'human', 'remote {i}', '', '[]', \
                  '{remote}', '{remote}', '{remote}'), \
                 ('u{i}', 'https://c.test/p/{i}', 'r2', 'offer', 'human', 'unfollowed {i}', '', \
                  '[]', '{remote}', '{remote}', '{remote}');"
            ));
        }
        conn.batch_execute(&sql).expect("seed");
        drop(conn);
        (dir, db)
    }

    fn titles(entries: &[ProposalEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.title.as_str()).collect()
    }

    #[test]
    fn local_and_remote_merge_newest_first_and_page() {
        let (_dir, db) = seeded();
        let mut conn = db.conn().expect("conn");
        let mut f = DirectoryFilter {
            limit: 3,
            ..Default::default()
        };
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!(titles(&page), ["remote 9", "local 9", "remote 8"]);
        assert_eq!(total, 20, "the unfollowed coop's proposals are not listed");
        f.offset = 3;
        let (page, _) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!(titles(&page), ["local 8", "remote 7", "local 7"]);
        f.offset = 18;
        let (page, _) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!(titles(&page), ["remote 0", "local 0"]);
    }

    #[test]
    fn filters_apply_to_both_sides() {
        let (_dir, db) = seeded();
        let mut conn = db.conn().expect("conn");
        let f = DirectoryFilter {
            kind: Some("offer".into()),
            words: vec!["9".into()],
            limit: 10,
            ..Default::default()
        };
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!((titles(&page), total), (vec!["remote 9"], 1));
        let f = DirectoryFilter {
            node: Some("a.test".into()),
            limit: 1,
            ..Default::default()
        };
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!((titles(&page), total), (vec!["local 9"], 10));
        let f = DirectoryFilter {
            node: Some("b.test".into()),
            limit: 1,
            ..Default::default()
        };
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!((titles(&page), total), (vec!["remote 9"], 10));
        // A limit block takes the remote side out.
        conn.batch_execute(
            "INSERT INTO domain_blocks (domain, severity, public_comment, created_at) \
             VALUES ('b.test', 'limit', '', '2026-11-01 00:00:00')",
        )
        .expect("block");
        let f = DirectoryFilter {
            limit: 100,
            ..Default::default()
        };
        let (_, total) = proposals(&mut conn, &f, "a.test").unwrap();
        assert_eq!(total, 10);
    }
}
