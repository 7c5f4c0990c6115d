//! Introductions: a coop asks to be introduced to the coop behind a need
//! or offer; that coop accepts or declines, and only an accept shows each
//! one the other's private contact details. Between two coops of this node
//! nothing travels; otherwise the `Offer`, a direct `Note` and the answer go
//! through the durable delivery queue (wire shapes in
//! `federation/wire/introduction.rs`).

use url::Url;

use super::follows::parse;
use super::inbox::Received;
use super::notifications::notify;
use super::paging::{self, Cursor, Page};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::{ContactDetails, Coop};
use crate::domain::introduction::Direction;
use crate::domain::introduction::{Introduction, IntroductionState, Party};
use crate::domain::notification::NotificationKind;
use crate::domain::policy::{Policy, Verdict};
use crate::domain::proposal::{ProposalKind, ProposalStatus, Quantity};
use crate::domain::remote::{RemoteActor, RemoteProposal};
use crate::domain::time;
use crate::domain::urls::Urls;
use crate::domain::{limits, validate};
use crate::infra::delivery;
use crate::infra::store::introductions;
use crate::infra::store::{coops, proposals, remote_actors, remote_proposals, AnyConnection};
use crate::infra::wire::introduction::{self as wire, Answering, Asking, ReceivedOffer};

/// The other coop of an introduction, as the viewer sees it.
#[derive(Debug, Clone)]
pub struct Counterpart {
    /// `handle@domain`.
    pub account: String,
    pub name: String,
    /// Its actor id.
    pub actor: String,
    /// On this node.
    pub local: bool,
}

/// An introduction seen by one of its two coops.
#[derive(Debug, Clone)]
pub struct IntroductionEntry {
    pub introduction: Introduction,
    pub direction: Direction,
    pub other: Counterpart,
    /// Where people read the proposal it is about.
    pub proposal_url: String,
    /// The other coop's private contact details: only once accepted.
    pub contacts: Option<ContactDetails>,
    /// Whether the viewer's coop may still accept or decline it.
    pub can_answer: bool,
}

fn my_coop(conn: &mut AnyConnection, coop_id: &str) -> ServiceResult<Coop> {
    coops::by_id(conn, coop_id)?.ok_or_else(|| ServiceError::NotFound("coop not found".into()))
}

/// What an accepted introduction shares must exist before it is offered.
fn own_contacts(coop: &Coop) -> ServiceResult<ContactDetails> {
    let c = &coop.profile.private_contact;
    if c.is_empty() {
        return Err(ServiceError::invalid(
            "private_contact",
            "set your coop's private contact details first (PATCH /coop): they are what an accepted introduction shares",
        ));
    }
    Ok(c.clone())
}

fn refused(policy: &Policy, actor: &RemoteActor) -> ServiceResult<()> {
    match policy.verdict(&actor.host) {
        Verdict::Refuse(why) => Err(ServiceError::Forbidden(why.message(&actor.host))),
        _ => Ok(()),
    }
}

fn check_message(message: &str) -> ServiceResult<String> {
    Ok(validate::required_text(
        "message",
        message,
        limits::INTRODUCTION_MESSAGE_MAX,
    )?)
}

fn already_asked(conn: &mut AnyConnection, from: &Party, proposal: &str) -> ServiceResult<()> {
    match introductions::open_between(conn, from, proposal)? {
        Some(i) => Err(ServiceError::Conflict(format!(
            "an introduction about this proposal was already asked for ({}, id {})",
            i.state.as_str(),
            i.id
        ))),
        None => Ok(()),
    }
}

