//! The federated directory: every open proposal and every coop this node
//! knows, local and remote, in one searchable list.
//!
//! Remote entries count only while something here follows them (a local
//! coop follows the actor, or this node follows the actor's node) and
//! their domain is not limited by the admins. Local and remote entries are
//! read separately, each in display order through its own index and
//! stopping at the page's end, then merged: a `UNION ALL` with `ORDER BY`
//! over both would sort every match. The same SQL runs on SQLite and
//! PostgreSQL.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::json::from_text;
use super::proposals::{like_escape, like_pattern};
use super::{corrupt, AnyConnection, StoreResult};
pub use crate::domain::directory::{CoopEntry, ProposalEntry};
use crate::domain::proposal::{Category, ProposalKind};

/// diesel's backend type of `AnyConnection` (not `store::Backend`).
type MultiBackend = <AnyConnection as diesel::Connection>::Backend;

/// Below this many title matches (SQLite), a search starts from the matches
/// and sorts them; above, it walks the newest entries and checks each.
const DRIVE_FROM_MATCHES: i64 = 2_000;

/// Remote actors whose content is listed here: followed (by a local coop,
/// or through their node) and not on a limited domain. A block covers the
/// domain on any port and its subdomains (`domain::policy::covers`); domain
/// names cannot hold LIKE wildcards, so they are concatenated as they are.
pub(super) fn listed_actor(sqlite: bool) -> String {
    // SQLite: uncorrelated `IN` subqueries, evaluated once per search; the
    // `|| ''` keeps SQLite from answering them through the follow indexes
    // (an OR of two index lookups, then a sort of every listed coop)
    // instead of walking its display order and stopping at the page's end.
    // PostgreSQL: correlated EXISTS, one index probe per actor. Its planner
    // charges hashed `IN` subplans again on every inner index scan, so with
    // them a country + language search started from the actors and sorted
    // 100,000 proposals (200 ms) instead of walking the newest (8 ms).
    let follows = if sqlite {
        "(ra.id || '' IN (SELECT f.actor_id FROM following f) \
         OR ra.host || '' IN (SELECT nf.domain FROM node_follows nf WHERE nf.accepted))"
    } else {
        "(EXISTS (SELECT 1 FROM following f WHERE f.actor_id = ra.id) \
         OR EXISTS (SELECT 1 FROM node_follows nf WHERE nf.domain = ra.host AND nf.accepted))"
    };
    format!("({follows} AND {})", not_limited())
}

/// The actor `ra` is not on a limited domain (nor a subdomain of one).
pub(super) fn not_limited() -> &'static str {
    "NOT EXISTS (SELECT 1 FROM domain_blocks b WHERE b.severity = 'limit' \
     AND (ra.host = b.domain OR (b.domain NOT LIKE '%:%' AND (ra.host LIKE '%.' || b.domain \
     OR ra.host LIKE b.domain || ':%' OR ra.host LIKE '%.' || b.domain || ':%'))))"
}

/// What a directory search asks for. Empty fields do not filter.
#[derive(Debug, Default, Clone)]
pub struct DirectoryFilter {
    pub kind: Option<String>,
    pub category: Option<String>,
    /// Lower-case words that must all appear in the title (proposals) or
    /// the name or handle (coops).
    pub words: Vec<String>,
    /// A normalised tag (proposals only).
    pub tag: Option<String>,
    /// ISO 3166-1 code of the coop.
    pub country: Option<String>,
    /// BCP 47 tag the coop works in; `es` also finds `es-AR`.
    pub language: Option<String>,
    /// `host[:port]` of a node, or our own domain for local entries.
    pub node: Option<String>,
    pub offset: i64,
    pub limit: i64,
    /// Keyset paging (proposals): only entries after this one in display
    /// order, its publication time and id; `offset` then only numbers the
    /// page, nothing is skipped.
    pub after: Option<(NaiveDateTime, String)>,
    /// Keyset paging back: the page of entries just before this one.
    pub before: Option<(NaiveDateTime, String)>,
}

/// A proposal as the directory queries read it (`ProposalEntry` outside).
#[derive(Debug, Clone, QueryableByName)]
struct ProposalRow {
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
    /// The ActivityPub id of a remote proposal's coop.
    #[diesel(sql_type = Nullable<Text>)]
    pub coop_ap_id: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub published_at: NaiveDateTime,
    /// JSON of a remote proposal's `Reciprocal`.
    #[diesel(sql_type = Nullable<Text>)]
    pub reciprocal: Option<String>,
}

/// A coop as the directory queries read it (`CoopEntry` outside).
#[derive(Debug, Clone, QueryableByName)]
struct CoopRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    /// Empty for local entries.
    #[diesel(sql_type = Text)]
    pub node: String,
    #[diesel(sql_type = Text)]
    pub handle: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub country: Option<String>,
    /// A JSON list of BCP 47 tags.
    #[diesel(sql_type = Text)]
    pub languages: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub ap_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub actor_type: String,
}

