//! Publishing, editing, closing and finding needs and offers.

use std::collections::HashMap;

use chrono::Utc;

use super::outbox::{self, Change};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::limits;
use crate::domain::proposal::{
    Proposal, ProposalDraft, ProposalFilter, ProposalPatch, ProposalStatus,
};
use crate::domain::time;
use crate::domain::validate;
use crate::infra::store::{self, coops, proposals};

/// A proposal with the handle of the coop that published it.
pub type Published = (Proposal, String);

pub use super::paging::Page;
use super::paging::{self, Cursor};

/// A listing request as the edges receive it, before normalisation.
#[derive(Debug, Default, Clone)]
pub struct ProposalQuery {
    pub filter: ProposalFilter,
    pub text: Option<String>,
    pub coop_handle: Option<String>,
    /// Only the viewer's own coop.
    pub mine: bool,
    /// The page size (the default when absent).
    pub limit: Option<i64>,
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no proposal '{id}'"))
}

/// Only a proposal's own coop may change it. Another coop's closed proposal
/// is reported as missing, so its existence is not revealed.
fn ensure_owner(p: &Proposal, coop_id: &str) -> ServiceResult<()> {
    if p.coop_id == coop_id {
        Ok(())
    } else if p.status == ProposalStatus::Open {
        Err(ServiceError::Forbidden(
            "this proposal belongs to another coop".into(),
        ))
    } else {
        Err(not_found(&p.id))
    }
}