/// The viewer's side of `i`, with the other coop and what it may see.
fn entry(
    conn: &mut AnyConnection,
    urls: &Urls,
    coop_id: &str,
    i: Introduction,
) -> ServiceResult<IntroductionEntry> {
    let direction = if i.from.local_id() == Some(coop_id) {
        Direction::Sent
    } else {
        Direction::Received
    };
    let other = match direction {
        Direction::Sent => &i.to,
        Direction::Received => &i.from,
    };
    let accepted = i.state == IntroductionState::Accepted;
    let (other, contacts) = match other {
        Party::Local(id) => {
            let coop = my_coop(conn, id)?;
            let contacts = accepted.then(|| coop.profile.private_contact.clone());
            (
                Counterpart {
                    account: format!("{}@{}", coop.handle, urls.domain()),
                    name: coop.profile.display_name.clone(),
                    actor: urls.actor(&coop.handle).to_string(),
                    local: true,
                },
                contacts,
            )
        }
        Party::Remote(id) => {
            let actor = remote_actors::by_id(conn, id)?
                .ok_or_else(|| ServiceError::Internal(format!("remote actor {id} is gone")))?;
            (
                Counterpart {
                    account: actor.address(),
                    name: actor.display_name.clone(),
                    actor: actor.ap_id.clone(),
                    local: false,
                },
                if accepted { i.contacts.clone() } else { None },
            )
        }
    };
    let proposal_url = match &i.proposal_id {
        Some(_) => i.proposal_ap_id.clone(),
        None => remote_proposals::by_ap_id(conn, &i.proposal_ap_id)?
            .and_then(|p| p.url)
            .unwrap_or_else(|| i.proposal_ap_id.clone()),
    };
    Ok(IntroductionEntry {
        can_answer: i.awaits(coop_id),
        introduction: i,
        direction,
        other,
        proposal_url,
        contacts,
    })
}

/// The proposal an introduction is asked about, and its coop.
struct Target {
    to: Party,
    ap_id: String,
    /// Set for this node's proposals.
    local_id: Option<String>,
    kind: ProposalKind,
    title: String,
    /// For another server's proposal: its actor and the stored copy.
    remote: Option<(RemoteActor, RemoteProposal)>,
}

/// `proposal_id` as the asking coop may use it: open, another coop's, and
/// not on a node this one refuses.
fn target(
    conn: &mut AnyConnection,
    urls: &Urls,
    policy: &Policy,
    coop_id: &str,
    proposal_id: &str,
) -> ServiceResult<Target> {
    // A closed proposal of another coop is not there, as everywhere else:
    // answering otherwise would tell a stranger it exists.
    let unknown = || ServiceError::NotFound("no open proposal with that id".into());
    if let Some(p) = proposals::by_id(conn, proposal_id)? {
        if p.coop_id == coop_id {
            return Err(ServiceError::invalid(
                "proposal",
                "this is your own coop's proposal: introductions are between two coops",
            ));
        }
        if p.status != ProposalStatus::Open {
            return Err(unknown());
        }
        return Ok(Target {
            to: Party::Local(p.coop_id.clone()),
            ap_id: urls.proposal(&p.id).to_string(),
            local_id: Some(p.id.clone()),
            kind: p.draft.kind,
            title: p.draft.title,
            remote: None,
        });
    }
    let p = remote_proposals::by_id(conn, proposal_id)?.ok_or_else(unknown)?;
    let actor = remote_actors::by_id(conn, &p.actor_id)?.ok_or_else(unknown)?;
    refused(policy, &actor)?;
    Ok(Target {
        to: Party::Remote(actor.id.clone()),
        ap_id: p.ap_id.clone(),
        local_id: None,
        kind: p.kind,
        title: p.title.clone(),
        remote: Some((actor, p)),
    })
}

/// The introduction `id` if the viewer's coop is one of its two coops.
fn visible(conn: &mut AnyConnection, coop_id: &str, id: &str) -> ServiceResult<Introduction> {
    introductions::by_id(conn, id)?
        .filter(|i| i.from.local_id() == Some(coop_id) || i.to.local_id() == Some(coop_id))
        .ok_or_else(|| ServiceError::NotFound("no introduction with that id".into()))
}

