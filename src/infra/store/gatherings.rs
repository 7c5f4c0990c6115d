//! The `gatherings` table and those of its participants (local coops, and
//! actors of other servers) and synergy points.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::json::{from_text, to_text};
use super::schema::{
    gathering_participants, gathering_remote_participants, gathering_synergies, gatherings,
};
use super::{AnyConnection, StoreResult};
use crate::domain::gathering::{
    Gathering, GatheringDraft, Live, Participant, RemoteParticipant, Round, Synergy, SynergyState,
};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = gatherings)]
struct Row {
    id: String,
    organiser_coop_id: Option<String>,
    title: String,
    description: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    time_zone: String,
    call_url: Option<String>,
    languages: String,
    recurrence: Option<String>,
    contributions_until: Option<NaiveDateTime>,
    facilitators: String,
    note_taker_coop_id: Option<String>,
    registration_open: bool,
    notes: String,
    notes_published_at: Option<NaiveDateTime>,
    live_round: Option<String>,
    live_turn: Option<i32>,
    live_since: Option<NaiveDateTime>,
    turn_seconds: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row {
    fn from_domain(g: &Gathering) -> Row {
        let d = &g.draft;
        Row {
            id: g.id.clone(),
            organiser_coop_id: g.organiser_coop_id.clone(),
            title: d.title.clone(),
            description: d.description.clone(),
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            time_zone: d.time_zone.clone(),
            call_url: d.call_url.clone(),
            languages: to_text(&d.languages),
            recurrence: d.recurrence.clone(),
            contributions_until: d.contributions_until,
            facilitators: to_text(&g.facilitators),
            note_taker_coop_id: g.note_taker.clone(),
            registration_open: g.registration_open,
            notes: g.notes.clone(),
            notes_published_at: g.notes_published_at,
            live_round: g.live.map(|l| l.round.as_str().to_string()),
            live_turn: g.live.map(|l| l.turn),
            live_since: g.live.map(|l| l.since),
            turn_seconds: g.turn_seconds,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }

    fn into_domain(self) -> StoreResult<Gathering> {
        let live = match (self.live_round.as_deref(), self.live_turn, self.live_since) {
            (Some(round), Some(turn), Some(since)) => Some(Live {
                round: Round::parse(round)
                    .ok_or_else(|| corrupt("gatherings.live_round", &self.id, round))?,
                turn,
                since,
            }),
            _ => None,
        };
        Ok(Gathering {
            live,
            turn_seconds: self.turn_seconds,
            draft: GatheringDraft {
                languages: from_text("gatherings.languages", &self.id, &self.languages)?,
                title: self.title,
                description: self.description,
                starts_at: self.starts_at,
                ends_at: self.ends_at,
                time_zone: self.time_zone,
                call_url: self.call_url,
                recurrence: self.recurrence,
                contributions_until: self.contributions_until,
            },
            facilitators: from_text("gatherings.facilitators", &self.id, &self.facilitators)?,
            id: self.id,
            organiser_coop_id: self.organiser_coop_id,
            note_taker: self.note_taker_coop_id,
            registration_open: self.registration_open,
            notes: self.notes,
            notes_published_at: self.notes_published_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, g: &Gathering) -> StoreResult<()> {
    diesel::insert_into(gatherings::table)
        .values(Row::from_domain(g))
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<Gathering>> {
    gatherings::table
        .find(id)
        .select(Row::as_select())
        .get_result(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// Gatherings by id, in no order; unknown ids are left out.
pub fn by_ids(conn: &mut AnyConnection, ids: &[String]) -> StoreResult<Vec<Gathering>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    gatherings::table
        .filter(gatherings::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

/// Opens or closes registration; false when there is no such gathering.
pub fn set_registration(
    conn: &mut AnyConnection,
    id: &str,
    open: bool,
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = diesel::update(gatherings::table.find(id))
        .set((
            gatherings::registration_open.eq(open),
            gatherings::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Keeps the notes, and publishes them when `publish` (they stay
/// published once they are).
pub fn set_notes(
    conn: &mut AnyConnection,
    id: &str,
    notes: &str,
    publish: bool,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let target = gatherings::table.find(id);
    if publish {
        diesel::update(target)
            .set((
                gatherings::notes.eq(notes),
                gatherings::notes_published_at.eq(Some(at)),
                gatherings::updated_at.eq(at),
            ))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set((gatherings::notes.eq(notes), gatherings::updated_at.eq(at)))
            .execute(conn)?;
    }
    Ok(())
}

/// Where the live call stands (`None`: not running) and a turn's length.
pub fn set_live(
    conn: &mut AnyConnection,
    id: &str,
    live: Option<Live>,
    turn_seconds: i32,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::update(gatherings::table.find(id))
        .set((
            gatherings::live_round.eq(live.map(|l| l.round.as_str().to_string())),
            gatherings::live_turn.eq(live.map(|l| l.turn)),
            gatherings::live_since.eq(live.map(|l| l.since)),
            gatherings::turn_seconds.eq(turn_seconds),
            gatherings::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gatherings not over at `now`, soonest first (`past`: over, latest
/// first), after the gathering `cursor`, `limit` at most.
pub fn list(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    past: bool,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Gathering>> {
    let mut query = gatherings::table.into_boxed();
    query = if past {
        query
            .filter(gatherings::ends_at.le(now))
            .order((gatherings::starts_at.desc(), gatherings::id.desc()))
    } else {
        query
            .filter(gatherings::ends_at.gt(now))
            .order((gatherings::starts_at.asc(), gatherings::id.asc()))
    };
    if let Some(cursor) = cursor {
        let at: Option<NaiveDateTime> = gatherings::table
            .find(cursor)
            .select(gatherings::starts_at)
            .get_result(conn)
            .optional()?;
        // A cursor whose gathering is gone ends the list.
        let Some(at) = at else {
            return Ok(Vec::new());
        };
        let id = cursor.to_string();
        query = if past {
            query.filter(
                gatherings::starts_at
                    .lt(at)
                    .or(gatherings::starts_at.eq(at).and(gatherings::id.lt(id))),
            )
        } else {
            query.filter(
                gatherings::starts_at
                    .gt(at)
                    .or(gatherings::starts_at.eq(at).and(gatherings::id.gt(id))),
            )
        };
    }
    query
        .limit(limit)
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = gathering_participants)]
struct ParticipantRow {
    gathering_id: String,
    coop_id: String,
    delegate: String,
    joined_at: NaiveDateTime,
    about: String,
    proposals: String,
    contributed_at: Option<NaiveDateTime>,
}

impl ParticipantRow {
    fn into_domain(self) -> StoreResult<Participant> {
        let row = format!("{}/{}", self.gathering_id, self.coop_id);
        Ok(Participant {
            proposals: from_text("gathering_participants.proposals", &row, &self.proposals)?,
            gathering_id: self.gathering_id,
            coop_id: self.coop_id,
            delegate: self.delegate,
            joined_at: self.joined_at,
            about: self.about,
            contributed_at: self.contributed_at,
        })
    }
}

pub fn add_participant(conn: &mut AnyConnection, p: &Participant) -> StoreResult<()> {
    diesel::insert_into(gathering_participants::table)
        .values(ParticipantRow {
            gathering_id: p.gathering_id.clone(),
            coop_id: p.coop_id.clone(),
            delegate: p.delegate.clone(),
            joined_at: p.joined_at,
            about: p.about.clone(),
            proposals: to_text(&p.proposals),
            contributed_at: p.contributed_at,
        })
        .execute(conn)?;
    Ok(())
}

/// Records a participant's contribution; false when it is not registered.
pub fn contribute(
    conn: &mut AnyConnection,
    gathering_id: &str,
    coop_id: &str,
    about: &str,
    proposals: &[String],
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = diesel::update(gathering_participants::table.find((gathering_id, coop_id)))
        .set((
            gathering_participants::about.eq(about),
            gathering_participants::proposals.eq(to_text(&proposals)),
            gathering_participants::contributed_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// False when the coop was not registered.
pub fn remove_participant(
    conn: &mut AnyConnection,
    gathering_id: &str,
    coop_id: &str,
) -> StoreResult<bool> {
    let n = diesel::delete(gathering_participants::table.find((gathering_id, coop_id)))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn participant(
    conn: &mut AnyConnection,
    gathering_id: &str,
    coop_id: &str,
) -> StoreResult<Option<Participant>> {
    gathering_participants::table
        .find((gathering_id, coop_id))
        .select(ParticipantRow::as_select())
        .get_result(conn)
        .optional()?
        .map(ParticipantRow::into_domain)
        .transpose()
}

/// A gathering's participants in the order they registered (the speaking
/// order of the rounds).
pub fn participants(conn: &mut AnyConnection, gathering_id: &str) -> StoreResult<Vec<Participant>> {
    gathering_participants::table
        .filter(gathering_participants::gathering_id.eq(gathering_id))
        .order((
            gathering_participants::joined_at.asc(),
            gathering_participants::coop_id.asc(),
        ))
        .select(ParticipantRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ParticipantRow::into_domain)
        .collect()
}

/// How many coops and remote actors registered for each of `ids`, in two
/// grouped queries (absent: none).
pub fn participant_counts(
    conn: &mut AnyConnection,
    ids: &[String],
) -> StoreResult<std::collections::HashMap<String, i64>> {
    let local: Vec<(String, i64)> = gathering_participants::table
        .filter(gathering_participants::gathering_id.eq_any(ids))
        .group_by(gathering_participants::gathering_id)
        .select((
            gathering_participants::gathering_id,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let remote: Vec<(String, i64)> = gathering_remote_participants::table
        .filter(gathering_remote_participants::gathering_id.eq_any(ids))
        .group_by(gathering_remote_participants::gathering_id)
        .select((
            gathering_remote_participants::gathering_id,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut counts = std::collections::HashMap::new();
    for (id, n) in local.into_iter().chain(remote) {
        *counts.entry(id).or_insert(0) += n;
    }
    Ok(counts)
}

/// Everyone registered: local coops and remote actors.
pub fn participant_count(conn: &mut AnyConnection, gathering_id: &str) -> StoreResult<i64> {
    let local: i64 = gathering_participants::table
        .filter(gathering_participants::gathering_id.eq(gathering_id))
        .count()
        .get_result(conn)?;
    let remote: i64 = gathering_remote_participants::table
        .filter(gathering_remote_participants::gathering_id.eq(gathering_id))
        .count()
        .get_result(conn)?;
    Ok(local + remote)
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = gathering_remote_participants)]
struct RemoteParticipantRow {
    gathering_id: String,
    actor_id: String,
    join_ap_id: String,
    delegate: String,
    joined_at: NaiveDateTime,
    about_html: String,
    proposals: String,
    contributed_at: Option<NaiveDateTime>,
}

impl RemoteParticipantRow {
    fn into_domain(self) -> StoreResult<RemoteParticipant> {
        let row = format!("{}/{}", self.gathering_id, self.actor_id);
        Ok(RemoteParticipant {
            proposals: from_text(
                "gathering_remote_participants.proposals",
                &row,
                &self.proposals,
            )?,
            gathering_id: self.gathering_id,
            actor_id: self.actor_id,
            join_ap_id: self.join_ap_id,
            delegate: self.delegate,
            joined_at: self.joined_at,
            about_html: self.about_html,
            contributed_at: self.contributed_at,
        })
    }
}

/// Records a remote participant's contribution; false when it is not
/// registered.
pub fn contribute_remote(
    conn: &mut AnyConnection,
    gathering_id: &str,
    actor_id: &str,
    about_html: &str,
    proposals: &[String],
    at: NaiveDateTime,
) -> StoreResult<bool> {
    let n = diesel::update(gathering_remote_participants::table.find((gathering_id, actor_id)))
        .set((
            gathering_remote_participants::about_html.eq(about_html),
            gathering_remote_participants::proposals.eq(to_text(&proposals)),
            gathering_remote_participants::contributed_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn add_remote_participant(conn: &mut AnyConnection, p: &RemoteParticipant) -> StoreResult<()> {
    diesel::insert_into(gathering_remote_participants::table)
        .values(RemoteParticipantRow {
            gathering_id: p.gathering_id.clone(),
            actor_id: p.actor_id.clone(),
            join_ap_id: p.join_ap_id.clone(),
            delegate: p.delegate.clone(),
            joined_at: p.joined_at,
            about_html: p.about_html.clone(),
            proposals: to_text(&p.proposals),
            contributed_at: p.contributed_at,
        })
        .execute(conn)?;
    Ok(())
}

pub fn remote_participant(
    conn: &mut AnyConnection,
    gathering_id: &str,
    actor_id: &str,
) -> StoreResult<Option<RemoteParticipant>> {
    gathering_remote_participants::table
        .find((gathering_id, actor_id))
        .select(RemoteParticipantRow::as_select())
        .get_result(conn)
        .optional()?
        .map(RemoteParticipantRow::into_domain)
        .transpose()
}

/// The registration made by the `Join` with this id, if it stands.
pub fn remote_participant_by_join(
    conn: &mut AnyConnection,
    join_ap_id: &str,
) -> StoreResult<Option<RemoteParticipant>> {
    gathering_remote_participants::table
        .filter(gathering_remote_participants::join_ap_id.eq(join_ap_id))
        .select(RemoteParticipantRow::as_select())
        .first(conn)
        .optional()?
        .map(RemoteParticipantRow::into_domain)
        .transpose()
}

/// False when the actor was not registered.
pub fn remove_remote_participant(
    conn: &mut AnyConnection,
    gathering_id: &str,
    actor_id: &str,
) -> StoreResult<bool> {
    let n = diesel::delete(gathering_remote_participants::table.find((gathering_id, actor_id)))
        .execute(conn)?;
    Ok(n == 1)
}

/// A gathering's remote participants in the order they joined.
pub fn remote_participants(
    conn: &mut AnyConnection,
    gathering_id: &str,
) -> StoreResult<Vec<RemoteParticipant>> {
    gathering_remote_participants::table
        .filter(gathering_remote_participants::gathering_id.eq(gathering_id))
        .order((
            gathering_remote_participants::joined_at.asc(),
            gathering_remote_participants::actor_id.asc(),
        ))
        .select(RemoteParticipantRow::as_select())
        .load(conn)?
        .into_iter()
        .map(RemoteParticipantRow::into_domain)
        .collect()
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = gathering_synergies)]
struct SynergyRow {
    gathering_id: String,
    need_id: String,
    offer_id: String,
    state: String,
    introduction_id: Option<String>,
    decided_by_coop_id: Option<String>,
    decided_at: NaiveDateTime,
}

pub fn add_synergy(conn: &mut AnyConnection, s: &Synergy) -> StoreResult<()> {
    diesel::insert_into(gathering_synergies::table)
        .values(SynergyRow {
            gathering_id: s.gathering_id.clone(),
            need_id: s.need_id.clone(),
            offer_id: s.offer_id.clone(),
            state: s.state.as_str().to_string(),
            introduction_id: s.introduction_id.clone(),
            decided_by_coop_id: s.decided_by.clone(),
            decided_at: s.decided_at,
        })
        .execute(conn)?;
    Ok(())
}

/// The facilitators' decisions on a gathering's board.
pub fn synergies(conn: &mut AnyConnection, gathering_id: &str) -> StoreResult<Vec<Synergy>> {
    gathering_synergies::table
        .filter(gathering_synergies::gathering_id.eq(gathering_id))
        .order(gathering_synergies::decided_at.asc())
        .select(SynergyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| {
            let state = SynergyState::parse(&r.state)
                .ok_or_else(|| corrupt("gathering_synergies.state", &r.need_id, &r.state))?;
            Ok(Synergy {
                gathering_id: r.gathering_id,
                need_id: r.need_id,
                offer_id: r.offer_id,
                state,
                introduction_id: r.introduction_id,
                decided_by: r.decided_by_coop_id,
                decided_at: r.decided_at,
            })
        })
        .collect()
}
