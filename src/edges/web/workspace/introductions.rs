//! Introductions: asking for one about another coop's need or offer, the
//! lists of those received and sent, and answering. Contacts appear once
//! an introduction is accepted.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::session::{Posted, Session};
use super::super::views::{kind_key, Frame};
use crate::domain::coop::ContactDetails;
use crate::domain::introduction::Direction;
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;
use crate::services::introductions::{AskAbout, IntroductionEntry};

/// An introduction in a list.
pub struct IntroItem {
    pub id: String,
    pub coop: String,
    pub account: String,
    pub coop_href: String,
    pub kind_label: String,
    pub title: String,
    pub proposal_href: String,
    pub message: String,
    /// `pending`, `accepted` or `declined`.
    pub state: &'static str,
    pub state_label: String,
    pub date: String,
    pub contacts: Option<ContactDetails>,
    pub can_answer: bool,
}

impl IntroItem {
    fn of(e: IntroductionEntry, tr: &Tr) -> IntroItem {
        let i = e.introduction;
        let state = i.state.as_str();
        IntroItem {
            can_answer: e.can_answer,
            id: i.id,
            coop: e.other.name,
            account: e.other.account,
            coop_href: e.other.actor,
            kind_label: tr.t(&format!("kind-{}", kind_key(i.proposal_kind))),
            title: i.proposal_title,
            proposal_href: e.proposal_url,
            message: i.message,
            state,
            state_label: tr.t(&format!("intro-{state}")),
            date: tr.date(i.created_at),
            contacts: e.contacts,
        }
    }
}

#[derive(Template)]
#[template(path = "web/workspace/introductions.html")]
struct ListPage {
    frame: Frame,
    section: &'static str,
    received: Vec<IntroItem>,
    sent: Vec<IntroItem>,
}

pub async fn list(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    let services = &state.services;
    let mut lists = Vec::new();
    for direction in [Direction::Received, Direction::Sent] {
        let page = services
            .introductions(&session.viewer, direction, None, None, Some(100))
            .await?;
        lists.push(
            page.items
                .into_iter()
                .map(|e| IntroItem::of(e, &session.tr))
                .collect::<Vec<_>>(),
        );
    }
    let sent = lists.pop().unwrap_or_default();
    let received = lists.pop().unwrap_or_default();
    let page = ListPage {
        frame: Frame::signed_in(&state, &session, "/workspace/introductions"),
        section: "introductions",
        received,
        sent,
    };
    Ok(session.page(StatusCode::OK, &page))
}

#[derive(Deserialize, Default, Clone)]
pub struct AskForm {
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    message: String,
}

#[derive(Template)]
#[template(path = "web/workspace/ask.html")]
struct AskPage {
    frame: Frame,
    section: &'static str,
    about: AskAbout,
    kind_label: String,
    form: AskForm,
    error: FormError,
}

impl AskPage {
    fn shown(&self) -> &'static [&'static str] {
        &["message"]
    }
}

async fn ask_page(
    state: &AppState,
    session: &Session,
    form: AskForm,
    error: FormError,
) -> HttpResult<AskPage> {
    let about = state
        .services
        .ask_about(&session.viewer, &form.proposal)
        .await?;
    Ok(AskPage {
        frame: Frame::signed_in(state, session, "/workspace/introductions/new"),
        section: "matches",
        kind_label: session.tr.t(&format!("kind-{}", kind_key(about.kind))),
        about,
        form,
        error,
    })
}

pub async fn ask_form(
    State(state): State<AppState>,
    session: Session,
    Query(form): Query<AskForm>,
) -> HttpResult<Response> {
    let page = ask_page(&state, &session, form, FormError::default()).await?;
    Ok(session.page(StatusCode::OK, &page))
}

pub async fn ask(
    State(state): State<AppState>,
    Posted { session, form }: Posted<AskForm>,
) -> HttpResult<Response> {
    match state
        .services
        .introduce(&session.viewer, &form.proposal, &form.message)
        .await
        .map_err(refused)
    {
        Ok(_) => Ok(Redirect::to("/workspace/introductions").into_response()),
        Err(Ok((status, error))) => {
            let page = ask_page(&state, &session, form, error).await?;
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    /// `accept` or `decline`.
    answer: String,
}

pub async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<AnswerForm>,
) -> HttpResult<Response> {
    let accept = match form.answer.as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            return Err(crate::services::ServiceError::invalid(
                "answer",
                "must be accept or decline",
            )
            .into())
        }
    };
    state
        .services
        .answer_introduction(&session.viewer, &id, accept)
        .await?;
    Ok(Redirect::to("/workspace/introductions").into_response())
}
