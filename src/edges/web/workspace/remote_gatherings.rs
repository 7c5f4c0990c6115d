//! Gatherings of other servers from a coop's side: joining one by its URL
//! with a delegate, seeing whether the organiser accepted, contributing to
//! its rounds, reading its conclusions, and withdrawing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::gatherings::{in_readers_zone, span};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use super::gatherings::{contribution_form, field, ticked, Contribution, ContributionForm, Empty};
use crate::domain::remote_gathering::JoinState;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::remote_gatherings::JoinedGathering;
use crate::services::ServiceError;

/// A gathering of another server as the pages show it.
pub struct Elsewhere {
    pub id: String,
    pub title: String,
    /// Its start and end in UTC, and in its own zone when it names one.
    pub when_utc: String,
    pub when_local: Option<String>,
    /// In the reader's own zone, when known and another.
    pub when_yours: Option<String>,
    pub organiser: String,
    pub page: Option<String>,
    pub call: Option<String>,
    /// `pending`, `accepted` or `rejected` …
    pub state: &'static str,
    /// … and its message key.
    pub state_key: String,
    pub delegate: String,
    pub content_html: String,
    pub notes_html: Option<String>,
    pub over: bool,
}

impl Elsewhere {
    fn of(j: &JoinedGathering, session: &Session) -> Elsewhere {
        let g = &j.gathering;
        let tr = &session.tr;
        let zone = g
            .time_zone
            .as_deref()
            .and_then(|z| z.parse::<chrono_tz::Tz>().ok());
        let when_local = zone.map(|zone| {
            let (_, text) = span(tr, g.starts_at, g.ends_at, zone);
            format!("{text} ({})", zone.name())
        });
        Elsewhere {
            id: g.id.clone(),
            title: g.title.clone(),
            when_utc: format!(
                "{}–{} UTC",
                tr.wall_clock(g.starts_at),
                g.ends_at.format("%H:%M")
            ),
            when_local,
            when_yours: in_readers_zone(tr, g.starts_at, g.ends_at, zone),
            organiser: format!("{} (@{})", j.organiser.display_name, j.organiser.address()),
            page: g.url.clone().or_else(|| Some(g.ap_id.clone())),
            call: g.call_url.clone(),
            state: j.join.state.as_str(),
            state_key: format!("elsewhere-state-{}", j.join.state.as_str()),
            delegate: j.join.delegate.clone(),
            content_html: g.content_html.clone(),
            notes_html: g.notes_html.clone(),
            over: g.ends_at < crate::domain::time::now(),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct JoinForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    delegate: String,
}

#[derive(Template)]
#[template(path = "web/workspace/remote_gatherings.html")]
struct ListPage {
    frame: Frame,
    section: &'static str,
    joined: Vec<Elsewhere>,
    form: JoinForm,
    error: FormError,
}

impl ListPage {
    fn shown(&self) -> &'static [&'static str] {
        &["url", "delegate"]
    }
}

async fn list_page(
    state: &AppState,
    session: &Session,
    form: JoinForm,
    error: FormError,
) -> HttpResult<ListPage> {
    let joined = state.services.remote_gatherings(&session.viewer).await?;
    Ok(ListPage {
        frame: Frame::signed_in(state, session, "/workspace/remote-gatherings"),
        section: "gatherings",
        joined: joined.iter().map(|j| Elsewhere::of(j, session)).collect(),
        form,
        error,
    })
}

pub async fn list(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    let page = list_page(&state, &session, JoinForm::default(), FormError::default()).await?;
    Ok(session.page(StatusCode::OK, &page))
}

pub async fn join(
    State(state): State<AppState>,
    Posted { session, form }: Posted<JoinForm>,
) -> HttpResult<Response> {
    let joined = state
        .services
        .join_remote_gathering(&session.viewer, &*state.resolver, &form.url, &form.delegate)
        .await;
    match joined.map_err(refused) {
        Ok(j) => Ok(
            Redirect::to(&format!("/workspace/remote-gatherings/{}", j.gathering.id))
                .into_response(),
        ),
        Err(Ok((status, error))) => {
            let page = list_page(&state, &session, form, error).await?;
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "web/workspace/remote_gathering.html")]
struct ShowPage {
    frame: Frame,
    section: &'static str,
    g: Elsewhere,
    /// While accepted and not over.
    contribution: Option<Contribution>,
    error: FormError,
}

impl ShowPage {
    fn shown(&self) -> &'static [&'static str] {
        &["about", "proposals"]
    }
}

async fn show_page(
    state: &AppState,
    session: &Session,
    id: &str,
    typed: Option<&ContributionForm>,
    error: FormError,
) -> HttpResult<ShowPage> {
    let j = state.services.remote_gathering(&session.viewer, id).await?;
    let g = Elsewhere::of(&j, session);
    let contribution = if j.join.state == JoinState::Accepted && !g.over {
        let sent = j.join.contributed_at.map(|_| j.join.about.clone());
        Some(
            contribution_form(
                state,
                session,
                format!("/workspace/remote-gatherings/{id}/contribution"),
                typed,
                j.join.proposals.clone(),
                sent,
                j.join.contributed_at,
            )
            .await?,
        )
    } else {
        None
    };
    Ok(ShowPage {
        frame: Frame::signed_in(
            state,
            session,
            &format!("/workspace/remote-gatherings/{id}"),
        ),
        section: "gatherings",
        g,
        contribution,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: Session,
) -> HttpResult<Response> {
    let page = show_page(&state, &session, &id, None, FormError::default()).await?;
    Ok(session.page(StatusCode::OK, &page))
}

pub async fn contribute(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<ContributionForm>,
) -> HttpResult<Response> {
    let done = state
        .services
        .contribute_to_remote_gathering(
            &session.viewer,
            &id,
            Some(field(&form, "about")),
            ticked(&form),
        )
        .await;
    match done.map_err(refused) {
        Ok(_) => Ok(Redirect::to(&format!("/workspace/remote-gatherings/{id}")).into_response()),
        Err(Ok((status, error))) => {
            let page = show_page(&state, &session, &id, Some(&form), error).await?;
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

pub async fn leave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, .. }: Posted<Empty>,
) -> HttpResult<Response> {
    match state
        .services
        .leave_remote_gathering(&session.viewer, &id)
        .await
    {
        Ok(()) => Ok(Redirect::to("/workspace/remote-gatherings").into_response()),
        Err(ServiceError::NotFound(_)) => {
            Ok(Redirect::to("/workspace/remote-gatherings").into_response())
        }
        Err(e) => Err(e.into()),
    }
}
