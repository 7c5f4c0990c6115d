//! `node_follows` (nodes we follow, with their backfill) and
//! `node_followers` (nodes following us).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::corrupt;
use super::schema::{node_followers, node_follows, remote_actors};
use super::{remote_actors as actors, AnyConnection, StoreResult};
use crate::domain::node::{Backfill, BackfillState, BackfillStop, NodeFollow, NodeFollower};
use crate::domain::remote::RemoteActor;

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = node_follows)]
struct FollowRow {
    domain: String,
    actor_id: String,
    follow_ap_id: String,
    accepted: bool,
    created_at: NaiveDateTime,
    backfill_state: String,
    backfill_next: Option<String>,
    backfill_items: i64,
    backfill_error: Option<String>,
    backfill_updated_at: Option<NaiveDateTime>,
    backfill_pages: i64,
    backfill_started_at: Option<NaiveDateTime>,
    backfill_stop: Option<String>,
}

impl FollowRow {
    fn into_domain(self) -> StoreResult<NodeFollow> {
        Ok(NodeFollow {
            backfill: Backfill {
                state: BackfillState::parse(&self.backfill_state).ok_or_else(|| {
                    corrupt(
                        "node_follows.backfill_state",
                        &self.domain,
                        &self.backfill_state,
                    )
                })?,
                stop: match &self.backfill_stop {
                    None => None,
                    Some(s) => {
                        Some(BackfillStop::parse(s).ok_or_else(|| {
                            corrupt("node_follows.backfill_stop", &self.domain, s)
                        })?)
                    }
                },
                next: self.backfill_next,
                items: self.backfill_items,
                pages: self.backfill_pages,
                started_at: self.backfill_started_at,
                error: self.backfill_error,
                updated_at: self.backfill_updated_at,
            },
            domain: self.domain,
            actor_id: self.actor_id,
            follow_ap_id: self.follow_ap_id,
            accepted: self.accepted,
            created_at: self.created_at,
        })
    }

    fn from_domain(f: &NodeFollow) -> Self {
        FollowRow {
            domain: f.domain.clone(),
            actor_id: f.actor_id.clone(),
            follow_ap_id: f.follow_ap_id.clone(),
            accepted: f.accepted,
            created_at: f.created_at,
            backfill_state: f.backfill.state.as_str().into(),
            backfill_next: f.backfill.next.clone(),
            backfill_items: f.backfill.items,
            backfill_error: f.backfill.error.clone(),
            backfill_updated_at: f.backfill.updated_at,
            backfill_pages: f.backfill.pages,
            backfill_started_at: f.backfill.started_at,
            backfill_stop: f.backfill.stop.map(|s| s.as_str().to_string()),
        }
    }
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = node_followers)]
struct FollowerRow {
    domain: String,
    actor_id: String,
    follow_ap_id: String,
    accepted: bool,
    created_at: NaiveDateTime,
}

impl From<FollowerRow> for NodeFollower {
    fn from(r: FollowerRow) -> Self {
        NodeFollower {
            domain: r.domain,
            actor_id: r.actor_id,
            follow_ap_id: r.follow_ap_id,
            accepted: r.accepted,
            created_at: r.created_at,
        }
    }
}

pub mod following {
    use super::*;

    pub fn insert(conn: &mut AnyConnection, f: &NodeFollow) -> StoreResult<()> {
        diesel::insert_into(node_follows::table)
            .values(FollowRow::from_domain(f))
            .execute(conn)?;
        Ok(())
    }

    pub fn get(conn: &mut AnyConnection, domain: &str) -> StoreResult<Option<NodeFollow>> {
        node_follows::table
            .find(domain)
            .select(FollowRow::as_select())
            .get_result(conn)
            .optional()?
            .map(FollowRow::into_domain)
            .transpose()
    }

    pub fn by_follow_ap_id(
        conn: &mut AnyConnection,
        ap_id: &str,
    ) -> StoreResult<Option<NodeFollow>> {
        node_follows::table
            .filter(node_follows::follow_ap_id.eq(ap_id))
            .select(FollowRow::as_select())
            .get_result(conn)
            .optional()?
            .map(FollowRow::into_domain)
            .transpose()
    }

    pub fn delete(conn: &mut AnyConnection, domain: &str) -> StoreResult<bool> {
        Ok(diesel::delete(node_follows::table.find(domain)).execute(conn)? == 1)
    }