/// `''` (this node) as `None`.
fn node(node: String) -> Option<String> {
    (!node.is_empty()).then_some(node)
}

impl ProposalRow {
    fn into_domain(self) -> StoreResult<ProposalEntry> {
        let table = if self.node.is_empty() {
            "proposals"
        } else {
            "remote_proposals"
        };
        Ok(ProposalEntry {
            kind: ProposalKind::parse(&self.kind)
                .ok_or_else(|| corrupt(&format!("{table}.kind"), &self.id, &self.kind))?,
            category: Category::parse(&self.category)
                .ok_or_else(|| corrupt(&format!("{table}.category"), &self.id, &self.category))?,
            tags: from_text(&format!("{table}.tags"), &self.id, &self.tags)?,
            reciprocal: match &self.reciprocal {
                Some(text) => Some(from_text(&format!("{table}.reciprocal"), &self.id, text)?),
                None => None,
            },
            id: self.id,
            node: node(self.node),
            handle: self.handle,
            coop_name: self.coop_name,
            title: self.title,
            ap_id: self.ap_id,
            coop_ap_id: self.coop_ap_id,
            published_at: self.published_at,
        })
    }
}

impl CoopRow {
    fn into_domain(self) -> StoreResult<CoopEntry> {
        let table = if self.node.is_empty() {
            "coops"
        } else {
            "remote_actors"
        };
        Ok(CoopEntry {
            languages: from_text(&format!("{table}.languages"), &self.id, &self.languages)?,
            id: self.id,
            node: node(self.node),
            handle: self.handle,
            name: self.name,
            country: self.country,
            ap_id: self.ap_id,
            actor_type: self.actor_type,
        })
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Matches counted at least per search (more when the page reaches further):
/// past this, the total says "at least". Counting is row by row (each
/// checked for being listed), so it costs in proportion to this: with two
/// common words and a kind, reading 101 matches on a million proposals
/// took 17 ms and 51 take half that; "50 or more" already tells a person
/// to narrow down.
pub const COUNT_CAP: i64 = 50;

/// How far a search counts: to the cap, or to the end of its page.
fn count_bound(f: &DirectoryFilter) -> i64 {
    (f.offset + f.limit).max(COUNT_CAP)
}

/// A page of entries and how many match: exactly, or at least `total`.
#[derive(Debug)]
pub struct Counted<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub exact: bool,
}

/// `AND ...` conditions of one side, with their binds numbered from 1.
#[derive(Clone)]
pub(super) struct Conditions {
    pub(super) sql: String,
    binds: Vec<String>,
    pub(super) sqlite: bool,
}

impl Conditions {
    pub(super) fn new(conn: &AnyConnection) -> Self {
        Conditions {
            sql: String::new(),
            binds: Vec::new(),
            sqlite: matches!(conn, AnyConnection::Sqlite(_)),
        }
    }

    /// Adds `clause`, whose `?`s take `values` in order.
    pub(super) fn and(&mut self, clause: &str, values: Vec<String>) {
        let mut parts = clause.split('?');
        let mut out = parts.next().unwrap_or_default().to_string();
        for (part, value) in parts.zip(values) {
            self.binds.push(value);
            out.push_str(&format!("${}{part}", self.binds.len()));
        }
        self.sql.push_str(" AND ");
        self.sql.push_str(&out);
    }

    /// Rows whose (`time_col`, `id_col`) compare with `op` (`<`, `>`,
    /// `<=`) to the key: a row-value comparison, which both databases
    /// answer from the index the display order walks.
    fn key(
        &mut self,
        time_col: &str,
        id_col: &str,
        op: &str,
        key: &Option<(NaiveDateTime, String)>,
    ) {
        let Some((at, id)) = key else { return };
        // SQLite keeps timestamps as text in diesel's format; PostgreSQL
        // needs the text cast to compare with its timestamps.
        let time = if self.sqlite {
            "?"
        } else {
            "CAST(? AS TIMESTAMP)"
        };
        self.and(
            &format!("({time_col}, {id_col}) {op} ({time}, ?)"),
            vec![at.format("%F %T%.f").to_string(), id.clone()],
        );
    }

    pub(super) fn eq(&mut self, column: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.and(&format!("{column} = ?"), vec![v.clone()]);
        }
    }

    /// Every (lower-case) word must appear in `text`, in any case. SQLite's
    /// LIKE already ignores ASCII case and its LOWER folds only ASCII, so
    /// it goes without LOWER there (the same matches, no copy per row).
    fn words(&mut self, text: &str, words: &[String]) {
        let text = if self.sqlite {
            text.to_string()
        } else {
            format!("LOWER({text})")
        };
        for word in words {
            self.and(
                &format!("{text} LIKE ? ESCAPE '\\'"),
                vec![like_pattern(word)],
            );
        }
    }

