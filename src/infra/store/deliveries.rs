//! The durable outgoing queue: `outgoing_activities`, `deliveries` and
//! `delivery_hosts`. Claiming uses a lease written with a conditional
//! UPDATE, so several processes can share the queue without SKIP LOCKED
//! (which MultiBackend lacks).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

use super::fixed_sql::fixed_sql;
use super::schema::{deliveries, delivery_hosts, outgoing_activities};
use super::{AnyConnection, StoreResult};
use crate::domain::node::HostQueue;

pub struct NewActivity<'a> {
    pub id: &'a str,
    pub ap_id: &'a str,
    pub signer: &'a str,
    pub body: &'a str,
    pub created_at: NaiveDateTime,
}

/// A delivery that is due, with what is needed to send it.
#[derive(Debug, Clone, Queryable)]
pub struct Due {
    pub id: String,
    pub activity_id: String,
    pub inbox: String,
    pub host: String,
    pub attempts: i32,
    pub activity_created_at: NaiveDateTime,
    pub ap_id: String,
    pub signer: String,
    pub body: String,
}

/// Stores the activity once and a delivery per distinct inbox.
pub fn enqueue(
    conn: &mut AnyConnection,
    activity: &NewActivity<'_>,
    inboxes: &[(String, String)],
    new_id: impl Fn() -> String,
) -> StoreResult<usize> {
    diesel::insert_into(outgoing_activities::table)
        .values((
            outgoing_activities::id.eq(activity.id),
            outgoing_activities::ap_id.eq(activity.ap_id),
            outgoing_activities::signer.eq(activity.signer),
            outgoing_activities::body.eq(activity.body),
            outgoing_activities::created_at.eq(activity.created_at),
        ))
        .execute(conn)?;
    for (inbox, host) in inboxes {
        diesel::insert_into(deliveries::table)
            .values((
                deliveries::id.eq(new_id()),
                deliveries::activity_id.eq(activity.id),
                deliveries::inbox.eq(inbox),
                deliveries::host.eq(host),
                deliveries::attempts.eq(0),
                deliveries::next_attempt_at.eq(activity.created_at),
                deliveries::created_at.eq(activity.created_at),
            ))
            .execute(conn)?;
    }
    Ok(inboxes.len())
}

pub fn due(conn: &mut AnyConnection, now: NaiveDateTime, limit: i64) -> StoreResult<Vec<Due>> {
    Ok(deliveries::table
        .inner_join(outgoing_activities::table)
        .filter(deliveries::next_attempt_at.le(now))
        .filter(
            deliveries::lease_until
                .is_null()
                .or(deliveries::lease_until.lt(now)),
        )
        .order(deliveries::next_attempt_at.asc())
        .limit(limit)
        .select((
            deliveries::id,
            deliveries::activity_id,
            deliveries::inbox,
            deliveries::host,
            deliveries::attempts,
            outgoing_activities::created_at,
            outgoing_activities::ap_id,
            outgoing_activities::signer,
            outgoing_activities::body,
        ))
        .load(conn)?)
}

/// Takes the deliveries `ids` for this worker until `lease_until`; returns
/// those it got (another worker may have been first to some). Call it in
/// one transaction for a batch: one commit instead of one per delivery.
pub fn claim(
    conn: &mut AnyConnection,
    ids: &[String],
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> StoreResult<Vec<String>> {
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let n = diesel::update(
            deliveries::table.find(id).filter(
                deliveries::lease_until
                    .is_null()
                    .or(deliveries::lease_until.lt(now)),
            ),
        )
        .set(deliveries::lease_until.eq(lease_until))
        .execute(conn)?;
        if n == 1 {
            claimed.push(id.clone());
        }
    }
    Ok(claimed)
}

fn record_host(
    conn: &mut AnyConnection,
    host: &str,
    now: NaiveDateTime,
    error: Option<&str>,
) -> StoreResult<()> {
    // Same statement on SQLite (3.24+) and PostgreSQL.
    let sql = match error {
        None => {
            "INSERT INTO delivery_hosts (host, failing_since, last_success_at, last_error) VALUES ($1, NULL, $2, $3) \
             ON CONFLICT (host) DO UPDATE SET failing_since = NULL, last_success_at = excluded.last_success_at, last_error = NULL"
        }
        Some(_) => {
            "INSERT INTO delivery_hosts (host, failing_since, last_success_at, last_error) VALUES ($1, $2, NULL, $3) \
             ON CONFLICT (host) DO UPDATE SET failing_since = COALESCE(delivery_hosts.failing_since, excluded.failing_since), \
             last_error = excluded.last_error"
        }
    };
    fixed_sql(sql)
        .bind::<Text, _>(host)
        .bind::<Timestamp, _>(now)
        .bind::<Nullable<Text>, _>(error)
        .execute(conn)?;
    Ok(())
}

