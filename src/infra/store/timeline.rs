//! Timelines as Mastodon apps page them: open needs and offers, local and
//! remote, the gatherings this node's coops organise, and in home
//! timelines the other posts of followed accounts, newest first by id.
//! Ids are UUIDv7 (time-ordered, compared as text), so `max_id`,
//! `since_id` and `min_id` are plain range conditions on the primary keys
//! (a home timeline's received side: on its feed's), each side read
//! through its own index and stopping at the page's end, then merged.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::directory::{listed_actor, not_limited, Conditions};
use super::{AnyConnection, StoreResult};

/// What a timeline shows. Empty fields do not filter.
#[derive(Debug, Default, Clone)]
pub struct TimelineFilter {
    /// Include this node's proposals.
    pub local: bool,
    /// With `local`: include the gatherings this node's coops organise
    /// (not with a kind, category or tag: they have none).
    pub gatherings: bool,
    /// Include proposals received from other servers (listed ones only:
    /// followed, and not from a limited domain).
    pub remote: bool,
    /// Local side: only this coop's.
    pub coop_id: Option<String>,
    /// Remote side: only this actor's.
    pub actor_id: Option<String>,
    /// Remote side: this coop's home feed, the received needs, offers and
    /// other posts of the actors it follows (accepted).
    pub followed_by: Option<String>,
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
    /// A gathering one of this node's coops organises.
    Gathering,
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

#[derive(QueryableByName)]
struct FeedRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Bool)]
    post: bool,
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

/// One side of a page: the ids `column` walks, as entries of `kind`.
fn read(
    conn: &mut AnyConnection,
    c: &Conditions,
    from_where: &str,
    column: &str,
    f: &TimelineFilter,
    kind: EntryKind,
) -> StoreResult<Vec<TimelineEntry>> {
    let order = if f.ascending() { "ASC" } else { "DESC" };
    Ok(c.bound(format!(
        "SELECT {column} AS id {from_where}{} ORDER BY {column} {order} LIMIT {}",
        c.sql, f.limit
    ))
    .load::<IdRow>(conn)?
    .into_iter()
    .map(|r| TimelineEntry::new(r.id, kind))
    .collect())
}

/// The received side of a coop's home timeline: its feed (see the
/// `home_feed` migration), one walk down `(coop_id, entry_id)` that stops
/// at the page's end, however many accounts the coop follows. Actors on a
/// limited domain are skipped as everywhere. With a kind, category or tag,
/// only the proposals that have it (posts have none of ours).
fn home_feed(
    conn: &mut AnyConnection,
    f: &TimelineFilter,
    coop: &str,
) -> StoreResult<Vec<TimelineEntry>> {
    let mut c = Conditions::new(conn);
    c.and("h.coop_id = ?", vec![coop.to_string()]);
    let filtered = f.kind.is_some() || f.category.is_some() || f.tag.is_some();
    let proposals = if filtered {
        c.eq("rp.kind", &f.kind);
        c.eq("rp.category", &f.category);
        if let Some(tag) = &f.tag {
            c.and(
                "EXISTS (SELECT 1 FROM remote_proposal_tags t WHERE t.proposal_id = rp.id AND t.tag = ?)",
                vec![tag.clone()],
            );
        }
        " JOIN remote_proposals rp ON rp.id = h.entry_id"
    } else {
        ""
    };
    f.range(&mut c, "h.entry_id");
    let order = if f.ascending() { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT h.entry_id AS id, h.post AS post FROM home_feed h{proposals} \
         JOIN remote_actors ra ON ra.id = h.actor_id WHERE {}{} \
         ORDER BY h.entry_id {order} LIMIT {}",
        not_limited(),
        c.sql,
        f.limit
    );
    Ok(c.bound(sql)
        .load::<FeedRow>(conn)?
        .into_iter()
        .map(|r| {
            let kind = if r.post {
                EntryKind::Post
            } else {
                EntryKind::Remote
            };
            TimelineEntry::new(r.id, kind)
        })
        .collect())
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
        out.extend(read(
            conn,
            &c,
            "FROM proposals p WHERE p.status = 'open'",
            "p.id",
            f,
            EntryKind::Local,
        )?);
    }
    let filtered = f.kind.is_some() || f.category.is_some() || f.tag.is_some();
    if f.local && f.gatherings && !filtered {
        // Those the node organises have no account to be posted by.
        let mut c = Conditions::new(conn);
        c.eq("g.organiser_coop_id", &f.coop_id);
        f.range(&mut c, "g.id");
        out.extend(read(
            conn,
            &c,
            "FROM gatherings g WHERE g.organiser_coop_id IS NOT NULL",
            "g.id",
            f,
            EntryKind::Gathering,
        )?);
    }
    if let (true, Some(coop)) = (f.remote, &f.followed_by) {
        out.extend(home_feed(conn, f, coop)?);
    } else if f.remote {
        let mut c = Conditions::new(conn);
        c.eq("rp.actor_id", &f.actor_id);
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
        out.extend(read(conn, &c, &from, column, f, EntryKind::Remote)?);
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