    /// A column of the actor on the right of the proposals' LEFT JOIN. On
    /// SQLite a plain condition on it would let the planner turn that join
    /// into an inner one and start from the actors (1.5 s at 100,000
    /// coops), so it is wrapped; PostgreSQL plans better with it bare.
    fn joined(&self, column: &str) -> String {
        if self.sqlite {
            format!("COALESCE({column}, '')")
        } else {
            column.to_string()
        }
    }

    /// `column` holds a JSON list of strings; one of them must be `value`
    /// (or, for a bare language, start with `value-`).
    pub(super) fn json_list_has(&mut self, column: &str, value: &Option<String>, prefix_too: bool) {
        let Some(v) = value else { return };
        let exact = format!("%\"{}\"%", like_escape(v));
        if prefix_too && !v.contains('-') {
            let prefix = format!("%\"{}-%", like_escape(v));
            self.and(
                &format!("({column} LIKE ? ESCAPE '\\' OR {column} LIKE ? ESCAPE '\\')"),
                vec![exact, prefix],
            );
        } else {
            self.and(&format!("{column} LIKE ? ESCAPE '\\'"), vec![exact]);
        }
    }

    pub(super) fn bound(
        &self,
        sql: String,
    ) -> BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery> {
        let mut q = diesel::sql_query(sql).into_boxed();
        for b in &self.binds {
            q = q.bind::<Text, _>(b.clone());
        }
        q
    }
}

/// Requires every word to appear in the title of `table` (alias `alias`),
/// case-insensitively, as `LIKE` does. A trigram index speeds that up: on
/// PostgreSQL the planner uses it by itself (pg_trgm over `LOWER(title)`);
/// on SQLite, when the FTS5 trigram table says few titles match, the search
/// starts from those, and otherwise walks newest first, where a common word
/// fills a page after a few rows. Words under three characters have no
/// trigram and are only checked row by row.
fn title_words(
    conn: &mut AnyConnection,
    c: &mut Conditions,
    table: &str,
    alias: &str,
    words: &[String],
) -> StoreResult<()> {
    c.words(&format!("{alias}.title"), words);
    if !c.sqlite {
        return Ok(());
    }
    let phrases: Vec<String> = words
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if phrases.is_empty() {
        return Ok(());
    }
    let query = phrases.join(" AND ");
    let fts = format!("{table}_fts");
    let matches = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH $1 LIMIT {DRIVE_FROM_MATCHES}) t"
    ))
    .bind::<Text, _>(query.clone())
    .get_result::<Count>(conn)?
    .n;
    if matches < DRIVE_FROM_MATCHES {
        c.and(
            &format!("{alias}.fts_key IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"),
            vec![query],
        );
    }
    Ok(())
}

/// One side's first `fetch` rows in `order`, and its match count (up to
/// the cap). One walk serves both: it reads past the page up to the cap,
/// where a separate count would walk the same rows again.
fn side<T: QueryableByName<MultiBackend> + 'static>(
    conn: &mut AnyConnection,
    columns: &str,
    from_where: &str,
    c: &Conditions,
    order: &str,
    fetch: i64,
    bound: i64,
) -> StoreResult<(Vec<T>, i64)> {
    let read = bound + 1;
    let mut rows = c
        .bound(format!(
            "SELECT {columns} {from_where}{} ORDER BY {order} LIMIT {read}",
            c.sql
        ))
        .load::<T>(conn)?;
    let n = rows.len() as i64;
    rows.truncate(fetch as usize);
    Ok((rows, n))
}

/// Which sides a node filter leaves: (local, remote).
fn sides(f: &DirectoryFilter, local_domain: &str) -> (bool, bool) {
    match f.node.as_deref() {
        None => (true, true),
        Some(n) => (n == local_domain, n != local_domain),
    }
}

/// The page out of both sides' first rows, merged in display order.
fn page<T>(
    mut rows: Vec<T>,
    f: &DirectoryFilter,
    key: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    rows.sort_by(key);
    let skip = if f.after.is_some() || f.before.is_some() {
        0
    } else {
        f.offset
    };
    rows.into_iter()
        .skip(skip as usize)
        .take(f.limit as usize)
        .collect()
}

const PROPOSAL_COLUMNS_LOCAL: &str = "p.id AS id, '' AS node, c.handle AS handle, \
     c.display_name AS coop_name, p.kind AS kind, p.category AS category, p.title AS title, \
     p.tags AS tags, CAST(NULL AS TEXT) AS ap_id, CAST(NULL AS TEXT) AS coop_ap_id, \
     p.created_at AS published_at, CAST(NULL AS TEXT) AS reciprocal";