/// Removes a finished delivery, and its activity once no delivery is left.
fn drop_finished(conn: &mut AnyConnection, d: &Due) -> StoreResult<()> {
    diesel::delete(deliveries::table.find(&d.id)).execute(conn)?;
    let others = diesel::select(diesel::dsl::exists(
        deliveries::table.filter(deliveries::activity_id.eq(&d.activity_id)),
    ))
    .get_result::<bool>(conn)?;
    if !others {
        diesel::delete(outgoing_activities::table.find(&d.activity_id)).execute(conn)?;
    }
    Ok(())
}

pub fn delivered(conn: &mut AnyConnection, d: &Due, now: NaiveDateTime) -> StoreResult<()> {
    drop_finished(conn, d)?;
    let host = d.host.as_str();
    record_host(conn, host, now, None)
}

pub fn failed(
    conn: &mut AnyConnection,
    id: &str,
    host: &str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    error: &str,
    now: NaiveDateTime,
) -> StoreResult<()> {
    diesel::update(deliveries::table.find(id))
        .set((
            deliveries::attempts.eq(attempts),
            deliveries::next_attempt_at.eq(next_attempt_at),
            deliveries::lease_until.eq(None::<NaiveDateTime>),
            deliveries::last_error.eq(error),
        ))
        .execute(conn)?;
    record_host(conn, host, now, Some(error))
}

/// Gives up on a delivery (too old); the host stays marked as failing.
pub fn abandon(
    conn: &mut AnyConnection,
    d: &Due,
    error: &str,
    now: NaiveDateTime,
) -> StoreResult<()> {
    drop_finished(conn, d)?;
    let host = d.host.as_str();
    record_host(conn, host, now, Some(error))
}

pub fn host_failing_since(
    conn: &mut AnyConnection,
    host: &str,
) -> StoreResult<Option<NaiveDateTime>> {
    Ok(delivery_hosts::table
        .find(host)
        .select(delivery_hosts::failing_since)
        .get_result::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten())
}

/// When the next delivery falls due, if any.
pub fn next_due_at(conn: &mut AnyConnection) -> StoreResult<Option<NaiveDateTime>> {
    Ok(deliveries::table
        .select(diesel::dsl::min(deliveries::next_attempt_at))
        .get_result(conn)?)
}

pub fn pending(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(deliveries::table.count().get_result(conn)?)
}

/// Waiting deliveries that have failed at least once.
pub fn failing(conn: &mut AnyConnection) -> StoreResult<i64> {
    Ok(deliveries::table
        .filter(deliveries::attempts.gt(0))
        .count()
        .get_result(conn)?)
}

