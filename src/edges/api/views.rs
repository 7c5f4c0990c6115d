//! What the API sends: views built from domain types, never rows.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::coop::{ContactDetails, Coop, Stage};
use crate::domain::proposal::{Category, Proposal, ProposalKind, ProposalStatus, Quantity};
use crate::domain::remote::{Follow, Reciprocal, RemoteActor, RemoteProposal};

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

#[derive(Serialize, ToSchema)]
pub struct ProposalView {
    pub id: String,
    /// Handle of the coop that published it.
    pub coop: String,
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    /// Markdown as written.
    pub description: String,
    /// Sanitised HTML rendered from `description`.
    pub description_html: String,
    pub tags: Vec<String>,
    pub quantity: Option<Quantity>,
    pub place: Option<String>,
    pub remote: bool,
    /// YYYY-MM-DD.
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<String>,
    pub status: ProposalStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl ProposalView {
    pub fn new(p: Proposal, coop_handle: String) -> Self {
        let d = p.draft;
        ProposalView {
            id: p.id,
            coop: coop_handle,
            kind: d.kind,
            category: d.category,
            title: d.title,
            description: d.description,
            description_html: p.description_html,
            tags: d.tags,
            quantity: d.quantity,
            place: d.place,
            remote: d.remote,
            deadline: d.deadline.map(|d| d.format("%Y-%m-%d").to_string()),
            status: p.status,
            created_at: utc(p.created_at),
            updated_at: utc(p.updated_at),
            closed_at: p.closed_at.map(utc),
        }
    }
}

/// A page of proposals; pass `next_cursor` as `cursor` for the next page.
#[derive(Serialize, ToSchema)]
pub struct ProposalPage {
    pub items: Vec<ProposalView>,
    pub next_cursor: Option<String>,
}

/// A coop's profile as everyone sees it.
#[derive(Serialize, ToSchema)]
pub struct PublicCoopView {
    pub handle: String,
    /// `@handle@domain`, how people on other servers find the coop.
    pub address: String,
    pub display_name: String,
    /// Markdown as written.
    pub about: String,
    pub about_html: String,
    pub website: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub languages: Vec<String>,
    pub sectors: Vec<String>,
    pub legal_form: Option<String>,
    pub member_count: Option<i32>,
    pub founded_year: Option<i32>,
    pub stage: Option<Stage>,
    pub networks: Vec<String>,
    pub public_contact: ContactDetails,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PublicCoopView {
    pub fn new(c: &Coop, domain: &str) -> Self {
        let p = &c.profile;
        PublicCoopView {
            handle: c.handle.clone(),
            address: format!("@{}@{domain}", c.handle),
            display_name: p.display_name.clone(),
            about: p.about.clone(),
            about_html: c.about_html.clone(),
            website: p.website.clone(),
            country: p.country.clone(),
            city: p.city.clone(),
            languages: p.languages.clone(),
            sectors: p.sectors.clone(),
            legal_form: p.legal_form.clone(),
            member_count: p.member_count,
            founded_year: p.founded_year,
            stage: p.stage,
            networks: p.networks.clone(),
            public_contact: p.public_contact.clone(),
            created_at: utc(c.created_at),
            updated_at: utc(c.updated_at),
        }
    }
}

/// The signed-in coop's own profile, with its private contact details.
#[derive(Serialize, ToSchema)]
pub struct OwnCoopView {
    #[serde(flatten)]
    pub public: PublicCoopView,
    /// Shared with another coop only after an accepted introduction.
    pub private_contact: ContactDetails,
    pub manually_approves_followers: bool,
}

impl OwnCoopView {
    pub fn new(c: &Coop, domain: &str) -> Self {
        OwnCoopView {
            public: PublicCoopView::new(c, domain),
            private_contact: c.profile.private_contact.clone(),
            manually_approves_followers: c.profile.manually_approves_followers,
        }
    }
}

/// A coop's public profile and its newest open proposals (at most 100;
/// page through the rest with `GET /proposals?coop=<handle>`).
#[derive(Serialize, ToSchema)]
pub struct CoopWithProposalsView {
    #[serde(flatten)]
    pub coop: PublicCoopView,
    pub open_proposals: Vec<ProposalView>,
}

/// A remote actor as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct RemoteActorView {
    /// Its id on this node, used in `/follows/{id}` and `/followers/{id}`.
    pub id: String,
    /// `handle@domain`.
    pub account: String,
    /// Its ActivityPub id.
    pub actor: String,
    pub name: String,
    /// `Organization`, `Person`, `Application` ...
    #[serde(rename = "type")]
    pub kind: String,
    pub url: Option<String>,
}

impl RemoteActorView {
    pub fn new(a: &RemoteActor) -> Self {
        RemoteActorView {
            id: a.id.clone(),
            account: a.address(),
            actor: a.ap_id.clone(),
            name: a.display_name.clone(),
            kind: a.kind.clone(),
            url: a.url.clone(),
        }
    }
}

#[derive(Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum FollowStateView {
    Pending,
    Accepted,
}

/// One follow relation of the signed-in coop (either direction).
#[derive(Serialize, ToSchema)]
pub struct FollowView {
    #[serde(flatten)]
    pub actor: RemoteActorView,
    pub state: FollowStateView,
    pub since: DateTime<Utc>,
}

impl FollowView {
    pub fn new(f: &Follow, a: &RemoteActor) -> Self {
        FollowView {
            actor: RemoteActorView::new(a),
            state: if f.accepted {
                FollowStateView::Accepted
            } else {
                FollowStateView::Pending
            },
            since: utc(f.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FollowPage {
    pub items: Vec<FollowView>,
    pub next_cursor: Option<String>,
}

/// A need or an offer received from a followed remote coop.
#[derive(Serialize, ToSchema)]
pub struct RemoteProposalView {
    pub id: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// Where people can read it on its home server.
    pub url: Option<String>,
    pub coop: RemoteActorView,
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    /// Sanitised HTML as received.
    pub content_html: String,
    pub tags: Vec<String>,
    pub quantity: Option<Quantity>,
    pub place: Option<String>,
    /// Whether it can be given or taken remotely; null when the sender
    /// does not say.
    pub remote: Option<bool>,
    pub deadline: Option<DateTime<Utc>>,
    /// What it asks (an offer) or gives (a need) in return, when its server
    /// says (FEP-0837 `reciprocal`, e.g. Mitra's price); null otherwise.
    pub reciprocal: Option<Reciprocal>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RemoteProposalView {
    pub fn new(p: RemoteProposal, a: &RemoteActor) -> Self {
        RemoteProposalView {
            id: p.id,
            ap_id: p.ap_id,
            url: p.url,
            coop: RemoteActorView::new(a),
            kind: p.kind,
            category: p.category,
            title: p.title,
            content_html: p.content_html,
            tags: p.tags,
            quantity: p.quantity,
            place: p.place,
            remote: p.remote,
            deadline: p.deadline.map(utc),
            reciprocal: p.reciprocal,
            published_at: utc(p.published_at),
            updated_at: utc(p.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RemoteProposalPage {
    pub items: Vec<RemoteProposalView>,
    pub next_cursor: Option<String>,
}
