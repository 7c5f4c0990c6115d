//! The `remote_proposals` table: needs and offers received from remote coops.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::fixed_sql::fixed_sql;
use super::json::{from_text, to_text};
use super::schema::{following, gathering_remote_participants, remote_actors, remote_proposals};
use super::{remote_actors as actors, AnyConnection, StoreResult};
use crate::domain::proposal::{Category, ProposalKind, Quantity};
use crate::domain::remote::{Reciprocal, RemoteActor, RemoteProposal};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = remote_proposals)]
#[diesel(treat_none_as_null = true)]
struct Row {
    id: String,
    ap_id: String,
    actor_id: String,
    kind: String,
    category: String,
    title: String,
    content_html: String,
    tags: String,
    quantity_value: Option<String>,
    quantity_unit: Option<String>,
    place: Option<String>,
    deadline: Option<NaiveDateTime>,
    url: Option<String>,
    published_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    received_at: NaiveDateTime,
    remote: Option<bool>,
    /// JSON of [`Reciprocal`].
    reciprocal: Option<String>,
}

impl Row {
    fn from_domain(p: &RemoteProposal) -> Row {
        Row {
            id: p.id.clone(),
            ap_id: p.ap_id.clone(),
            actor_id: p.actor_id.clone(),
            kind: p.kind.as_str().into(),
            category: p.category.as_str().into(),
            title: p.title.clone(),
            content_html: p.content_html.clone(),
            tags: to_text(&p.tags),
            quantity_value: p.quantity.as_ref().and_then(|q| q.value.clone()),
            quantity_unit: p.quantity.as_ref().map(|q| q.unit.clone()),
            place: p.place.clone(),
            deadline: p.deadline,
            url: p.url.clone(),
            published_at: p.published_at,
            updated_at: p.updated_at,
            received_at: p.received_at,
            remote: p.remote,
            reciprocal: p.reciprocal.as_ref().map(to_text),
        }
    }

