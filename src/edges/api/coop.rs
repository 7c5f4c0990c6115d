//! The signed-in coop's own profile.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::patch;
use super::views::OwnCoopView;
use crate::domain::coop::{ContactDetails, ProfilePatch, Stage};
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, Auth};
use crate::edges::http::state::AppState;

/// Fields to change; absent fields stay as they are, `null` clears.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatchRequest {
    pub display_name: Option<String>,
    /// Markdown, at most 5,000 characters.
    pub about: Option<String>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    /// ISO 3166-1 alpha-2, e.g. "AR".
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    /// BCP 47 tags such as "es", "pt-BR".
    pub languages: Option<Vec<String>>,
    pub sectors: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub legal_form: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<i32>)]
    pub member_count: Option<Option<i32>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<i32>)]
    pub founded_year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<Stage>)]
    pub stage: Option<Option<Stage>>,
    pub networks: Option<Vec<String>>,
    pub public_contact: Option<ContactDetails>,
    pub private_contact: Option<ContactDetails>,
    /// Follow requests wait for approval instead of being accepted at once.
    pub manually_approves_followers: Option<bool>,
}

impl From<ProfilePatchRequest> for ProfilePatch {
    fn from(r: ProfilePatchRequest) -> Self {
        ProfilePatch {
            display_name: r.display_name,
            about: r.about,
            website: r.website,
            country: r.country,
            city: r.city,
            languages: r.languages,
            sectors: r.sectors,
            legal_form: r.legal_form,
            member_count: r.member_count,
            founded_year: r.founded_year,
            stage: r.stage,
            networks: r.networks,
            public_contact: r.public_contact,
            private_contact: r.private_contact,
            manually_approves_followers: r.manually_approves_followers,
        }
    }
}

/// The signed-in coop's profile, private contact details included.
#[utoipa::path(get, path = "/coop", tag = "coop", security(("bearer" = [])),
    responses((status = 200, body = OwnCoopView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_own(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<OwnCoopView>> {
    let coop = state.services.own_coop(&viewer).await?;
    Ok(Json(OwnCoopView::new(&coop, &state.config.domain())))
}

/// Change the signed-in coop's profile.
#[utoipa::path(patch, path = "/coop", tag = "coop", security(("bearer" = [])), request_body = ProfilePatchRequest,
    responses((status = 200, body = OwnCoopView), (status = 401, body = ErrorBody),
        (status = 422, description = "A field is invalid; the message names it", body = ErrorBody)))]
pub async fn patch_own(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<ProfilePatchRequest>,
) -> HttpResult<Json<OwnCoopView>> {
    let coop = state.services.update_own_coop(&viewer, body.into()).await?;
    Ok(Json(OwnCoopView::new(&coop, &state.config.domain())))
}
