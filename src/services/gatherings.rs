//! Gatherings: a coop plans the monthly call, names its facilitators and
//! note-taker among the node's coops, and coops register for it, each
//! naming its delegate. Gatherings are public: anyone may read them and
//! add them to a calendar.

use std::collections::HashMap;

use super::notifications::notify;
use super::paging::{self, Cursor, Page};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::Coop;
use crate::domain::gathering::{
    self as rules, Gathering, GatheringInput, Participant, RemoteParticipant, Round, Synergy,
    SynergyState,
};
use crate::domain::introduction::{Introduction, IntroductionState, Party};
use crate::domain::notification::NotificationKind;
use crate::domain::proposal::{Proposal, ProposalKind, ProposalStatus};
use crate::domain::remote::{RemoteActor, RemoteProposal};
use crate::domain::urls::Urls;
use crate::domain::{limits, time, validate};
use crate::infra::matching::score::Reason;
use crate::infra::store::{
    coops, gatherings, introductions, proposals, remote_actors, remote_proposals, AnyConnection,
};
use crate::infra::wire::calendar::{self, CalendarEvent};

/// A coop as a gathering names it: one of this node's, or (a participant
/// only) an actor of another server.
#[derive(Debug, Clone, PartialEq)]
pub struct CoopRef {
    /// Its `coops` id, or its `remote_actors` id when `remote`.
    pub id: String,
    /// Its handle here, or `user@host` when `remote`.
    pub handle: String,
    pub name: String,
    /// Its page.
    pub url: String,
    pub remote: bool,
}

impl CoopRef {
    fn of(coop: &Coop, urls: &Urls) -> CoopRef {
        CoopRef {
            id: coop.id.clone(),
            handle: coop.handle.clone(),
            name: coop.profile.display_name.clone(),
            url: urls.actor(&coop.handle).to_string(),
            remote: false,
        }
    }

