//! The node's run-time settings: what it says about itself, a contact
//! address, OAuth's password grant, authorized fetch, and how long posts
//! of followed accounts stay. In force from the next request.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::node_settings::{NodeSettings, SettingsChange};
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, Auth};
use crate::edges::http::state::AppState;
use crate::services::nodes::Admin;

#[derive(Serialize, ToSchema)]
pub struct SettingsView {
    /// What the node is, in the admins' words (plain text, up to 1,000
    /// characters): on the landing page, in `/api/v1/instance` and NodeInfo.
    pub about: Option<String>,
    /// The language `about` is written in (BCP 47).
    pub about_language: Option<String>,
    /// Where people reach the admins: on the landing page and in
    /// `/api/v1/instance`.
    pub contact_email: Option<String>,
    /// Whether Mastodon apps may sign in with OAuth's password grant.
    pub oauth_password_grant: bool,
    /// Whether documents are served only to signed fetches.
    pub authorized_fetch: bool,
    /// Days posts of followed accounts stay for home timelines (1 to 365).
    pub home_posts_days: u32,
}

impl From<&NodeSettings> for SettingsView {
    fn from(s: &NodeSettings) -> Self {
        SettingsView {
            about: s.about.clone(),
            about_language: s.about_language.clone(),
            contact_email: s.contact_email.clone(),
            oauth_password_grant: s.oauth_password_grant,
            authorized_fetch: s.authorized_fetch,
            home_posts_days: s.home_posts_days,
        }
    }
}

/// The settings to change; those left out stay as they are; an empty
/// text clears `about`, `about_language` or `contact_email`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsBody {
    pub about: Option<String>,
    pub about_language: Option<String>,
    pub contact_email: Option<String>,
    pub oauth_password_grant: Option<bool>,
    pub authorized_fetch: Option<bool>,
    pub home_posts_days: Option<i64>,
}

/// The node's run-time settings.
#[utoipa::path(get, path = "/admin/settings", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = SettingsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<SettingsView>> {
    Admin::of(&viewer)?;
    Ok(Json(SettingsView::from(&*state.services.node_settings())))
}

/// Change the node's run-time settings (every field checked before any is
/// saved; recorded in the audit log).
#[utoipa::path(put, path = "/admin/settings", tag = "admin", security(("bearer" = [])), request_body = SettingsBody,
    responses((status = 200, body = SettingsView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<SettingsBody>,
) -> HttpResult<Json<SettingsView>> {
    let admin = Admin::of(&viewer)?;
    let saved = state
        .services
        .change_settings(
            admin,
            SettingsChange {
                about: body.about,
                about_language: body.about_language,
                contact_email: body.contact_email,
                oauth_password_grant: body.oauth_password_grant,
                authorized_fetch: body.authorized_fetch,
                home_posts_days: body.home_posts_days,
            },
        )
        .await?;
    Ok(Json(SettingsView::from(&*saved)))
}
