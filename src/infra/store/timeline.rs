//! Timelines as Mastodon apps page them: open needs and offers, local and
//! remote, and in home timelines the other posts of followed accounts,
//! newest first by id. Ids are UUIDv7 (time-ordered, compared as
//! text), so `max_id`, `since_id` and `min_id` are plain range conditions
//! on the primary keys, each side read through its own index and stopping
//! at the page's end, then merged.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::directory::{listed_actor, Conditions};
use super::{AnyConnection, StoreResult};

/// What a timeline shows. Empty fields do not filter.
#[derive(Debug, Default, Clone)]
pub struct TimelineFilter {
    /// Include this node's proposals.
    pub local: bool,
    /// Include proposals received from other servers (listed ones only:
    /// followed, and not from a limited domain).
    pub remote: bool,
    /// Local side: only this coop's.
    pub coop_id: Option<String>,
    /// Remote side: only this actor's.
    pub actor_id: Option<String>,
    /// Remote side: only actors this coop follows (accepted).
    pub followed_by: Option<String>,
    /// Also the other posts of the actors `followed_by` follows.
    pub posts: bool,
    pub kind: Option<String>,
    pub category: Option<String>,
    /// A normalised tag.
    pub tag: Option<String>,
    /// Older than this id.
    pub max_id: Option<String>,
    /// Newer than this id, the newest first.
    pub since_id: Option<String>,
    /// Newer than this id, the oldest of those first (then shown newest first).
    pub min_id: Option<String>,
    pub limit: i64,
}

/// What a timeline entry is, so it is read from its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// One of this node's proposals.
    Local,
    /// A received proposal.
    Remote,
    /// A received post that is not a proposal.
    Post,
}

/// An entry of a timeline: its id and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub id: String,
    pub kind: EntryKind,
}

impl TimelineEntry {
    pub fn new(id: String, kind: EntryKind) -> TimelineEntry {
        TimelineEntry { id, kind }
    }
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

impl TimelineFilter {
    /// Reading upwards from `min_id` (ascending), else downwards.
    fn ascending(&self) -> bool {
        self.min_id.is_some() && self.since_id.is_none()
    }

