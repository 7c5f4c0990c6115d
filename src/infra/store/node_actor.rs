//! The `node_actor` table: the key pair of the node's Application actor.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::node_actor;
use super::{AnyConnection, StoreResult};
use crate::domain::actor::ActorKeys;

const ROW: &str = "node";

pub fn keys(conn: &mut AnyConnection) -> StoreResult<Option<ActorKeys>> {
    Ok(node_actor::table
        .find(ROW)
        .select((node_actor::public_key_pem, node_actor::private_key_pem))
        .get_result::<(String, String)>(conn)
        .optional()?
        .map(|(public_key_pem, private_key_pem)| ActorKeys {
            public_key_pem,
            private_key_pem,
        }))
}

pub fn insert(conn: &mut AnyConnection, keys: &ActorKeys, now: NaiveDateTime) -> StoreResult<()> {
    diesel::insert_into(node_actor::table)
        .values((
            node_actor::id.eq(ROW),
            node_actor::public_key_pem.eq(&keys.public_key_pem),
            node_actor::private_key_pem.eq(&keys.private_key_pem),
            node_actor::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
