//! Publishing, editing, closing and reopening the coop's needs and offers,
//! and the matches of each.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::super::form::{refused, unreadable, FormError};
use super::super::session::{Posted, Session};
use super::super::views::{kind_key, Frame};
use super::matches::MatchItem;
use crate::domain::proposal::{
    Category, ProposalDraft, ProposalKind, ProposalPatch, ProposalStatus, Quantity,
};
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;
use crate::services::ServiceError;

/// The form as typed, shown again unchanged when refused.
#[derive(Deserialize, Default, Clone)]
pub struct ProposalForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Separated by commas or spaces; a leading `#` is fine.
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub quantity_value: String,
    #[serde(default)]
    pub quantity_unit: String,
    #[serde(default)]
    pub place: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub remote: Option<String>,
    /// `YYYY-MM-DD`, as a date input sends it.
    #[serde(default)]
    pub deadline: String,
}

impl ProposalForm {
    fn of(d: &ProposalDraft) -> ProposalForm {
        ProposalForm {
            kind: kind_key(d.kind).to_string(),
            category: d.category.as_str().to_string(),
            title: d.title.clone(),
            description: d.description.clone(),
            tags: d.tags.join(", "),
            quantity_value: d
                .quantity
                .as_ref()
                .and_then(|q| q.value.clone())
                .unwrap_or_default(),
            quantity_unit: d
                .quantity
                .as_ref()
                .map(|q| q.unit.clone())
                .unwrap_or_default(),
            place: d.place.clone().unwrap_or_default(),
            remote: d.remote.then(|| "on".to_string()),
            deadline: d
                .deadline
                .map(|day| day.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }

    /// The draft the form describes; the services check the rest.
    fn draft(&self) -> Result<ProposalDraft, (StatusCode, FormError)> {
        let kind = ProposalKind::parse(&self.kind)
            .ok_or_else(|| unreadable("kind", "choose need or offer"))?;
        let category = Category::parse(&self.category)
            .ok_or_else(|| unreadable("category", "choose a category"))?;
        let value = self.quantity_value.trim();
        let unit = self.quantity_unit.trim();
        let quantity = (!value.is_empty() || !unit.is_empty()).then(|| Quantity {
            value: (!value.is_empty()).then(|| value.to_string()),
            unit: unit.to_string(),
        });
        let deadline = match self.deadline.trim() {
            "" => None,
            day => Some(
                NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_err(|_| unreadable("deadline", "must be a date such as 2027-03-31"))?,
            ),
        };
        let place = self.place.trim();
        Ok(ProposalDraft {
            kind,
            category,
            title: self.title.clone(),
            description: self.description.clone(),
            tags: self
                .tags
                .split([',', ' '])
                .map(|t| t.trim().trim_start_matches('#'))
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            quantity,
            place: (!place.is_empty()).then(|| place.to_string()),
            remote: self.remote.is_some(),
            deadline,
        })
    }
}

/// A category as the form's select offers it.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
}

fn categories(tr: &Tr) -> Vec<Choice> {
    Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str(),
            label: tr.t(&format!("category-{}", c.as_str())),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "web/workspace/proposal.html")]
struct ProposalPage {
    frame: Frame,
    section: &'static str,
    /// None for a new one.
    id: Option<String>,
    open: bool,
    public_url: Option<String>,
    form: ProposalForm,
    categories: Vec<Choice>,
    error: FormError,
    /// Its matches (an edited, open one).
    matches: Vec<MatchItem>,
}

const FIELDS: &[&str] = &[
    "kind",
    "category",
    "title",
    "description",
    "tags",
    "quantity.value",
    "quantity.unit",
    "place",
    "deadline",
];

impl ProposalPage {
    fn shown(&self) -> &'static [&'static str] {
        FIELDS
    }
}

