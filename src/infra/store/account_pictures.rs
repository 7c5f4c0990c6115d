//! Uploaded avatars and headers, as served.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::account_pictures;
use super::{AnyConnection, StoreResult};
use crate::domain::uploaded_image::{CoopPictures, PictureVersion};

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

/// A coop's uploaded pictures: format and time, not the bytes.
pub fn of_coop(conn: &mut AnyConnection, coop_id: &str) -> StoreResult<CoopPictures> {
    Ok(of_coops(conn, &[coop_id.to_string()])?
        .remove(coop_id)
        .unwrap_or_default())
}

/// The uploaded pictures of several coops, by coop id (one query).
pub fn of_coops(
    conn: &mut AnyConnection,
    coop_ids: &[String],
) -> StoreResult<HashMap<String, CoopPictures>> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = account_pictures::table
        .filter(account_pictures::coop_id.eq_any(coop_ids))
        .select((
            account_pictures::coop_id,
            account_pictures::kind,
            account_pictures::content_type,
            account_pictures::updated_at,
        ))
        .load(conn)?;
    let mut out: HashMap<String, CoopPictures> = HashMap::new();
    for (coop_id, kind, content_type, updated_at) in rows {
        let version = Some(PictureVersion {
            content_type,
            updated_at,
        });
        let pictures = out.entry(coop_id).or_default();
        match kind.as_str() {
            "avatar" => pictures.avatar = version,
            "header" => pictures.header = version,
            _ => {}
        }
    }
    Ok(out)
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
