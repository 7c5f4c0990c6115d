//! Avatars and headers coops upload from apps.

use chrono::NaiveDateTime;

use std::collections::HashMap;

use super::{outbox, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::time;
use crate::domain::uploaded_image::{CoopPictures, Picture, Processed};
use crate::infra::store::{account_pictures, coops};

/// An uploaded picture, as served.
#[derive(Debug, Clone)]
pub struct ServedPicture {
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub updated_at: NaiveDateTime,
}

impl Services {
    /// Keeps a processed upload (`domain::uploaded_image::process`) as the
    /// coop's `picture`, and tells its followers (`Update` of its actor).
    pub async fn set_picture(
        &self,
        viewer: &Viewer,
        picture: Picture,
        processed: Processed,
    ) -> ServiceResult<()> {
        let coop_id = viewer.coop_id()?.to_string();
        let (now, urls) = (time::now(), self.urls.clone());
        let queued = self
            .db
            .write(move |conn| {
                let mut coop = coops::by_id(conn, &coop_id)?
                    .ok_or_else(|| ServiceError::NotFound("your coop no longer exists".into()))?;
                account_pictures::put(
                    conn,
                    &coop_id,
                    picture.as_str(),
                    processed.content_type,
                    &processed.bytes,
                    now,
                )?;
                // Followers elsewhere show the new picture at once.
                coop.updated_at = now;
                coops::update(conn, &coop)?;
                Ok::<_, ServiceError>(outbox::profile_changed(conn, &urls, &coop)?)
            })
            .await?;
        self.wake_delivery(queued);
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

    /// A coop's uploaded pictures (format and time), for the URLs apps and
    /// servers cache.
    pub async fn coop_pictures(&self, coop_id: &str) -> ServiceResult<CoopPictures> {
        let coop_id = coop_id.to_string();
        Ok(self
            .db
            .read(move |conn| account_pictures::of_coop(conn, &coop_id))
            .await?)
    }

    /// The same for several coops, by coop id.
    pub async fn coops_pictures(
        &self,
        coop_ids: Vec<String>,
    ) -> ServiceResult<HashMap<String, CoopPictures>> {
        Ok(self
            .db
            .read(move |conn| account_pictures::of_coops(conn, &coop_ids))
            .await?)
    }
}
