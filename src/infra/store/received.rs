//! `received_activities`: ids of incoming activities already processed, so a
//! redelivered or replayed activity changes nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};

use super::fixed_sql::fixed_sql;
use super::schema::received_activities;
use super::{AnyConnection, StoreResult};

/// Records `ap_id`; false when it was already there. Call it inside the
/// transaction that applies the activity, so both commit or neither.
pub fn first_time(conn: &mut AnyConnection, ap_id: &str, now: NaiveDateTime) -> StoreResult<bool> {
    // Same statement on SQLite (3.24+) and PostgreSQL.
    let n = fixed_sql(
        "INSERT INTO received_activities (ap_id, received_at) VALUES ($1, $2) ON CONFLICT (ap_id) DO NOTHING",
    )
    .bind::<Text, _>(ap_id)
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    Ok(n == 1)
}

/// Forgets ids older than `before` (senders stop retrying long before).
pub fn prune(conn: &mut AnyConnection, before: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(
        received_activities::table.filter(received_activities::received_at.lt(before)),
    )
    .execute(conn)?)
}