    /// Accepted: the backfill starts (with no page yet: the worker first
    /// reads the node actor to find its directory).
    pub fn accept(conn: &mut AnyConnection, domain: &str, now: NaiveDateTime) -> StoreResult<bool> {
        Ok(diesel::update(node_follows::table.find(domain))
            .set((
                node_follows::accepted.eq(true),
                node_follows::backfill_state.eq(BackfillState::Running.as_str()),
                node_follows::backfill_next.eq(None::<String>),
                node_follows::backfill_items.eq(0),
                node_follows::backfill_error.eq(None::<String>),
                node_follows::backfill_updated_at.eq(Some(now)),
                node_follows::backfill_pages.eq(0),
                node_follows::backfill_started_at.eq(Some(now)),
                node_follows::backfill_stop.eq(None::<String>),
            ))
            .execute(conn)?
            == 1)
    }

    /// Records a read page: how many items it held and where to go next.
    pub fn backfill_progress(
        conn: &mut AnyConnection,
        domain: &str,
        backfill: &Backfill,
    ) -> StoreResult<bool> {
        Ok(diesel::update(node_follows::table.find(domain))
            .set((
                node_follows::backfill_state.eq(backfill.state.as_str()),
                node_follows::backfill_next.eq(&backfill.next),
                node_follows::backfill_items.eq(backfill.items),
                node_follows::backfill_error.eq(&backfill.error),
                node_follows::backfill_updated_at.eq(backfill.updated_at),
                node_follows::backfill_pages.eq(backfill.pages),
                node_follows::backfill_stop.eq(backfill.stop.map(|s| s.as_str())),
            ))
            .execute(conn)?
            == 1)
    }

    /// Takes the lease on a node's running backfill until `until`, if no
    /// other process holds it; returns the follow as it is now.
    pub fn claim_backfill(
        conn: &mut AnyConnection,
        domain: &str,
        now: NaiveDateTime,
        until: NaiveDateTime,
    ) -> StoreResult<Option<NodeFollow>> {
        let claimed = diesel::update(node_follows::table.find(domain))
            .filter(node_follows::backfill_state.eq(BackfillState::Running.as_str()))
            .filter(
                node_follows::backfill_lease_until
                    .is_null()
                    .or(node_follows::backfill_lease_until.lt(now)),
            )
            .set(node_follows::backfill_lease_until.eq(Some(until)))
            .execute(conn)?;
        if claimed == 1 {
            get(conn, domain)
        } else {
            Ok(None)
        }
    }

    /// Extends the lease this process holds (after each page read).
    pub fn renew_backfill(
        conn: &mut AnyConnection,
        domain: &str,
        until: NaiveDateTime,
    ) -> StoreResult<()> {
        diesel::update(node_follows::table.find(domain))
            .set(node_follows::backfill_lease_until.eq(Some(until)))
            .execute(conn)?;
        Ok(())
    }

    /// Gives the lease back (the round is over, or the process stops).
    pub fn release_backfill(conn: &mut AnyConnection, domain: &str) -> StoreResult<()> {
        diesel::update(node_follows::table.find(domain))
            .set(node_follows::backfill_lease_until.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        Ok(())
    }

    /// Follows whose backfill has pages left.
    pub fn backfilling(conn: &mut AnyConnection) -> StoreResult<Vec<NodeFollow>> {
        node_follows::table
            .filter(node_follows::backfill_state.eq(BackfillState::Running.as_str()))
            .order(node_follows::domain.asc())
            .select(FollowRow::as_select())
            .load(conn)?
            .into_iter()
            .map(FollowRow::into_domain)
            .collect()
    }

    pub fn all(conn: &mut AnyConnection) -> StoreResult<Vec<(NodeFollow, RemoteActor)>> {
        let rows: Vec<(FollowRow, actors::Row)> = node_follows::table
            .inner_join(remote_actors::table)
            .order(node_follows::domain.asc())
            .select((FollowRow::as_select(), actors::Row::as_select()))
            .load(conn)?;
        rows.into_iter()
            .map(|(f, a)| Ok((f.into_domain()?, RemoteActor::try_from(a)?)))
            .collect()
    }
}

pub mod followers {
    use super::*;

    /// Inserts the request, or replaces the stored one from the same node.
    pub fn upsert(conn: &mut AnyConnection, f: &NodeFollower) -> StoreResult<()> {
        diesel::delete(node_followers::table.find(&f.domain)).execute(conn)?;
        diesel::insert_into(node_followers::table)
            .values(FollowerRow {
                domain: f.domain.clone(),
                actor_id: f.actor_id.clone(),
                follow_ap_id: f.follow_ap_id.clone(),
                accepted: f.accepted,
                created_at: f.created_at,
            })
            .execute(conn)?;
        Ok(())
    }

