//! Gatherings: plan the monthly call, list and read them (public),
//! register the signed-in coop with its delegate or withdraw, and, as a
//! facilitator, open or close registration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::gathering::{utc, Gathering, GatheringInput};
use crate::edges::http::error::{ErrorBody, HttpResult};
use crate::edges::http::extract::{ApiJson, ApiQuery, Auth};
use crate::edges::http::state::AppState;
use crate::services::gatherings::{
    call_step, Brought, CoopRef, GatheringEntry, GatheringPlan, GatheringSummary,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GatheringRequest {
    /// 1 to 200 characters.
    pub title: String,
    /// Plain text, up to 10,000 characters.
    #[serde(default)]
    pub description: String,
    /// RFC 3339 with its UTC offset, e.g. `2027-01-14T15:00:00-03:00`; a
    /// time without one is refused. Not in the past, within three years.
    pub starts_at: String,
    /// After `starts_at`, at most 24 hours later.
    pub ends_at: String,
    /// IANA name, e.g. `America/Argentina/Buenos_Aires`: the zone the
    /// gathering is held and repeated in.
    pub time_zone: String,
    /// The call's link (http or https).
    pub call_url: Option<String>,
    /// Language tags of the call, e.g. `["es", "en"]`.
    #[serde(default)]
    pub languages: Vec<String>,
    /// A monthly RFC 5545 rule, e.g. `FREQ=MONTHLY;BYDAY=2TH`.
    pub recurrence: Option<String>,
    /// RFC 3339: until when coops may contribute ahead of the call; not
    /// after the end.
    pub contributions_until: Option<String>,
    /// Handles of this node's coops that facilitate (at most 5); default:
    /// your coop.
    #[serde(default)]
    pub facilitators: Vec<String>,
    /// Handle of this node's coop that keeps the notes; default: your coop.
    pub note_taker: Option<String>,
}

/// A coop named by a gathering: one of this node's, or a participant on
/// another server that joined over ActivityPub.
#[derive(Serialize, ToSchema)]
pub struct GatheringCoopView {
    /// Its handle here, or `user@host` when `remote`.
    pub handle: String,
    pub name: String,
    pub url: String,
    pub remote: bool,
}

impl From<CoopRef> for GatheringCoopView {
    fn from(c: CoopRef) -> Self {
        GatheringCoopView {
            handle: c.handle,
            name: c.name,
            url: c.url,
            remote: c.remote,
        }
    }
}

/// A need or offer a coop brings to the rounds.
#[derive(Serialize, ToSchema)]
pub struct BroughtView {
    pub id: String,
    pub title: String,
    pub url: String,
    /// Brought by a participant on another server (its id is that of the
    /// copy received here).
    pub remote: bool,
}

impl From<Brought> for BroughtView {
    fn from(b: Brought) -> Self {
        BroughtView {
            id: b.id,
            title: b.title,
            url: b.url,
            remote: b.remote,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantView {
    pub coop: GatheringCoopView,
    /// Who speaks for the coop.
    pub delegate: String,
    pub joined_at: DateTime<Utc>,
    /// First round: what the coop is about (empty until it contributes):
    /// Markdown for a coop of this node, its words for a remote one …
    pub about: String,
    /// … and as safe HTML, for either.
    pub about_html: String,
    /// Second round: the needs it brings, still open.
    pub needs: Vec<BroughtView>,
    /// Third round: the offers it brings, still open.
    pub offers: Vec<BroughtView>,
    pub contributed_at: Option<DateTime<Utc>>,
}

/// What every view of a gathering says.
#[derive(Serialize, ToSchema)]
pub struct GatheringFields {
    pub id: String,
    /// Its page.
    pub url: String,
    /// It as an iCalendar file.
    pub calendar_url: String,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    /// `starts_at` in `time_zone`, as RFC 3339.
    pub starts_at_local: DateTime<FixedOffset>,
    pub call_url: Option<String>,
    pub languages: Vec<String>,
    pub recurrence: Option<String>,
    /// The next three starts of a recurring gathering, in its zone.
    pub next_occurrences: Vec<DateTime<FixedOffset>>,
    pub contributions_until: Option<DateTime<Utc>>,
    /// Null when the node organises it.
    pub organiser: Option<GatheringCoopView>,
    pub registration_open: bool,
    /// Whether it is over.
    pub past: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn fields(
    g: Gathering,
    organiser: Option<CoopRef>,
    url: String,
    past: bool,
    calendar_url: String,
) -> GatheringFields {
    let zone = g.zone();
    let local = |t| utc(t).with_timezone(&zone).fixed_offset();
    let next_occurrences = g
        .occurrences(3)
        .into_iter()
        .map(|d| d.fixed_offset())
        .collect();
    let d = g.draft;
    GatheringFields {
        id: g.id,
        url,
        calendar_url,
        title: d.title,
        description: d.description,
        starts_at: utc(d.starts_at),
        ends_at: utc(d.ends_at),
        starts_at_local: local(d.starts_at),
        time_zone: d.time_zone,
        call_url: d.call_url,
        languages: d.languages,
        recurrence: d.recurrence,
        next_occurrences,
        contributions_until: d.contributions_until.map(utc),
        organiser: organiser.map(Into::into),
        registration_open: g.registration_open,
        past,
        created_at: utc(g.created_at),
        updated_at: utc(g.updated_at),
    }
}

#[derive(Serialize, ToSchema)]
pub struct GatheringView {
    #[serde(flatten)]
    pub gathering: GatheringFields,
    pub facilitators: Vec<GatheringCoopView>,
    pub note_taker: Option<GatheringCoopView>,
    /// In the order they registered: the speaking order (and the
    /// attendance, once the notes are published).
    pub participants: Vec<ParticipantView>,
    /// Null until the note-taker publishes the notes.
    pub conclusions: Option<ConclusionsView>,
    /// The live call while facilitators run it; null otherwise.
    pub live: Option<LiveView>,
    /// How long each delegate speaks, in seconds (60 to 180).
    pub turn_seconds: i32,
}

/// Where the live call stands.
#[derive(Serialize, ToSchema)]
pub struct LiveView {
    pub round: crate::domain::gathering::Round,
    /// The place in the speaking order (from 0).
    pub turn: i32,
    /// Whose turn it is (null if that coop withdrew meanwhile).
    pub speaker: Option<GatheringCoopView>,
    pub delegate: Option<String>,
    /// When the turn began; it ends `turn_seconds` later.
    pub since: DateTime<Utc>,
}

/// What a gathering concluded: published by its note-taker.
#[derive(Serialize, ToSchema)]
pub struct ConclusionsView {
    /// Markdown.
    pub notes: String,
    pub published_at: DateTime<Utc>,
    /// The synergy points facilitators confirmed.
    pub synergy_points: Vec<SynergyPointView>,
}

#[derive(Serialize, ToSchema)]
pub struct SynergyPointView {
    pub need: BroughtView,
    pub need_coop: GatheringCoopView,
    pub offer: BroughtView,
    pub offer_coop: GatheringCoopView,
}

/// The notes as their note-taker (or a facilitator) reads them, published
/// or not.
#[derive(Serialize, ToSchema)]
pub struct NotesView {
    /// Markdown.
    pub notes: String,
    /// Null while a draft.
    pub published_at: Option<DateTime<Utc>>,
}

impl From<GatheringEntry> for GatheringView {
    fn from(e: GatheringEntry) -> Self {
        let conclusions = e.gathering.notes_published_at.map(|at| ConclusionsView {
            notes: e.gathering.notes.clone(),
            published_at: utc(at),
            synergy_points: e
                .synergy_points
                .into_iter()
                .map(|p| SynergyPointView {
                    need: p.need.into(),
                    need_coop: p.need_coop.into(),
                    offer: p.offer.into(),
                    offer_coop: p.offer_coop.into(),
                })
                .collect(),
        });
        let live = e.gathering.live.map(|l| {
            let speaker = e.participants.get(l.turn as usize);
            LiveView {
                round: l.round,
                turn: l.turn,
                speaker: speaker.map(|p| p.coop.clone().into()),
                delegate: speaker.map(|p| p.delegate.clone()),
                since: utc(l.since),
            }
        });
        let turn_seconds = e.gathering.turn_seconds;
        GatheringView {
            conclusions,
            live,
            turn_seconds,
            gathering: fields(e.gathering, e.organiser, e.url, e.past, e.calendar_url),
            facilitators: e.facilitators.into_iter().map(Into::into).collect(),
            note_taker: e.note_taker.map(Into::into),
            participants: e
                .participants
                .into_iter()
                .map(|p| ParticipantView {
                    coop: p.coop.into(),
                    delegate: p.delegate,
                    joined_at: utc(p.joined_at),
                    about: p.about,
                    about_html: p.about_html,
                    needs: p.needs.into_iter().map(Into::into).collect(),
                    offers: p.offers.into_iter().map(Into::into).collect(),
                    contributed_at: p.contributed_at.map(utc),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GatheringListItem {
    #[serde(flatten)]
    pub gathering: GatheringFields,
    pub participant_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct GatheringPage {
    pub items: Vec<GatheringListItem>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GatheringListParams {
    /// `upcoming` (default: not over yet, soonest first) or `past`
    /// (latest first).
    pub when: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
}

/// Plan a gathering: your coop organises it, and facilitates and keeps the
/// notes unless other coops of this node are named.
#[utoipa::path(post, path = "/gatherings", tag = "gatherings", security(("bearer" = [])), request_body = GatheringRequest,
    responses((status = 201, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A time without a zone, an end before the start, a start in the past, an unknown zone or coop, a rule that is not monthly")))]
pub async fn create(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<GatheringRequest>,
) -> HttpResult<(StatusCode, Json<GatheringView>)> {
    plan(state, viewer, body, false).await
}

/// Plan a gathering organised by the node (node admins): name at least one
/// facilitator; the note-taker defaults to the first facilitator.
#[utoipa::path(post, path = "/admin/gatherings", tag = "admin", security(("bearer" = [])), request_body = GatheringRequest,
    responses((status = 201, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Not a node admin"),
        (status = 422, body = ErrorBody, description = "No facilitator named, or as for a coop's gathering")))]
pub async fn create_for_node(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    ApiJson(body): ApiJson<GatheringRequest>,
) -> HttpResult<(StatusCode, Json<GatheringView>)> {
    plan(state, viewer, body, true).await
}

async fn plan(
    state: AppState,
    viewer: crate::services::Viewer,
    body: GatheringRequest,
    by_node: bool,
) -> HttpResult<(StatusCode, Json<GatheringView>)> {
    let plan = GatheringPlan {
        input: GatheringInput {
            title: body.title,
            description: body.description,
            starts_at: body.starts_at,
            ends_at: body.ends_at,
            time_zone: body.time_zone,
            call_url: body.call_url,
            languages: body.languages,
            recurrence: body.recurrence,
            contributions_until: body.contributions_until,
        },
        facilitators: body.facilitators,
        note_taker: body.note_taker,
        by_node,
    };
    let entry = state.services.plan_gathering(&viewer, plan).await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

/// The node's gatherings: upcoming (default) or past. Public.
#[utoipa::path(get, path = "/gatherings", tag = "gatherings", params(GatheringListParams),
    responses((status = 200, body = GatheringPage), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<GatheringListParams>,
) -> HttpResult<Json<GatheringPage>> {
    let past = match params.when.as_deref() {
        None | Some("upcoming") => false,
        Some("past") => true,
        Some(_) => {
            return Err(
                crate::services::ServiceError::invalid("when", "must be upcoming or past").into(),
            )
        }
    };
    let page = state
        .services
        .gatherings(past, params.cursor, params.limit)
        .await?;
    Ok(Json(GatheringPage {
        items: page.items.into_iter().map(list_item).collect(),
        next_cursor: page.next_cursor,
    }))
}

fn list_item(s: GatheringSummary) -> GatheringListItem {
    GatheringListItem {
        participant_count: s.participant_count,
        gathering: fields(s.gathering, s.organiser, s.url, s.past, s.calendar_url),
    }
}

/// One gathering, with its roles and the coops registered. Public.
#[utoipa::path(get, path = "/gatherings/{id}", tag = "gatherings", params(("id" = String, Path)),
    responses((status = 200, body = GatheringView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> HttpResult<Json<GatheringView>> {
    Ok(Json(state.services.gathering(&id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// Who will speak for your coop; 1 to 100 characters.
    pub delegate: String,
}

/// Register your coop for a gathering, naming its delegate.
#[utoipa::path(post, path = "/gatherings/{id}/join", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = JoinRequest,
    responses((status = 200, body = GatheringView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Already registered, registration closed, the gathering over or full"),
        (status = 422, body = ErrorBody, description = "No delegate")))]
pub async fn join(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<JoinRequest>,
) -> HttpResult<Json<GatheringView>> {
    Ok(Json(
        state
            .services
            .join_gathering(&viewer, &id, &body.delegate)
            .await?
            .into(),
    ))
}

/// Withdraw your coop's registration.
#[utoipa::path(post, path = "/gatherings/{id}/leave", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such gathering, or your coop is not registered"),
        (status = 409, body = ErrorBody, description = "The gathering is over")))]
pub async fn leave(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<GatheringView>> {
    Ok(Json(
        state.services.leave_gathering(&viewer, &id).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    pub open: bool,
}

/// Open or close registration (facilitators only).
#[utoipa::path(put, path = "/gatherings/{id}/registration", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = RegistrationRequest,
    responses((status = 200, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop does not facilitate it"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The gathering is over")))]
pub async fn registration(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RegistrationRequest>,
) -> HttpResult<Json<GatheringView>> {
    Ok(Json(
        state
            .services
            .set_gathering_registration(&viewer, &id, body.open)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionRequest {
    /// What your coop is about, Markdown up to 5,000 characters; your
    /// profile's "about" when left out.
    pub about: Option<String>,
    /// Ids of your coop's open needs and offers to bring (at most 20).
    #[serde(default)]
    pub proposals: Vec<String>,
}

/// Your coop's contribution to the three rounds, ahead of the call or
/// during it; sending it again replaces it.
#[utoipa::path(put, path = "/gatherings/{id}/contribution", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = ContributionRequest,
    responses((status = 200, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop is not registered"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Past the deadline for contributions, or the gathering is over"),
        (status = 422, body = ErrorBody, description = "A proposal that is not an open one of your coop, or a bad text")))]
pub async fn contribute(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContributionRequest>,
) -> HttpResult<Json<GatheringView>> {
    Ok(Json(
        state
            .services
            .contribute_to_gathering(&viewer, &id, body.about, body.proposals)
            .await?
            .into(),
    ))
}

/// A need and an offer brought to the gathering that answer each other.
#[derive(Serialize, ToSchema)]
pub struct SynergyView {
    pub need: BroughtView,
    pub need_coop: GatheringCoopView,
    pub offer: BroughtView,
    pub offer_coop: GatheringCoopView,
    /// As matches score them.
    pub score: f32,
    /// Why, as matches explain it.
    pub reasons: Vec<crate::infra::matching::score::Reason>,
    /// The facilitators' decision: null until taken.
    pub state: Option<crate::domain::gathering::SynergyState>,
    /// The introduction a confirmation opened (both coops accept it).
    pub introduction_id: Option<String>,
}

impl From<crate::services::gatherings::SynergyCandidate> for SynergyView {
    fn from(c: crate::services::gatherings::SynergyCandidate) -> Self {
        SynergyView {
            need: c.need.into(),
            need_coop: c.need_coop.into(),
            offer: c.offer.into(),
            offer_coop: c.offer_coop.into(),
            score: c.score,
            reasons: c.reasons,
            state: c.decision.as_ref().map(|d| d.state),
            introduction_id: c.decision.and_then(|d| d.introduction_id),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BoardView {
    pub items: Vec<SynergyView>,
}

/// The facilitator's board: which needs brought to the gathering the
/// offers other participants brought answer, best first (at most 200).
#[utoipa::path(get, path = "/gatherings/{id}/board", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = BoardView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop does not facilitate it"),
        (status = 404, body = ErrorBody), (status = 503, body = ErrorBody, description = "The matching index is still being built")))]
pub async fn board(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<BoardView>> {
    let found = state.services.gathering_board(&viewer, &id).await?;
    Ok(Json(BoardView {
        items: found.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SynergyRequest {
    /// The need's id, as the board gives it.
    pub need: String,
    /// The offer's id, as the board gives it.
    pub offer: String,
    /// `confirm` or `dismiss`.
    pub decision: String,
}

/// Confirm a pair of the board as a synergy point (facilitators only): an
/// introduction opens between the two coops, both are told, and their
/// contacts are shared once both accept. Or dismiss it.
#[utoipa::path(post, path = "/gatherings/{id}/synergies", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = SynergyRequest,
    responses((status = 200, body = SynergyView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop does not facilitate it"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Already confirmed or dismissed"),
        (status = 422, body = ErrorBody, description = "Not a pair of the board, or a decision other than confirm or dismiss")))]
pub async fn decide(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SynergyRequest>,
) -> HttpResult<Json<SynergyView>> {
    let confirm = crate::domain::gathering::confirms(&body.decision)
        .map_err(crate::services::ServiceError::from)?;
    let decided = state
        .services
        .decide_synergy(&viewer, &id, &body.need, &body.offer, confirm)
        .await?;
    Ok(Json(decided.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotesRequest {
    /// Markdown, up to 10,000 characters.
    pub notes: String,
    /// Publish them (with the attendance and the confirmed synergy
    /// points); once published they stay so. Default false: a draft.
    #[serde(default)]
    pub publish: bool,
}

/// Write the notes (the note-taker only), as a draft or published.
#[utoipa::path(put, path = "/gatherings/{id}/notes", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = NotesRequest,
    responses((status = 200, body = NotesView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop is not the note-taker"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn write_notes(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NotesRequest>,
) -> HttpResult<Json<NotesView>> {
    let e = state
        .services
        .write_gathering_notes(&viewer, &id, &body.notes, body.publish)
        .await?;
    Ok(Json(NotesView {
        notes: e.gathering.notes,
        published_at: e.gathering.notes_published_at.map(utc),
    }))
}

/// The notes, draft or published: the note-taker's and facilitators'
/// (others read published notes in the gathering's `conclusions`).
#[utoipa::path(get, path = "/gatherings/{id}/notes", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = NotesView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Neither the note-taker nor a facilitator"),
        (status = 404, body = ErrorBody)))]
pub async fn read_notes(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
) -> HttpResult<Json<NotesView>> {
    let coop = viewer.coop_id()?.to_string();
    let e = state.services.gathering(&id).await?;
    if !e.keeps_notes(&coop) && !e.gathering.is_facilitator(&coop) {
        return Err(crate::services::ServiceError::Forbidden(
            "only the note-taker and facilitators read the notes before they are published".into(),
        )
        .into());
    }
    Ok(Json(NotesView {
        notes: e.gathering.notes,
        published_at: e.gathering.notes_published_at.map(utc),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveRequest {
    /// `start` (a `round`), `next`, `stop`, or `seconds` (set `seconds`).
    pub action: String,
    /// For `start`: `about`, `needs` or `offers`.
    pub round: Option<String>,
    /// For `seconds`: 60 to 180.
    pub seconds: Option<i32>,
}

/// Run the live call (facilitators only): start a round, pass the turn,
/// stop, or set how long each turn lasts. Everyone's call page follows.
#[utoipa::path(post, path = "/gatherings/{id}/live", tag = "gatherings", security(("bearer" = [])), params(("id" = String, Path)), request_body = LiveRequest,
    responses((status = 200, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Your coop does not facilitate it"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Nobody registered, the call not started, or the gathering over"),
        (status = 422, body = ErrorBody, description = "An unknown action or round, or a turn outside 60 to 180 seconds")))]
pub async fn live(
    State(state): State<AppState>,
    Auth(viewer, _): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LiveRequest>,
) -> HttpResult<Json<GatheringView>> {
    let step = call_step(&body.action, body.round.as_deref(), body.seconds)?;
    Ok(Json(
        state.services.run_call(&viewer, &id, step).await?.into(),
    ))
}
