//! The `remote_actors` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::from_text;
use super::schema::remote_actors;
use super::{corrupt, AnyConnection, StoreError, StoreResult};
use crate::domain::remote::RemoteActor;

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = remote_actors)]
#[diesel(treat_none_as_null = true)]
pub(super) struct Row {
    id: String,
    ap_id: String,
    kind: String,
    username: String,
    host: String,
    display_name: String,
    summary_html: String,
    url: Option<String>,
    inbox: String,
    shared_inbox: Option<String>,
    public_key_pem: String,
    fetched_at: NaiveDateTime,
    country: Option<String>,
    languages: String,
    stage: Option<String>,
}

impl TryFrom<Row> for RemoteActor {
    type Error = StoreError;

    fn try_from(r: Row) -> StoreResult<Self> {
        Ok(RemoteActor {
            country: r.country,
            stage: match r.stage.as_deref() {
                None => None,
                Some(s) => Some(
                    crate::domain::coop::Stage::parse(s)
                        .ok_or_else(|| corrupt("remote_actors.stage", &r.id, s))?,
                ),
            },
            languages: from_text("remote_actors.languages", &r.id, &r.languages)?,
            id: r.id,
            ap_id: r.ap_id,
            kind: r.kind,
            username: r.username,
            host: r.host,
            display_name: r.display_name,
            summary_html: r.summary_html,
            url: r.url,
            inbox: r.inbox,
            shared_inbox: r.shared_inbox,
            public_key_pem: r.public_key_pem,
            fetched_at: r.fetched_at,
        })
    }
}

impl From<&RemoteActor> for Row {
    fn from(a: &RemoteActor) -> Self {
        Row {
            id: a.id.clone(),
            ap_id: a.ap_id.clone(),
            kind: a.kind.clone(),
            username: a.username.clone(),
            host: a.host.clone(),
            display_name: a.display_name.clone(),
            summary_html: a.summary_html.clone(),
            url: a.url.clone(),
            inbox: a.inbox.clone(),
            shared_inbox: a.shared_inbox.clone(),
            public_key_pem: a.public_key_pem.clone(),
            fetched_at: a.fetched_at,
            country: a.country.clone(),
            languages: super::json::to_text(&a.languages),
            stage: a.stage.map(|s| s.as_str().to_string()),
        }
    }
}

pub fn by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<Option<RemoteActor>> {
    remote_actors::table
        .filter(remote_actors::ap_id.eq(ap_id))
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(RemoteActor::try_from)
        .transpose()
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<RemoteActor>> {
    remote_actors::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(RemoteActor::try_from)
        .transpose()
}

/// The remote actors with these ids, in no particular order (those not
/// found left out): one query for a page of them.
pub fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<RemoteActor>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    remote_actors::table
        .filter(remote_actors::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(RemoteActor::try_from)
        .collect()
}

/// Inserts the actor, or refreshes the stored one with the same `ap_id`
/// (keeping its local id). Returns what is stored.
pub fn upsert(conn: &mut AnyConnection, actor: &RemoteActor) -> StoreResult<RemoteActor> {
    let mut row = Row::from(actor);
    match by_ap_id(conn, &actor.ap_id)? {
        Some(existing) => {
            row.id = existing.id;
            diesel::update(remote_actors::table.find(&row.id))
                .set(&row)
                .execute(conn)?;
        }
        None => {
            // Two requests may store the same new actor at once (a follow
            // arriving while a coop looks the actor up): on PostgreSQL both
            // see none and the second insert breaks the unique `ap_id`. In a
            // savepoint, so the transaction goes on, that one refreshes the
            // row the first stored instead.
            let inserted = conn.transaction::<_, diesel::result::Error, _>(|conn| {
                diesel::insert_into(remote_actors::table)
                    .values(&row)
                    .execute(conn)
            });
            match inserted {
                Ok(_) => {}
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {
                    let existing =
                        by_ap_id(conn, &actor.ap_id)?.ok_or(diesel::result::Error::NotFound)?;
                    row.id = existing.id;
                    diesel::update(remote_actors::table.find(&row.id))
                        .set(&row)
                        .execute(conn)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    RemoteActor::try_from(row)
}

/// Forgets an actor, with its follow relations and proposals (by cascade).
pub fn delete(conn: &mut AnyConnection, id: &str) -> StoreResult<bool> {
    Ok(diesel::delete(remote_actors::table.find(id)).execute(conn)? == 1)
}

/// The actor `username@host`, as stored.
pub fn by_username_host(
    conn: &mut AnyConnection,
    username: &str,
    host: &str,
) -> StoreResult<Option<RemoteActor>> {
    remote_actors::table
        .filter(remote_actors::host.eq(host.to_ascii_lowercase()))
        .filter(remote_actors::username.eq(username))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(RemoteActor::try_from)
        .transpose()
}