/// `me` answers an introduction a facilitator opened, where both coops
/// are of this node and both accept: accepted once the second does;
/// declined by either. The other coop is told.
fn answer_both_sided(
    conn: &mut AnyConnection,
    me: &Coop,
    intro: &mut Introduction,
    accept: bool,
    now: chrono::NaiveDateTime,
) -> ServiceResult<()> {
    let asker = intro.from.local_id() == Some(me.id.as_str());
    let other = if asker { &intro.to } else { &intro.from };
    let other = other.local_id().map(str::to_string);
    if accept {
        own_contacts(me)?;
        let both = if asker {
            intro.to_accepted
        } else {
            intro.from_accepted
        };
        introductions::accept_side(conn, &intro.id, asker, both, now)?;
        if asker {
            intro.from_accepted = true;
        } else {
            intro.to_accepted = true;
        }
        if both {
            intro.state = IntroductionState::Accepted;
            intro.answered_at = Some(now);
        }
    } else {
        introductions::answer(conn, &intro.id, IntroductionState::Declined, None, now)?;
        intro.state = IntroductionState::Declined;
        intro.answered_at = Some(now);
    }
    if let Some(other) = other {
        let kind = NotificationKind::IntroductionAnswer;
        notify(conn, &other, kind, None, Some(&intro.id))?;
    }
    Ok(())
}

/// Queues the `Offer` of an introduction (and the mention that shows it
/// in Mastodon) from a coop of this node to the remote coop `actor`, about
/// its proposal `p`, with the asking coop's contact details.
pub(super) fn send_offer(
    conn: &mut AnyConnection,
    urls: &Urls,
    me: &Coop,
    intro: &Introduction,
    contacts: &ContactDetails,
    actor: &RemoteActor,
    p: &RemoteProposal,
) -> ServiceResult<usize> {
    let proposal = parse(&p.ap_id, "proposal id")?;
    let asking = Asking {
        id: parse(&intro.ap_id, "introduction id")?,
        actor: urls.actor(&me.handle),
        to: parse(&actor.ap_id, "actor id")?,
        to_address: format!("@{}", actor.address()),
        actor_name: &me.profile.display_name,
        proposal_url: p
            .url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| proposal.clone()),
        proposal,
        proposal_kind: p.kind,
        proposal_title: &p.title,
        quantity: p.quantity.as_ref(),
        message: &intro.message,
        contacts,
        at: intro.created_at,
    };
    let inbox = parse(&actor.inbox, "inbox")?;
    let mut queued = 0;
    for activity in [
        wire::offer(&asking).to_value(),
        wire::mention(&asking).to_value(),
    ] {
        queued += delivery::enqueue(conn, &me.handle, &activity, std::slice::from_ref(&inbox))?;
    }
    Ok(queued)
}

/// What an introduction would be about, shown before asking.
#[derive(Debug, Clone)]
pub struct AskAbout {
    pub kind: ProposalKind,
    pub title: String,
    /// The name of the coop behind it.
    pub coop: String,
    /// Its page.
    pub url: String,
}

impl Services {
    /// The proposal `proposal_id` as [`introduce`](Self::introduce) would
    /// take it, refused the same way (the viewer's own, closed, blocked).
    pub async fn ask_about(&self, viewer: &Viewer, proposal_id: &str) -> ServiceResult<AskAbout> {
        let coop_id = viewer.coop_id()?.to_string();
        let (urls, policy, proposal_id) = (
            self.urls.clone(),
            self.policy.get(),
            proposal_id.to_string(),
        );
        self.db
            .read(move |conn| {
                let t = target(conn, &urls, &policy, &coop_id, &proposal_id)?;
                let (coop, url) = match (&t.remote, &t.to) {
                    (Some((actor, p)), _) => (
                        actor.display_name.clone(),
                        p.url.clone().unwrap_or_else(|| p.ap_id.clone()),
                    ),
                    (None, Party::Local(id)) => (
                        coops::by_id(conn, id)?
                            .map(|c| c.profile.display_name)
                            .unwrap_or_default(),
                        t.ap_id.clone(),
                    ),
                    (None, Party::Remote(_)) => (String::new(), t.ap_id.clone()),
                };
                Ok(AskAbout {
                    kind: t.kind,
                    title: t.title,
                    coop,
                    url,
                })
            })
            .await
    }

