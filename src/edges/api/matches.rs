//! The signed-in coop's matches: for one of its proposals, or all of them.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::directory::{proposal_view, DirectoryProposalView};
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, ApiQuery, Auth};
use crate::edges::http::state::AppState;
use crate::infra::matching::score::{Parts, Reason};
use crate::services::matching::{FoundCircle, FoundMatch, MatchQuery, MatchSettings};

#[derive(Serialize, ToSchema)]
pub struct MatchView {
    /// The id of the signed-in coop's proposal this answers.
    pub for_proposal: String,
    /// The other coop's need or offer.
    pub proposal: DirectoryProposalView,
    /// The sum of `parts`: 0 to 1, plus up to 0.15 of boosts.
    pub score: f32,
    pub parts: Parts,
    /// Why, in words, best reason first.
    pub reasons: Vec<Reason>,
}

#[derive(Serialize, ToSchema)]
pub struct MatchList {
    pub items: Vec<MatchView>,
}

#[derive(Serialize, ToSchema)]
pub struct MatchPage {
    pub items: Vec<MatchView>,
    /// How many matches there are with these filters.
    pub total: usize,
    pub offset: usize,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LimitParams {
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// Only matches of this category (the other proposal's).
    pub category: Option<String>,
    /// Only matches from coops of this node (`host[:port]`).
    pub node: Option<String>,
    /// 0 to 10000.
    pub offset: Option<i64>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

fn view(state: &AppState, m: FoundMatch) -> MatchView {
    MatchView {
        for_proposal: m.for_proposal,
        proposal: proposal_view(state, m.proposal),
        score: m.score,
        parts: m.parts,
        reasons: m.reasons,
    }
}

/// Matches of one of the signed-in coop's open proposals, best first.
#[utoipa::path(get, path = "/proposals/{id}/matches", tag = "matches", security(("bearer" = [])),
    params(("id" = String, Path), LimitParams),
    responses((status = 200, body = MatchList), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "Not a proposal of this coop"),
        (status = 409, body = ErrorBody, description = "The proposal is closed"),
        (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Matching is being prepared after a restart")))]
pub async fn for_proposal(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<LimitParams>,
) -> HttpResult<Json<MatchList>> {
    let found = state
        .services
        .proposal_matches(&viewer, &id, params.limit)
        .await?;
    Ok(Json(MatchList {
        items: found.into_iter().map(|m| view(&state, m)).collect(),
    }))
}

/// Every match of the signed-in coop's open proposals, best first.
#[utoipa::path(get, path = "/matches", tag = "matches", security(("bearer" = [])), params(MatchParams),
    responses((status = 200, body = MatchPage), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Matching is being prepared after a restart")))]
pub async fn for_coop(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<MatchParams>,
) -> HttpResult<Json<MatchPage>> {
    let page = state
        .services
        .coop_matches(
            &viewer,
            MatchQuery {
                category: params.category,
                node: params.node,
                offset: params.offset,
                limit: params.limit,
            },
        )
        .await?;
    Ok(Json(MatchPage {
        items: page.items.into_iter().map(|m| view(&state, m)).collect(),
        total: page.total,
        offset: page.offset,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchSettingsView {
    /// Boost matches between a start-coop and an established coop (the
    /// coops' `stage`). Off unless turned on.
    pub prefer_stage_pairing: bool,
    /// Be notified of new matches scoring at least this much (0 to 1.15);
    /// `null` or absent: no notifications.
    #[serde(default)]
    pub notify_min_score: Option<f64>,
}

fn settings_view(s: MatchSettings) -> MatchSettingsView {
    MatchSettingsView {
        prefer_stage_pairing: s.prefer_stage_pairing,
        notify_min_score: s.notify_min_score,
    }
}

/// The signed-in coop's matching settings.
#[utoipa::path(get, path = "/matches/settings", tag = "matches", security(("bearer" = [])),
    responses((status = 200, body = MatchSettingsView), (status = 401, body = ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
) -> HttpResult<Json<MatchSettingsView>> {
    Ok(Json(settings_view(
        state.services.match_settings(&viewer).await?,
    )))
}

/// Changes the signed-in coop's matching settings (all fields).
#[utoipa::path(put, path = "/matches/settings", tag = "matches", security(("bearer" = [])),
    request_body = MatchSettingsView,
    responses((status = 200, body = MatchSettingsView), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<MatchSettingsView>,
) -> HttpResult<Json<MatchSettingsView>> {
    let saved = state
        .services
        .set_match_settings(
            &viewer,
            MatchSettings {
                prefer_stage_pairing: body.prefer_stage_pairing,
                notify_min_score: body.notify_min_score,
            },
        )
        .await?;
    Ok(Json(settings_view(saved)))
}

#[derive(Serialize, ToSchema)]
pub struct ExchangeView {
    /// The offering coop's offer.
    pub offer: DirectoryProposalView,
    /// The next coop's need it answers.
    pub need: DirectoryProposalView,
    pub score: f32,
    /// In words: "a@x offers “Hosting” for “Web hosting” of b@y".
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct CircleView {
    /// The weakest exchange's score.
    pub score: f32,
    /// The coops in ring order (`handle@node`), starting with yours; each
    /// helps the next and the last helps you.
    pub coops: Vec<String>,
    pub exchanges: Vec<ExchangeView>,
}

#[derive(Serialize, ToSchema)]
pub struct CircleList {
    pub items: Vec<CircleView>,
}

fn circle_view(state: &AppState, c: FoundCircle) -> CircleView {
    let exchanges: Vec<ExchangeView> = c
        .exchanges
        .into_iter()
        .map(|e| {
            let offer = proposal_view(state, e.offer);
            let need = proposal_view(state, e.need);
            ExchangeView {
                text: format!(
                    "{} offers \u{201c}{}\u{201d} for \u{201c}{}\u{201d} of {}",
                    offer.coop.account, offer.title, need.title, need.coop.account
                ),
                offer,
                need,
                score: e.score,
            }
        })
        .collect();
    CircleView {
        score: c.score,
        coops: exchanges
            .iter()
            .map(|e| e.offer.coop.account.clone())
            .collect(),
        exchanges,
    }
}

/// Solidarity circles through the signed-in coop: rings of three or four
/// coops, each offering what the next needs, best first.
#[utoipa::path(get, path = "/circles", tag = "matches", security(("bearer" = [])), params(LimitParams),
    responses((status = 200, body = CircleList), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Matching is being prepared after a restart")))]
pub async fn circles(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<LimitParams>,
) -> HttpResult<Json<CircleList>> {
    let found = state.services.coop_circles(&viewer, params.limit).await?;
    Ok(Json(CircleList {
        items: found.into_iter().map(|c| circle_view(&state, c)).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// The id of the signed-in coop's proposal the new match answers.
    pub for_proposal: String,
    /// The other coop's need or offer.
    pub proposal: DirectoryProposalView,
    pub score: f64,
    pub created_at: String,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    /// How many notifications there are (read and unread, or unread).
    pub total: i64,
    pub offset: i64,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// Only unread ones.
    pub unread: Option<bool>,
    /// 0 to 10000.
    pub offset: Option<i64>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications to mark read (at most 100); absent: all of them.
    pub ids: Option<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct Marked {
    /// How many were unread and are now read.
    pub marked: usize,
}

/// Notifications of new matches scoring at least the coop's threshold
/// (`notify_min_score` in the settings), newest first.
#[utoipa::path(get, path = "/matches/notifications", tag = "matches", security(("bearer" = [])),
    params(NotificationParams),
    responses((status = 200, body = NotificationPage), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn notifications(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiQuery(params): ApiQuery<NotificationParams>,
) -> HttpResult<Json<NotificationPage>> {
    let page = state
        .services
        .match_notifications(
            &viewer,
            params.unread.unwrap_or(false),
            params.offset,
            params.limit,
        )
        .await?;
    Ok(Json(NotificationPage {
        items: page
            .items
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                for_proposal: n.for_proposal,
                proposal: proposal_view(&state, n.proposal),
                score: n.score,
                created_at: n.created_at.and_utc().to_rfc3339(),
                read: n.read,
            })
            .collect(),
        total: page.total,
        offset: page.offset,
    }))
}

/// Marks notifications read.
#[utoipa::path(post, path = "/matches/notifications/read", tag = "matches", security(("bearer" = [])),
    request_body = MarkRead,
    responses((status = 200, body = Marked), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<MarkRead>,
) -> HttpResult<Json<Marked>> {
    let marked = state
        .services
        .mark_match_notifications_read(&viewer, body.ids)
        .await?;
    Ok(Json(Marked { marked }))
}
