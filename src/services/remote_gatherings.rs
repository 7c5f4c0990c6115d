//! Gatherings of other servers, on the joining side: a coop finds one by
//! its URL, registers with a `Join` naming its delegate, learns the
//! organiser's `Accept` or `Reject`, contributes to the three rounds (a
//! `Note` in reply to the Event carrying its needs and offers), withdraws
//! with `Leave`, and receives the conclusions once they are published. The
//! organiser's side is services/gathering_events.rs.

use url::Url;

use super::gatherings::{about_or_profile, check_brought_count, own_open_proposals};
use super::remote::{logged, named_host, RemoteObject, Resolver};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::gathering as rules;
use crate::domain::remote::RemoteActor;
use crate::domain::remote_gathering::{GatheringJoin, JoinState, RemoteGathering};
use crate::domain::urls::origin_of;
use crate::domain::{limits, text, time, validate};
use crate::infra::delivery;
use crate::infra::store::{coops, remote_actors, remote_gatherings, AnyConnection};
use crate::infra::wire::event::{self, ContributionNote};
use crate::infra::wire::proposal::ProposalNote;

/// Another server's gathering with the viewer's coop's registration.
#[derive(Debug, Clone)]
pub struct JoinedGathering {
    pub gathering: RemoteGathering,
    pub organiser: RemoteActor,
    pub join: GatheringJoin,
}

fn not_joined() -> ServiceError {
    ServiceError::NotFound("your coop has not registered for that gathering".into())
}

fn parse(value: &str, what: &str) -> ServiceResult<Url> {
    Url::parse(value).map_err(|_| ServiceError::Internal(format!("stored {what} is not a URL")))
}

/// The viewer's coop's registration for remote gathering `id`, with both.
fn joined(conn: &mut AnyConnection, coop_id: &str, id: &str) -> ServiceResult<JoinedGathering> {
    let join = remote_gatherings::join_of(conn, id, coop_id)?.ok_or_else(not_joined)?;
    let gathering = remote_gatherings::by_id(conn, id)?.ok_or_else(not_joined)?;
    let organiser =
        remote_actors::by_id(conn, &gathering.organiser_actor_id)?.ok_or_else(not_joined)?;
    Ok(JoinedGathering {
        gathering,
        organiser,
        join,
    })
}

/// Queues `activity` to the organiser's inbox, signed by the coop.
fn to_organiser(
    conn: &mut AnyConnection,
    handle: &str,
    organiser: &RemoteActor,
    activity: &serde_json::Value,
) -> ServiceResult<usize> {
    let inbox = parse(organiser.delivery_inbox(), "inbox")?;
    Ok(delivery::enqueue(conn, handle, activity, &[inbox])?)
}

fn handle_of(conn: &mut AnyConnection, coop_id: &str) -> ServiceResult<String> {
    Ok(coops::by_id(conn, coop_id)?
        .ok_or_else(|| ServiceError::NotFound("no such coop".into()))?
        .handle)
}

