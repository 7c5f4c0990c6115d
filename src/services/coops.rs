//! Reading and editing coop profiles.

use super::{outbox, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::{validate_handle, Coop, ProfilePatch};
use crate::domain::limits;
use crate::domain::proposal::{Proposal, ProposalFilter, ProposalStatus};
use crate::store::{self, coops, proposals};

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
                coop.updated_at = store::now();
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
}
