//! The `remote_proposals` table: needs and offers received from remote coops.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::{from_text, to_text};
use super::schema::{following, remote_actors, remote_proposals};
use super::{remote_actors as actors, AnyConnection, StoreError, StoreResult};
use crate::domain::proposal::{Category, ProposalKind, Quantity};
use crate::domain::remote::{RemoteActor, RemoteProposal};

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
}

fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("remote_proposals.{column}: {value}"))
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
        }
    }

    fn into_domain(self) -> StoreResult<RemoteProposal> {
        Ok(RemoteProposal {
            kind: ProposalKind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            category: Category::parse(&self.category)
                .ok_or_else(|| corrupt("category", &self.category))?,
            tags: from_text("remote_proposals.tags", &self.tags)?,
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
        })
    }
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

/// Stores `p`, replacing `existing` (the stored proposal with the same
/// `ap_id`, which the caller has read already) and keeping its local id.
pub fn save(
    conn: &mut AnyConnection,
    p: &RemoteProposal,
    existing: Option<&RemoteProposal>,
) -> StoreResult<()> {
    let mut row = Row::from_domain(p);
    match existing {
        Some(existing) => {
            row.id = existing.id.clone();
            row.received_at = existing.received_at;
            diesel::update(remote_proposals::table.find(&row.id))
                .set(&row)
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(remote_proposals::table)
                .values(&row)
                .execute(conn)?;
        }
    }
    Ok(())
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
        .map(|(p, a)| Ok((p.into_domain()?, RemoteActor::from(a))))
        .collect()
}
