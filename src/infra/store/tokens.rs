//! The `api_tokens` table: only a SHA-256 of each bearer token is stored,
//! so a leaked database does not leak working tokens. Browser sessions are
//! tokens of this table too (`kind` = `web`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, users};
use super::{AnyConnection, StoreResult};

/// A token as stored, without its owner.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub token_hash: String,
    pub kind: String,
    pub agent: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

/// A token to store.
pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub kind: &'a str,
    pub agent: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, t: NewToken<'_>) -> StoreResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(t.token_hash),
            api_tokens::user_id.eq(t.user_id),
            api_tokens::kind.eq(t.kind),
            api_tokens::agent.eq(t.agent),
            api_tokens::created_at.eq(t.created_at),
            api_tokens::expires_at.eq(t.expires_at),
            // Made now, so used now.
            api_tokens::last_used_at.eq(Some(t.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The id of the user a live token belongs to, and when the token was
/// last marked used.
pub fn user_for(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StoreResult<Option<(String, Option<NaiveDateTime>)>> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::expires_at.gt(now))
        .select((users::id, api_tokens::last_used_at))
        .get_result(conn)
        .optional()?)
}

/// Marks a token used at `at`.
pub fn touch(conn: &mut AnyConnection, token_hash: &str, at: NaiveDateTime) -> StoreResult<()> {
    diesel::update(api_tokens::table.find(token_hash))
        .set(api_tokens::last_used_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// A user's live tokens, most recently made first.
pub fn of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> StoreResult<Vec<TokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::expires_at.gt(now))
        .order((api_tokens::created_at.desc(), api_tokens::token_hash))
        .select(TokenRow::as_select())
        .load(conn)?)
}

pub fn delete(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<usize> {
    Ok(diesel::delete(api_tokens::table.find(token_hash)).execute(conn)?)
}

/// Deletes one of a user's tokens (none of another's).
pub fn delete_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    token_hash: &str,
) -> StoreResult<usize> {
    Ok(diesel::delete(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::user_id.eq(user_id)),
    )
    .execute(conn)?)
}

/// Deletes every token of a user but `keep` (after a password change).
pub fn delete_others(conn: &mut AnyConnection, user_id: &str, keep: &str) -> StoreResult<usize> {
    Ok(diesel::delete(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::token_hash.ne(keep)),
    )
    .execute(conn)?)
}

/// Drops expired tokens; called now and then so the table stays small.
pub fn delete_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(api_tokens::table.filter(api_tokens::expires_at.le(now))).execute(conn)?)
}
