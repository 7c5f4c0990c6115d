//! The `deleted_coops` table: handles of deleted coops, still taken, and
//! their keys for the Delete that is still being delivered.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::deleted_coops;
use super::{AnyConnection, StoreResult};
use crate::domain::actor::ActorKeys;

pub fn insert(
    conn: &mut AnyConnection,
    handle: &str,
    keys: &ActorKeys,
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(deleted_coops::table)
        .values((
            deleted_coops::handle.eq(handle),
            deleted_coops::public_key_pem.eq(&keys.public_key_pem),
            deleted_coops::private_key_pem.eq(&keys.private_key_pem),
            deleted_coops::deleted_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// When the coop with this handle was deleted, if it was.
pub fn deleted_at(conn: &mut AnyConnection, handle: &str) -> StoreResult<Option<NaiveDateTime>> {
    Ok(deleted_coops::table
        .find(handle)
        .select(deleted_coops::deleted_at)
        .get_result(conn)
        .optional()?)
}

pub fn keys(conn: &mut AnyConnection, handle: &str) -> StoreResult<Option<ActorKeys>> {
    Ok(deleted_coops::table
        .find(handle)
        .select((
            deleted_coops::public_key_pem,
            deleted_coops::private_key_pem,
        ))
        .get_result::<(String, String)>(conn)
        .optional()?
        .map(|(public_key_pem, private_key_pem)| ActorKeys {
            public_key_pem,
            private_key_pem,
        }))
}