const PROPOSAL_COLUMNS_REMOTE: &str = "rp.id AS id, ra.host AS node, ra.username AS handle, \
     ra.display_name AS coop_name, rp.kind AS kind, rp.category AS category, \
     rp.title AS title, rp.tags AS tags, rp.ap_id AS ap_id, ra.ap_id AS coop_ap_id, \
     rp.published_at AS published_at, rp.reciprocal AS reciprocal";

/// One side of the proposals' directory: its conditions, columns, rows
/// and the columns of its display order (time, id).
struct ProposalSide {
    c: Conditions,
    columns: &'static str,
    from_where: String,
    time: &'static str,
    id: &'static str,
}

impl ProposalSide {
    fn newest_first(&self) -> String {
        format!("{} DESC, {} DESC", self.time, self.id)
    }
}

/// The sides a filter asks for, with its conditions.
fn proposal_sides(
    conn: &mut AnyConnection,
    f: &DirectoryFilter,
    local_domain: &str,
) -> StoreResult<Vec<ProposalSide>> {
    let (local, remote) = sides(f, local_domain);
    let mut out = Vec::new();
    if local {
        let mut c = Conditions::new(conn);
        c.eq("p.kind", &f.kind);
        c.eq("p.category", &f.category);
        title_words(conn, &mut c, "proposals", "p", &f.words)?;
        if let Some(tag) = &f.tag {
            c.and(
                "EXISTS (SELECT 1 FROM proposal_tags t WHERE t.proposal_id = p.id AND t.tag = ?)",
                vec![tag.clone()],
            );
        }
        c.eq("c.country", &f.country);
        c.json_list_has("c.languages", &f.language, true);
        out.push(ProposalSide {
            c,
            columns: PROPOSAL_COLUMNS_LOCAL,
            from_where: "FROM proposals p JOIN coops c ON c.id = p.coop_id WHERE p.status = 'open'"
                .into(),
            time: "p.created_at",
            id: "p.id",
        });
    }
    if remote {
        let mut c = Conditions::new(conn);
        c.eq("rp.kind", &f.kind);
        c.eq("rp.category", &f.category);
        title_words(conn, &mut c, "remote_proposals", "rp", &f.words)?;
        c.json_list_has("rp.tags", &f.tag, false);
        c.eq(&c.joined("ra.country"), &f.country);
        c.json_list_has(&c.joined("ra.languages"), &f.language, true);
        c.eq("ra.host", &f.node);
        // Without a node filter, walk proposals newest first and stop at the
        // page's end. A LEFT JOIN keeps the proposals outermost on SQLite,
        // and keeps it from building a Bloom filter over every actor per
        // search, as it does for an inner join (7 ms at 100,000 coops); the
        // listed check then drops rows without an actor, so it means the
        // same as an inner join (PostgreSQL plans it as one). With a node
        // filter, starting from that node's actors is the cheap way.
        let join = if f.node.is_some() {
            "JOIN remote_actors ra ON ra.id = rp.actor_id"
        } else {
            "LEFT JOIN remote_actors ra ON ra.id = rp.actor_id"
        };
        let from_where = format!(
            "FROM remote_proposals rp {join} WHERE {}",
            listed_actor(c.sqlite)
        );
        out.push(ProposalSide {
            c,
            columns: PROPOSAL_COLUMNS_REMOTE,
            from_where,
            time: "rp.published_at",
            id: "rp.id",
        });
    }
    Ok(out)
}

fn newest_first(a: &ProposalRow, b: &ProposalRow) -> std::cmp::Ordering {
    (b.published_at, &b.id).cmp(&(a.published_at, &a.id))
}

/// Open proposals, newest first, with how many match (exactly up to
/// [`count_bound`]). After a key (`f.after`), the page starts there; before
/// one (`f.before`), it is the page just newer than it.
pub fn proposals(
    conn: &mut AnyConnection,
    f: &DirectoryFilter,
    local_domain: &str,
) -> StoreResult<Counted<ProposalEntry>> {
    let sides = proposal_sides(conn, f, local_domain)?;
    let mut rows: Vec<ProposalRow> = Vec::new();
    let mut total = 0;
    let (items, base, bound) = match &f.before {
        None => {
            // After a key, each side reads from there: a page and the count.
            let (fetch, bound) = match f.after {
                Some(_) => (f.limit, f.limit.max(COUNT_CAP)),
                None => (f.offset + f.limit, count_bound(f)),
            };
            for s in &sides {
                let mut c = s.c.clone();
                c.key(s.time, s.id, "<", &f.after);
                let (r, n) = side(
                    conn,
                    s.columns,
                    &s.from_where,
                    &c,
                    &s.newest_first(),
                    fetch,
                    bound,
                )?;
                rows.extend(r);
                total += n;
            }
            // After a key, what was counted starts there; the pages before
            // it (`offset` entries) come first.
            let before = if f.after.is_some() { f.offset } else { 0 };
            (page(rows, f, newest_first), before, bound)
        }
        Some(_) => {
            // The nearest newer rows of each side, oldest first, then the
            // page out of them; and the count from the key on.
            let bound = f.limit.max(COUNT_CAP);
            for s in &sides {
                let mut c = s.c.clone();
                c.key(s.time, s.id, ">", &f.before);
                let oldest_first = format!("{} ASC, {} ASC", s.time, s.id);
                let (r, _) = side(
                    conn,
                    s.columns,
                    &s.from_where,
                    &c,
                    &oldest_first,
                    f.limit,
                    f.limit,
                )?;
                rows.extend(r);
                let mut c = s.c.clone();
                c.key(s.time, s.id, "<=", &f.before);
                let (_, n) = side::<ProposalRow>(
                    conn,
                    s.columns,
                    &s.from_where,
                    &c,
                    &s.newest_first(),
                    0,
                    bound,
                )?;
                total += n;
            }
            rows.sort_by(|a, b| newest_first(b, a));
            rows.truncate(f.limit as usize);
            rows.reverse();
            let shown = rows.len() as i64;
            (rows, f.offset + shown, bound)
        }
    };
    let items = items
        .into_iter()
        .map(ProposalRow::into_domain)
        .collect::<StoreResult<_>>()?;
    Ok(Counted {
        items,
        total: base + total.min(bound),
        exact: total <= bound,
    })
}