    pub fn get(conn: &mut AnyConnection, domain: &str) -> StoreResult<Option<NodeFollower>> {
        Ok(node_followers::table
            .find(domain)
            .select(FollowerRow::as_select())
            .get_result(conn)
            .optional()?
            .map(NodeFollower::from))
    }

    pub fn set_accepted(conn: &mut AnyConnection, domain: &str) -> StoreResult<bool> {
        Ok(diesel::update(node_followers::table.find(domain))
            .set(node_followers::accepted.eq(true))
            .execute(conn)?
            == 1)
    }

    pub fn delete(conn: &mut AnyConnection, domain: &str) -> StoreResult<bool> {
        Ok(diesel::delete(node_followers::table.find(domain)).execute(conn)? == 1)
    }

    pub fn all(conn: &mut AnyConnection) -> StoreResult<Vec<(NodeFollower, RemoteActor)>> {
        let rows: Vec<(FollowerRow, actors::Row)> = node_followers::table
            .inner_join(remote_actors::table)
            .order(node_followers::domain.asc())
            .select((FollowerRow::as_select(), actors::Row::as_select()))
            .load(conn)?;
        rows.into_iter()
            .map(|(f, a)| Ok((NodeFollower::from(f), RemoteActor::try_from(a)?)))
            .collect()
    }

    pub fn count_accepted(conn: &mut AnyConnection) -> StoreResult<i64> {
        Ok(node_followers::table
            .filter(node_followers::accepted.eq(true))
            .count()
            .get_result(conn)?)
    }

    /// Node actors that follow us (accepted), where forwarded activities go.
    pub fn accepted_actors(conn: &mut AnyConnection) -> StoreResult<Vec<RemoteActor>> {
        let rows: Vec<actors::Row> = node_followers::table
            .inner_join(remote_actors::table)
            .filter(node_followers::accepted.eq(true))
            .select(actors::Row::as_select())
            .load(conn)?;
        rows.into_iter().map(RemoteActor::try_from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;

    #[test]
    fn one_process_at_a_time_holds_a_backfill() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = crate::infra::store::Db::connect(&dir.path().join("n.db").to_string_lossy(), 1)
            .expect("db");
        db.migrate().expect("migrate");
        let mut conn = db.conn().expect("conn");
        conn.batch_execute(
            "INSERT INTO remote_actors (id, ap_id, kind, username, host, display_name, \
             summary_html, inbox, public_key_pem, fetched_at) VALUES ('r', 'https://b.test/actor', \
             'Application', 'b.test', 'b.test', 'B', '', 'https://b.test/inbox', 'k', \
             '2026-11-01 00:00:00');
             INSERT INTO node_follows (domain, actor_id, follow_ap_id, accepted, created_at, \
             backfill_state, backfill_items) VALUES ('b.test', 'r', 'https://a.test/f', TRUE, \
             '2026-11-01 00:00:00', 'running', 7);",
        )
        .expect("seed");
        let t = |s: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
                .unwrap()
                .and_hms_opt(12, 0, s)
                .unwrap()
        };
        let first = following::claim_backfill(&mut conn, "b.test", t(0), t(30)).unwrap();
        assert_eq!(first.map(|f| f.backfill.items), Some(7));
        assert!(
            following::claim_backfill(&mut conn, "b.test", t(10), t(40))
                .unwrap()
                .is_none(),
            "held by the first"
        );
        following::renew_backfill(&mut conn, "b.test", t(50)).unwrap();
        assert!(following::claim_backfill(&mut conn, "b.test", t(40), t(59))
            .unwrap()
            .is_none());
        // Past the lease (the holder died), another process takes it.
        assert!(following::claim_backfill(&mut conn, "b.test", t(51), t(59))
            .unwrap()
            .is_some());
        following::release_backfill(&mut conn, "b.test").unwrap();
        assert!(following::claim_backfill(&mut conn, "b.test", t(52), t(59))
            .unwrap()
            .is_some());
        // A finished backfill is not claimed.
        following::release_backfill(&mut conn, "b.test").unwrap();
        conn.batch_execute("UPDATE node_follows SET backfill_state = 'done'")
            .expect("done");
        assert!(following::claim_backfill(&mut conn, "b.test", t(53), t(59))
            .unwrap()
            .is_none());
    }
}
