//! Reading and editing coop profiles, and deleting a coop.

use super::nodes::{record, Admin};
use super::{outbox, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::{validate_handle, Coop, ProfilePatch};
use crate::domain::limits;
use crate::domain::proposal::{Proposal, ProposalFilter, ProposalStatus};
use crate::domain::time;
use crate::infra::store::{coops, deleted_coops, proposals};

fn no_such_coop(handle: &str) -> ServiceError {
    ServiceError::NotFound(format!("no coop '{handle}' on this node"))
}

impl Services {
    /// The signed-in member's own coop, private contact details included.
    pub async fn own_coop(&self, viewer: &Viewer) -> ServiceResult<Coop> {
        let id = viewer.coop_id()?.to_string();
        self.db
            .read(move |conn| coops::by_id(conn, &id))
            .await?
            .ok_or_else(|| ServiceError::NotFound("your coop no longer exists".into()))
    }

    pub async fn update_own_coop(
        &self,
        viewer: &Viewer,
        patch: ProfilePatch,
    ) -> ServiceResult<Coop> {
        let id = viewer.coop_id()?.to_string();
        let urls = self.urls.clone();
        let (coop, queued) = self
            .db
            .write(move |conn| {
                let mut coop = coops::by_id(conn, &id)?
                    .ok_or_else(|| ServiceError::NotFound("your coop no longer exists".into()))?;
                let profile = patch.apply_to(&coop.profile).validated()?;
                coop.about_html = profile.about_html();
                coop.profile = profile;
                coop.updated_at = time::now();
                coops::update(conn, &coop)?;
                let queued = outbox::profile_changed(conn, &urls, &coop)?;
                Ok::<_, ServiceError>((coop, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(coop)
    }

    /// A local coop by handle (for its actor document).
    /// Up to `limit` coops after the handle `after`, in handle order.
    pub async fn coops_after(&self, after: Option<String>, limit: i64) -> ServiceResult<Vec<Coop>> {
        Ok(self
            .db
            .read(move |conn| coops::page_by_handle(conn, after.as_deref(), limit))
            .await?)
    }

    pub async fn coop_by_handle(&self, handle: &str) -> ServiceResult<Coop> {
        let handle = validate_handle(handle).map_err(|_| no_such_coop(handle))?;
        self.db
            .read(move |conn| coops::by_handle(conn, &handle)?.ok_or_else(|| no_such_coop(&handle)))
            .await
    }

    pub async fn open_proposal_count(&self, coop_id: &str) -> ServiceResult<i64> {
        let id = coop_id.to_string();
        Ok(self
            .db
            .read(move |conn| proposals::count_open(conn, Some(&id)))
            .await?)
    }

    /// A local coop's public face and its newest open proposals.
    pub async fn public_coop(&self, handle: &str) -> ServiceResult<(Coop, Vec<Proposal>)> {
        let handle = validate_handle(handle).map_err(|_| no_such_coop(handle))?;
        self.db
            .read(move |conn| {
                let coop = coops::by_handle(conn, &handle)?.ok_or_else(|| no_such_coop(&handle))?;
                let open = proposals::list(
                    conn,
                    &ProposalFilter {
                        coop_id: Some(coop.id.clone()),
                        status: Some(ProposalStatus::Open),
                        limit: limits::PAGE_SIZE_MAX,
                        ..Default::default()
                    },
                )?;
                Ok((coop, open))
            })
            .await
    }

    /// Deletes a local coop for good, as an admin: `Delete` of its actor is
    /// queued to every server it had a relation with and to follower nodes,
    /// then its profile, members, proposals and follows go. The handle
    /// stays taken and its actor URL answers 410 Gone.
    pub async fn delete_coop(&self, admin: Admin, handle: &str) -> ServiceResult<()> {
        let handle = validate_handle(handle).map_err(|_| no_such_coop(handle))?;
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let coop = coops::by_handle(conn, &handle)?.ok_or_else(|| no_such_coop(&handle))?;
                let queued = match &coop.keys {
                    Some(keys) => {
                        deleted_coops::insert(conn, &coop.handle, keys, time::now())?;
                        outbox::coop_deleted(conn, &urls, &coop)?
                    }
                    // Never served as an actor: nobody elsewhere knows it.
                    None => 0,
                };
                coops::delete(conn, &coop.id)?;
                record(
                    conn,
                    &admin,
                    "coops.delete",
                    &coop.handle,
                    &coop.profile.display_name,
                )?;
                Ok::<_, ServiceError>(queued)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    /// When the coop that had `handle` was deleted, if it was.
    pub async fn coop_deleted_at(
        &self,
        handle: &str,
    ) -> ServiceResult<Option<chrono::NaiveDateTime>> {
        let handle = handle.to_ascii_lowercase();
        Ok(self
            .db
            .read(move |conn| deleted_coops::deleted_at(conn, &handle))
            .await?)
    }
}
