//! `/admin/gatherings/new`: a node admin plans a gathering the node
//! organises, naming the coops that facilitate it and keep its notes. It is
//! then run from those coops' workspaces, like any gathering.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::super::form::{refused, FormError};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use super::super::workspace::gatherings::{on_form, PlanForm, PLAN_FIELDS};
use super::admin_of;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;

#[derive(Template)]
#[template(path = "web/admin/gathering_new.html")]
struct PlanPage {
    frame: Frame,
    section: &'static str,
    form: PlanForm,
    error: FormError,
    action: &'static str,
    roles_hint: &'static str,
}

impl PlanPage {
    fn shown(&self) -> &'static [&'static str] {
        PLAN_FIELDS
    }

    fn new(state: &AppState, session: &Session, form: PlanForm, error: FormError) -> PlanPage {
        PlanPage {
            frame: Frame::signed_in(state, session, "/admin/gatherings/new"),
            section: "gatherings",
            form,
            error,
            action: "/admin/gatherings",
            roles_hint: "ad-gathering-roles-hint",
        }
    }
}

pub async fn new_form(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    admin_of(&session)?;
    let page = PlanPage::new(&state, &session, PlanForm::default(), FormError::default());
    Ok(session.page(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    Posted { session, form }: Posted<PlanForm>,
) -> HttpResult<Response> {
    admin_of(&session)?;
    let planned = match form.input(true) {
        Ok(plan) => state.services.plan_gathering(&session.viewer, plan).await,
        Err(e) => Err(e),
    };
    match planned.map_err(on_form).map_err(refused) {
        Ok(e) => Ok(Redirect::to(&format!("/gatherings/{}", e.gathering.id)).into_response()),
        Err(Ok((status, error))) => {
            let page = PlanPage::new(&state, &session, form, error);
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}
