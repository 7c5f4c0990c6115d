//! `admin_actions`: the record of what admins did.

use diesel::prelude::*;

use super::schema::admin_actions;
use super::{AnyConnection, StoreResult};
use crate::domain::node::AdminAction;

type Row = (
    String,
    String,
    String,
    String,
    String,
    chrono::NaiveDateTime,
);

pub fn insert(conn: &mut AnyConnection, a: &AdminAction) -> StoreResult<()> {
    diesel::insert_into(admin_actions::table)
        .values((
            admin_actions::id.eq(&a.id),
            admin_actions::admin.eq(&a.admin),
            admin_actions::action.eq(&a.action),
            admin_actions::target.eq(&a.target),
            admin_actions::detail.eq(&a.detail),
            admin_actions::created_at.eq(a.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Newest first (ids are time-ordered), before `cursor`.
pub fn list(
    conn: &mut AnyConnection,
    cursor: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<AdminAction>> {
    let mut query = admin_actions::table.into_boxed();
    if let Some(cursor) = cursor {
        query = query.filter(admin_actions::id.lt(cursor.to_string()));
    }
    let rows: Vec<Row> = query
        .order(admin_actions::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| AdminAction {
            id: r.0,
            admin: r.1,
            action: r.2,
            target: r.3,
            detail: r.4,
            created_at: r.5,
        })
        .collect())
}
