//! The `remote_posts` table: posts of followed accounts that are not needs
//! or offers, kept a bounded number of days for home timelines.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::fixed_sql::fixed_sql;
use super::schema::remote_posts;
use super::{AnyConnection, StoreResult};
use crate::domain::remote::{PostVisibility, RemotePost};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = remote_posts)]
struct Row {
    id: String,
    ap_id: String,
    actor_id: String,
    content_html: String,
    summary: Option<String>,
    sensitive: bool,
    url: Option<String>,
    visibility: String,
    language: Option<String>,
    published_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    received_at: NaiveDateTime,
}

impl Row {
    fn into_domain(self) -> StoreResult<RemotePost> {
        Ok(RemotePost {
            visibility: PostVisibility::parse(&self.visibility)
                .ok_or_else(|| corrupt("remote_posts.visibility", &self.id, &self.visibility))?,
            id: self.id,
            ap_id: self.ap_id,
            actor_id: self.actor_id,
            content_html: self.content_html,
            summary: self.summary,
            sensitive: self.sensitive,
            url: self.url,
            language: self.language,
            published_at: self.published_at,
            updated_at: self.updated_at,
            received_at: self.received_at,
        })
    }
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<RemotePost>> {
    remote_posts::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// The received posts with these ids, in no particular order (those not
/// found left out): one query for a page of them.
pub fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<RemotePost>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    remote_posts::table
        .filter(remote_posts::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

pub fn by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<Option<RemotePost>> {
    remote_posts::table
        .filter(remote_posts::ap_id.eq(ap_id))
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// Stores `p` if a local coop follows its author (accepted), replacing the
/// stored copy of the same author's post; `false` when nothing was stored
/// (nobody here follows the author, or the id is another author's).
pub fn save_if_followed(conn: &mut AnyConnection, p: &RemotePost) -> StoreResult<bool> {
    use diesel::sql_types::{Bool, Nullable, Text, Timestamp};
    let n = fixed_sql(
        "INSERT INTO remote_posts (id, ap_id, actor_id, content_html, summary, sensitive, url, \
         visibility, language, published_at, updated_at, received_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 \
         WHERE EXISTS (SELECT 1 FROM following WHERE following.actor_id = $3 AND following.accepted) \
         ON CONFLICT (ap_id) DO UPDATE SET content_html = excluded.content_html, \
         summary = excluded.summary, sensitive = excluded.sensitive, url = excluded.url, \
         visibility = excluded.visibility, language = excluded.language, \
         updated_at = excluded.updated_at \
         WHERE remote_posts.actor_id = excluded.actor_id",
    )
    .bind::<Text, _>(&p.id)
    .bind::<Text, _>(&p.ap_id)
    .bind::<Text, _>(&p.actor_id)
    .bind::<Text, _>(&p.content_html)
    .bind::<Nullable<Text>, _>(&p.summary)
    .bind::<Bool, _>(p.sensitive)
    .bind::<Nullable<Text>, _>(&p.url)
    .bind::<Text, _>(p.visibility.as_str())
    .bind::<Nullable<Text>, _>(&p.language)
    .bind::<Timestamp, _>(p.published_at)
    .bind::<Timestamp, _>(p.updated_at)
    .bind::<Timestamp, _>(p.received_at)
    .execute(conn)?;
    Ok(n == 1)
}

pub fn delete_by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<bool> {
    Ok(
        diesel::delete(remote_posts::table.filter(remote_posts::ap_id.eq(ap_id))).execute(conn)?
            == 1,
    )
}

/// Forgets posts received before `before`.
pub fn prune(conn: &mut AnyConnection, before: NaiveDateTime) -> StoreResult<usize> {
    Ok(
        diesel::delete(remote_posts::table.filter(remote_posts::received_at.lt(before)))
            .execute(conn)?,
    )
}
