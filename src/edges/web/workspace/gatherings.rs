//! Gatherings from a coop's side: planning one (the form reads times in
//! the zone chosen beside them), and on a gathering's page registering
//! with a delegate, withdrawing, and, for facilitators, opening or closing
//! registration.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, FormError};
use super::super::gatherings::GatheringFacts;
use super::super::session::{Posted, Session};
use super::super::views::{kind_key, Frame};
use super::matches::say_reason;
use crate::domain::gathering::{local_in_zone, GatheringInput};
use crate::domain::time::time_zone;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::gatherings::GatheringPlan;
use crate::services::ServiceError;

/// The planning form as typed, shown again unchanged when refused.
#[derive(Deserialize, Clone)]
pub(crate) struct PlanForm {
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: String,
    /// `YYYY-MM-DD` and `HH:MM`, as date and time inputs send them.
    #[serde(default)]
    pub(crate) date: String,
    #[serde(default)]
    pub(crate) start: String,
    #[serde(default)]
    pub(crate) end: String,
    #[serde(default)]
    pub(crate) time_zone: String,
    #[serde(default)]
    pub(crate) call_url: String,
    /// Separated by commas or spaces.
    #[serde(default)]
    pub(crate) languages: String,
    /// A checkbox: repeat on the same weekday of each month.
    #[serde(default)]
    pub(crate) monthly: Option<String>,
    /// Handles, separated by commas or spaces.
    #[serde(default)]
    pub(crate) facilitators: String,
    #[serde(default)]
    pub(crate) note_taker: String,
}

impl Default for PlanForm {
    fn default() -> Self {
        PlanForm {
            title: String::new(),
            description: String::new(),
            date: String::new(),
            start: "15:00".into(),
            end: "16:30".into(),
            time_zone: "UTC".into(),
            call_url: String::new(),
            languages: String::new(),
            monthly: None,
            facilitators: String::new(),
            note_taker: String::new(),
        }
    }
}

fn words(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// "The second Thursday" of the date's month, as an RFC 5545 rule.
fn same_weekday_monthly(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let nth = (date.day() - 1) / 7 + 1;
    let day = match date.weekday() {
        chrono::Weekday::Mon => "MO",
        chrono::Weekday::Tue => "TU",
        chrono::Weekday::Wed => "WE",
        chrono::Weekday::Thu => "TH",
        chrono::Weekday::Fri => "FR",
        chrono::Weekday::Sat => "SA",
        chrono::Weekday::Sun => "SU",
    };
    // A fifth weekday is not in every month: say "the last" instead.
    let nth = if nth >= 5 { -1 } else { nth as i32 };
    format!("FREQ=MONTHLY;BYDAY={nth}{day}")
}

impl PlanForm {
    /// The form as the API's input: wall-clock times in the chosen zone.
    pub(crate) fn input(&self, by_node: bool) -> Result<GatheringPlan, ServiceError> {
        let zone = time_zone(&self.time_zone)?;
        let date = self.date.trim();
        let at = |field: &str, time: &str| {
            local_in_zone(field, &format!("{date}T{}", time.trim()), zone)
        };
        let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| ServiceError::invalid("date", "must be a date"))?;
        let starts_at = at("start", &self.start)?;
        let ends_at = at("end", &self.end)?;
        let optional = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(GatheringPlan {
            input: GatheringInput {
                title: self.title.clone(),
                description: self.description.clone(),
                starts_at,
                ends_at,
                time_zone: self.time_zone.clone(),
                call_url: optional(&self.call_url),
                languages: words(&self.languages),
                recurrence: self.monthly.is_some().then(|| same_weekday_monthly(day)),
                contributions_until: None,
            },
            facilitators: words(&self.facilitators),
            note_taker: optional(&self.note_taker),
            by_node,
        })
    }
}

/// The service names the API's fields; the form has a day and two times.
pub(crate) fn on_form(e: ServiceError) -> ServiceError {
    match e {
        ServiceError::Invalid(mut v) => {
            v.field = match v.field.as_str() {
                "starts_at" => "start".into(),
                "ends_at" => "end".into(),
                other => other.into(),
            };
            ServiceError::Invalid(v)
        }
        other => other,
    }
}

#[derive(Template)]
#[template(path = "web/workspace/gathering_new.html")]
struct PlanPage {
    frame: Frame,
    section: &'static str,
    form: PlanForm,
    error: FormError,
    action: &'static str,
    roles_hint: &'static str,
}