    /// The viewer's coop asks to be introduced to the coop behind
    /// `proposal_id` (a local proposal's id, or a received one's id as in
    /// matches and the directory).
    pub async fn introduce(
        &self,
        viewer: &Viewer,
        proposal_id: &str,
        message: &str,
    ) -> ServiceResult<IntroductionEntry> {
        let coop_id = viewer.coop_id()?.to_string();
        let message = check_message(message)?;
        let (urls, policy, proposal_id) = (
            self.urls.clone(),
            self.policy.get(),
            proposal_id.to_string(),
        );
        let (entry, queued) = self
            .db
            .write(move |conn| {
                let me = my_coop(conn, &coop_id)?;
                let contacts = own_contacts(&me)?;
                let from = Party::Local(coop_id.clone());
                let target = target(conn, &urls, &policy, &coop_id, &proposal_id)?;
                already_asked(conn, &from, &target.ap_id)?;
                let id = new_id();
                let ap_id = urls.introduction(&id);
                let now = time::now();
                let intro = Introduction {
                    id,
                    ap_id: ap_id.to_string(),
                    from,
                    to: target.to.clone(),
                    proposal_ap_id: target.ap_id.clone(),
                    proposal_id: target.local_id.clone(),
                    proposal_kind: target.kind,
                    proposal_title: target.title.clone(),
                    message,
                    state: IntroductionState::Pending,
                    contacts: None,
                    created_at: now,
                    answered_at: None,
                    gathering_id: None,
                    from_accepted: true,
                    to_accepted: false,
                };
                introductions::insert(conn, &intro)?;
                if let Party::Local(asked) = &intro.to {
                    let kind = NotificationKind::IntroductionRequest;
                    notify(conn, asked, kind, None, Some(&intro.id))?;
                }
                // Between two coops of this node nothing needs to travel.
                let queued = match &target.remote {
                    Some((actor, p)) => send_offer(conn, &urls, &me, &intro, &contacts, actor, p)?,
                    None => 0,
                };
                Ok::<_, ServiceError>((entry(conn, &urls, &coop_id, intro)?, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(entry)
    }

    /// The viewer's coop's introductions in one direction, newest first.
    pub async fn introductions(
        &self,
        viewer: &Viewer,
        direction: Direction,
        state: Option<IntroductionState>,
        cursor: Option<String>,
        limit: Option<i64>,
    ) -> ServiceResult<Page<IntroductionEntry>> {
        let coop_id = viewer.coop_id()?.to_string();
        let page = Cursor::new(limit)?;
        let cursor = paging::cursor(cursor)?;
        let fetch = page.fetch();
        let urls = self.urls.clone();
        let items = self
            .db
            .read(move |conn| {
                introductions::of_coop(conn, &coop_id, direction, state, cursor.as_deref(), fetch)?
                    .into_iter()
                    .map(|i| entry(conn, &urls, &coop_id, i))
                    .collect::<ServiceResult<Vec<_>>>()
            })
            .await?;
        Ok(page.cut(items, |e| e.introduction.id.clone()))
    }

    pub async fn introduction(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> ServiceResult<IntroductionEntry> {
        let coop_id = viewer.coop_id()?.to_string();
        let (urls, id) = (self.urls.clone(), id.to_string());
        self.db
            .read(move |conn| {
                let i = visible(conn, &coop_id, &id)?;
                entry(conn, &urls, &coop_id, i)
            })
            .await
    }

    /// The introduced coop accepts or declines. Declining forgets the
    /// contact details the asker sent.
    pub async fn answer_introduction(
        &self,
        viewer: &Viewer,
        id: &str,
        accept: bool,
    ) -> ServiceResult<IntroductionEntry> {
        let coop_id = viewer.coop_id()?.to_string();
        let (urls, policy, id) = (self.urls.clone(), self.policy.get(), id.to_string());
        let (entry, queued) = self
            .db
            .write(move |conn| {
                let mut intro = visible(conn, &coop_id, &id)?;
                // One a facilitator opened waits for both coops.
                let both_sided = intro.gathering_id.is_some();
                if !both_sided && intro.to.local_id() != Some(coop_id.as_str()) {
                    return Err(ServiceError::Forbidden(
                        "only the coop that was asked can answer an introduction".into(),
                    ));
                }
                if intro.state != IntroductionState::Pending {
                    return Err(ServiceError::Conflict(format!(
                        "this introduction was already {}",
                        intro.state.as_str()
                    )));
                }
                if !intro.awaits(&coop_id) {
                    return Err(ServiceError::Conflict(
                        "your coop already accepted; the other coop has not yet".into(),
                    ));
                }
                let me = my_coop(conn, &coop_id)?;
                if both_sided {
                    let now = time::now();
                    answer_both_sided(conn, &me, &mut intro, accept, now)?;
                    // With a coop of another server, accepting asks it
                    // over ActivityPub, as any introduction does.
                    let mut queued = 0;
                    if let (true, Party::Remote(actor_id)) = (accept, &intro.to) {
                        let actor = remote_actors::by_id(conn, actor_id)?.ok_or_else(|| {
                            ServiceError::NotFound("the other coop is gone".into())
                        })?;
                        refused(&policy, &actor)?;
                        let p = remote_proposals::by_ap_id(conn, &intro.proposal_ap_id)?
                            .ok_or_else(|| {
                                ServiceError::Conflict(
                                    "the other coop's need or offer is gone".into(),
                                )
                            })?;
                        let contacts = own_contacts(&me)?;
                        queued = send_offer(conn, &urls, &me, &intro, &contacts, &actor, &p)?;
                    }
                    return Ok::<_, ServiceError>((entry(conn, &urls, &coop_id, intro)?, queued));
                }
                let mine = if accept {
                    Some(own_contacts(&me)?)
                } else {
                    None
                };
                let asker = match &intro.from {
                    Party::Remote(actor_id) => {
                        let actor = remote_actors::by_id(conn, actor_id)?.ok_or_else(|| {
                            ServiceError::NotFound("the asking coop is gone".into())
                        })?;
                        refused(&policy, &actor)?;
                        Some(actor)
                    }
                    Party::Local(_) => None,
                };
                let (state, kept) = if accept {
                    (IntroductionState::Accepted, intro.contacts.clone())
                } else {
                    (IntroductionState::Declined, None)
                };
                let now = time::now();
                introductions::answer(conn, &intro.id, state, kept.as_ref(), now)?;
                if let Party::Local(asker) = &intro.from {
                    let kind = NotificationKind::IntroductionAnswer;
                    notify(conn, asker, kind, None, Some(&intro.id))?;
                }
                intro.state = state;
                intro.contacts = kept;
                intro.answered_at = Some(now);
                let mut queued = 0;
                if let Some(actor) = asker {
                    let quantity: Option<Quantity> = match &intro.proposal_id {
                        Some(pid) => proposals::by_id(conn, pid)?.and_then(|p| p.draft.quantity),
                        None => None,
                    };
                    let what = if accept { "accept" } else { "reject" };
                    let answering = Answering {
                        id: parse(
                            &format!("{}/{what}", urls.introduction(&intro.id)),
                            "answer id",
                        )?,
                        actor: urls.actor(&me.handle),
                        to: parse(&actor.ap_id, "actor id")?,
                        offer: parse(&intro.ap_id, "offer id")?,
                        proposal: parse(&intro.proposal_ap_id, "proposal id")?,
                        quantity: quantity.as_ref(),
                        at: now,
                    };
                    let activity = match &mine {
                        Some(contacts) => wire::accept(&answering, contacts).to_value(),
                        None => wire::reject(&answering).to_value(),
                    };
                    let inbox = parse(&actor.inbox, "inbox")?;
                    queued = delivery::enqueue(conn, &me.handle, &activity, &[inbox])?;
                }
                Ok::<_, ServiceError>((entry(conn, &urls, &coop_id, intro)?, queued))
            })
            .await?;
        self.wake_delivery(queued);
        Ok(entry)
    }

    /// A remote coop's `Offer` about one of our proposals.
    pub async fn receive_introduction(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        offer: ReceivedOffer,
    ) -> ServiceResult<Received> {
        let (urls, actor, ap_id) = (self.urls.clone(), actor.clone(), activity_id.to_string());
        super::inbox::once(self, activity_id, move |conn| {
            let p = urls
                .proposal_of(&offer.proposal)
                .map(|id| proposals::by_id(conn, &id))
                .transpose()?
                .flatten()
                .ok_or_else(|| {
                    ServiceError::NotFound(format!(
                        "{} is not a proposal on this node",
                        offer.proposal
                    ))
                })?;
            if p.status != ProposalStatus::Open {
                return Err(ServiceError::NotFound(format!(
                    "{} is not an open proposal on this node",
                    offer.proposal
                )));
            }
            let from = Party::Remote(actor.id.clone());
            let proposal_ap_id = urls.proposal(&p.id).to_string();
            already_asked(conn, &from, &proposal_ap_id)?;
            if offer.message.is_empty() {
                return Err(ServiceError::invalid(
                    "content",
                    "an introduction needs a message",
                ));
            }
            if let Some(problem) = validate::text_problem(&offer.message) {
                return Err(ServiceError::invalid("content", problem));
            }
            let id = new_id();
            introductions::insert(
                conn,
                &Introduction {
                    id: id.clone(),
                    ap_id,
                    from,
                    to: Party::Local(p.coop_id.clone()),
                    proposal_ap_id,
                    proposal_id: Some(p.id.clone()),
                    proposal_kind: p.draft.kind,
                    proposal_title: p.draft.title.clone(),
                    message: offer.message,
                    state: IntroductionState::Pending,
                    contacts: offer.contacts,
                    created_at: time::now(),
                    answered_at: None,
                    gathering_id: None,
                    from_accepted: true,
                    to_accepted: false,
                },
            )?;
            let kind = NotificationKind::IntroductionRequest;
            notify(conn, &p.coop_id, kind, Some(&actor.id), Some(&id))?;
            Ok((Received::Applied, 0))
        })
        .await
    }

    /// `Accept` or `Reject` of one of our introductions' `Offer`s. Only the
    /// coop that was asked may answer.
    pub async fn receive_introduction_answer(
        &self,
        activity_id: &Url,
        actor: &RemoteActor,
        offer: &Url,
        accepted: bool,
        contacts: Option<ContactDetails>,
    ) -> ServiceResult<Received> {
        let (actor, offer) = (actor.clone(), offer.to_string());
        super::inbox::once(self, activity_id, move |conn| {
            let intro = introductions::by_ap_id(conn, &offer)?
                .ok_or_else(|| ServiceError::NotFound(format!("no introduction {offer}")))?;
            if intro.to.remote_id() != Some(actor.id.as_str()) {
                return Err(ServiceError::Forbidden(
                    "only the coop that was asked can answer an introduction".into(),
                ));
            }
            let (state, kept) = if accepted {
                (IntroductionState::Accepted, contacts)
            } else {
                (IntroductionState::Declined, None)
            };
            if !introductions::answer(conn, &intro.id, state, kept.as_ref(), time::now())? {
                return Ok((Received::Ignored("already answered".into()), 0));
            }
            if let Party::Local(asker) = &intro.from {
                let kind = NotificationKind::IntroductionAnswer;
                notify(conn, asker, kind, Some(&actor.id), Some(&intro.id))?;
            }
            Ok((Received::Applied, 0))
        })
        .await
    }
}