    fn of_remote(actor: &RemoteActor) -> CoopRef {
        CoopRef {
            id: actor.id.clone(),
            handle: actor.address(),
            name: if actor.display_name.trim().is_empty() {
                actor.username.clone()
            } else {
                actor.display_name.clone()
            },
            url: actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
            remote: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ParticipantEntry {
    pub coop: CoopRef,
    pub delegate: String,
    pub joined_at: chrono::NaiveDateTime,
    /// What the coop is about, as it contributed it (empty until then):
    /// Markdown for a coop of this node, plain text for a remote one …
    pub about: String,
    /// … and as safe HTML for pages.
    pub about_html: String,
    /// The needs and the offers it brings, still open, in its order.
    pub needs: Vec<Brought>,
    pub offers: Vec<Brought>,
    pub contributed_at: Option<chrono::NaiveDateTime>,
}

/// A need or offer a coop brings to a gathering.
#[derive(Debug, Clone, PartialEq)]
pub struct Brought {
    /// Its id here: a `proposals` id, or a `remote_proposals` id when
    /// `remote`.
    pub id: String,
    pub title: String,
    pub url: String,
    pub remote: bool,
}

/// A gathering with the coops it names, as anyone may see it.
#[derive(Debug, Clone)]
pub struct GatheringEntry {
    pub gathering: Gathering,
    /// `None` when the node organises it.
    pub organiser: Option<CoopRef>,
    pub facilitators: Vec<CoopRef>,
    pub note_taker: Option<CoopRef>,
    /// In the order they registered: the speaking order.
    pub participants: Vec<ParticipantEntry>,
    pub url: String,
    pub calendar_url: String,
    /// Whether it is over.
    pub past: bool,
    /// The synergy points facilitators confirmed, in the order they did.
    pub synergy_points: Vec<SynergyPoint>,
}

/// A confirmed synergy point, as the conclusions name it.
#[derive(Debug, Clone)]
pub struct SynergyPoint {
    pub need: Brought,
    pub need_coop: CoopRef,
    pub offer: Brought,
    pub offer_coop: CoopRef,
}

impl GatheringEntry {
    /// Whether `coop_id` keeps the notes.
    pub fn keeps_notes(&self, coop_id: &str) -> bool {
        self.gathering.note_taker.as_deref() == Some(coop_id)
    }

    /// The viewer's coop's registration, if any.
    pub fn registration_of(&self, coop_id: &str) -> Option<&ParticipantEntry> {
        self.participants
            .iter()
            .find(|p| !p.coop.remote && p.coop.id == coop_id)
    }
}

/// A gathering in a list: without its participants, with their number.
#[derive(Debug, Clone)]
pub struct GatheringSummary {
    pub gathering: Gathering,
    pub organiser: Option<CoopRef>,
    pub participant_count: i64,
    pub url: String,
    pub calendar_url: String,
    pub past: bool,
}

/// What a coop sends to plan a gathering: its fields, and the roles by
/// handle (both default to the organising coop).
#[derive(Debug, Clone, Default)]
pub struct GatheringPlan {
    pub input: GatheringInput,
    pub facilitators: Vec<String>,
    pub note_taker: Option<String>,
    /// Organised by the node (a node admin plans it): facilitators must be
    /// named, and the note-taker is the first of them unless named.
    pub by_node: bool,
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("no gathering with that id".into())
}

fn load(conn: &mut AnyConnection, id: &str) -> ServiceResult<Gathering> {
    gatherings::by_id(conn, id)?.ok_or_else(not_found)
}

/// The coops of this node behind `ids`, by id.
fn coops_by_id(conn: &mut AnyConnection, ids: Vec<String>) -> ServiceResult<HashMap<String, Coop>> {
    Ok(coops::by_ids(conn, &ids)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect())
}

fn entry(conn: &mut AnyConnection, urls: &Urls, g: Gathering) -> ServiceResult<GatheringEntry> {
    let participants = gatherings::participants(conn, &g.id)?;
    let confirmed: Vec<Synergy> = gatherings::synergies(conn, &g.id)?
        .into_iter()
        .filter(|s| s.state == SynergyState::Confirmed)
        .collect();
    let paired: Vec<String> = confirmed
        .iter()
        .flat_map(|s| [s.need_id.clone(), s.offer_id.clone()])
        .collect();
    // Whatever became of them since: the conclusions name them as they were.
    let paired_remote: HashMap<String, RemoteProposal> = remote_proposals::by_ids(conn, &paired)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let paired_actors: HashMap<String, RemoteActor> = remote_actors::by_ids(
        conn,
        &paired_remote
            .values()
            .map(|p| p.actor_id.clone())
            .collect::<Vec<_>>(),
    )?
    .into_iter()
    .map(|a| (a.id.clone(), a))
    .collect();
    let paired: HashMap<String, Proposal> = proposals::by_ids(conn, &paired)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let brought_ids: Vec<String> = participants
        .iter()
        .flat_map(|p| p.proposals.clone())
        .collect();
    let brought: HashMap<String, Proposal> = proposals::by_ids(conn, &brought_ids)?
        .into_iter()
        .filter(|p| p.status == ProposalStatus::Open)
        .map(|p| (p.id.clone(), p))
        .collect();
    // What one participant brings of one kind: its own, still open.
    let of_kind = |p: &Participant, kind: ProposalKind| -> Vec<Brought> {
        p.proposals
            .iter()
            .filter_map(|id| brought.get(id))
            .filter(|b| b.coop_id == p.coop_id && b.draft.kind == kind)
            .map(|b| Brought {
                id: b.id.clone(),
                title: b.draft.title.clone(),
                url: urls.proposal(&b.id).to_string(),
                remote: false,
            })
            .collect()
    };
    let mut ids: Vec<String> = participants.iter().map(|p| p.coop_id.clone()).collect();
    ids.extend(g.facilitators.iter().cloned());
    ids.extend(g.organiser_coop_id.iter().cloned());
    ids.extend(g.note_taker.iter().cloned());
    ids.extend(paired.values().map(|p| p.coop_id.clone()));
    ids.sort();
    ids.dedup();
    let found = coops_by_id(conn, ids)?;
    let named = |id: &String| found.get(id).map(|c| CoopRef::of(c, urls));
    let side = |id: &String| -> Option<(Brought, CoopRef)> {
        if let Some(p) = paired.get(id) {
            let brought = Brought {
                id: p.id.clone(),
                title: p.draft.title.clone(),
                url: urls.proposal(&p.id).to_string(),
                remote: false,
            };
            return Some((brought, named(&p.coop_id)?));
        }
        let p = paired_remote.get(id)?;
        let brought = Brought {
            id: p.id.clone(),
            title: p.title.clone(),
            url: p.url.clone().unwrap_or_else(|| p.ap_id.clone()),
            remote: true,
        };
        Some((brought, CoopRef::of_remote(paired_actors.get(&p.actor_id)?)))
    };
    let synergy_points = confirmed
        .iter()
        .filter_map(|s| {
            let (need, need_coop) = side(&s.need_id)?;
            let (offer, offer_coop) = side(&s.offer_id)?;
            Some(SynergyPoint {
                need,
                need_coop,
                offer,
                offer_coop,
            })
        })
        .collect();
    let mut participants: Vec<ParticipantEntry> = participants
        .into_iter()
        .filter_map(|p| {
            Some(ParticipantEntry {
                coop: named(&p.coop_id)?,
                needs: of_kind(&p, ProposalKind::Need),
                offers: of_kind(&p, ProposalKind::Offer),
                delegate: p.delegate,
                joined_at: p.joined_at,
                about_html: crate::domain::text::markdown_to_safe_html(&p.about),
                about: p.about,
                contributed_at: p.contributed_at,
            })
        })
        .collect();
    participants.extend(remote_entries(conn, &g.id)?);
    // One speaking order, by when each registered, wherever it is.
    participants.sort_by(|a, b| {
        a.joined_at
            .cmp(&b.joined_at)
            .then(a.coop.id.cmp(&b.coop.id))
    });
    Ok(GatheringEntry {
        synergy_points,
        organiser: g.organiser_coop_id.as_ref().and_then(named),
        facilitators: g.facilitators.iter().filter_map(named).collect(),
        note_taker: g.note_taker.as_ref().and_then(named),
        participants,
        url: urls.gathering(&g.id).to_string(),
        calendar_url: urls.gathering_calendar(&g.id).to_string(),
        past: g.is_past(time::now()),
        gathering: g,
    })
}

/// The actors of other servers registered for a gathering, as entries,
/// with what they contributed.
fn remote_entries(conn: &mut AnyConnection, id: &str) -> ServiceResult<Vec<ParticipantEntry>> {
    let joined = gatherings::remote_participants(conn, id)?;
    let ids: Vec<String> = joined.iter().map(|p| p.actor_id.clone()).collect();
    let actors: HashMap<String, RemoteActor> = remote_actors::by_ids(conn, &ids)?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let brought_ids: Vec<String> = joined.iter().flat_map(|p| p.proposals.clone()).collect();
    let brought: HashMap<String, RemoteProposal> = remote_proposals::by_ids(conn, &brought_ids)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let of_kind = |p: &RemoteParticipant, kind: ProposalKind| -> Vec<Brought> {
        p.proposals
            .iter()
            .filter_map(|id| brought.get(id))
            .filter(|b| b.actor_id == p.actor_id && b.kind == kind)
            .map(|b| Brought {
                id: b.id.clone(),
                title: b.title.clone(),
                url: b.url.clone().unwrap_or_else(|| b.ap_id.clone()),
                remote: true,
            })
            .collect()
    };
    Ok(joined
        .iter()
        .filter_map(|p| {
            Some(ParticipantEntry {
                coop: CoopRef::of_remote(actors.get(&p.actor_id)?),
                delegate: p.delegate.clone(),
                joined_at: p.joined_at,
                // One line of text, for API readers; pages show the HTML.
                about: crate::domain::text::html_to_text(&p.about_html)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                about_html: p.about_html.clone(),
                needs: of_kind(p, ProposalKind::Need),
                offers: of_kind(p, ProposalKind::Offer),
                contributed_at: p.contributed_at,
            })
        })
        .collect())
}

/// The organising coops of `list`, by id.
fn organisers(
    conn: &mut AnyConnection,
    list: &[Gathering],
) -> ServiceResult<HashMap<String, Coop>> {
    coops_by_id(
        conn,
        list.iter()
            .filter_map(|g| g.organiser_coop_id.clone())
            .collect(),
    )
}

/// The local coops named by `handles` (ids), or which handle is unknown.
fn roles(conn: &mut AnyConnection, field: &str, handles: &[String]) -> ServiceResult<Vec<String>> {
    let mut ids = Vec::new();
    for handle in handles {
        let handle = handle.trim().trim_start_matches('@');
        let coop = coops::by_handle(conn, handle)?.ok_or_else(|| {
            ServiceError::invalid(field, format!("no coop @{handle} on this node"))
        })?;
        if !ids.contains(&coop.id) {
            ids.push(coop.id);
        }
    }
    Ok(ids)
}

/// A contribution brings at most [`rules::CONTRIBUTED_PROPOSALS_MAX`]
/// needs and offers.
pub(super) fn check_brought_count(n: usize) -> ServiceResult<()> {
    if n > rules::CONTRIBUTED_PROPOSALS_MAX {
        return Err(ServiceError::invalid(
            "proposals",
            format!(
                "bring at most {} needs and offers",
                rules::CONTRIBUTED_PROPOSALS_MAX
            ),
        ));
    }
    Ok(())
}

/// The proposals `wanted` names, each an open need or offer of the coop,
/// once each, in the order given; or which one is not.
pub(super) fn own_open_proposals(
    conn: &mut AnyConnection,
    coop_id: &str,
    wanted: &[String],
) -> ServiceResult<Vec<Proposal>> {
    let mut own: Vec<Proposal> = Vec::new();
    for id in wanted {
        let found = proposals::by_id(conn, id)?
            .filter(|p| p.coop_id == coop_id && p.status == ProposalStatus::Open)
            .ok_or_else(|| {
                ServiceError::invalid(
                    "proposals",
                    format!("{id} is not an open need or offer of your coop"),
                )
            })?;
        if !own.iter().any(|p| p.id == found.id) {
            own.push(found);
        }
    }
    Ok(own)
}

/// What a coop says it is about in a contribution: as given, or its
/// profile's.
pub(super) fn about_or_profile(
    conn: &mut AnyConnection,
    coop_id: &str,
    about: Option<String>,
) -> ServiceResult<String> {
    Ok(match about {
        Some(a) => a,
        None => coops::by_id(conn, coop_id)?
            .map(|c| c.profile.about)
            .unwrap_or_default(),
    })
}

fn open_for_change(g: &Gathering) -> ServiceResult<()> {
    if g.is_past(time::now()) {
        return Err(ServiceError::Conflict("this gathering is over".into()));
    }
    Ok(())
}

/// What a facilitator does to the live call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallStep {
    /// Start a round with the first delegate in the speaking order.
    Start(Round),
    /// The next delegate, or the next round's first.
    Next,
    /// Stop the call.
    Stop,
    /// Set how long each turn lasts.
    Seconds(i32),
}

/// A step as the API and the pages name it: `start` with a `round`,
/// `next`, `stop`, or `seconds` with a number.
pub fn call_step(
    action: &str,
    round: Option<&str>,
    seconds: Option<i32>,
) -> ServiceResult<CallStep> {
    match action {
        "start" => {
            let round = round.and_then(Round::parse).ok_or_else(|| {
                ServiceError::invalid("round", format!("must be {}", Round::choices()))
            })?;
            Ok(CallStep::Start(round))
        }
        "next" => Ok(CallStep::Next),
        "stop" => Ok(CallStep::Stop),
        "seconds" => Ok(CallStep::Seconds(seconds.ok_or_else(|| {
            ServiceError::invalid("seconds", "a turn lasts 60 to 180 seconds")
        })?)),
        _ => Err(ServiceError::invalid(
            "action",
            "must be start, next, stop or seconds",
        )),
    }
}

/// Says who organises a gathering, in the reader's language ("Organised
/// by …"), given the coop's name or the node's.
pub type OrganisedBy<'a> = &'a (dyn Fn(&str) -> String + Sync);

impl Services {
    /// The viewer's coop plans a gathering; it is the organiser, and the
    /// facilitator and note-taker unless others are named.
    pub async fn plan_gathering(
        &self,
        viewer: &Viewer,
        plan: GatheringPlan,
    ) -> ServiceResult<GatheringEntry> {
        // The organising coop; none when the node organises it.
        let coop_id = if plan.by_node {
            super::nodes::Admin::of(viewer)?;
            if plan.facilitators.is_empty() {
                return Err(ServiceError::invalid(
                    "facilitators",
                    "name at least one coop of this node to facilitate it",
                ));
            }
            None
        } else {
            Some(viewer.coop_id()?.to_string())
        };
        let now = time::now();
        let draft = plan.input.validated(now)?;
        if plan.facilitators.len() > rules::FACILITATORS_MAX {
            return Err(ServiceError::invalid(
                "facilitators",
                format!("name at most {} coops", rules::FACILITATORS_MAX),
            ));
        }
        let urls = self.urls.clone();
        let (planned, queued) = self
            .db
            .write(move |conn| {
                let mut facilitators = roles(conn, "facilitators", &plan.facilitators)?;
                let first = facilitators.first().cloned();
                let default_role = coop_id.clone().or(first).unwrap_or_default();
                if facilitators.is_empty() {
                    facilitators.push(default_role.clone());
                }
                let note_taker = match plan.note_taker.as_deref().map(str::trim) {
                    None | Some("") => default_role.clone(),
                    Some(handle) => {
                        let named = roles(conn, "note_taker", &[handle.to_string()])?;
                        named.into_iter().next().unwrap_or(default_role.clone())
                    }
                };
                let g = Gathering {
                    id: new_id(),
                    organiser_coop_id: coop_id,
                    draft,
                    facilitators,
                    note_taker: Some(note_taker),
                    registration_open: true,
                    notes: String::new(),
                    notes_published_at: None,
                    live: None,
                    turn_seconds: rules::TURN_SECONDS_DEFAULT,
                    created_at: now,
                    updated_at: now,
                };
                gatherings::insert(conn, &g)?;
                let queued = super::gathering_events::announce(conn, &urls, &g, "Create")?;
                Ok::<_, ServiceError>((entry(conn, &urls, g)?, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(planned)
    }

    pub async fn gathering(&self, id: &str) -> ServiceResult<GatheringEntry> {
        let (urls, id) = (self.urls.clone(), id.to_string());
        self.db
            .read(move |conn| {
                let g = load(conn, &id)?;
                entry(conn, &urls, g)
            })
            .await
    }

    /// Gatherings not over yet, soonest first; or (`past`) those over,
    /// latest first.
    pub async fn gatherings(
        &self,
        past: bool,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<GatheringSummary>> {
        let page = Cursor::new(limit)?;
        let cursor = paging::cursor(cursor)?;
        let fetch = page.fetch();
        let urls = self.urls.clone();
        let items = self
            .db
            .read(move |conn| {
                let now = time::now();
                let list = gatherings::list(conn, now, past, cursor.as_deref(), fetch)?;
                let organisers = organisers(conn, &list)?;
                let ids: Vec<String> = list.iter().map(|g| g.id.clone()).collect();
                let counts = gatherings::participant_counts(conn, &ids)?;
                list.into_iter()
                    .map(|g| {
                        Ok(GatheringSummary {
                            organiser: g
                                .organiser_coop_id
                                .as_ref()
                                .and_then(|id| organisers.get(id))
                                .map(|c| CoopRef::of(c, &urls)),
                            participant_count: counts.get(&g.id).copied().unwrap_or(0),
                            url: urls.gathering(&g.id).to_string(),
                            calendar_url: urls.gathering_calendar(&g.id).to_string(),
                            past: g.is_past(now),
                            gathering: g,
                        })
                    })
                    .collect::<ServiceResult<Vec<_>>>()
            })
            .await?;
        Ok(page.cut(items, |s| s.gathering.id.clone()))
    }

    /// Loads gathering `id` in one write, lets `change` act on it for the
    /// viewer's coop (answering how many deliveries it queued), and answers
    /// the gathering as it is afterwards.
    async fn change_gathering<F>(
        &self,
        viewer: &Viewer,
        id: &str,
        change: F,
    ) -> ServiceResult<GatheringEntry>
    where
        F: FnOnce(&mut AnyConnection, String, &mut Gathering) -> ServiceResult<usize>
            + Send
            + 'static,
    {
        let coop_id = viewer.coop_id()?.to_string();
        let (urls, id) = (self.urls.clone(), id.to_string());
        let (entry, queued) = self
            .db
            .write(move |conn| {
                let mut g = load(conn, &id)?;
                let queued = change(conn, coop_id, &mut g)?;
                Ok::<_, ServiceError>((entry(conn, &urls, g)?, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(entry)
    }

    /// The viewer's coop registers for a gathering, naming its delegate.
    pub async fn join_gathering(
        &self,
        viewer: &Viewer,
        id: &str,
        delegate: &str,
    ) -> ServiceResult<GatheringEntry> {
        let delegate = rules::delegate(delegate)?;
        self.change_gathering(viewer, id, move |conn, coop_id, g| {
            open_for_change(g)?;
            if !g.registration_open {
                return Err(ServiceError::Conflict(
                    "registration for this gathering is closed".into(),
                ));
            }
            if gatherings::participant(conn, &g.id, &coop_id)?.is_some() {
                return Err(ServiceError::Conflict(
                    "your coop is already registered for this gathering".into(),
                ));
            }
            if gatherings::participant_count(conn, &g.id)? >= rules::PARTICIPANTS_MAX {
                return Err(ServiceError::Conflict(format!(
                    "this gathering is full ({} coops)",
                    rules::PARTICIPANTS_MAX
                )));
            }
            let joined = Participant {
                gathering_id: g.id.clone(),
                coop_id,
                delegate,
                joined_at: time::now(),
                about: String::new(),
                proposals: Vec::new(),
                contributed_at: None,
            };
            gatherings::add_participant(conn, &joined)?;
            Ok(0)
        })
        .await
    }

    /// The viewer's coop withdraws its registration.
    pub async fn leave_gathering(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> ServiceResult<GatheringEntry> {
        self.change_gathering(viewer, id, |conn, coop_id, g| {
            open_for_change(g)?;
            if !gatherings::remove_participant(conn, &g.id, &coop_id)? {
                return Err(ServiceError::NotFound(
                    "your coop is not registered for this gathering".into(),
                ));
            }
            Ok(0)
        })
        .await
    }

    /// A facilitator opens or closes registration.
    pub async fn set_gathering_registration(
        &self,
        viewer: &Viewer,
        id: &str,
        open: bool,
    ) -> ServiceResult<GatheringEntry> {
        let urls = self.urls.clone();
        self.change_gathering(viewer, id, move |conn, coop_id, g| {
            if !g.is_facilitator(&coop_id) {
                return Err(ServiceError::Forbidden(
                    "only the gathering's facilitators can open or close registration".into(),
                ));
            }
            open_for_change(g)?;
            let now = time::now();
            gatherings::set_registration(conn, &g.id, open, now)?;
            g.registration_open = open;
            g.updated_at = now;
            // Followers' copies show whether it still takes registrations.
            super::gathering_events::announce(conn, &urls, g, "Update")
        })
        .await
    }

    /// A participant's contribution to the rounds: what the coop is about
    /// (its profile's "about" when `None`) and the needs and offers it
    /// brings, its own open proposals. Until the deadline for
    /// contributions, and during the call; not once it is over.
    pub async fn contribute_to_gathering(
        &self,
        viewer: &Viewer,
        id: &str,
        about: Option<String>,
        brought: Vec<String>,
    ) -> ServiceResult<GatheringEntry> {
        let about = about
            .map(|a| validate::text("about", &a, limits::ABOUT_MAX))
            .transpose()?;
        check_brought_count(brought.len())?;
        self.change_gathering(viewer, id, move |conn, coop_id, g| {
            let now = time::now();
            open_for_change(g)?;
            if g.draft.contributions_until.is_some_and(|until| until < now) {
                return Err(ServiceError::Conflict(
                    "contributions to this gathering are closed".into(),
                ));
            }
            if gatherings::participant(conn, &g.id, &coop_id)?.is_none() {
                return Err(ServiceError::Forbidden(
                    "only coops registered for this gathering contribute to it".into(),
                ));
            }
            let ids: Vec<String> = own_open_proposals(conn, &coop_id, &brought)?
                .into_iter()
                .map(|p| p.id)
                .collect();
            let about = about_or_profile(conn, &coop_id, about)?;
            gatherings::contribute(conn, &g.id, &coop_id, &about, &ids, now)?;
            Ok(0)
        })
        .await
    }

    /// The facilitator's board: which needs brought to the gathering the
    /// offers brought by other participants answer, best first, with the
    /// matching engine's scores and reasons (at most [`BOARD_MAX`]).
    pub async fn gathering_board(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> ServiceResult<Vec<SynergyCandidate>> {
        let e = self.gathering(id).await?;
        self.board_of(viewer, &e).await
    }

    /// The board of a gathering already read (see [`Self::gathering_board`]).
    pub async fn board_of(
        &self,
        viewer: &Viewer,
        e: &GatheringEntry,
    ) -> ServiceResult<Vec<SynergyCandidate>> {
        let coop_id = viewer.coop_id()?.to_string();
        if !e.gathering.is_facilitator(&coop_id) {
            return Err(ServiceError::Forbidden(
                "only the gathering's facilitators see its board".into(),
            ));
        }
        // Keyed `(local, id)`, as the index knows them.
        let mut needs = HashMap::new();
        let mut offers = HashMap::new();
        for p in &e.participants {
            for b in &p.needs {
                needs.insert((!b.remote, b.id.clone()), (b.clone(), p.coop.clone()));
            }
            for b in &p.offers {
                offers.insert((!b.remote, b.id.clone()), (b.clone(), p.coop.clone()));
            }
        }
        let found = self
            .pairings_among(
                needs.keys().cloned().collect(),
                offers.keys().cloned().collect(),
            )
            .await?;
        let gathering_id = e.gathering.id.clone();
        let decided: HashMap<(String, String), Synergy> = self
            .db
            .read(move |conn| gatherings::synergies(conn, &gathering_id))
            .await?
            .into_iter()
            .map(|s| ((s.need_id.clone(), s.offer_id.clone()), s))
            .collect();
        Ok(found
            .into_iter()
            .filter_map(|f| {
                let (need, need_coop) = needs.get(&f.need)?.clone();
                let (offer, offer_coop) = offers.get(&f.offer)?.clone();
                // Two coops of other servers are introduced on theirs.
                if need_coop.remote && offer_coop.remote {
                    return None;
                }
                let decision = decided.get(&(need.id.clone(), offer.id.clone())).cloned();
                Some(SynergyCandidate {
                    need,
                    need_coop,
                    offer,
                    offer_coop,
                    score: f.score,
                    reasons: f.reasons,
                    decision,
                })
            })
            .take(BOARD_MAX)
            .collect())
    }

    /// A facilitator confirms a pair of the board as a synergy point, which
    /// opens an introduction between the two coops that both accept (or
    /// links the one they already have), and tells both; or dismisses it.
    pub async fn decide_synergy(
        &self,
        viewer: &Viewer,
        id: &str,
        need: &str,
        offer: &str,
        confirm: bool,
    ) -> ServiceResult<SynergyCandidate> {
        let coop_id = viewer.coop_id()?.to_string();
        let mut pair = self
            .gathering_board(viewer, id)
            .await?
            .into_iter()
            .find(|c| c.need.id == need && c.offer.id == offer)
            .ok_or_else(|| {
                ServiceError::invalid(
                    "offer",
                    "that need and offer are not a match among what this gathering's coops brought",
                )
            })?;
        let (urls, id, p) = (self.urls.clone(), id.to_string(), pair.clone());
        let decision = self
            .db
            .write(move |conn| {
                let g = load(conn, &id)?;
                let taken = gatherings::synergies(conn, &g.id)?
                    .into_iter()
                    .find(|s| s.need_id == p.need.id && s.offer_id == p.offer.id);
                if let Some(s) = taken {
                    return Err(ServiceError::Conflict(format!(
                        "this synergy point was already {}",
                        s.state.as_str()
                    )));
                }
                let now = time::now();
                let introduction_id = if confirm {
                    Some(open_introduction(conn, &urls, &g, &p, &coop_id, now)?)
                } else {
                    None
                };
                let decision = Synergy {
                    gathering_id: g.id.clone(),
                    need_id: p.need.id.clone(),
                    offer_id: p.offer.id.clone(),
                    state: if confirm {
                        SynergyState::Confirmed
                    } else {
                        SynergyState::Dismissed
                    },
                    introduction_id,
                    decided_by: Some(coop_id),
                    decided_at: now,
                };
                gatherings::add_synergy(conn, &decision)?;
                Ok(decision)
            })
            .await?;
        pair.decision = Some(decision);
        Ok(pair)
    }

    /// The note-taker keeps the notes (Markdown), during the call or
    /// after it; publishing makes them public with the conclusions (who
    /// came, the confirmed synergy points). Once published they stay so;
    /// later edits show at once.
    pub async fn write_gathering_notes(
        &self,
        viewer: &Viewer,
        id: &str,
        notes: &str,
        publish: bool,
    ) -> ServiceResult<GatheringEntry> {
        let notes = validate::text("notes", notes, limits::DESCRIPTION_MAX)?;
        let urls = self.urls.clone();
        self.change_gathering(viewer, id, move |conn, coop_id, g| {
            if g.note_taker.as_deref() != Some(coop_id.as_str()) {
                return Err(ServiceError::Forbidden(
                    "only the gathering's note-taker writes its notes".into(),
                ));
            }
            let now = time::now();
            let was_published = g.notes_published_at.is_some();
            gatherings::set_notes(conn, &g.id, &notes, publish, now)?;
            g.notes = notes;
            g.updated_at = now;
            if !publish {
                return Ok(0);
            }
            g.notes_published_at = Some(now);
            // The conclusions reach the participants of other servers.
            let conclusions = entry(conn, &urls, g.clone())?;
            let kind = if was_published { "Update" } else { "Create" };
            super::gathering_events::send_notes(conn, &urls, &conclusions, kind)
        })
        .await
    }

    /// A facilitator runs the live call: starts a round, passes the turn
    /// down the speaking order (and on to the next round), stops it, or
    /// sets a turn's length. Everyone's call page follows.
    pub async fn run_call(
        &self,
        viewer: &Viewer,
        id: &str,
        step: CallStep,
    ) -> ServiceResult<GatheringEntry> {
        if let CallStep::Seconds(n) = step {
            rules::turn_seconds(n)?;
        }
        self.change_gathering(viewer, id, move |conn, coop_id, g| {
            if !g.is_facilitator(&coop_id) {
                return Err(ServiceError::Forbidden(
                    "only the gathering's facilitators run the call".into(),
                ));
            }
            open_for_change(g)?;
            let now = time::now();
            let speakers = gatherings::participant_count(conn, &g.id)? as usize;
            match step {
                CallStep::Start(round) => {
                    if speakers == 0 {
                        return Err(ServiceError::Conflict(
                            "no coop is registered yet: nobody to give the turn to".into(),
                        ));
                    }
                    g.live = Some(rules::Live {
                        round,
                        turn: 0,
                        since: now,
                    });
                }
                CallStep::Next => {
                    let live = g.live.ok_or_else(|| {
                        ServiceError::Conflict("the call is not running: start a round".into())
                    })?;
                    g.live = live.next(speakers, now);
                }
                CallStep::Stop => g.live = None,
                CallStep::Seconds(n) => g.turn_seconds = n,
            }
            gatherings::set_live(conn, &g.id, g.live, g.turn_seconds, now)?;
            g.updated_at = now;
            Ok(0)
        })
        .await
    }

    /// One gathering as an iCalendar file.
    pub async fn gathering_calendar(
        &self,
        id: &str,
        node: &str,
        organised_by: OrganisedBy<'_>,
    ) -> ServiceResult<String> {
        let e = self.gathering(id).await?;
        let organiser = organised_by(e.organiser.as_ref().map_or(node, |c| c.name.as_str()));
        Ok(calendar::calendar(
            &e.gathering.draft.title,
            &[calendar_event(&e.gathering, &e.url, &organiser)],
        ))
    }

    /// The node's gatherings, not over yet, as an iCalendar feed (the
    /// first [`GATHERINGS_FEED_MAX`] by start).
    pub async fn gatherings_calendar(
        &self,
        node: &str,
        organised_by: OrganisedBy<'_>,
    ) -> ServiceResult<String> {
        let urls = self.urls.clone();
        let listed = self
            .db
            .read(move |conn| {
                let list = gatherings::list(conn, time::now(), false, None, GATHERINGS_FEED_MAX)?;
                let organisers = organisers(conn, &list)?;
                Ok::<_, ServiceError>(
                    list.into_iter()
                        .map(|g| {
                            let name = g
                                .organiser_coop_id
                                .as_ref()
                                .and_then(|id| organisers.get(id))
                                .map(|c| c.profile.display_name.clone());
                            let url = urls.gathering(&g.id).to_string();
                            (g, name, url)
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .await?;
        let lines: Vec<String> = listed
            .iter()
            .map(|(_, name, _)| organised_by(name.as_deref().unwrap_or(node)))
            .collect();
        let events: Vec<CalendarEvent<'_>> = listed
            .iter()
            .zip(&lines)
            .map(|((g, _, url), line)| calendar_event(g, url, line))
            .collect();
        Ok(calendar::calendar(&format!("{node}: gatherings"), &events))
    }
}

/// Pairs on a facilitator's board.
pub const BOARD_MAX: usize = 200;

/// A need brought to a gathering and an offer another participant brought
/// that answers it: a synergy point for the facilitator to weigh.
#[derive(Debug, Clone)]
pub struct SynergyCandidate {
    pub need: Brought,
    pub need_coop: CoopRef,
    pub offer: Brought,
    pub offer_coop: CoopRef,
    pub score: f32,
    pub reasons: Vec<Reason>,
    /// The facilitators' decision, once taken.
    pub decision: Option<Synergy>,
}

/// The introduction a confirmed synergy point opens between the coop of
/// the need and the coop of the offer (both of this node), both told; or
/// the one they already have about that offer. Its id.
fn open_introduction(
    conn: &mut AnyConnection,
    urls: &Urls,
    g: &Gathering,
    p: &SynergyCandidate,
    facilitator: &str,
    now: chrono::NaiveDateTime,
) -> ServiceResult<String> {
    let by = coops::by_id(conn, facilitator)?
        .map(|c| c.profile.display_name)
        .unwrap_or_default();
    let message = format!(
        "A synergy point of the gathering “{}”, confirmed by {by}: the need “{}” and the offer “{}”. Accept to share your contact details with each other.",
        g.draft.title, p.need.title, p.offer.title
    );
    // Between two coops of this node, the need's coop asks about the offer.
    // With a coop of another server, the coop of this node asks about the
    // other's need or offer: once it accepts, the other server is asked as
    // any introduction asks it (services/introductions.rs).
    let (from, to, about) = match (p.need_coop.remote, p.offer_coop.remote) {
        (false, false) => (&p.need_coop, &p.offer_coop, &p.offer),
        (false, true) => (&p.need_coop, &p.offer_coop, &p.offer),
        (true, false) => (&p.offer_coop, &p.need_coop, &p.need),
        (true, true) => {
            return Err(ServiceError::invalid(
                "offer",
                "two coops of other servers are introduced on their own servers",
            ))
        }
    };
    let (to_party, ap_id, local_id, kind) = if to.remote {
        let rp = remote_proposals::by_id(conn, &about.id)?
            .ok_or_else(|| ServiceError::Conflict("that need or offer is gone".into()))?;
        (Party::Remote(to.id.clone()), rp.ap_id, None, rp.kind)
    } else {
        let kind = if about.id == p.offer.id {
            ProposalKind::Offer
        } else {
            ProposalKind::Need
        };
        (
            Party::Local(to.id.clone()),
            urls.proposal(&about.id).to_string(),
            Some(about.id.clone()),
            kind,
        )
    };
    let from_party = Party::Local(from.id.clone());
    if let Some(open) = introductions::open_between(conn, &from_party, &ap_id)? {
        return Ok(open.id);
    }
    let id = new_id();
    let intro = Introduction {
        ap_id: urls.introduction(&id).to_string(),
        id,
        from: from_party,
        to: to_party,
        proposal_ap_id: ap_id,
        proposal_id: local_id,
        proposal_kind: kind,
        proposal_title: about.title.clone(),
        message,
        state: IntroductionState::Pending,
        contacts: None,
        created_at: now,
        answered_at: None,
        gathering_id: Some(g.id.clone()),
        from_accepted: false,
        to_accepted: false,
    };
    introductions::insert(conn, &intro)?;
    for coop in [&p.need_coop, &p.offer_coop]
        .into_iter()
        .filter(|c| !c.remote)
    {
        notify(
            conn,
            &coop.id,
            NotificationKind::IntroductionRequest,
            None,
            Some(&intro.id),
        )?;
    }
    Ok(intro.id)
}

/// Gatherings in the node's calendar feed.
pub const GATHERINGS_FEED_MAX: i64 = 200;

fn calendar_event<'a>(g: &'a Gathering, url: &'a str, organiser: &'a str) -> CalendarEvent<'a> {
    let d = &g.draft;
    CalendarEvent {
        uid: url,
        title: &d.title,
        description: &d.description,
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        time_zone: &d.time_zone,
        recurrence: d.recurrence.as_deref(),
        url,
        call_url: d.call_url.as_deref(),
        organiser,
        updated_at: g.updated_at,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::domain::gathering::GatheringDraft;
    use crate::services::testing;

    /// A gathering as the store would hold one planned earlier, at `hours`
    /// from now (negative: over).
    async fn stored(services: &Services, organiser: &Viewer, hours: i64) -> String {
        stored_until(services, organiser, hours, None).await
    }

    /// The same, taking contributions until `until` hours from now.
    async fn stored_until(
        services: &Services,
        organiser: &Viewer,
        hours: i64,
        until: Option<i64>,
    ) -> String {
        let now = time::now();
        let at = now + chrono::Duration::hours(hours);
        let g = Gathering {
            id: new_id(),
            organiser_coop_id: organiser.user.coop_id.clone(),
            draft: GatheringDraft {
                title: "Call".into(),
                description: String::new(),
                starts_at: at,
                ends_at: at + chrono::Duration::hours(1),
                time_zone: "UTC".into(),
                call_url: None,
                languages: vec![],
                recurrence: None,
                contributions_until: until.map(|h| now + chrono::Duration::hours(h)),
            },
            facilitators: organiser.user.coop_id.clone().into_iter().collect(),
            note_taker: None,
            registration_open: true,
            notes: String::new(),
            notes_published_at: None,
            live: None,
            turn_seconds: rules::TURN_SECONDS_DEFAULT,
            created_at: now,
            updated_at: now,
        };
        let id = g.id.clone();
        services
            .db
            .write(move |conn| gatherings::insert(conn, &g))
            .await
            .unwrap();
        id
    }

    #[tokio::test]
    async fn a_gathering_that_is_over_takes_no_registration_and_lists_as_past() {
        let (_dir, services) = testing::services().await;
        let fiqus = testing::coop(&services, "fiqus").await;
        let cotech = testing::coop(&services, "cotech").await;
        let over = stored(&services, &fiqus, -3).await;
        let soon = stored(&services, &fiqus, 2).await;
        let later = stored(&services, &fiqus, 48).await;

        let joined = services.join_gathering(&cotech, &over, "Ana").await;
        assert!(
            matches!(&joined, Err(ServiceError::Conflict(m)) if m.contains("over")),
            "{joined:?}"
        );
        let closing = services
            .set_gathering_registration(&fiqus, &over, false)
            .await;
        assert!(
            matches!(closing, Err(ServiceError::Conflict(_))),
            "{closing:?}"
        );
        assert!(services
            .gathering(&over)
            .await
            .unwrap()
            .participants
            .is_empty());

        // Upcoming soonest first, paged by cursor; past on their own.
        let first = services.gatherings(false, None, Some(1)).await.unwrap();
        assert_eq!(first.items[0].gathering.id, soon);
        let next = services
            .gatherings(false, first.next_cursor.clone(), Some(1))
            .await
            .unwrap();
        assert_eq!(next.items[0].gathering.id, later);
        assert_eq!(next.next_cursor, None);
        let past = services.gatherings(true, None, None).await.unwrap();
        let ids: Vec<_> = past.items.iter().map(|s| s.gathering.id.clone()).collect();
        assert_eq!(ids, vec![over]);
        assert!(past.items[0].past);
    }

    #[tokio::test]
    async fn contributions_close_at_their_deadline_and_with_the_gathering() {
        let (_dir, services) = testing::services().await;
        let fiqus = testing::coop(&services, "fiqus").await;
        let need = testing::need(&services, &fiqus, "Hosting").await;
        let closed = stored_until(&services, &fiqus, 2, Some(-1)).await;
        let open = stored_until(&services, &fiqus, 2, Some(1)).await;
        for id in [&closed, &open] {
            services.join_gathering(&fiqus, id, "Ana").await.unwrap();
        }
        let late = services
            .contribute_to_gathering(&fiqus, &closed, None, vec![need.clone()])
            .await;
        assert!(
            matches!(&late, Err(ServiceError::Conflict(m)) if m.contains("closed")),
            "{late:?}"
        );
        let kept = services.gathering(&closed).await.unwrap();
        assert_eq!(kept.participants[0].contributed_at, None);
        let e = services
            .contribute_to_gathering(&fiqus, &open, Some("Software".into()), vec![need])
            .await
            .unwrap();
        assert_eq!(e.participants[0].about, "Software");
        assert_eq!(e.participants[0].needs[0].title, "Hosting");
    }
}