fn new_page(
    state: &AppState,
    session: &Session,
    form: ProposalForm,
    error: FormError,
) -> ProposalPage {
    ProposalPage {
        frame: Frame::signed_in(state, session, "/workspace/proposals/new"),
        section: "overview",
        id: None,
        open: true,
        public_url: None,
        categories: categories(&session.tr),
        form,
        error,
        matches: Vec::new(),
    }
}

pub async fn new_form(State(state): State<AppState>, session: Session) -> Response {
    let form = ProposalForm {
        kind: "need".into(),
        ..Default::default()
    };
    let page = new_page(&state, &session, form, FormError::default());
    session.page(StatusCode::OK, &page)
}

pub async fn create(
    State(state): State<AppState>,
    Posted { session, form }: Posted<ProposalForm>,
) -> HttpResult<Response> {
    let outcome = match form.draft() {
        Ok(draft) => state
            .services
            .create_proposal(&session.viewer, draft)
            .await
            .map_err(refused),
        Err(e) => Err(Ok(e)),
    };
    match outcome {
        Ok((p, _)) => Ok(Redirect::to(&format!("/workspace/proposals/{}", p.id)).into_response()),
        Err(Ok((status, error))) => {
            let page = new_page(&state, &session, form, error);
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

async fn edit_page(
    state: &AppState,
    session: &Session,
    id: &str,
    form: Option<ProposalForm>,
    error: FormError,
) -> HttpResult<ProposalPage> {
    let services = &state.services;
    let (p, _) = services.proposal(Some(&session.viewer), id).await?;
    if p.coop_id != session.viewer.coop_id()? {
        return Err(
            ServiceError::NotFound("none of your coop's proposals has that id".into()).into(),
        );
    }
    let open = p.status == ProposalStatus::Open;
    let matches = if open {
        match services
            .proposal_matches(&session.viewer, id, Some(20))
            .await
        {
            Ok(found) => found
                .iter()
                .map(|m| MatchItem::of(m, &session.tr, state))
                .collect(),
            Err(ServiceError::Unavailable(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    } else {
        Vec::new()
    };
    Ok(ProposalPage {
        frame: Frame::signed_in(state, session, &format!("/workspace/proposals/{id}")),
        section: "overview",
        id: Some(p.id.clone()),
        open,
        public_url: open.then(|| services.urls.proposal(&p.id).to_string()),
        form: form.unwrap_or_else(|| ProposalForm::of(&p.draft)),
        categories: categories(&session.tr),
        error,
        matches,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    let page = edit_page(&state, &session, &id, None, FormError::default()).await?;
    Ok(session.page(StatusCode::OK, &page))
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<ProposalForm>,
) -> HttpResult<Response> {
    let outcome = match form.draft() {
        Ok(d) => state
            .services
            .update_proposal(
                &session.viewer,
                &id,
                ProposalPatch {
                    kind: Some(d.kind),
                    category: Some(d.category),
                    title: Some(d.title),
                    description: Some(d.description),
                    tags: Some(d.tags),
                    quantity: Some(d.quantity),
                    place: Some(d.place),
                    remote: Some(d.remote),
                    deadline: Some(d.deadline),
                    status: None,
                },
            )
            .await
            .map_err(refused),
        Err(e) => Err(Ok(e)),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/workspace/proposals/{id}")).into_response()),
        Err(Ok((status, error))) => {
            let page = edit_page(&state, &session, &id, Some(form), error).await?;
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

/// Close (withdraws it from followers and matching) or reopen.
pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<StatusForm>,
) -> HttpResult<Response> {
    let status = ProposalStatus::parse(&form.status).ok_or_else(|| {
        ServiceError::invalid("status", format!("must be {}", ProposalStatus::choices()))
    })?;
    let patch = ProposalPatch {
        status: Some(status),
        ..Default::default()
    };
    state
        .services
        .update_proposal(&session.viewer, &id, patch)
        .await?;
    Ok(Redirect::to(&format!("/workspace/proposals/{id}")).into_response())
}
