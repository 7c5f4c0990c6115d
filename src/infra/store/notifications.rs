//! A coop's notifications, paged by id as Mastodon apps page them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::notifications;
use super::{corrupt, AnyConnection, StoreResult};
use crate::domain::notification::{Notification, NotificationKind};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
struct Row {
    id: String,
    coop_id: String,
    kind: String,
    actor_id: Option<String>,
    subject_id: Option<String>,
    created_at: NaiveDateTime,
}

impl Row {
    fn into_domain(self) -> StoreResult<Notification> {
        Ok(Notification {
            kind: NotificationKind::parse(&self.kind)
                .ok_or_else(|| corrupt("notifications.kind", &self.id, &self.kind))?,
            id: self.id,
            coop_id: self.coop_id,
            actor_id: self.actor_id,
            subject_id: self.subject_id,
            created_at: self.created_at,
        })
    }
}

pub fn insert(conn: &mut AnyConnection, n: &Notification) -> StoreResult<()> {
    diesel::insert_into(notifications::table)
        .values(Row {
            id: n.id.clone(),
            coop_id: n.coop_id.clone(),
            kind: n.kind.as_str().to_string(),
            actor_id: n.actor_id.clone(),
            subject_id: n.subject_id.clone(),
            created_at: n.created_at,
        })
        .execute(conn)?;
    Ok(())
}

/// Which of a coop's notifications a page shows. Empty fields do not filter.
#[derive(Debug, Default, Clone)]
pub struct NotificationFilter {
    pub kinds: Vec<String>,
    pub exclude_kinds: Vec<String>,
    pub actor_id: Option<String>,
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    pub limit: i64,
}

/// A page, newest first (from `min_id` upwards when only it is given).
pub fn page(
    conn: &mut AnyConnection,
    coop_id: &str,
    f: &NotificationFilter,
) -> StoreResult<Vec<Notification>> {
    let mut q = notifications::table
        .filter(notifications::coop_id.eq(coop_id))
        .select(Row::as_select())
        .into_boxed();
    if !f.kinds.is_empty() {
        q = q.filter(notifications::kind.eq_any(f.kinds.clone()));
    }
    if !f.exclude_kinds.is_empty() {
        q = q.filter(notifications::kind.ne_all(f.exclude_kinds.clone()));
    }
    if let Some(a) = &f.actor_id {
        q = q.filter(notifications::actor_id.eq(a.clone()));
    }
    if let Some(max) = &f.max_id {
        q = q.filter(notifications::id.lt(max.clone()));
    }
    if let Some(since) = &f.since_id {
        q = q.filter(notifications::id.gt(since.clone()));
    }
    if let Some(min) = &f.min_id {
        q = q.filter(notifications::id.gt(min.clone()));
    }
    let upwards = f.min_id.is_some() && f.since_id.is_none();
    q = if upwards {
        q.order(notifications::id.asc())
    } else {
        q.order(notifications::id.desc())
    };
    let mut rows = q.limit(f.limit).load::<Row>(conn)?;
    if upwards {
        rows.reverse();
    }
    rows.into_iter().map(Row::into_domain).collect()
}

pub fn get(conn: &mut AnyConnection, coop_id: &str, id: &str) -> StoreResult<Option<Notification>> {
    notifications::table
        .filter(notifications::coop_id.eq(coop_id))
        .filter(notifications::id.eq(id))
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(Row::into_domain)
        .transpose()
}

/// Deletes one; whether it was there.
pub fn dismiss(conn: &mut AnyConnection, coop_id: &str, id: &str) -> StoreResult<bool> {
    let n = diesel::delete(
        notifications::table
            .filter(notifications::coop_id.eq(coop_id))
            .filter(notifications::id.eq(id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// Deletes all of a coop's; how many.
pub fn clear(conn: &mut AnyConnection, coop_id: &str) -> StoreResult<usize> {
    Ok(
        diesel::delete(notifications::table.filter(notifications::coop_id.eq(coop_id)))
            .execute(conn)?,
    )
}

/// Every coop's notifications made at or after `since`, oldest first.
pub fn made_since(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::created_at.ge(since))
        .order(notifications::id.asc())
        .limit(limit)
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

/// How many of a coop's notifications are newer than `after` (all when
/// `None`), counted up to `cap`.
pub fn count_after(
    conn: &mut AnyConnection,
    coop_id: &str,
    after: Option<&str>,
    cap: i64,
) -> StoreResult<i64> {
    let mut q = notifications::table
        .filter(notifications::coop_id.eq(coop_id))
        .select(notifications::id)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(notifications::id.gt(after.to_string()));
    }
    Ok(q.limit(cap).load::<String>(conn)?.len() as i64)
}