/// The fields of the planning form, for a page's `shown`.
pub(crate) const PLAN_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "start",
    "end",
    "time_zone",
    "call_url",
    "languages",
    "facilitators",
    "note_taker",
];

impl PlanPage {
    fn shown(&self) -> &'static [&'static str] {
        PLAN_FIELDS
    }
}

pub async fn new_form(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    let page = PlanPage {
        frame: Frame::signed_in(&state, &session, "/workspace/gatherings/new"),
        section: "gatherings",
        form: PlanForm::default(),
        error: FormError::default(),
        action: "/workspace/gatherings",
        roles_hint: "gathering-roles-hint",
    };
    Ok(session.page(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    Posted { session, form }: Posted<PlanForm>,
) -> HttpResult<Response> {
    let planned = match form.input(false) {
        Ok(plan) => state.services.plan_gathering(&session.viewer, plan).await,
        Err(e) => Err(e),
    };
    match planned.map_err(on_form).map_err(refused) {
        Ok(e) => {
            Ok(Redirect::to(&format!("/workspace/gatherings/{}", e.gathering.id)).into_response())
        }
        Err(Ok((status, error))) => {
            let page = PlanPage {
                frame: Frame::signed_in(&state, &session, "/workspace/gatherings/new"),
                section: "gatherings",
                form,
                error,
                action: "/workspace/gatherings",
                roles_hint: "gathering-roles-hint",
            };
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "web/workspace/gathering.html")]
struct GatheringPage {
    frame: Frame,
    section: &'static str,
    g: GatheringFacts,
    /// The delegate the viewer's coop named, when registered.
    registered_as: Option<String>,
    facilitator: bool,
    delegate: String,
    /// The viewer's coop's contribution, while it may contribute.
    contribution: Option<Contribution>,
    /// For facilitators: the synergy points to weigh (`None` while
    /// matching is being prepared).
    board: Option<Vec<BoardPair>>,
    /// For the note-taker: the notes as kept, and whether published.
    notes: Option<(String, bool)>,
    /// The call now (round and speaker), and a turn's length in seconds.
    live_now: Option<String>,
    turn_seconds: i32,
    error: FormError,
}

impl GatheringPage {
    fn shown(&self) -> &'static [&'static str] {
        &["delegate", "about", "proposals", "notes"]
    }
}

/// The contribution form: what the coop is about, and its open needs and
/// offers to tick.
pub struct Contribution {
    /// Where the form posts.
    pub action: String,
    pub about: String,
    /// Id, kind label, title, ticked.
    pub choices: Vec<(String, String, String, bool)>,
    /// When it last contributed.
    pub saved: Option<String>,
}

/// A pair on the facilitator's board, as the page says it.
pub struct BoardPair {
    pub need_id: String,
    pub offer_id: String,
    /// `confirmed` or `dismissed` once decided.
    pub state: Option<&'static str>,
    pub need: (String, String),
    pub need_coop: String,
    pub offer: (String, String),
    pub offer_coop: String,
    pub reasons: Vec<String>,
}

/// The board, or `None` while matching is still being prepared (the rest
/// of the page works meanwhile).
async fn board(
    state: &AppState,
    session: &Session,
    e: &crate::services::gatherings::GatheringEntry,
) -> HttpResult<Option<Vec<BoardPair>>> {
    let found = match state.services.board_of(&session.viewer, e).await {
        Err(ServiceError::Unavailable(_)) => return Ok(None),
        other => other?,
    };
    Ok(Some(
        found
            .into_iter()
            .map(|c| BoardPair {
                need_id: c.need.id.clone(),
                offer_id: c.offer.id.clone(),
                state: c.decision.as_ref().map(|d| d.state.as_str()),
                need: (c.need.title, c.need.url),
                need_coop: c.need_coop.name,
                offer: (c.offer.title, c.offer.url),
                offer_coop: c.offer_coop.name,
                reasons: c
                    .reasons
                    .iter()
                    .map(|r| say_reason(&session.tr, r))
                    .collect(),
            })
            .collect(),
    ))
}

/// What a form of several values under one name sends (the contribution:
/// `about`, and `proposals` once per ticked box), as pairs.
pub(super) type ContributionForm = Vec<(String, String)>;

async fn contribution(
    state: &AppState,
    session: &Session,
    e: &crate::services::gatherings::GatheringEntry,
    typed: Option<&ContributionForm>,
) -> HttpResult<Option<Contribution>> {
    let coop = session.viewer.user.coop_id.clone().unwrap_or_default();
    let Some(mine) = e.registration_of(&coop) else {
        return Ok(None);
    };
    if e.past {
        return Ok(None);
    }
    let brought: Vec<String> = mine
        .needs
        .iter()
        .chain(&mine.offers)
        .map(|b| b.id.clone())
        .collect();
    let about = mine.contributed_at.map(|_| mine.about.clone());
    let action = format!("/workspace/gatherings/{}/contribution", e.gathering.id);
    contribution_form(
        state,
        session,
        action,
        typed,
        brought,
        about,
        mine.contributed_at,
    )
    .await
    .map(Some)
}

/// The contribution form, for a gathering here or on another server: the
/// coop's open needs and offers, ticked as `typed` (a refused form) or as
/// last sent (`brought`), and what it is about as typed, as last sent, or
/// its profile's.
pub(super) async fn contribution_form(
    state: &AppState,
    session: &Session,
    action: String,
    typed: Option<&ContributionForm>,
    brought: Vec<String>,
    about: Option<String>,
    saved: Option<chrono::NaiveDateTime>,
) -> HttpResult<Contribution> {
    let filter = crate::domain::proposal::ProposalFilter {
        status: Some(crate::domain::proposal::ProposalStatus::Open),
        ..Default::default()
    };
    let own = state
        .services
        .list_proposals(
            Some(&session.viewer),
            crate::services::proposals::ProposalQuery {
                filter,
                mine: true,
                limit: Some(100),
                ..Default::default()
            },
        )
        .await?
        .items;
    let brought: Vec<String> = typed.map_or(brought, ticked);
    let about = match (typed, about) {
        (Some(form), _) => field(form, "about"),
        (None, Some(sent)) => sent,
        (None, None) => {
            state
                .services
                .own_coop(&session.viewer)
                .await?
                .profile
                .about
        }
    };
    Ok(Contribution {
        action,
        about,
        choices: own
            .into_iter()
            .map(|(p, _)| {
                let ticked = brought.contains(&p.id);
                let kind = session.tr.t(&format!("kind-{}", kind_key(p.draft.kind)));
                (p.id, kind, p.draft.title, ticked)
            })
            .collect(),
        saved: saved.map(|t| session.tr.date_time(t)),
    })
}

/// The proposals a contribution form ticked.
pub(super) fn ticked(form: &ContributionForm) -> Vec<String> {
    form.iter()
        .filter(|(k, _)| k == "proposals")
        .map(|(_, v)| v.clone())
        .collect()
}

pub(super) fn field(form: &ContributionForm, name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

async fn gathering_page(
    state: &AppState,
    session: &Session,
    id: &str,
    delegate: String,
    typed: Option<&ContributionForm>,
    error: FormError,
) -> HttpResult<GatheringPage> {
    let e = state.services.gathering(id).await?;
    let coop = session.viewer.user.coop_id.clone().unwrap_or_default();
    let facilitates = e.gathering.is_facilitator(&coop);
    let notes = e.keeps_notes(&coop).then(|| {
        let kept = typed
            .filter(|form| form.iter().any(|(k, _)| k == "notes"))
            .map_or_else(|| e.gathering.notes.clone(), |form| field(form, "notes"));
        (kept, e.gathering.notes_published_at.is_some())
    });
    let live_now = e.gathering.live.map(|l| {
        let round = session
            .tr
            .t(&format!("gathering-round-{}", l.round.as_str()));
        let who = e
            .participants
            .get(l.turn as usize)
            .map(|p| p.delegate.clone())
            .unwrap_or_default();
        session.tr.args(
            "gathering-live-now",
            &[("round", round.as_str()), ("who", who.as_str())],
        )
    });
    Ok(GatheringPage {
        live_now,
        turn_seconds: e.gathering.turn_seconds,
        notes,
        contribution: contribution(state, session, &e, typed).await?,
        board: if facilitates {
            board(state, session, &e).await?
        } else {
            Some(Vec::new())
        },
        frame: Frame::signed_in(state, session, &format!("/workspace/gatherings/{id}")),
        section: "gatherings",
        registered_as: e.registration_of(&coop).map(|p| p.delegate.clone()),
        facilitator: e.gathering.is_facilitator(&coop),
        g: GatheringFacts::of(&e, &session.tr, &state.config.node_name),
        delegate,
        error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    session: Session,
) -> HttpResult<Response> {
    let page = gathering_page(
        &state,
        &session,
        &id,
        String::new(),
        None,
        FormError::default(),
    )
    .await?;
    Ok(session.page(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    delegate: String,
}

pub async fn join(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<JoinForm>,
) -> HttpResult<Response> {
    let joined = state
        .services
        .join_gathering(&session.viewer, &id, &form.delegate)
        .await;
    answer(
        &state,
        &session,
        &id,
        joined.map(|_| ()),
        form.delegate,
        None,
    )
    .await
}

/// Back to the gathering's page, or the page again with the refusal.
async fn answer(
    state: &AppState,
    session: &Session,
    id: &str,
    done: Result<(), ServiceError>,
    delegate: String,
    typed: Option<&ContributionForm>,
) -> HttpResult<Response> {
    match done.map_err(refused) {
        Ok(()) => Ok(Redirect::to(&format!("/workspace/gatherings/{id}")).into_response()),
        Err(Ok((status, error))) => {
            let page = gathering_page(state, session, id, delegate, typed, error).await?;
            Ok(session.page(status, &page))
        }
        Err(Err(e)) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn leave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, .. }: Posted<Empty>,
) -> HttpResult<Response> {
    let left = state.services.leave_gathering(&session.viewer, &id).await;
    answer(&state, &session, &id, left.map(|_| ()), String::new(), None).await
}

#[derive(Deserialize)]
pub struct RegistrationForm {
    /// `open` or `close`.
    registration: String,
}

pub async fn registration(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<RegistrationForm>,
) -> HttpResult<Response> {
    let open = match form.registration.as_str() {
        "open" => true,
        "close" => false,
        _ => return Err(ServiceError::invalid("registration", "must be open or close").into()),
    };
    let set = state
        .services
        .set_gathering_registration(&session.viewer, &id, open)
        .await;
    answer(&state, &session, &id, set.map(|_| ()), String::new(), None).await
}

pub async fn contribute(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<ContributionForm>,
) -> HttpResult<Response> {
    let done = state
        .services
        .contribute_to_gathering(
            &session.viewer,
            &id,
            Some(field(&form, "about")),
            ticked(&form),
        )
        .await;
    answer(
        &state,
        &session,
        &id,
        done.map(|_| ()),
        String::new(),
        Some(&form),
    )
    .await
}

#[derive(Deserialize)]
pub struct SynergyForm {
    need: String,
    offer: String,
    /// `confirm` or `dismiss`.
    decision: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<SynergyForm>,
) -> HttpResult<Response> {
    let done = match crate::domain::gathering::confirms(&form.decision) {
        Ok(confirm) => state
            .services
            .decide_synergy(&session.viewer, &id, &form.need, &form.offer, confirm)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    answer(&state, &session, &id, done, String::new(), None).await
}

pub async fn write_notes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<ContributionForm>,
) -> HttpResult<Response> {
    let publish = field(&form, "publish") == "yes";
    let done = state
        .services
        .write_gathering_notes(&session.viewer, &id, &field(&form, "notes"), publish)
        .await
        .map(|_| ());
    answer(&state, &session, &id, done, String::new(), Some(&form)).await
}

#[derive(Deserialize)]
pub struct LiveForm {
    /// `start`, `next`, `stop` or `seconds`.
    action: String,
    #[serde(default)]
    round: Option<String>,
    #[serde(default)]
    seconds: Option<String>,
}

pub async fn live(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { session, form }: Posted<LiveForm>,
) -> HttpResult<Response> {
    // A "start about" button sends its round in its own value.
    let (action, round) = match form.action.split_once(':') {
        Some((action, round)) => (action.to_string(), Some(round.to_string())),
        None => (form.action.clone(), form.round.clone()),
    };
    let seconds = form.seconds.as_deref().and_then(|s| s.trim().parse().ok());
    let done = match crate::services::gatherings::call_step(&action, round.as_deref(), seconds) {
        Ok(step) => state
            .services
            .run_call(&session.viewer, &id, step)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    answer(&state, &session, &id, done, String::new(), None).await
}
