//! Uploaded avatars and headers, as served.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::account_pictures;
use super::{AnyConnection, StoreResult};

/// A stored picture.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = account_pictures)]
pub struct StoredPicture {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub updated_at: NaiveDateTime,
}

pub fn get(
    conn: &mut AnyConnection,
    coop_id: &str,
    kind: &str,
) -> StoreResult<Option<StoredPicture>> {
    Ok(account_pictures::table
        .find((coop_id, kind))
        .select(StoredPicture::as_select())
        .get_result(conn)
        .optional()?)
}

/// When each of a coop's pictures was uploaded, by kind.
pub fn versions(
    conn: &mut AnyConnection,
    coop_id: &str,
) -> StoreResult<Vec<(String, NaiveDateTime)>> {
    Ok(account_pictures::table
        .filter(account_pictures::coop_id.eq(coop_id))
        .select((account_pictures::kind, account_pictures::updated_at))
        .load(conn)?)
}

pub fn put(
    conn: &mut AnyConnection,
    coop_id: &str,
    kind: &str,
    content_type: &str,
    bytes: &[u8],
    at: NaiveDateTime,
) -> StoreResult<()> {
    diesel::delete(account_pictures::table.find((coop_id, kind))).execute(conn)?;
    diesel::insert_into(account_pictures::table)
        .values((
            account_pictures::coop_id.eq(coop_id),
            account_pictures::kind.eq(kind),
            account_pictures::content_type.eq(content_type),
            account_pictures::bytes.eq(bytes),
            account_pictures::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
