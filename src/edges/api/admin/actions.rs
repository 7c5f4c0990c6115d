//! The record of admin actions.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::edges::api::follows::PageParams;
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiQuery, Auth};
use crate::edges::http::state::AppState;
use crate::services::nodes::Admin;

#[derive(Serialize, ToSchema)]
pub struct AdminActionView {
    pub id: String,
    /// The admin's email, or `cli`.
    pub admin: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdminActionPage {
    pub items: Vec<AdminActionView>,
    pub next_cursor: Option<String>,
}

/// What admins did, newest first.
#[utoipa::path(get, path = "/admin/actions", tag = "admin", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = AdminActionPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn actions(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> HttpResult<Json<AdminActionPage>> {
    Admin::of(&viewer)?;
    let page = state
        .services
        .admin_actions(params.cursor, params.limit)
        .await?;
    Ok(Json(AdminActionPage {
        items: page
            .items
            .into_iter()
            .map(|a| AdminActionView {
                id: a.id,
                admin: a.admin,
                action: a.action,
                target: a.target,
                detail: a.detail,
                created_at: a.created_at.and_utc().to_rfc3339(),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