/// Open proposals by id, as listings show them: local ones, and remote
/// ones only while listed (for matches, which the index finds among
/// everything stored).
pub fn proposals_by_id(
    conn: &mut AnyConnection,
    local_ids: &[String],
    remote_ids: &[String],
) -> StoreResult<Vec<ProposalEntry>> {
    let mut out = Vec::new();
    let placeholders = |n: usize| vec!["?"; n].join(", ");
    if !local_ids.is_empty() {
        let mut c = Conditions::new(conn);
        c.and(
            &format!("p.id IN ({})", placeholders(local_ids.len())),
            local_ids.to_vec(),
        );
        out.extend(
            c.bound(format!(
                "SELECT {PROPOSAL_COLUMNS_LOCAL} FROM proposals p JOIN coops c ON c.id = p.coop_id \
                 WHERE p.status = 'open'{}",
                c.sql
            ))
            .load::<ProposalRow>(conn)?,
        );
    }
    if !remote_ids.is_empty() {
        let mut c = Conditions::new(conn);
        c.and(
            &format!("rp.id IN ({})", placeholders(remote_ids.len())),
            remote_ids.to_vec(),
        );
        out.extend(
            c.bound(format!(
                "SELECT {PROPOSAL_COLUMNS_REMOTE} FROM remote_proposals rp \
                 JOIN remote_actors ra ON ra.id = rp.actor_id WHERE {}{}",
                listed_actor(c.sqlite),
                c.sql
            ))
            .load::<ProposalRow>(conn)?,
        );
    }
    out.into_iter().map(ProposalRow::into_domain).collect()
}

/// Coops by name, with how many match (capped like proposals).
pub fn coops(
    conn: &mut AnyConnection,
    f: &DirectoryFilter,
    local_domain: &str,
) -> StoreResult<Counted<CoopEntry>> {
    let (fetch, bound) = (f.offset + f.limit, count_bound(f));
    let (local, remote) = sides(f, local_domain);
    let mut rows: Vec<CoopRow> = Vec::new();
    let mut total = 0;
    if local {
        let mut c = Conditions::new(conn);
        c.words("c.display_name || ' ' || c.handle", &f.words);
        c.eq("c.country", &f.country);
        c.json_list_has("c.languages", &f.language, true);
        let (r, n) = side(
            conn,
            "c.id AS id, '' AS node, c.handle AS handle, c.display_name AS name, \
             c.country AS country, c.languages AS languages, CAST(NULL AS TEXT) AS ap_id, \
             'Organization' AS actor_type",
            "FROM coops c WHERE 1 = 1",
            &c,
            "LOWER(c.display_name), c.id",
            fetch,
            bound,
        )?;
        rows.extend(r);
        total += n;
    }
    if remote {
        let mut c = Conditions::new(conn);
        c.words("ra.display_name || ' ' || ra.username", &f.words);
        c.eq("ra.country", &f.country);
        c.json_list_has("ra.languages", &f.language, true);
        c.eq("ra.host", &f.node);
        let (r, n) = side(
            conn,
            "ra.id AS id, ra.host AS node, ra.username AS handle, ra.display_name AS name, \
             ra.country AS country, ra.languages AS languages, ra.ap_id AS ap_id, \
             ra.kind AS actor_type",
            // Organizations, and any other actor that publishes needs or
            // offers (a Mastodon or Mitra `Person`): one index probe each.
            &format!(
                "FROM remote_actors ra WHERE (ra.kind = 'Organization' OR EXISTS \
                 (SELECT 1 FROM remote_proposals rp WHERE rp.actor_id = ra.id)) AND {}",
                listed_actor(c.sqlite)
            ),
            &c,
            "LOWER(ra.display_name), ra.id",
            fetch,
            bound,
        )?;
        rows.extend(r);
        total += n;
    }
    let items = page(rows, f, |a, b| {
        (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id))
    })
    .into_iter()
    .map(CoopRow::into_domain)
    .collect::<StoreResult<_>>()?;
    Ok(Counted {
        items,
        total: total.min(bound),
        exact: total <= bound,
    })
}

