//! The `introductions` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::json::{from_text, to_text};
use super::schema::introductions;
use super::{AnyConnection, StoreResult};
use crate::domain::introduction::{Direction, Introduction, IntroductionState, Party};
use crate::domain::proposal::ProposalKind;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = introductions)]
struct Row {
    id: String,
    ap_id: String,
    from_coop_id: Option<String>,
    from_actor_id: Option<String>,
    to_coop_id: Option<String>,
    to_actor_id: Option<String>,
    proposal_ap_id: String,
    proposal_id: Option<String>,
    proposal_kind: String,
    proposal_title: String,
    message: String,
    state: String,
    contacts: Option<String>,
    created_at: NaiveDateTime,
    answered_at: Option<NaiveDateTime>,
    gathering_id: Option<String>,
    from_accepted: bool,
    to_accepted: bool,
}

fn party(
    row: &str,
    local: Option<String>,
    remote: Option<String>,
    side: &str,
) -> StoreResult<Party> {
    match (local, remote) {
        (Some(id), None) => Ok(Party::Local(id)),
        (None, Some(id)) => Ok(Party::Remote(id)),
        _ => Err(corrupt(
            "introductions",
            row,
            format!("not exactly one {side}"),
        )),
    }
}

impl Row {
    fn from_domain(i: &Introduction) -> Row {
        Row {
            id: i.id.clone(),
            ap_id: i.ap_id.clone(),
            from_coop_id: i.from.local_id().map(str::to_string),
            from_actor_id: i.from.remote_id().map(str::to_string),
            to_coop_id: i.to.local_id().map(str::to_string),
            to_actor_id: i.to.remote_id().map(str::to_string),
            proposal_ap_id: i.proposal_ap_id.clone(),
            proposal_id: i.proposal_id.clone(),
            proposal_kind: i.proposal_kind.as_str().to_string(),
            proposal_title: i.proposal_title.clone(),
            message: i.message.clone(),
            state: i.state.as_str().to_string(),
            contacts: i.contacts.as_ref().map(to_text),
            created_at: i.created_at,
            answered_at: i.answered_at,
            gathering_id: i.gathering_id.clone(),
            from_accepted: i.from_accepted,
            to_accepted: i.to_accepted,
        }
    }

    fn into_domain(self) -> StoreResult<Introduction> {
        let bad = |column: &str, value: &str| corrupt(column, &self.id, value);
        Ok(Introduction {
            from: party(&self.id, self.from_coop_id, self.from_actor_id, "asker")?,
            to: party(
                &self.id,
                self.to_coop_id,
                self.to_actor_id,
                "introduced coop",
            )?,
            proposal_kind: ProposalKind::parse(&self.proposal_kind)
                .ok_or_else(|| bad("introductions.proposal_kind", &self.proposal_kind))?,
            state: IntroductionState::parse(&self.state)
                .ok_or_else(|| bad("introductions.state", &self.state))?,
            contacts: self
                .contacts
                .as_deref()
                .map(|c| from_text("introductions.contacts", &self.id, c))
                .transpose()?,
            id: self.id,
            ap_id: self.ap_id,
            proposal_ap_id: self.proposal_ap_id,
            proposal_id: self.proposal_id,
            proposal_title: self.proposal_title,
            message: self.message,
            created_at: self.created_at,
            answered_at: self.answered_at,
            gathering_id: self.gathering_id,
            from_accepted: self.from_accepted,
            to_accepted: self.to_accepted,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, i: &Introduction) -> StoreResult<()> {
    diesel::insert_into(introductions::table)
        .values(Row::from_domain(i))
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<Introduction>> {
    introductions::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

pub fn by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> StoreResult<Option<Introduction>> {
    introductions::table
        .filter(introductions::ap_id.eq(ap_id))
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// The pending or accepted introduction `from` asked about `proposal_ap_id`.
pub fn open_between(
    conn: &mut AnyConnection,
    from: &Party,
    proposal_ap_id: &str,
) -> StoreResult<Option<Introduction>> {
    let query = introductions::table
        .filter(introductions::proposal_ap_id.eq(proposal_ap_id))
        .filter(introductions::state.ne(IntroductionState::Declined.as_str()))
        .into_boxed();
    let query = match from {
        Party::Local(id) => query.filter(introductions::from_coop_id.eq(id.clone())),
        Party::Remote(id) => query.filter(introductions::from_actor_id.eq(id.clone())),
    };
    query
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// Records an answer; `contacts` replaces the stored ones (`None` forgets
/// them). Only a pending introduction changes: false when it was not.
pub fn answer(
    conn: &mut AnyConnection,
    id: &str,
    state: IntroductionState,
    contacts: Option<&crate::domain::coop::ContactDetails>,
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = diesel::update(
        introductions::table
            .find(id)
            .filter(introductions::state.eq(IntroductionState::Pending.as_str())),
    )
    .set((
        introductions::state.eq(state.as_str()),
        introductions::contacts.eq(contacts.map(to_text)),
        introductions::answered_at.eq(Some(at)),
        introductions::to_accepted.eq(state == IntroductionState::Accepted),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A coop's introductions in one direction, newest first, before `cursor`
/// (an id), `limit` at most, optionally in one state.
pub fn of_coop(
    conn: &mut AnyConnection,
    coop_id: &str,
    direction: Direction,
    state: Option<IntroductionState>,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Introduction>> {
    let mut query = introductions::table.into_boxed();
    query = match direction {
        Direction::Sent => query.filter(introductions::from_coop_id.eq(coop_id.to_string())),
        Direction::Received => query.filter(introductions::to_coop_id.eq(coop_id.to_string())),
    };
    if let Some(state) = state {
        query = query.filter(introductions::state.eq(state.as_str()));
    }
    if let Some(cursor) = cursor {
        query = query.filter(introductions::id.lt(cursor.to_string()));
    }
    query
        .order(introductions::id.desc())
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

/// One side of an introduction a facilitator opened accepts (`asker`: the
/// asking side); it becomes accepted once both have. Only a pending one
/// changes: false when it was not.
pub fn accept_side(
    conn: &mut AnyConnection,
    id: &str,
    asker: bool,
    both: bool,
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let pending = introductions::table
        .find(id)
        .filter(introductions::state.eq(IntroductionState::Pending.as_str()));
    let n = match (asker, both) {
        (true, false) => diesel::update(pending)
            .set(introductions::from_accepted.eq(true))
            .execute(conn)?,
        (false, false) => diesel::update(pending)
            .set(introductions::to_accepted.eq(true))
            .execute(conn)?,
        (_, true) => diesel::update(pending)
            .set((
                introductions::from_accepted.eq(true),
                introductions::to_accepted.eq(true),
                introductions::state.eq(IntroductionState::Accepted.as_str()),
                introductions::answered_at.eq(Some(at)),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}
