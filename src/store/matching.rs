//! What the matching index is built from and kept in step with: open
//! proposals (local and remote) with the facts of their coops, and the
//! journal of changes that triggers fill (migration 000012).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};

use super::{AnyConnection, StoreResult};

/// One open proposal as matching reads it.
#[derive(Debug, Clone, QueryableByName)]
pub struct DocumentRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    /// The local coop's id, or the remote actor's id.
    #[diesel(sql_type = Text)]
    pub coop_id: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// Markdown (local) or sanitised HTML (remote).
    #[diesel(sql_type = Text)]
    pub body: String,
    /// A JSON list.
    #[diesel(sql_type = Text)]
    pub tags: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub place: Option<String>,
    /// Unknown for remote proposals (not a field on the wire).
    #[diesel(sql_type = Nullable<Bool>)]
    pub remote: Option<bool>,
    /// `YYYY-MM-DD`, possibly followed by a time.
    #[diesel(sql_type = Nullable<Text>)]
    pub deadline: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub published_at: NaiveDateTime,
}

/// A coop's facts as matching reads them.
#[derive(Debug, Clone, QueryableByName)]
pub struct CoopRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    /// Empty for local coops.
    #[diesel(sql_type = Text)]
    pub host: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub country: Option<String>,
    /// A JSON list of BCP 47 tags.
    #[diesel(sql_type = Text)]
    pub languages: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub stage: Option<String>,
}

/// One journal entry: `subject` is `proposal`, `remote_proposal`, `coop`
/// or `actor`.
#[derive(Debug, Clone, QueryableByName)]
pub struct JournalRow {
    #[diesel(sql_type = BigInt)]
    pub seq: i64,
    #[diesel(sql_type = Text)]
    pub subject: String,
    #[diesel(sql_type = Text)]
    pub subject_id: String,
}

const LOCAL: &str = "SELECT p.id AS id, p.coop_id AS coop_id, p.kind AS kind, \
     p.category AS category, p.title AS title, p.description AS body, p.tags AS tags, \
     p.place AS place, p.remote AS remote, p.deadline AS deadline, \
     p.created_at AS published_at FROM proposals p WHERE p.status = 'open'";
const REMOTE: &str = "SELECT rp.id AS id, rp.actor_id AS coop_id, rp.kind AS kind, \
     rp.category AS category, rp.title AS title, rp.content_html AS body, rp.tags AS tags, \
     rp.place AS place, CAST(NULL AS BOOLEAN) AS remote, CAST(rp.deadline AS TEXT) AS deadline, \
     rp.published_at AS published_at FROM remote_proposals rp WHERE 1 = 1";
const LOCAL_COOPS: &str = "SELECT id, '' AS host, country, languages, stage FROM coops";
const REMOTE_COOPS: &str = "SELECT id, host, country, languages, \
     CAST(NULL AS TEXT) AS stage FROM remote_actors";

/// Open proposals after `after` in id order, `limit` at most: `local`
/// ones or remote ones.
pub fn documents(
    conn: &mut AnyConnection,
    local: bool,
    after: &str,
    limit: i64,
) -> StoreResult<Vec<DocumentRow>> {
    let (sql, id) = if local {
        (LOCAL, "p.id")
    } else {
        (REMOTE, "rp.id")
    };
    Ok(
        diesel::sql_query(format!("{sql} AND {id} > $1 ORDER BY {id} LIMIT {limit}"))
            .bind::<Text, _>(after)
            .load(conn)?,
    )
}

/// One open proposal, if it is (still) there and open.
pub fn document(
    conn: &mut AnyConnection,
    local: bool,
    id: &str,
) -> StoreResult<Option<DocumentRow>> {
    let (sql, column) = if local {
        (LOCAL, "p.id")
    } else {
        (REMOTE, "rp.id")
    };
    Ok(diesel::sql_query(format!("{sql} AND {column} = $1"))
        .bind::<Text, _>(id)
        .get_result(conn)
        .optional()?)
}

/// Coops (local, or remote actors) after `after` in id order.
pub fn coops(
    conn: &mut AnyConnection,
    local: bool,
    after: &str,
    limit: i64,
) -> StoreResult<Vec<CoopRow>> {
    let sql = if local { LOCAL_COOPS } else { REMOTE_COOPS };
    Ok(
        diesel::sql_query(format!("{sql} WHERE id > $1 ORDER BY id LIMIT {limit}"))
            .bind::<Text, _>(after)
            .load(conn)?,
    )
}

/// One coop's facts, if it is there.
pub fn coop(conn: &mut AnyConnection, local: bool, id: &str) -> StoreResult<Option<CoopRow>> {
    let sql = if local { LOCAL_COOPS } else { REMOTE_COOPS };
    Ok(diesel::sql_query(format!("{sql} WHERE id = $1"))
        .bind::<Text, _>(id)
        .get_result(conn)
        .optional()?)
}

/// The latest journal entry's number (0 when empty).
pub fn journal_head(conn: &mut AnyConnection) -> StoreResult<i64> {
    #[derive(QueryableByName)]
    struct Head {
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    Ok(
        diesel::sql_query("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS seq FROM match_journal")
            .get_result::<Head>(conn)?
            .seq,
    )
}

/// Entries numbered above `after`, oldest first.
pub fn journal_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<JournalRow>> {
    Ok(diesel::sql_query(format!(
        "SELECT CAST(seq AS BIGINT) AS seq, subject, subject_id FROM match_journal \
         WHERE seq > $1 ORDER BY seq LIMIT {limit}"
    ))
    .bind::<BigInt, _>(after)
    .load(conn)?)
}

/// Forgets entries more than `keep` behind the latest; a process further
/// behind than that rebuilds instead.
pub fn prune_journal(conn: &mut AnyConnection, keep: i64) -> StoreResult<usize> {
    let head = journal_head(conn)?;
    Ok(
        diesel::sql_query("DELETE FROM match_journal WHERE seq <= $1")
            .bind::<BigInt, _>(head - keep)
            .execute(conn)?,
    )
}

/// Whether a coop prefers start-coop/established pairings (false when it
/// never said).
pub fn prefers_stage_pairing(conn: &mut AnyConnection, coop_id: &str) -> StoreResult<bool> {
    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Bool)]
        prefer_stage_pairing: bool,
    }
    Ok(
        diesel::sql_query("SELECT prefer_stage_pairing FROM match_settings WHERE coop_id = $1")
            .bind::<Text, _>(coop_id)
            .get_result::<Setting>(conn)
            .optional()?
            .is_some_and(|s| s.prefer_stage_pairing),
    )
}

pub fn set_stage_pairing(conn: &mut AnyConnection, coop_id: &str, prefer: bool) -> StoreResult<()> {
    diesel::sql_query(
        "INSERT INTO match_settings (coop_id, prefer_stage_pairing) VALUES ($1, $2) \
         ON CONFLICT (coop_id) DO UPDATE SET prefer_stage_pairing = excluded.prefer_stage_pairing",
    )
    .bind::<Text, _>(coop_id)
    .bind::<Bool, _>(prefer)
    .execute(conn)?;
    Ok(())
}