    fn range(&self, c: &mut Conditions, column: &str) {
        if let Some(max) = &self.max_id {
            c.and(&format!("{column} < ?"), vec![max.clone()]);
        }
        if let Some(since) = &self.since_id {
            c.and(&format!("{column} > ?"), vec![since.clone()]);
        }
        if let Some(min) = &self.min_id {
            c.and(&format!("{column} > ?"), vec![min.clone()]);
        }
    }
}

fn read(
    conn: &mut AnyConnection,
    c: &Conditions,
    from_where: &str,
    column: &str,
    f: &TimelineFilter,
) -> StoreResult<Vec<String>> {
    let order = if f.ascending() { "ASC" } else { "DESC" };
    Ok(c.bound(format!(
        "SELECT {column} AS id {from_where}{} ORDER BY {column} {order} LIMIT {}",
        c.sql, f.limit
    ))
    .load::<IdRow>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect())
}

/// The remote side of a home timeline on PostgreSQL: the newest of each
/// followed actor (one index walk each), then the newest of those. Walking
/// all proposals newest first and keeping the followed ones reads past
/// every unfollowed one (100 ms when the newest followed proposal sits
/// 100,000 down); SQLite already plans the `IN` that way.
fn followed_on_postgres(conn: &mut AnyConnection, f: &TimelineFilter) -> StoreResult<Vec<String>> {
    let mut c = Conditions::new(conn);
    c.eq("rp.kind", &f.kind);
    c.eq("rp.category", &f.category);
    if let Some(tag) = &f.tag {
        c.and(
            "EXISTS (SELECT 1 FROM remote_proposal_tags t WHERE t.proposal_id = rp.id AND t.tag = ?)",
            vec![tag.clone()],
        );
    }
    f.range(&mut c, "rp.id");
    let inner = std::mem::take(&mut c.sql);
    c.eq("f.coop_id", &f.followed_by);
    let order = if f.ascending() { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT x.id AS id FROM following f \
         CROSS JOIN LATERAL (SELECT rp.id FROM remote_proposals rp WHERE rp.actor_id = f.actor_id{inner} \
         ORDER BY rp.id {order} LIMIT {limit}) x \
         JOIN remote_actors ra ON ra.id = f.actor_id \
         WHERE f.accepted{outer} AND {listed} ORDER BY x.id {order} LIMIT {limit}",
        limit = f.limit,
        outer = c.sql,
        listed = listed_actor(false),
    );
    Ok(c.bound(sql)
        .load::<IdRow>(conn)?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Posts read down the ids before the home timeline falls back to the
/// followed accounts' own posts.
const POSTS_WINDOW: i64 = 1_000;

/// The other posts of the accounts `coop` follows, for its home timeline.
/// With `window`, only among that many newest posts (in the paging's
/// direction): a walk down the ids that stops at the page's end, which is
/// where a page usually is (0.2 ms where reading every followed post and
/// sorting took 4 ms on SQLite at 30,000, and more on PostgreSQL). Without,
/// all the followed accounts' posts through `(actor_id, id)`: the answer
/// when they are few among the newest.
fn followed_posts(
    conn: &mut AnyConnection,
    f: &TimelineFilter,
    coop: &str,
    window: Option<i64>,
) -> StoreResult<Vec<String>> {
    let mut c = Conditions::new(conn);
    let followed = "(SELECT f.actor_id FROM following f WHERE f.coop_id = ? AND f.accepted)";
    let from = match window {
        Some(window) => {
            // The window's far end: the id `window` posts away (none: all).
            let (order, op, beyond) = if f.ascending() {
                ("ASC", "<=", "~")
            } else {
                ("DESC", ">=", "")
            };
            let mut bound = String::from("SELECT w.id FROM remote_posts w WHERE TRUE");
            let mut values = Vec::new();
            for (id, cmp) in [(&f.max_id, "<"), (&f.since_id, ">"), (&f.min_id, ">")] {
                if let Some(id) = id {
                    bound.push_str(&format!(" AND w.id {cmp} ?"));
                    values.push(id.clone());
                }
            }
            c.and(
                &format!(
                    "rp.id {op} COALESCE(({bound} ORDER BY w.id {order} LIMIT 1 OFFSET {}), '{beyond}')",
                    window - 1
                ),
                values,
            );
            // Not through the actor index: walk the ids (SQLite would
            // otherwise read every followed post and sort).
            let actor = if c.sqlite {
                "rp.actor_id || ''"
            } else {
                "rp.actor_id"
            };
            c.and(&format!("{actor} IN {followed}"), vec![coop.to_string()]);
            format!(
                "FROM remote_posts rp LEFT JOIN remote_actors ra ON ra.id = rp.actor_id WHERE {}",
                listed_actor(c.sqlite)
            )
        }
        None => {
            c.and(
                &format!("rp.actor_id IN {followed}"),
                vec![coop.to_string()],
            );
            format!(
                "FROM remote_posts rp JOIN remote_actors ra ON ra.id = rp.actor_id WHERE {}",
                listed_actor(c.sqlite)
            )
        }
    };
    f.range(&mut c, "rp.id");
    read(conn, &c, &from, "rp.id", f)
}

/// Whether a remote actor's proposals are listed here (see `listed_actor`).
pub fn is_listed(conn: &mut AnyConnection, actor_id: &str) -> StoreResult<bool> {
    let mut c = Conditions::new(conn);
    c.and("ra.id = ?", vec![actor_id.to_string()]);
    let found = c
        .bound(format!(
            "SELECT ra.id AS id FROM remote_actors ra WHERE {}{}",
            listed_actor(c.sqlite),
            c.sql
        ))
        .load::<IdRow>(conn)?;
    Ok(!found.is_empty())
}

/// A page of the timeline, newest first.
pub fn entries(conn: &mut AnyConnection, f: &TimelineFilter) -> StoreResult<Vec<TimelineEntry>> {
    let mut out: Vec<TimelineEntry> = Vec::new();
    if f.local {
        let mut c = Conditions::new(conn);
        c.eq("p.coop_id", &f.coop_id);
        c.eq("p.kind", &f.kind);
        c.eq("p.category", &f.category);
        if let Some(tag) = &f.tag {
            c.and(
                "EXISTS (SELECT 1 FROM proposal_tags t WHERE t.proposal_id = p.id AND t.tag = ?)",
                vec![tag.clone()],
            );
        }
        f.range(&mut c, "p.id");
        let ids = read(
            conn,
            &c,
            "FROM proposals p WHERE p.status = 'open'",
            "p.id",
            f,
        )?;
        out.extend(
            ids.into_iter()
                .map(|id| TimelineEntry::new(id, EntryKind::Local)),
        );
    }
    if f.remote && f.followed_by.is_some() && !matches!(conn, AnyConnection::Sqlite(_)) {
        let ids = followed_on_postgres(conn, f)?;
        out.extend(
            ids.into_iter()
                .map(|id| TimelineEntry::new(id, EntryKind::Remote)),
        );
    } else if f.remote {
        let mut c = Conditions::new(conn);
        c.eq("rp.actor_id", &f.actor_id);
        if let Some(coop) = &f.followed_by {
            c.and(
                "rp.actor_id IN (SELECT f.actor_id FROM following f WHERE f.coop_id = ? AND f.accepted)",
                vec![coop.clone()],
            );
        }
        c.eq("rp.kind", &f.kind);
        c.eq("rp.category", &f.category);
        if let Some(tag) = &f.tag {
            c.and("t.tag = ?", vec![tag.clone()]);
        }
        // A LEFT JOIN keeps the proposals outermost on SQLite, so the walk
        // goes down their ids and stops at the page's end; an inner join
        // let it start from the actors and sort (90 ms at a million). The
        // listed check drops rows without an actor, as an inner join would.
        // With a tag, the walk goes down that tag's index (a rare tag is a
        // few rows, a common one stops at the page's end) instead of every
        // proposal's tag list.
        let (from, column) = if f.tag.is_some() {
            f.range(&mut c, "t.proposal_id");
            (
                format!(
                    "FROM remote_proposal_tags t JOIN remote_proposals rp ON rp.id = t.proposal_id \
                     LEFT JOIN remote_actors ra ON ra.id = rp.actor_id WHERE {}",
                    listed_actor(c.sqlite)
                ),
                "t.proposal_id",
            )
        } else {
            f.range(&mut c, "rp.id");
            (
                format!(
                    "FROM remote_proposals rp LEFT JOIN remote_actors ra ON ra.id = rp.actor_id WHERE {}",
                    listed_actor(c.sqlite)
                ),
                "rp.id",
            )
        };
        let ids = read(conn, &c, &from, column, f)?;
        out.extend(
            ids.into_iter()
                .map(|id| TimelineEntry::new(id, EntryKind::Remote)),
        );
    }
    if let (true, Some(coop)) = (f.posts, &f.followed_by) {
        let mut ids = followed_posts(conn, f, coop, Some(POSTS_WINDOW))?;
        if (ids.len() as i64) < f.limit {
            ids = followed_posts(conn, f, coop, None)?;
        }
        out.extend(
            ids.into_iter()
                .map(|id| TimelineEntry::new(id, EntryKind::Post)),
        );
    }
    if f.ascending() {
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.truncate(f.limit as usize);
        out.reverse();
    } else {
        out.sort_by(|a, b| b.id.cmp(&a.id));
        out.truncate(f.limit as usize);
    }
    Ok(out)
}
