//! `node_settings`: run-time settings the admins change (federation policy,
//! node approval, the settings of the admin desk).

use diesel::prelude::*;

use super::schema::node_settings;
use super::{AnyConnection, StoreResult};

pub fn get(conn: &mut AnyConnection, name: &str) -> StoreResult<Option<String>> {
    Ok(node_settings::table
        .find(name)
        .select(node_settings::value)
        .get_result(conn)
        .optional()?)
}

pub fn set(conn: &mut AnyConnection, name: &str, value: &str) -> StoreResult<()> {
    diesel::delete(node_settings::table.find(name)).execute(conn)?;
    diesel::insert_into(node_settings::table)
        .values((node_settings::name.eq(name), node_settings::value.eq(value)))
        .execute(conn)?;
    Ok(())
}

/// The stored values of `names` that are set.
pub fn get_many(conn: &mut AnyConnection, names: &[&str]) -> StoreResult<Vec<(String, String)>> {
    Ok(node_settings::table
        .filter(node_settings::name.eq_any(names))
        .select((node_settings::name, node_settings::value))
        .load(conn)?)
}
