//! `/workspace/follows`: following a coop on another node by
//! `handle@domain`, the coops followed (and requests not yet answered),
//! the coop's followers, and follow requests to approve or refuse (when
//! the coop approves followers by hand).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use crate::domain::remote::WithActor;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::follows::FollowState;
use crate::services::ServiceError;

const LISTED: i64 = 100;

/// A coop in a list.
pub struct Account {
    /// Its id here, for the forms.
    pub id: String,
    pub name: String,
    /// `handle@domain`.
    pub address: String,
    pub href: String,
}

impl Account {
    fn of((_, actor): &WithActor) -> Account {
        Account {
            id: actor.id.clone(),
            name: actor.display_name.clone(),
            address: format!("{}@{}", actor.username, actor.host),
            href: actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
        }
    }
}

#[derive(Template)]
#[template(path = "web/workspace/follows.html")]
struct FollowsPage {
    frame: Frame,
    section: &'static str,
    account: String,
    error: FormError,
    following: Vec<Account>,
    asked: Vec<Account>,
    followers: Vec<Account>,
    requests: Vec<Account>,
}

async fn page(
    state: &AppState,
    session: &Session,
    account: String,
    error: FormError,
) -> HttpResult<FollowsPage> {
    let services = &state.services;
    let viewer = &session.viewer;
    let list = |page: crate::services::paging::Page<WithActor>| {
        page.items.iter().map(Account::of).collect::<Vec<_>>()
    };
    Ok(FollowsPage {
        frame: Frame::signed_in(state, session, "/workspace/follows"),
        section: "follows",
        account,
        error,
        following: list(
            services
                .followed_by(viewer, FollowState::Accepted, None, Some(LISTED))
                .await?,
        ),
        asked: list(
            services
                .followed_by(viewer, FollowState::Pending, None, Some(LISTED))
                .await?,
        ),
        followers: list(
            services
                .followers_of(viewer, FollowState::Accepted, None, Some(LISTED))
                .await?,
        ),
        requests: list(
            services
                .followers_of(viewer, FollowState::Pending, None, Some(LISTED))
                .await?,
        ),
    })
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    let view = page(&state, &session, String::new(), FormError::default()).await?;
    Ok(session.page(StatusCode::OK, &view))
}

#[derive(Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    account: String,
}

pub async fn follow(
    State(state): State<AppState>,
    Posted { session, form }: Posted<FollowForm>,
) -> HttpResult<Response> {
    let services = &state.services;
    let outcome = match services
        .resolve_account(&*state.resolver, &form.account)
        .await
    {
        Ok(actor) => services.follow(&session.viewer, actor).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome.map_err(refused) {
        Ok(()) => Ok(Redirect::to("/workspace/follows").into_response()),
        Err(Ok((status, mut error))) => {
            // Whatever went wrong, it is about the address typed.
            error.field = "account".into();
            let view = page(&state, &session, form.account, error).await?;
            Ok(session.page(status, &view))
        }
        Err(Err(e)) => {
            // Another server that did not answer is worth saying next to
            // the field too, not as a broken page.
            if e.status == StatusCode::GATEWAY_TIMEOUT || e.status == StatusCode::BAD_GATEWAY {
                let error = FormError::on("account", e.message);
                let view = page(&state, &session, form.account, error).await?;
                return Ok(session.page(e.status, &view));
            }
            Err(e)
        }
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

pub async fn unfollow(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, .. }: Posted<Nothing>,
) -> HttpResult<Response> {
    state.services.unfollow(&session.viewer, &id).await?;
    Ok(Redirect::to("/workspace/follows").into_response())
}

#[derive(Deserialize)]
pub struct AnswerForm {
    /// `approve` or `reject`.
    answer: String,
}

pub async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<AnswerForm>,
) -> HttpResult<Response> {
    match form.answer.as_str() {
        "approve" => {
            state
                .services
                .approve_follower(&session.viewer, &id)
                .await?;
        }
        "reject" => state.services.reject_follower(&session.viewer, &id).await?,
        _ => return Err(ServiceError::invalid("answer", "must be approve or reject").into()),
    }
    Ok(Redirect::to("/workspace/follows").into_response())
}