/// Waiting deliveries per destination host.
pub fn backlog_by_host(conn: &mut AnyConnection) -> StoreResult<Vec<(String, i64)>> {
    Ok(deliveries::table
        .group_by(deliveries::host)
        .select((deliveries::host, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Hosts whose deliveries fail, and since when.
pub fn failing_hosts(conn: &mut AnyConnection) -> StoreResult<Vec<(String, NaiveDateTime)>> {
    Ok(delivery_hosts::table
        .filter(delivery_hosts::failing_since.is_not_null())
        .select((
            delivery_hosts::host,
            delivery_hosts::failing_since.assume_not_null(),
        ))
        .load(conn)?)
}

/// Every host with deliveries waiting (as [`HostQueue`]s), the longest queues first, at most
/// `limit` of them.
pub fn queue_by_host(conn: &mut AnyConnection, limit: usize) -> StoreResult<Vec<HostQueue>> {
    let groups: Vec<(String, i64, Option<NaiveDateTime>)> = deliveries::table
        .group_by(deliveries::host)
        .select((
            deliveries::host,
            diesel::dsl::count_star(),
            diesel::dsl::min(deliveries::next_attempt_at),
        ))
        .load(conn)?;
    let mut queues: Vec<HostQueue> = groups
        .into_iter()
        .map(|(host, waiting, next)| HostQueue {
            host,
            waiting,
            next_try: next.unwrap_or_default(),
            failing_since: None,
            last_error: None,
        })
        .collect();
    queues.sort_by(|a, b| b.waiting.cmp(&a.waiting).then(a.host.cmp(&b.host)));
    queues.truncate(limit);
    let hosts: Vec<String> = queues.iter().map(|q| q.host.clone()).collect();
    let states: Vec<(String, Option<NaiveDateTime>, Option<String>)> = delivery_hosts::table
        .filter(delivery_hosts::host.eq_any(&hosts))
        .select((
            delivery_hosts::host,
            delivery_hosts::failing_since,
            delivery_hosts::last_error,
        ))
        .load(conn)?;
    for (host, since, error) in states {
        if let Some(q) = queues.iter_mut().find(|q| q.host == host) {
            q.failing_since = since;
            q.last_error = error.filter(|_| since.is_some());
        }
    }
    Ok(queues)
}

/// Makes every waiting delivery (to one host, or all) due now.
pub fn retry_now(
    conn: &mut AnyConnection,
    host: Option<&str>,
    now: NaiveDateTime,
) -> StoreResult<usize> {
    let n = match host {
        Some(h) => diesel::update(deliveries::table.filter(deliveries::host.eq(h)))
            .set(deliveries::next_attempt_at.eq(now))
            .execute(conn)?,
        None => diesel::update(deliveries::table)
            .set(deliveries::next_attempt_at.eq(now))
            .execute(conn)?,
    };
    Ok(n)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::time::now;
    use crate::infra::store::Db;

    fn queue_of_three() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::connect(&dir.path().join("q.db").to_string_lossy(), 2).expect("db");
        db.migrate().expect("migrate");
        let mut conn = db.conn().expect("conn");
        let activity = NewActivity {
            id: "act",
            ap_id: "https://a.test/activities/1",
            signer: "fiqus",
            body: "{}",
            created_at: now(),
        };
        let inboxes: Vec<(String, String)> = ["b", "c", "d"]
            .iter()
            .map(|h| (format!("https://{h}.test/inbox"), format!("{h}.test")))
            .collect();
        let ids = std::cell::Cell::new(0);
        enqueue(&mut conn, &activity, &inboxes, || {
            ids.set(ids.get() + 1);
            format!("d{}", ids.get())
        })
        .expect("enqueue");
        drop(conn);
        (dir, db)
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_batch_claim_takes_only_what_no_live_lease_holds() {
        let (_dir, db) = queue_of_three();
        let mut conn = db.conn().expect("conn");
        let t = now();
        let lease = t + Duration::seconds(30);
        assert_eq!(
            claim(&mut conn, &ids(&["d1", "d2"]), t, lease).unwrap(),
            ids(&["d1", "d2"])
        );
        // Another worker asking for all three gets the one left.
        assert_eq!(
            claim(&mut conn, &ids(&["d1", "d2", "d3"]), t, lease).unwrap(),
            ids(&["d3"])
        );
        // Once a lease runs out, the delivery can be taken again.
        let later = lease + Duration::seconds(1);
        assert_eq!(
            claim(
                &mut conn,
                &ids(&["d1"]),
                later,
                later + Duration::seconds(30)
            )
            .unwrap(),
            ids(&["d1"])
        );
    }

    #[test]
    fn the_activity_goes_with_its_last_delivery() {
        let (_dir, db) = queue_of_three();
        let mut conn = db.conn().expect("conn");
        let due = due(&mut conn, now(), 10).unwrap();
        assert_eq!(due.len(), 3);
        assert!(due.iter().all(|d| d.activity_id == "act"));
        let activities = |c: &mut AnyConnection| -> i64 {
            outgoing_activities::table.count().get_result(c).unwrap()
        };
        delivered(&mut conn, &due[0], now()).unwrap();
        abandon(&mut conn, &due[1], "gone", now()).unwrap();
        assert_eq!(activities(&mut conn), 1, "one delivery is still queued");
        delivered(&mut conn, &due[2], now()).unwrap();
        assert_eq!(activities(&mut conn), 0);
        assert!(super::due(&mut conn, now(), 10).unwrap().is_empty());
    }

    #[test]
    fn the_queue_per_host_says_how_many_wait_since_when_they_fail_and_the_next_try() {
        let (_dir, db) = queue_of_three();
        let mut conn = db.conn().expect("conn");
        let t = now();
        let due = due(&mut conn, t, 10).unwrap();
        let to_c = due.iter().find(|d| d.host == "c.test").unwrap();
        let later = t + Duration::minutes(5);
        failed(
            &mut conn,
            &to_c.id,
            "c.test",
            1,
            later,
            "connection refused",
            t,
        )
        .unwrap();
        let queues = queue_by_host(&mut conn, 10).unwrap();
        assert_eq!(queues.len(), 3);
        let c = queues.iter().find(|q| q.host == "c.test").unwrap();
        assert_eq!(c.waiting, 1);
        assert!(c.failing_since.is_some());
        assert_eq!(c.last_error.as_deref(), Some("connection refused"));
        assert!(c.next_try > t);
        let b = queues.iter().find(|q| q.host == "b.test").unwrap();
        assert_eq!((b.failing_since, b.last_error.as_deref()), (None, None));
        assert_eq!(queue_by_host(&mut conn, 2).unwrap().len(), 2, "bounded");
    }
}