fn with_handles(
    conn: &mut store::AnyConnection,
    list: Vec<Proposal>,
) -> ServiceResult<Vec<Published>> {
    let mut ids: Vec<String> = list.iter().map(|p| p.coop_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let handles: HashMap<String, String> = coops::handles(conn, &ids)?.into_iter().collect();
    Ok(list
        .into_iter()
        .map(|p| {
            let handle = handles.get(&p.coop_id).cloned().unwrap_or_default();
            (p, handle)
        })
        .collect())
}

impl Services {
    pub async fn create_proposal(
        &self,
        viewer: &Viewer,
        draft: ProposalDraft,
    ) -> ServiceResult<Published> {
        let coop_id = viewer.coop_id()?.to_string();
        let draft = draft.validated(Utc::now().date_naive(), true)?;
        let proposal = Proposal::new_open(new_id(), coop_id, draft, time::now());
        let urls = self.urls.clone();
        let (published, queued) = self
            .db
            .write(move |conn| {
                proposals::insert(conn, &proposal)?;
                let (p, handle) = with_handles(conn, vec![proposal])?
                    .pop()
                    .ok_or_else(|| ServiceError::NotFound("proposal vanished".into()))?;
                let queued = outbox::proposal_changed(conn, &urls, &p, &handle, Change::Published)?;
                Ok::<_, ServiceError>(((p, handle), queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(published)
    }

    /// Lets the delivery worker know about newly queued work.
    pub(crate) fn wake_delivery(&self, queued: usize) {
        if queued > 0 {
            self.delivery_wake.notify_one();
        }
    }

    /// Open proposals are public; closed ones only to their own coop.
    pub async fn proposal(&self, viewer: Option<&Viewer>, id: &str) -> ServiceResult<Published> {
        let own = viewer.and_then(|v| v.user.coop_id.clone());
        let id = id.to_string();
        self.db
            .read(move |conn| {
                let p = proposals::by_id(conn, &id)?.ok_or_else(|| not_found(&id))?;
                if p.status != ProposalStatus::Open && own.as_deref() != Some(p.coop_id.as_str()) {
                    return Err(not_found(&id));
                }
                let mut out = with_handles(conn, vec![p])?;
                out.pop().ok_or_else(|| not_found(&id))
            })
            .await
    }

    /// A proposal as federation serves it: open ones as objects, closed ones
    /// as tombstones, so the caller gets both.
    pub async fn proposal_any_status(&self, id: &str) -> ServiceResult<Published> {
        let id = id.to_string();
        self.db
            .read(move |conn| {
                let p = proposals::by_id(conn, &id)?.ok_or_else(|| not_found(&id))?;
                let mut out = with_handles(conn, vec![p])?;
                out.pop().ok_or_else(|| not_found(&id))
            })
            .await
    }

    pub async fn update_proposal(
        &self,
        viewer: &Viewer,
        id: &str,
        patch: ProposalPatch,
    ) -> ServiceResult<Published> {
        let coop_id = viewer.coop_id()?.to_string();
        let id = id.to_string();
        let today = Utc::now().date_naive();
        let urls = self.urls.clone();
        let (published, queued) = self
            .db
            .write(move |conn| {
                let mut p = proposals::by_id(conn, &id)?.ok_or_else(|| not_found(&id))?;
                ensure_owner(&p, &coop_id)?;
                let was = p.status;
                let deadline_changed = matches!(patch.deadline, Some(d) if d != p.draft.deadline);
                p.draft = patch
                    .apply_to(&p.draft)
                    .validated(today, deadline_changed)?;
                p.description_html = p.draft.description_html();
                let now = time::now();
                if let Some(status) = patch.status {
                    if status != p.status {
                        p.closed_at = match status {
                            ProposalStatus::Closed => Some(now),
                            ProposalStatus::Open => None,
                        };
                        p.status = status;
                    }
                }
                p.updated_at = now;
                proposals::update(conn, &p)?;
                let (p, handle) = with_handles(conn, vec![p])?
                    .pop()
                    .ok_or_else(|| not_found(&id))?;
                let change = match (was, p.status) {
                    (ProposalStatus::Open, ProposalStatus::Open) => Some(Change::Edited),
                    (ProposalStatus::Open, ProposalStatus::Closed) => Some(Change::Withdrawn),
                    (ProposalStatus::Closed, ProposalStatus::Open) => Some(Change::Reopened),
                    // Followers never saw it; nothing to say.
                    (ProposalStatus::Closed, ProposalStatus::Closed) => None,
                };
                let queued = match change {
                    Some(c) => outbox::proposal_changed(conn, &urls, &p, &handle, c)?,
                    None => 0,
                };
                Ok::<_, ServiceError>(((p, handle), queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(published)
    }

    pub async fn delete_proposal(&self, viewer: &Viewer, id: &str) -> ServiceResult<()> {
        let coop_id = viewer.coop_id()?.to_string();
        let id = id.to_string();
        let urls = self.urls.clone();
        let queued = self
            .db
            .write(move |conn| {
                let p = proposals::by_id(conn, &id)?.ok_or_else(|| not_found(&id))?;
                ensure_owner(&p, &coop_id)?;
                proposals::delete(conn, &id)?;
                if p.status != ProposalStatus::Open {
                    return Ok::<_, ServiceError>(0);
                }
                let (p, handle) = with_handles(conn, vec![p])?
                    .pop()
                    .ok_or_else(|| not_found(&id))?;
                Ok(outbox::proposal_changed(
                    conn,
                    &urls,
                    &p,
                    &handle,
                    Change::Withdrawn,
                )?)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    pub async fn list_proposals(
        &self,
        viewer: Option<&Viewer>,
        query: ProposalQuery,
    ) -> ServiceResult<Page<Published>> {
        let mut filter = query.filter;
        filter.viewer_coop_id = viewer.and_then(|v| v.user.coop_id.clone());
        if query.mine {
            let v = viewer.ok_or_else(|| {
                ServiceError::Unauthorized("mine=true needs a signed-in coop".into())
            })?;
            filter.coop_id = Some(v.coop_id()?.to_string());
        }
        if let Some(text) = &query.text {
            let text = validate::text("text", text, limits::SEARCH_TEXT_MAX)?.to_lowercase();
            filter.words = text
                .split_whitespace()
                .map(str::to_string)
                .take(8)
                .collect();
        }
        if let Some(tag) = &filter.tag {
            let mut tags = validate::tags("tag", std::slice::from_ref(tag), 1)?;
            filter.tag = tags.pop();
        }
        let page = Cursor::new(query.limit)?;
        filter.before = paging::cursor(filter.before)?;
        filter.limit = page.fetch();
        let handle = query.coop_handle.clone();
        self.db
            .read(move |conn| {
                if let Some(handle) = handle {
                    match coops::by_handle(conn, &handle.trim().to_lowercase())? {
                        Some(c) => filter.coop_id = Some(c.id),
                        None => {
                            return Err(ServiceError::NotFound(format!(
                                "no coop '{handle}' on this node"
                            )))
                        }
                    }
                }
                let found = page.cut(proposals::list(conn, &filter)?, |p| p.id.clone());
                Ok(Page {
                    items: with_handles(conn, found.items)?,
                    next_cursor: found.next_cursor,
                })
            })
            .await
    }
}
