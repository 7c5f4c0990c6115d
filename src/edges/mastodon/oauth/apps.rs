//! `POST /api/v1/apps` and `GET /api/v1/apps/verify_credentials`.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use super::super::auth::Token;
use super::super::params::{one_or_many, Params};
use super::super::views::Application;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::oauth::NewApp;

#[derive(Deserialize)]
pub struct AppForm {
    client_name: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    redirect_uris: Option<Vec<String>>,
    scopes: Option<String>,
    website: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    Params(form): Params<AppForm>,
) -> HttpResult<Json<Application>> {
    let name = form.client_name.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(HttpError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Validation failed: Application name can't be blank",
        ));
    }
    let registered = state
        .services
        .register_app(NewApp {
            name,
            website: form.website,
            redirect_uris: form.redirect_uris.unwrap_or_default().join("\n"),
            scopes: form.scopes.unwrap_or_default(),
        })
        .await?;
    Ok(Json(Application::registered(
        &registered.app,
        registered.client_secret,
    )))
}

/// Any valid token of the app says which app it is.
pub async fn verify(Token(session): Token) -> Json<Application> {
    Json(Application::of(&session.app))
}