impl Services {
    /// The viewer's coop registers, naming its delegate, for the gathering
    /// of another server at `url` (its Event, fetched from its origin). It
    /// waits for the organiser's answer.
    pub async fn join_remote_gathering(
        &self,
        viewer: &Viewer,
        resolver: &dyn Resolver,
        url: &str,
        delegate: &str,
    ) -> ServiceResult<JoinedGathering> {
        let coop_id = viewer.coop_id()?.to_string();
        let delegate = rules::delegate(delegate)?;
        let url = Url::parse(url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && url.len() <= 2000)
            .ok_or_else(|| ServiceError::invalid("url", "must be the gathering's URL"))?;
        if self.urls.is_local(&url) {
            return Err(ServiceError::invalid(
                "url",
                "that gathering is on this node: register on its page",
            ));
        }
        let host = origin_of(&url).unwrap_or_default();
        named_host("url", &host)?;
        self.refused(&host)?;
        let (event, organiser) = match resolver.object(&url).await {
            Ok(RemoteObject::Event { event, organiser }) => (event, organiser),
            Ok(_) => {
                return Err(ServiceError::invalid(
                    "url",
                    "that URL is not a gathering (an ActivityPub Event)",
                ))
            }
            Err(failure) => return Err(logged(url.as_str(), failure)),
        };
        let now = time::now();
        let fetched = event
            .into_gathering(new_id(), organiser.id.clone(), now, self.links)
            .map_err(|why| {
                ServiceError::invalid("url", format!("that gathering is not usable: {why}"))
            })?;
        if fetched.ends_at < now {
            return Err(ServiceError::Conflict("this gathering is over".into()));
        }
        let urls = self.urls.clone();
        let (entry, queued) = self
            .db
            .write(move |conn| {
                let g = remote_gatherings::upsert(conn, &fetched)?;
                if let Some(j) = remote_gatherings::join_of(conn, &g.id, &coop_id)? {
                    if j.state != JoinState::Rejected {
                        return Err(ServiceError::Conflict(
                            "your coop is already registered for this gathering".into(),
                        ));
                    }
                    // Refused before: it may ask again.
                    remote_gatherings::remove_join(conn, &g.id, &coop_id)?;
                }
                let handle = handle_of(conn, &coop_id)?;
                let me = urls.actor(&handle);
                let join_id = urls.activity_of(&me, "joins");
                let (event_id, organiser_id) = (
                    parse(&g.ap_id, "event id")?,
                    parse(&organiser.ap_id, "actor id")?,
                );
                let activity = event::join(&join_id, &me, &event_id, &organiser_id, &delegate);
                let join = GatheringJoin {
                    remote_gathering_id: g.id.clone(),
                    coop_id: coop_id.clone(),
                    join_ap_id: join_id.to_string(),
                    delegate,
                    state: JoinState::Pending,
                    about: String::new(),
                    proposals: Vec::new(),
                    contributed_at: None,
                    joined_at: now,
                };
                remote_gatherings::add_join(conn, &join)?;
                let queued = to_organiser(conn, &handle, &organiser, &activity)?;
                Ok((joined(conn, &coop_id, &g.id)?, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(entry)
    }

    /// The gatherings of other servers the viewer's coop registered for.
    pub async fn remote_gatherings(&self, viewer: &Viewer) -> ServiceResult<Vec<JoinedGathering>> {
        let coop_id = viewer.coop_id()?.to_string();
        self.db
            .read(move |conn| {
                let rows = remote_gatherings::joined_by(conn, &coop_id)?;
                let ids: Vec<String> = rows
                    .iter()
                    .map(|(g, _)| g.organiser_actor_id.clone())
                    .collect();
                let actors = remote_actors::by_ids(conn, &ids)?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(gathering, join)| {
                        let organiser = actors
                            .iter()
                            .find(|a| a.id == gathering.organiser_actor_id)?
                            .clone();
                        Some(JoinedGathering {
                            gathering,
                            organiser,
                            join,
                        })
                    })
                    .collect())
            })
            .await
    }

    pub async fn remote_gathering(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> ServiceResult<JoinedGathering> {
        let (coop_id, id) = (viewer.coop_id()?.to_string(), id.to_string());
        self.db.read(move |conn| joined(conn, &coop_id, &id)).await
    }

    /// The viewer's coop withdraws: `Leave` to the organiser.
    pub async fn leave_remote_gathering(&self, viewer: &Viewer, id: &str) -> ServiceResult<()> {
        let (coop_id, id, urls) = (
            viewer.coop_id()?.to_string(),
            id.to_string(),
            self.urls.clone(),
        );
        let queued = self
            .db
            .write(move |conn| {
                let j = joined(conn, &coop_id, &id)?;
                remote_gatherings::remove_join(conn, &id, &coop_id)?;
                let handle = handle_of(conn, &coop_id)?;
                let me = urls.actor(&handle);
                let activity = event::leave(
                    &urls.activity_of(&me, "leaves"),
                    &me,
                    &parse(&j.gathering.ap_id, "event id")?,
                    &parse(&j.organiser.ap_id, "actor id")?,
                );
                to_organiser(conn, &handle, &j.organiser, &activity)
            })
            .await?;
        self.wake_delivery(queued);
        Ok(())
    }

    /// The viewer's coop's contribution to another server's gathering, once
    /// the organiser accepted its registration and until it is over: what
    /// it is about (its profile's when `None`) and its own open needs and
    /// offers. Sent as `Create` of a Note the first time, `Update` after.
    pub async fn contribute_to_remote_gathering(
        &self,
        viewer: &Viewer,
        id: &str,
        about: Option<String>,
        brought: Vec<String>,
    ) -> ServiceResult<JoinedGathering> {
        let about = about
            .map(|a| validate::text("about", &a, limits::ABOUT_MAX))
            .transpose()?;
        check_brought_count(brought.len())?;
        let (coop_id, id, urls) = (
            viewer.coop_id()?.to_string(),
            id.to_string(),
            self.urls.clone(),
        );
        let (entry, queued) = self
            .db
            .write(move |conn| {
                let j = joined(conn, &coop_id, &id)?;
                let now = time::now();
                if j.gathering.ends_at < now {
                    return Err(ServiceError::Conflict("this gathering is over".into()));
                }
                match j.join.state {
                    JoinState::Accepted => {}
                    JoinState::Pending => {
                        return Err(ServiceError::Conflict(
                            "the organiser has not accepted your coop's registration yet".into(),
                        ))
                    }
                    JoinState::Rejected => {
                        return Err(ServiceError::Conflict(
                            "the organiser refused your coop's registration".into(),
                        ))
                    }
                }
                let own = own_open_proposals(conn, &coop_id, &brought)?;
                let about = about_or_profile(conn, &coop_id, about)?;
                let ids: Vec<String> = own.iter().map(|p| p.id.clone()).collect();
                remote_gatherings::contribute(conn, &id, &coop_id, &about, &ids, now)?;
                let handle = handle_of(conn, &coop_id)?;
                let me = urls.actor(&handle);
                let event_id = parse(&j.gathering.ap_id, "event id")?;
                let organiser = parse(&j.organiser.ap_id, "actor id")?;
                let note = ContributionNote {
                    id: urls.actor_part(&handle, &format!("contributions/{id}")),
                    kind: "Note",
                    attributed_to: me.clone(),
                    in_reply_to: event_id.clone(),
                    context: event_id,
                    content: text::markdown_to_safe_html(&about),
                    media_type: "text/html",
                    attachment: own
                        .iter()
                        .map(|p| {
                            let mut n = ProposalNote::from_proposal(p, &handle, &urls);
                            n.context = None;
                            n
                        })
                        .collect(),
                    to: vec![organiser.to_string()],
                    published: rules::utc(j.join.contributed_at.unwrap_or(now)),
                    updated: rules::utc(now),
                };
                let kind = if j.join.contributed_at.is_some() {
                    "Update"
                } else {
                    "Create"
                };
                let what = if kind == "Create" { "create" } else { "update" };
                let activity = event::contribution(kind, urls.activity_of(&note.id, what), note);
                let queued = to_organiser(conn, &handle, &j.organiser, &activity.to_value())?;
                Ok((joined(conn, &coop_id, &id)?, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(entry)
    }

    /// Whether `url` is a `Join` one of our coops sent.
    pub async fn is_our_join(&self, url: &Url) -> ServiceResult<bool> {
        let url = url.to_string();
        self.db
            .read(move |conn| Ok(remote_gatherings::join_by_ap_id(conn, &url)?.is_some()))
            .await
    }

    /// The organiser's `Accept` or `Reject` of one of our coops' `Join`s.
    pub async fn receive_join_answer(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        join_id: &Url,
        accepted: bool,
    ) -> ServiceResult<super::inbox::Received> {
        let (actor, join_id) = (actor.clone(), join_id.to_string());
        super::inbox::once(self, activity_id, move |conn| {
            let Some(j) = remote_gatherings::join_by_ap_id(conn, &join_id)? else {
                return Ok((
                    super::inbox::Received::Ignored("not one of our joins".into()),
                    0,
                ));
            };
            let g =
                remote_gatherings::by_id(conn, &j.remote_gathering_id)?.ok_or_else(not_joined)?;
            if g.organiser_actor_id != actor.id {
                return Err(ServiceError::Forbidden(
                    "only the gathering's organiser answers a Join".into(),
                ));
            }
            let state = if accepted {
                JoinState::Accepted
            } else {
                JoinState::Rejected
            };
            remote_gatherings::set_state(conn, &join_id, state)?;
            Ok((super::inbox::Received::Applied, 0))
        })
        .await
    }
}