#[cfg(test)]
mod tests {
    impl<T> Counted<T> {
        /// The page and its count, which must be exact below the cap.
        fn pair(self) -> (Vec<T>, i64) {
            assert_eq!(self.exact, self.total < COUNT_CAP, "{}", self.total);
            (self.items, self.total)
        }
    }

    use super::*;
    use diesel::connection::SimpleConnection;

    /// A local coop with proposals at even minutes, a followed remote coop
    /// with proposals at odd minutes, and an unfollowed one.
    fn seeded() -> (tempfile::TempDir, crate::infra::store::Db) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = crate::infra::store::Db::connect(&dir.path().join("d.db").to_string_lossy(), 1)
            .expect("db");
        db.migrate().expect("migrate");
        let mut conn = db.conn().expect("conn");
        let at = "2026-11-01 00:00:00";
        let mut sql = format!(
            "INSERT INTO coops (id, handle, display_name, about, about_html, languages, sectors, \
             networks, public_contact, private_contact, created_at, updated_at, \
             manually_approves_followers, country) VALUES ('c1', 'fiqus', 'Fiqus', '', '', \
             '[\"es-AR\",\"en\"]', '[]', '[]', '', '', '{at}', '{at}', FALSE, 'AR');
             INSERT INTO remote_actors (id, ap_id, kind, username, host, display_name, \
             summary_html, inbox, public_key_pem, fetched_at, country, languages) VALUES \
             ('r1', 'https://b.test/users/cotech', 'Organization', 'cotech', 'b.test', 'CoTech', \
              '', 'https://b.test/inbox', 'k', '{at}', 'GB', '[\"en\"]'), \
             ('r2', 'https://c.test/users/other', 'Organization', 'other', 'c.test', 'Other', \
              '', 'https://c.test/inbox', 'k', '{at}', 'GB', '[\"en\"]');
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
                 INSERT INTO proposal_tags (proposal_id, tag) VALUES ('l{i}', 'n{}');
                 INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, \
                 content_html, tags, published_at, updated_at, received_at) VALUES \
                 ('m{i}', 'https://b.test/p/{i}', 'r1', 'offer', 'human', 'remote {i}', '', \
                  '[\"n{}\",\"x\"]', '{remote}', '{remote}', '{remote}'), \
                 ('u{i}', 'https://c.test/p/{i}', 'r2', 'offer', 'human', 'unfollowed {i}', '', \
                  '[]', '{remote}', '{remote}', '{remote}');",
                i % 3,
                i % 3,
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
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap().pair();
        assert_eq!(titles(&page), ["remote 9", "local 9", "remote 8"]);
        assert_eq!(total, 20, "the unfollowed coop's proposals are not listed");
        f.offset = 3;
        let (page, _) = proposals(&mut conn, &f, "a.test").unwrap().pair();
        assert_eq!(titles(&page), ["local 8", "remote 7", "local 7"]);
        f.offset = 18;
        let (page, _) = proposals(&mut conn, &f, "a.test").unwrap().pair();
        assert_eq!(titles(&page), ["remote 0", "local 0"]);
    }

    #[test]
    fn paging_after_a_key_gives_the_same_pages_as_offsets() {
        let (_dir, db) = seeded();
        let mut conn = db.conn().expect("conn");
        let all = DirectoryFilter {
            limit: 100,
            ..Default::default()
        };
        let everything = proposals(&mut conn, &all, "a.test").unwrap().items;
        let mut f = DirectoryFilter {
            limit: 3,
            ..Default::default()
        };
        let mut walked = Vec::new();
        loop {
            let found = proposals(&mut conn, &f, "a.test").unwrap();
            let Some(last) = found.items.last() else {
                break;
            };
            assert_eq!(
                found.total, 20,
                "counted from the key, numbered from the start"
            );
            f.after = Some((last.published_at, last.id.clone()));
            f.offset += 3;
            walked.extend(found.items);
            assert!(f.offset < 30, "the walk ends");
        }
        assert_eq!(titles(&walked), titles(&everything));
        // And back: the page before a page's first entry, from the end.
        let mut f = DirectoryFilter {
            limit: 3,
            offset: 18,
            ..Default::default()
        };
        let mut back = proposals(&mut conn, &f, "a.test").unwrap().items;
        while f.offset > 0 {
            let first = back.first().expect("a page").clone();
            f.offset -= 3;
            f.before = Some((first.published_at, first.id.clone()));
            let found = proposals(&mut conn, &f, "a.test").unwrap();
            assert_eq!(
                found.total, 20,
                "counted from the key, numbered from the start"
            );
            assert_eq!(found.items.len(), 3);
            back.splice(0..0, found.items);
        }
        assert_eq!(titles(&back), titles(&everything));
        // With a filter, on both sides.
        let mut f = DirectoryFilter {
            limit: 2,
            tag: Some("n1".into()),
            ..Default::default()
        };
        let first = proposals(&mut conn, &f, "a.test").unwrap().items;
        let last = first.last().expect("a page");
        f.after = Some((last.published_at, last.id.clone()));
        f.offset = 2;
        let next = proposals(&mut conn, &f, "a.test").unwrap().items;
        f.after = None;
        let by_offset = proposals(&mut conn, &f, "a.test").unwrap().items;
        assert_eq!(titles(&next), titles(&by_offset));
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
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap().pair();
        assert_eq!((titles(&page), total), (vec!["remote 9"], 1));
        let f = DirectoryFilter {
            node: Some("a.test".into()),
            limit: 1,
            ..Default::default()
        };
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap().pair();
        assert_eq!((titles(&page), total), (vec!["local 9"], 10));
        let f = DirectoryFilter {
            node: Some("b.test".into()),
            limit: 1,
            ..Default::default()
        };
        let (page, total) = proposals(&mut conn, &f, "a.test").unwrap().pair();
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
        let (_, total) = proposals(&mut conn, &f, "a.test").unwrap().pair();
        assert_eq!(total, 10);
    }

    #[test]
    fn tag_country_and_language_filter_both_sides() {
        let (_dir, db) = seeded();
        let mut conn = db.conn().expect("conn");
        let search = |conn: &mut AnyConnection, f: DirectoryFilter| {
            let (page, total) = proposals(conn, &DirectoryFilter { limit: 100, ..f }, "a.test")
                .expect("search")
                .pair();
            (
                titles(&page)
                    .into_iter()
                    .map(String::from)
                    .collect::<Vec<_>>(),
                total,
            )
        };
        // Tags: i % 3 == 1 for i in 1, 4, 7 on both sides.
        let (found, total) = search(
            &mut conn,
            DirectoryFilter {
                tag: Some("n1".into()),
                ..Default::default()
            },
        );
        assert_eq!(total, 6);
        assert_eq!(
            found,
            ["remote 7", "local 7", "remote 4", "local 4", "remote 1", "local 1"]
        );
        // "n1" must not match "n10" or a longer tag: the JSON quotes bound it.
        let (_, total) = search(
            &mut conn,
            DirectoryFilter {
                tag: Some("n".into()),
                ..Default::default()
            },
        );
        assert_eq!(total, 0);
        let (_, total) = search(
            &mut conn,
            DirectoryFilter {
                country: Some("AR".into()),
                ..Default::default()
            },
        );
        assert_eq!(total, 10, "the local coop is in AR");
        let (found, total) = search(
            &mut conn,
            DirectoryFilter {
                country: Some("GB".into()),
                tag: Some("x".into()),
                ..Default::default()
            },
        );
        assert_eq!((found.len(), total), (10, 10));
        assert!(found.iter().all(|t| t.starts_with("remote")));
        // A bare language finds its regional forms; a regional one only itself.
        for (language, want) in [("es", 10), ("es-ES", 0), ("en", 20)] {
            let (_, total) = search(
                &mut conn,
                DirectoryFilter {
                    language: Some(language.into()),
                    ..Default::default()
                },
            );
            assert_eq!(total, want, "{language}");
        }
    }

    #[test]
    fn coops_merge_by_name_and_filter() {
        let (_dir, db) = seeded();
        let mut conn = db.conn().expect("conn");
        let names = |f: DirectoryFilter, conn: &mut AnyConnection| {
            let (page, total) = coops(conn, &f, "a.test").expect("coops").pair();
            (page.into_iter().map(|e| e.name).collect::<Vec<_>>(), total)
        };
        let all = DirectoryFilter {
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            names(all.clone(), &mut conn),
            (vec!["CoTech".to_string(), "Fiqus".to_string()], 2),
            "merged by name; the unfollowed coop is not listed"
        );
        let paged = DirectoryFilter {
            offset: 1,
            limit: 1,
            ..Default::default()
        };
        assert_eq!(names(paged, &mut conn), (vec!["Fiqus".to_string()], 2));
        let gb = DirectoryFilter {
            country: Some("GB".into()),
            ..all.clone()
        };
        assert_eq!(names(gb, &mut conn), (vec!["CoTech".to_string()], 1));
        let es = DirectoryFilter {
            language: Some("es".into()),
            ..all.clone()
        };
        assert_eq!(names(es, &mut conn), (vec!["Fiqus".to_string()], 1));
        let text = DirectoryFilter {
            words: vec!["cotech".into()],
            ..all
        };
        assert_eq!(names(text, &mut conn), (vec!["CoTech".to_string()], 1));
    }

    #[test]
    fn title_search_starts_from_matches_or_walks_and_follows_every_change() {
        let (_dir, db) = seeded();
        let mut conn = db.conn().expect("conn");
        // 2,500 more remote proposals sharing a word: past DRIVE_FROM_MATCHES,
        // so "common" is searched by walking; "rare" from its matches.
        let mut sql = String::new();
        for i in 0..2_500 {
            let at = format!(
                "2026-10-01 {:02}:{:02}:{:02}",
                i / 3600,
                (i / 60) % 60,
                i % 60
            );
            let title = if i % 500 == 7 {
                "Common and rare hosting"
            } else {
                "Common offer"
            };
            sql.push_str(&format!(
                "INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, \
                 content_html, tags, published_at, updated_at, received_at) VALUES \
                 ('w{i}', 'https://b.test/w/{i}', 'r1', 'offer', 'human', '{title}', '', '[]', \
                  '{at}', '{at}', '{at}');"
            ));
        }
        conn.batch_execute(&sql).expect("seed");
        let search = |conn: &mut AnyConnection, words: &[&str]| {
            let f = DirectoryFilter {
                words: words.iter().map(|w| w.to_string()).collect(),
                limit: 3,
                ..Default::default()
            };
            let (page, total) = proposals(conn, &f, "a.test").expect("search").pair();
            (page.into_iter().map(|e| e.id).collect::<Vec<_>>(), total)
        };
        // Walking: the newest three, and the count capped.
        assert_eq!(
            search(&mut conn, &["common"]),
            (
                vec!["w2499".into(), "w2498".into(), "w2497".into()],
                COUNT_CAP
            )
        );
        // A page past the cap is counted to its end, so a client knows
        // whether a next page exists.
        let deep = DirectoryFilter {
            words: vec!["common".into()],
            offset: 200,
            limit: 20,
            ..Default::default()
        };
        let found = proposals(&mut conn, &deep, "a.test").expect("deep page");
        assert_eq!(
            (found.items.len(), found.total, found.exact),
            (20, 220, false)
        );
        // From the matches: rare words; every word required; substrings.
        assert_eq!(
            search(&mut conn, &["rare"]),
            (vec!["w2007".into(), "w1507".into(), "w1007".into()], 5)
        );
        assert_eq!(search(&mut conn, &["host", "common"]).1, 5);
        assert_eq!(search(&mut conn, &["osting"]).1, 5, "anywhere in the title");
        assert_eq!(search(&mut conn, &["rare", "nothing"]).1, 0);
        assert_eq!(search(&mut conn, &["re h"]).1, 5, "spaces inside a word");
        assert_eq!(search(&mut conn, &["ra"]).1, 5, "too short for a trigram");

        // Edits, deletes and cascades keep the index in step.
        conn.batch_execute(
            "UPDATE remote_proposals SET title = 'Now about gardens' WHERE id = 'w7'",
        )
        .expect("edit");
        assert_eq!(search(&mut conn, &["rare"]).1, 4);
        assert_eq!(search(&mut conn, &["gardens"]), (vec!["w7".into()], 1));
        conn.batch_execute("DELETE FROM remote_proposals WHERE id = 'w507'")
            .expect("delete");
        assert_eq!(search(&mut conn, &["rare"]).1, 3);
        conn.batch_execute("DELETE FROM remote_actors WHERE id = 'r1'")
            .expect("cascade");
        assert_eq!(search(&mut conn, &["rare"]).1, 0);
        let left = diesel::sql_query("SELECT COUNT(*) AS n FROM remote_proposals_fts")
            .get_result::<Count>(&mut **conn)
            .expect("count")
            .n;
        let kept = diesel::sql_query("SELECT COUNT(*) AS n FROM remote_proposals")
            .get_result::<Count>(&mut **conn)
            .expect("count")
            .n;
        assert_eq!(left, kept, "no index entries for deleted rows");
        // A new row after deletions gets a key of its own.
        conn.batch_execute(
            "INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, \
             content_html, tags, published_at, updated_at, received_at) VALUES ('x', \
             'https://c.test/x', 'r2', 'offer', 'human', 'Diseño web', '', '[]', \
             '2026-11-02 00:00:00', '2026-11-02 00:00:00', '2026-11-02 00:00:00')",
        )
        .expect("insert");
        let keys = diesel::sql_query(
            "SELECT COUNT(DISTINCT fts_key) AS n FROM remote_proposals WHERE fts_key IS NOT NULL",
        )
        .get_result::<Count>(&mut **conn)
        .expect("keys")
        .n;
        assert_eq!(keys, kept + 1);
    }
}
