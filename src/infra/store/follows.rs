//! The two follow tables, which have the same shape:
//! - `followers`: remote actors following a local coop;
//! - `following`: local coops following remote actors.
//!
//! One macro writes the same queries for both, so they cannot drift apart.

use chrono::NaiveDateTime;

use crate::domain::remote::{Follow, WithActor};

pub(super) type Row = (String, String, String, bool, NaiveDateTime);

fn follow(r: Row) -> Follow {
    Follow {
        coop_id: r.0,
        actor_id: r.1,
        follow_ap_id: r.2,
        accepted: r.3,
        created_at: r.4,
    }
}

macro_rules! follow_table {
    ($table:ident) => {
        pub mod $table {
            use diesel::prelude::*;

            use super::{follow, WithActor};
            use crate::domain::remote::{Follow, RemoteActor};
            use crate::infra::store::schema::{remote_actors, $table};
            use crate::infra::store::{remote_actors as actors, AnyConnection, StoreResult};

            const COLUMNS: (
                $table::coop_id,
                $table::actor_id,
                $table::follow_ap_id,
                $table::accepted,
                $table::created_at,
            ) = (
                $table::coop_id,
                $table::actor_id,
                $table::follow_ap_id,
                $table::accepted,
                $table::created_at,
            );

            /// Inserts the relation, or replaces the stored one between the same pair.
            /// One statement, so that two requests storing the same pair at
            /// once (on PostgreSQL, in two transactions) both succeed.
            pub fn upsert(conn: &mut AnyConnection, f: &Follow) -> StoreResult<()> {
                use diesel::sql_types::{Bool, Text, Timestamp};
                crate::infra::store::fixed_sql::fixed_sql(concat!(
                    "INSERT INTO ",
                    stringify!($table),
                    " (coop_id, actor_id, follow_ap_id, accepted, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (coop_id, actor_id) DO UPDATE SET \
                     follow_ap_id = excluded.follow_ap_id, accepted = excluded.accepted, \
                     created_at = excluded.created_at"
                ))
                .bind::<Text, _>(&f.coop_id)
                .bind::<Text, _>(&f.actor_id)
                .bind::<Text, _>(&f.follow_ap_id)
                .bind::<Bool, _>(f.accepted)
                .bind::<Timestamp, _>(f.created_at)
                .execute(conn)?;
                Ok(())
            }

            pub fn get(
                conn: &mut AnyConnection,
                coop_id: &str,
                actor_id: &str,
            ) -> StoreResult<Option<Follow>> {
                Ok($table::table
                    .find((coop_id, actor_id))
                    .select(COLUMNS)
                    .get_result(conn)
                    .optional()?
                    .map(follow))
            }

            pub fn by_follow_ap_id(
                conn: &mut AnyConnection,
                follow_ap_id: &str,
            ) -> StoreResult<Option<Follow>> {
                Ok($table::table
                    .filter($table::follow_ap_id.eq(follow_ap_id))
                    .select(COLUMNS)
                    .get_result(conn)
                    .optional()?
                    .map(follow))
            }

            pub fn set_accepted(
                conn: &mut AnyConnection,
                coop_id: &str,
                actor_id: &str,
            ) -> StoreResult<bool> {
                Ok(diesel::update($table::table.find((coop_id, actor_id)))
                    .set($table::accepted.eq(true))
                    .execute(conn)?
                    == 1)
            }

            pub fn delete(
                conn: &mut AnyConnection,
                coop_id: &str,
                actor_id: &str,
            ) -> StoreResult<bool> {
                Ok(diesel::delete($table::table.find((coop_id, actor_id))).execute(conn)? == 1)
            }

            /// A coop's relations in one state, oldest actor first, after `cursor`
            /// (an actor id).
            pub fn list(
                conn: &mut AnyConnection,
                coop_id: &str,
                accepted: bool,
                cursor: Option<&str>,
                limit: i64,
            ) -> StoreResult<Vec<WithActor>> {
                let mut query = $table::table
                    .inner_join(remote_actors::table)
                    .filter($table::coop_id.eq(coop_id))
                    .filter($table::accepted.eq(accepted))
                    .into_boxed();
                if let Some(cursor) = cursor {
                    query = query.filter($table::actor_id.gt(cursor.to_string()));
                }
                let rows: Vec<(super::Row, actors::Row)> = query
                    .order($table::actor_id.asc())
                    .limit(limit)
                    .select((COLUMNS, actors::Row::as_select()))
                    .load(conn)?;
                rows.into_iter()
                    .map(|(f, a)| Ok((follow(f), RemoteActor::try_from(a)?)))
                    .collect()
            }

            /// Every accepted relation of a coop with the actor on the other end.
            pub fn accepted_actors(
                conn: &mut AnyConnection,
                coop_id: &str,
            ) -> StoreResult<Vec<RemoteActor>> {
                let rows: Vec<actors::Row> = $table::table
                    .inner_join(remote_actors::table)
                    .filter($table::coop_id.eq(coop_id))
                    .filter($table::accepted.eq(true))
                    .select(actors::Row::as_select())
                    .load(conn)?;
                rows.into_iter().map(RemoteActor::try_from).collect()
            }

            /// How many relations (of one state) a coop has.
            pub fn count(
                conn: &mut AnyConnection,
                coop_id: &str,
                accepted: bool,
            ) -> StoreResult<i64> {
                Ok($table::table
                    .filter($table::coop_id.eq(coop_id))
                    .filter($table::accepted.eq(accepted))
                    .count()
                    .get_result(conn)?)
            }
        }
    };
}

follow_table!(followers);
follow_table!(following);