    fn into_domain(self) -> StoreResult<RemoteProposal> {
        Ok(RemoteProposal {
            kind: ProposalKind::parse(&self.kind)
                .ok_or_else(|| corrupt("remote_proposals.kind", &self.id, &self.kind))?,
            category: Category::parse(&self.category)
                .ok_or_else(|| corrupt("remote_proposals.category", &self.id, &self.category))?,
            tags: from_text("remote_proposals.tags", &self.id, &self.tags)?,
            reciprocal: match &self.reciprocal {
                Some(text) => Some(from_text::<Reciprocal>(
                    "remote_proposals.reciprocal",
                    &self.id,
                    text,
                )?),
                None => None,
            },
            quantity: self.quantity_unit.map(|unit| Quantity {
                value: self.quantity_value,
                unit,
            }),
            id: self.id,
            ap_id: self.ap_id,
            actor_id: self.actor_id,
            title: self.title,
            content_html: self.content_html,
            place: self.place,
            deadline: self.deadline,
            url: self.url,
            published_at: self.published_at,
            updated_at: self.updated_at,
            received_at: self.received_at,
            remote: self.remote,
        })
    }
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<RemoteProposal>> {
    remote_proposals::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// The received proposals with these ids, in no particular order (those not
/// found left out): one query for a page of them.
pub fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<RemoteProposal>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    remote_proposals::table
        .filter(remote_proposals::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

pub fn by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<Option<RemoteProposal>> {
    remote_proposals::table
        .filter(remote_proposals::ap_id.eq(ap_id))
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// What [`save_if_followed`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// Inserted, or replaced the stored copy (keeping its local id).
    Saved,
    /// Neither its actor nor its actor's node is followed; nothing stored.
    NotFollowed,
    /// A proposal with this `ap_id` belongs to another actor; nothing stored.
    OtherOwner,
}

/// Stores `p` if a local coop follows its actor, this node follows the
/// actor's node, or the actor takes part in one of our gatherings that is
/// not over (a past one does not let its participants keep sending),
/// replacing the stored copy unless that belongs to another actor. One
/// statement on the common path: the inbox runs this for every received
/// proposal.
pub fn save_if_followed(conn: &mut AnyConnection, p: &RemoteProposal) -> StoreResult<Saved> {
    use diesel::sql_types::{Bool, Nullable, Text, Timestamp};
    let row = Row::from_domain(p);
    // Same statement on SQLite (3.35+) and PostgreSQL. `received_at` and
    // `id` are left as first stored.
    let n = fixed_sql(
        "INSERT INTO remote_proposals (id, ap_id, actor_id, kind, category, title, content_html, \
         tags, quantity_value, quantity_unit, place, deadline, url, published_at, updated_at, received_at, \
         remote, reciprocal) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18 \
         WHERE EXISTS (SELECT 1 FROM following WHERE following.actor_id = $3) \
         OR EXISTS (SELECT 1 FROM remote_actors JOIN node_follows ON node_follows.domain = remote_actors.host \
                    WHERE remote_actors.id = $3 AND node_follows.accepted) \
         OR EXISTS (SELECT 1 FROM gathering_remote_participants grp JOIN gatherings g ON g.id = grp.gathering_id \
                    WHERE grp.actor_id = $3 AND g.ends_at > $16) \
         ON CONFLICT (ap_id) DO UPDATE SET kind = excluded.kind, category = excluded.category, \
         title = excluded.title, content_html = excluded.content_html, tags = excluded.tags, \
         quantity_value = excluded.quantity_value, quantity_unit = excluded.quantity_unit, \
         place = excluded.place, deadline = excluded.deadline, url = excluded.url, \
         published_at = excluded.published_at, updated_at = excluded.updated_at, \
         remote = excluded.remote, reciprocal = excluded.reciprocal \
         WHERE remote_proposals.actor_id = excluded.actor_id",
    )
    .bind::<Text, _>(&row.id)
    .bind::<Text, _>(&row.ap_id)
    .bind::<Text, _>(&row.actor_id)
    .bind::<Text, _>(&row.kind)
    .bind::<Text, _>(&row.category)
    .bind::<Text, _>(&row.title)
    .bind::<Text, _>(&row.content_html)
    .bind::<Text, _>(&row.tags)
    .bind::<Nullable<Text>, _>(&row.quantity_value)
    .bind::<Nullable<Text>, _>(&row.quantity_unit)
    .bind::<Nullable<Text>, _>(&row.place)
    .bind::<Nullable<Timestamp>, _>(row.deadline)
    .bind::<Nullable<Text>, _>(&row.url)
    .bind::<Timestamp, _>(row.published_at)
    .bind::<Timestamp, _>(row.updated_at)
    .bind::<Timestamp, _>(row.received_at)
    .bind::<Nullable<Bool>, _>(row.remote)
    .bind::<Nullable<Text>, _>(&row.reciprocal)
    .execute(conn)?;
    if n == 1 {
        return Ok(Saved::Saved);
    }
    // Rare: find out which condition held it back.
    Ok(match by_ap_id(conn, &p.ap_id)? {
        Some(stored) if stored.actor_id != p.actor_id => Saved::OtherOwner,
        _ => Saved::NotFollowed,
    })
}

/// Forgets the proposals of actors on `host` that no local coop follows
/// and that take part in none of our gatherings
/// (after this node stops following that node, or blocks it).
pub fn forget_unfollowed_of_host(conn: &mut AnyConnection, host: &str) -> StoreResult<usize> {
    Ok(diesel::delete(
        remote_proposals::table
            .filter(
                remote_proposals::actor_id.eq_any(
                    remote_actors::table
                        .filter(remote_actors::host.eq(host.to_string()))
                        .select(remote_actors::id),
                ),
            )
            .filter(remote_proposals::actor_id.ne_all(following::table.select(following::actor_id)))
            .filter(
                remote_proposals::actor_id.ne_all(
                    gathering_remote_participants::table
                        .select(gathering_remote_participants::actor_id),
                ),
            ),
    )
    .execute(conn)?)
}

pub fn delete_by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<bool> {
    Ok(
        diesel::delete(remote_proposals::table.filter(remote_proposals::ap_id.eq(ap_id)))
            .execute(conn)?
            == 1,
    )
}

/// Proposals of the actors a coop follows (accepted or pending), newest
/// local id first, before `cursor`.
pub fn received_by(
    conn: &mut AnyConnection,
    coop_id: &str,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<(RemoteProposal, RemoteActor)>> {
    let mut query = remote_proposals::table
        .inner_join(remote_actors::table)
        .filter(
            remote_proposals::actor_id.eq_any(
                following::table
                    .filter(following::coop_id.eq(coop_id.to_string()))
                    .select(following::actor_id),
            ),
        )
        .into_boxed();
    if let Some(cursor) = cursor {
        query = query.filter(remote_proposals::id.lt(cursor.to_string()));
    }
    let rows: Vec<(Row, actors::Row)> = query
        .order(remote_proposals::id.desc())
        .limit(limit)
        .select((Row::as_select(), actors::Row::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(p, a)| Ok((p.into_domain()?, RemoteActor::try_from(a)?)))
        .collect()
}
