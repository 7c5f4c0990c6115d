//! The `remote_gatherings` and `remote_gathering_joins` tables: other
//! servers' gatherings that coops of this node joined.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::json::{from_text, to_text};
use super::schema::{remote_gathering_joins, remote_gatherings};
use super::{AnyConnection, StoreResult};
use crate::domain::remote_gathering::{GatheringJoin, JoinState, RemoteGathering};

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = remote_gatherings)]
struct Row {
    id: String,
    ap_id: String,
    organiser_actor_id: String,
    title: String,
    content_html: String,
    url: Option<String>,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    time_zone: Option<String>,
    call_url: Option<String>,
    notes_html: Option<String>,
    notes_at: Option<NaiveDateTime>,
    fetched_at: NaiveDateTime,
}

impl From<Row> for RemoteGathering {
    fn from(r: Row) -> Self {
        RemoteGathering {
            id: r.id,
            ap_id: r.ap_id,
            organiser_actor_id: r.organiser_actor_id,
            title: r.title,
            content_html: r.content_html,
            url: r.url,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            time_zone: r.time_zone,
            call_url: r.call_url,
            notes_html: r.notes_html,
            notes_at: r.notes_at,
            fetched_at: r.fetched_at,
        }
    }
}

impl Row {
    fn of(g: &RemoteGathering) -> Row {
        Row {
            id: g.id.clone(),
            ap_id: g.ap_id.clone(),
            organiser_actor_id: g.organiser_actor_id.clone(),
            title: g.title.clone(),
            content_html: g.content_html.clone(),
            url: g.url.clone(),
            starts_at: g.starts_at,
            ends_at: g.ends_at,
            time_zone: g.time_zone.clone(),
            call_url: g.call_url.clone(),
            notes_html: g.notes_html.clone(),
            notes_at: g.notes_at,
            fetched_at: g.fetched_at,
        }
    }
}

