//! Reading positions (Mastodon's markers), one per person and timeline.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::markers;
use super::{AnyConnection, StoreResult};

/// Where a person stopped reading a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = markers)]
pub struct Marker {
    pub user_id: String,
    pub timeline: String,
    pub last_read_id: String,
    /// Counts the saves, as Mastodon's does.
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

pub fn of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    timelines: &[String],
) -> StoreResult<Vec<Marker>> {
    Ok(markers::table
        .filter(markers::user_id.eq(user_id))
        .filter(markers::timeline.eq_any(timelines.to_vec()))
        .select(Marker::as_select())
        .load(conn)?)
}

/// Saves a position: a new row at version 1, or the next version.
pub fn save(
    conn: &mut AnyConnection,
    user_id: &str,
    timeline: &str,
    last_read_id: &str,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let current = markers::table
        .find((user_id, timeline))
        .select(markers::version)
        .get_result::<i64>(conn)
        .optional()?;
    match current {
        Some(version) => {
            diesel::update(markers::table.find((user_id, timeline)))
                .set((
                    markers::last_read_id.eq(last_read_id),
                    markers::version.eq(version + 1),
                    markers::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(markers::table)
                .values((
                    markers::user_id.eq(user_id),
                    markers::timeline.eq(timeline),
                    markers::last_read_id.eq(last_read_id),
                    markers::version.eq(1i64),
                    markers::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
