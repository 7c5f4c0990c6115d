//! Avatars and headers coops upload from apps.

use chrono::NaiveDateTime;

use super::{ServiceResult, Services, Viewer};
use crate::domain::time;
use crate::domain::uploaded_image::{Picture, Processed};
use crate::infra::store::account_pictures;

/// An uploaded picture, as served.
#[derive(Debug, Clone)]
pub struct ServedPicture {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub updated_at: NaiveDateTime,
}

impl Services {
    /// Keeps a processed upload (`domain::uploaded_image::process`) as the
    /// coop's `picture`.
    pub async fn set_picture(
        &self,
        viewer: &Viewer,
        picture: Picture,
        processed: Processed,
    ) -> ServiceResult<()> {
        let coop_id = viewer.coop_id()?.to_string();
        let now = time::now();
        self.db
            .write(move |conn| {
                account_pictures::put(
                    conn,
                    &coop_id,
                    picture.as_str(),
                    processed.content_type,
                    &processed.bytes,
                    now,
                )
            })
            .await?;
        Ok(())
    }

    /// A coop's uploaded picture, if it has one.
    pub async fn picture(
        &self,
        coop_id: &str,
        picture: Picture,
    ) -> ServiceResult<Option<ServedPicture>> {
        let coop_id = coop_id.to_string();
        let found = self
            .db
            .read(move |conn| account_pictures::get(conn, &coop_id, picture.as_str()))
            .await?;
        Ok(found.map(|p| ServedPicture {
            content_type: p.content_type,
            bytes: p.bytes,
            updated_at: p.updated_at,
        }))
    }

    /// When each uploaded picture of a coop changed (for the URLs apps cache).
    pub async fn picture_versions(
        &self,
        coop_id: &str,
    ) -> ServiceResult<Vec<(String, NaiveDateTime)>> {
        let coop_id = coop_id.to_string();
        Ok(self
            .db
            .read(move |conn| account_pictures::versions(conn, &coop_id))
            .await?)
    }
}
