//! What the matching index is built from and kept in step with: open
//! proposals (local and remote) with the facts of their coops, and the
//! journal of changes that triggers fill (migration 000012).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text, Timestamp};

use super::fixed_sql::fixed_sql;
use super::json::from_text;
use super::{corrupt, AnyConnection, StoreResult};
use crate::domain::coop::Stage;
use crate::domain::matching::{
    Body, Changed, CoopTraits, JournalEntry, MatchNotice, MatchSettings, OpenProposal,
};
use crate::domain::notification::{Notification, NotificationKind};
use crate::domain::proposal::{Category, ProposalKind};

/// One open proposal as matching reads it.
#[derive(Debug, Clone, QueryableByName)]
struct DocumentRow {
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
    /// `None` when a remote sender does not say.
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
struct CoopRow {
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
struct JournalRow {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    subject_id: String,
}

impl DocumentRow {
    fn into_domain(self, local: bool) -> StoreResult<OpenProposal> {
        let table = if local {
            "proposals"
        } else {
            "remote_proposals"
        };
        let bad =
            |column: &str, value: &str| corrupt(&format!("{table}.{column}"), &self.id, value);
        let deadline = match self.deadline.as_deref() {
            None => None,
            // Local: `YYYY-MM-DD`; remote: a timestamp as text.
            Some(d) => Some(
                d.get(..10)
                    .and_then(|day| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
                    .ok_or_else(|| bad("deadline", d))?,
            ),
        };
        Ok(OpenProposal {
            kind: ProposalKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?,
            category: Category::parse(&self.category)
                .ok_or_else(|| bad("category", &self.category))?,
            tags: from_text(&format!("{table}.tags"), &self.id, &self.tags)?,
            deadline,
            body: if local {
                Body::Markdown(self.body)
            } else {
                Body::Html(self.body)
            },
            id: self.id,
            coop_id: self.coop_id,
            title: self.title,
            place: self.place,
            remote: self.remote,
            published_at: self.published_at,
        })
    }
}

impl CoopRow {
    fn into_domain(self, local: bool) -> StoreResult<CoopTraits> {
        let table = if local { "coops" } else { "remote_actors" };
        Ok(CoopTraits {
            languages: from_text(&format!("{table}.languages"), &self.id, &self.languages)?,
            stage: match self.stage.as_deref() {
                None => None,
                Some(s) => Some(
                    Stage::parse(s)
                        .ok_or_else(|| corrupt(&format!("{table}.stage"), &self.id, s))?,
                ),
            },
            host: (!self.host.is_empty()).then_some(self.host),
            id: self.id,
            country: self.country,
        })
    }
}

/// Rows that decode; the others are logged with their ids (by `corrupt`)
/// and left out, so one damaged row does not stop matching for the rest.
fn decodable<T>(rows: impl IntoIterator<Item = StoreResult<T>>) -> Vec<T> {
    rows.into_iter().filter_map(Result::ok).collect()
}

/// A batch read in id order, and the last id read (decoded or not), from
/// which the next batch starts.
#[derive(Debug)]
pub struct Batch<T> {
    pub items: Vec<T>,
    pub last_id: Option<String>,
}

const LOCAL: &str = "SELECT p.id AS id, p.coop_id AS coop_id, p.kind AS kind, \
     p.category AS category, p.title AS title, p.description AS body, p.tags AS tags, \
     p.place AS place, p.remote AS remote, p.deadline AS deadline, \
     p.created_at AS published_at FROM proposals p WHERE p.status = 'open'";
const REMOTE: &str = "SELECT rp.id AS id, rp.actor_id AS coop_id, rp.kind AS kind, \
     rp.category AS category, rp.title AS title, rp.content_html AS body, rp.tags AS tags, \
     rp.place AS place, rp.remote AS remote, CAST(rp.deadline AS TEXT) AS deadline, \
     rp.published_at AS published_at FROM remote_proposals rp WHERE 1 = 1";
const LOCAL_COOPS: &str = "SELECT id, '' AS host, country, languages, stage FROM coops";
const REMOTE_COOPS: &str = "SELECT id, host, country, languages, stage FROM remote_actors";

/// Open proposals after `after` in id order, `limit` at most: `local`
/// ones or remote ones.
pub fn documents(
    conn: &mut AnyConnection,
    local: bool,
    after: &str,
    limit: i64,
) -> StoreResult<Batch<OpenProposal>> {
    let (sql, id) = if local {
        (LOCAL, "p.id")
    } else {
        (REMOTE, "rp.id")
    };
    let rows: Vec<DocumentRow> =
        diesel::sql_query(format!("{sql} AND {id} > $1 ORDER BY {id} LIMIT {limit}"))
            .bind::<Text, _>(after)
            .load(conn)?;
    Ok(Batch {
        last_id: rows.last().map(|r| r.id.clone()),
        items: decodable(rows.into_iter().map(|r| r.into_domain(local))),
    })
}

/// The ones of `ids` that are (still) there and open.
pub fn documents_by_id(
    conn: &mut AnyConnection,
    local: bool,
    ids: &[String],
) -> StoreResult<Vec<OpenProposal>> {
    let (sql, column) = if local {
        (LOCAL, "p.id")
    } else {
        (REMOTE, "rp.id")
    };
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_LIST) {
        let rows: Vec<DocumentRow> =
            in_list(&format!("{sql} AND {column} IN"), chunk).load(conn)?;
        out.extend(decodable(rows.into_iter().map(|r| r.into_domain(local))));
    }
    Ok(out)
}

/// `{head} ($1, $2, ...)` with `ids` bound.
fn in_list(
    head: &str,
    ids: &[String],
) -> diesel::query_builder::BoxedSqlQuery<
    'static,
    <AnyConnection as diesel::Connection>::Backend,
    diesel::query_builder::SqlQuery,
> {
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let mut q = diesel::sql_query(format!("{head} ({})", marks.join(", "))).into_boxed();
    for id in ids {
        q = q.bind::<Text, _>(id.clone());
    }
    q
}

/// Ids bound per `IN (...)` list.
const IN_LIST: usize = 500;

/// Coops (local, or remote actors) after `after` in id order.
pub fn coops(
    conn: &mut AnyConnection,
    local: bool,
    after: &str,
    limit: i64,
) -> StoreResult<Batch<CoopTraits>> {
    let sql = if local { LOCAL_COOPS } else { REMOTE_COOPS };
    let rows: Vec<CoopRow> =
        diesel::sql_query(format!("{sql} WHERE id > $1 ORDER BY id LIMIT {limit}"))
            .bind::<Text, _>(after)
            .load(conn)?;
    Ok(Batch {
        last_id: rows.last().map(|r| r.id.clone()),
        items: decodable(rows.into_iter().map(|r| r.into_domain(local))),
    })
}

/// The facts of the ones of `ids` that are there.
pub fn coops_by_id(
    conn: &mut AnyConnection,
    local: bool,
    ids: &[String],
) -> StoreResult<Vec<CoopTraits>> {
    let sql = if local { LOCAL_COOPS } else { REMOTE_COOPS };
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_LIST) {
        let rows: Vec<CoopRow> = in_list(&format!("{sql} WHERE id IN"), chunk).load(conn)?;
        out.extend(decodable(rows.into_iter().map(|r| r.into_domain(local))));
    }
    Ok(out)
}

/// The latest journal entry's number (0 when empty).
pub fn journal_head(conn: &mut AnyConnection) -> StoreResult<i64> {
    #[derive(QueryableByName)]
    struct Head {
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    Ok(
        fixed_sql("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS seq FROM match_journal")
            .get_result::<Head>(conn)?
            .seq,
    )
}

/// Entries numbered above `after`, oldest first.
pub fn journal_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<JournalEntry>> {
    let rows: Vec<JournalRow> = diesel::sql_query(format!(
        "SELECT CAST(seq AS BIGINT) AS seq, subject, subject_id FROM match_journal \
         WHERE seq > $1 ORDER BY seq LIMIT {limit}"
    ))
    .bind::<BigInt, _>(after)
    .load(conn)?;
    Ok(entries(rows))
}

fn entries(rows: Vec<JournalRow>) -> Vec<JournalEntry> {
    rows.into_iter()
        .map(|r| JournalEntry {
            seq: r.seq,
            changed: Changed::parse(&r.subject, r.subject_id),
        })
        .collect()
}

/// Changes of proposals up to `upto` whose new matches are still to be
/// notified, oldest first.
pub fn journal_to_notify(
    conn: &mut AnyConnection,
    upto: i64,
    limit: i64,
) -> StoreResult<Vec<JournalEntry>> {
    let rows: Vec<JournalRow> = diesel::sql_query(format!(
        "SELECT CAST(seq AS BIGINT) AS seq, subject, subject_id FROM match_journal \
         WHERE notified = FALSE AND subject IN ('proposal', 'remote_proposal') AND seq <= $1 \
         ORDER BY seq LIMIT {limit}"
    ))
    .bind::<BigInt, _>(upto)
    .load(conn)?;
    Ok(entries(rows))
}

/// Records the notifications that the changes `seqs` called for and marks
/// those changes notified, together (call inside one transaction); returns
/// the notifications added.
pub fn record_notified(
    conn: &mut AnyConnection,
    notes: &[MatchNotice],
    seqs: &[i64],
) -> StoreResult<usize> {
    let added = add_notifications(conn, notes)?;
    // Bounded batches of numbers: written into the statement.
    for chunk in seqs.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        diesel::sql_query(format!(
            "UPDATE match_journal SET notified = TRUE WHERE seq IN ({})",
            list.join(",")
        ))
        .execute(conn)?;
    }
    Ok(added)
}

/// Forgets entries more than `keep` behind the latest, except changes of
/// proposals not notified yet; a process further behind than that
/// rebuilds instead.
pub fn prune_journal(conn: &mut AnyConnection, keep: i64) -> StoreResult<usize> {
    let head = journal_head(conn)?;
    Ok(fixed_sql(
        "DELETE FROM match_journal WHERE seq <= $1 \
         AND (notified = TRUE OR subject NOT IN ('proposal', 'remote_proposal'))",
    )
    .bind::<BigInt, _>(head - keep)
    .execute(conn)?)
}

#[derive(QueryableByName)]
struct SettingsRow {
    #[diesel(sql_type = Bool)]
    prefer_stage_pairing: bool,
    #[diesel(sql_type = Nullable<Double>)]
    notify_min_score: Option<f64>,
}

/// A coop's settings; the defaults when it never saved any.
pub fn settings(conn: &mut AnyConnection, coop_id: &str) -> StoreResult<MatchSettings> {
    Ok(fixed_sql(
        "SELECT prefer_stage_pairing, notify_min_score FROM match_settings WHERE coop_id = $1",
    )
    .bind::<Text, _>(coop_id)
    .get_result::<SettingsRow>(conn)
    .optional()?
    .map(|r| MatchSettings {
        prefer_stage_pairing: r.prefer_stage_pairing,
        notify_min_score: r.notify_min_score,
    })
    .unwrap_or_default())
}

pub fn save_settings(conn: &mut AnyConnection, coop_id: &str, s: MatchSettings) -> StoreResult<()> {
    fixed_sql(
        "INSERT INTO match_settings (coop_id, prefer_stage_pairing, notify_min_score) \
         VALUES ($1, $2, $3) ON CONFLICT (coop_id) DO UPDATE SET \
         prefer_stage_pairing = excluded.prefer_stage_pairing, \
         notify_min_score = excluded.notify_min_score",
    )
    .bind::<Text, _>(coop_id)
    .bind::<Bool, _>(s.prefer_stage_pairing)
    .bind::<Nullable<Double>, _>(s.notify_min_score)
    .execute(conn)?;
    Ok(())
}

/// Every coop that wants notifications, with its threshold.
pub fn notify_thresholds(conn: &mut AnyConnection) -> StoreResult<Vec<(String, f64)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        coop_id: String,
        #[diesel(sql_type = Double)]
        notify_min_score: f64,
    }
    Ok(fixed_sql(
        "SELECT coop_id, notify_min_score FROM match_settings WHERE notify_min_score IS NOT NULL",
    )
    .load::<Row>(conn)?
    .into_iter()
    .map(|r| (r.coop_id, r.notify_min_score))
    .collect())
}

