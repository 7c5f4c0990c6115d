//! The `api_tokens` table: only a SHA-256 of each bearer token is stored,
//! so a leaked database does not leak working tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, users};
use super::{AnyConnection, StoreResult};

pub fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: &str,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(token_hash),
            api_tokens::user_id.eq(user_id),
            api_tokens::created_at.eq(created_at),
            api_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The id of the user a live token belongs to.
pub fn user_for(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<Option<String>> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::expires_at.gt(now))
        .select(users::id)
        .get_result(conn)
        .optional()?)
}

pub fn delete(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<usize> {
    Ok(diesel::delete(api_tokens::table.find(token_hash)).execute(conn)?)
}

/// Drops expired tokens; called now and then so the table stays small.
pub fn delete_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(api_tokens::table.filter(api_tokens::expires_at.le(now))).execute(conn)?)
}