/// Stores a fetched gathering, or refreshes the stored copy of the same
/// Event (keeping its id and notes); answers the stored one.
pub fn upsert(conn: &mut AnyConnection, g: &RemoteGathering) -> StoreResult<RemoteGathering> {
    if let Some(stored) = by_ap_id(conn, &g.ap_id)? {
        let fresh = RemoteGathering {
            id: stored.id.clone(),
            notes_html: stored.notes_html.clone(),
            notes_at: stored.notes_at,
            ..g.clone()
        };
        diesel::update(remote_gatherings::table.find(&stored.id))
            .set(Row::of(&fresh))
            .execute(conn)?;
        return Ok(fresh);
    }
    diesel::insert_into(remote_gatherings::table)
        .values(Row::of(g))
        .execute(conn)?;
    Ok(g.clone())
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<RemoteGathering>> {
    Ok(remote_gatherings::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(RemoteGathering::from))
}

pub fn by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<Option<RemoteGathering>> {
    Ok(remote_gatherings::table
        .filter(remote_gatherings::ap_id.eq(ap_id))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(RemoteGathering::from))
}

pub fn set_notes(
    conn: &mut AnyConnection,
    id: &str,
    notes_html: &str,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::update(remote_gatherings::table.find(id))
        .set((
            remote_gatherings::notes_html.eq(Some(notes_html)),
            remote_gatherings::notes_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = remote_gathering_joins)]
struct JoinRow {
    remote_gathering_id: String,
    coop_id: String,
    join_ap_id: String,
    delegate: String,
    state: String,
    about: String,
    proposals: String,
    contributed_at: Option<NaiveDateTime>,
    joined_at: NaiveDateTime,
}

impl JoinRow {
    fn into_domain(self) -> StoreResult<GatheringJoin> {
        let row = format!("{}/{}", self.remote_gathering_id, self.coop_id);
        Ok(GatheringJoin {
            state: JoinState::parse(&self.state)
                .ok_or_else(|| corrupt("remote_gathering_joins.state", &row, &self.state))?,
            proposals: from_text("remote_gathering_joins.proposals", &row, &self.proposals)?,
            remote_gathering_id: self.remote_gathering_id,
            coop_id: self.coop_id,
            join_ap_id: self.join_ap_id,
            delegate: self.delegate,
            about: self.about,
            contributed_at: self.contributed_at,
            joined_at: self.joined_at,
        })
    }
}

pub fn add_join(conn: &mut AnyConnection, j: &GatheringJoin) -> StoreResult<()> {
    diesel::insert_into(remote_gathering_joins::table)
        .values(JoinRow {
            remote_gathering_id: j.remote_gathering_id.clone(),
            coop_id: j.coop_id.clone(),
            join_ap_id: j.join_ap_id.clone(),
            delegate: j.delegate.clone(),
            state: j.state.as_str().to_string(),
            about: j.about.clone(),
            proposals: to_text(&j.proposals),
            contributed_at: j.contributed_at,
            joined_at: j.joined_at,
        })
        .execute(conn)?;
    Ok(())
}

pub fn join_of(
    conn: &mut AnyConnection,
    remote_gathering_id: &str,
    coop_id: &str,
) -> StoreResult<Option<GatheringJoin>> {
    remote_gathering_joins::table
        .find((remote_gathering_id, coop_id))
        .select(JoinRow::as_select())
        .get_result(conn)
        .optional()?
        .map(JoinRow::into_domain)
        .transpose()
}

pub fn join_by_ap_id(
    conn: &mut AnyConnection,
    join_ap_id: &str,
) -> StoreResult<Option<GatheringJoin>> {
    remote_gathering_joins::table
        .filter(remote_gathering_joins::join_ap_id.eq(join_ap_id))
        .select(JoinRow::as_select())
        .first(conn)
        .optional()?
        .map(JoinRow::into_domain)
        .transpose()
}

pub fn set_state(
    conn: &mut AnyConnection,
    join_ap_id: &str,
    state: JoinState,
) -> StoreResult<bool> {
    Ok(diesel::update(
        remote_gathering_joins::table.filter(remote_gathering_joins::join_ap_id.eq(join_ap_id)),
    )
    .set(remote_gathering_joins::state.eq(state.as_str()))
    .execute(conn)?
        == 1)
}

pub fn contribute(
    conn: &mut AnyConnection,
    remote_gathering_id: &str,
    coop_id: &str,
    about: &str,
    proposals: &[String],
    at: NaiveDateTime,
) -> StoreResult<bool> {
    Ok(
        diesel::update(remote_gathering_joins::table.find((remote_gathering_id, coop_id)))
            .set((
                remote_gathering_joins::about.eq(about),
                remote_gathering_joins::proposals.eq(to_text(&proposals)),
                remote_gathering_joins::contributed_at.eq(Some(at)),
            ))
            .execute(conn)?
            == 1,
    )
}

pub fn remove_join(
    conn: &mut AnyConnection,
    remote_gathering_id: &str,
    coop_id: &str,
) -> StoreResult<bool> {
    Ok(
        diesel::delete(remote_gathering_joins::table.find((remote_gathering_id, coop_id)))
            .execute(conn)?
            == 1,
    )
}

/// The gatherings of other servers a coop registered for, with its
/// registration, soonest first.
pub fn joined_by(
    conn: &mut AnyConnection,
    coop_id: &str,
) -> StoreResult<Vec<(RemoteGathering, GatheringJoin)>> {
    let rows: Vec<(Row, JoinRow)> = remote_gatherings::table
        .inner_join(
            remote_gathering_joins::table
                .on(remote_gathering_joins::remote_gathering_id.eq(remote_gatherings::id)),
        )
        .filter(remote_gathering_joins::coop_id.eq(coop_id))
        .order((
            remote_gatherings::starts_at.asc(),
            remote_gatherings::id.asc(),
        ))
        .limit(crate::domain::limits::REMOTE_GATHERINGS_LISTED)
        .select((Row::as_select(), JoinRow::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(g, j)| Ok((RemoteGathering::from(g), j.into_domain()?)))
        .collect()
}