#[derive(QueryableByName)]
struct NotificationRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    coop_id: String,
    #[diesel(sql_type = Text)]
    proposal_id: String,
    #[diesel(sql_type = Text)]
    other_key: String,
    #[diesel(sql_type = Double)]
    score: f64,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    read_at: Option<NaiveDateTime>,
}

impl From<NotificationRow> for MatchNotice {
    fn from(r: NotificationRow) -> Self {
        MatchNotice {
            id: r.id,
            coop_id: r.coop_id,
            proposal_id: r.proposal_id,
            other_key: r.other_key,
            score: r.score,
            created_at: r.created_at,
            read_at: r.read_at,
        }
    }
}

/// Records notifications; a pair already notified is left as it is.
/// Returns how many are new.
pub fn add_notifications(conn: &mut AnyConnection, rows: &[MatchNotice]) -> StoreResult<usize> {
    let mut added = 0;
    for r in rows {
        let inserted = fixed_sql(
            "INSERT INTO match_notifications (id, coop_id, proposal_id, other_key, score, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(&r.id)
        .bind::<Text, _>(&r.coop_id)
        .bind::<Text, _>(&r.proposal_id)
        .bind::<Text, _>(&r.other_key)
        .bind::<Double, _>(r.score)
        .bind::<Timestamp, _>(r.created_at)
        .execute(conn)?;
        if inserted > 0 {
            // Each new notice is also one of the coop's notifications,
            // under the same (time-ordered) id.
            super::notifications::insert(
                conn,
                &Notification {
                    id: r.id.clone(),
                    coop_id: r.coop_id.clone(),
                    kind: NotificationKind::Match,
                    actor_id: None,
                    subject_id: Some(r.id.clone()),
                    created_at: r.created_at,
                },
            )?;
        }
        added += inserted;
    }
    Ok(added)
}

/// One of a coop's match notices.
pub fn notice(
    conn: &mut AnyConnection,
    coop_id: &str,
    id: &str,
) -> StoreResult<Option<MatchNotice>> {
    let rows: Vec<NotificationRow> = diesel::sql_query(
        "SELECT id, coop_id, proposal_id, other_key, score, created_at, read_at \
         FROM match_notifications WHERE coop_id = $1 AND id = $2",
    )
    .bind::<Text, _>(coop_id)
    .bind::<Text, _>(id)
    .load(conn)?;
    Ok(rows.into_iter().next().map(MatchNotice::from))
}

/// A coop's notifications, newest first, and how many there are.
pub fn notifications(
    conn: &mut AnyConnection,
    coop_id: &str,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> StoreResult<(Vec<MatchNotice>, i64)> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let filter = if unread_only {
        " AND read_at IS NULL"
    } else {
        ""
    };
    let rows: Vec<NotificationRow> = diesel::sql_query(format!(
        "SELECT id, coop_id, proposal_id, other_key, score, created_at, read_at \
         FROM match_notifications WHERE coop_id = $1{filter} \
         ORDER BY created_at DESC, id DESC LIMIT {limit} OFFSET {offset}"
    ))
    .bind::<Text, _>(coop_id)
    .load(conn)?;
    let total = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM match_notifications WHERE coop_id = $1{filter}"
    ))
    .bind::<Text, _>(coop_id)
    .get_result::<Count>(conn)?
    .n;
    Ok((rows.into_iter().map(MatchNotice::from).collect(), total))
}

/// Marks a coop's notifications read: the ones named, or all. Returns how
/// many changed.
pub fn mark_read(
    conn: &mut AnyConnection,
    coop_id: &str,
    ids: Option<&[String]>,
    now: NaiveDateTime,
) -> StoreResult<usize> {
    let base = "UPDATE match_notifications SET read_at = $1 WHERE coop_id = $2 AND read_at IS NULL";
    match ids {
        None => Ok(diesel::sql_query(base)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>(coop_id)
            .execute(conn)?),
        Some(ids) => {
            let mut n = 0;
            for id in ids {
                n += diesel::sql_query(format!("{base} AND id = $3"))
                    .bind::<Timestamp, _>(now)
                    .bind::<Text, _>(coop_id)
                    .bind::<Text, _>(id)
                    .execute(conn)?;
            }
            Ok(n)
        }
    }
}
