//! The public face of gatherings: `/gatherings` (upcoming, or past with
//! `?when=past`), one gathering's page, and both as iCalendar for
//! calendar apps (`/gatherings/calendar.ics`, `/gatherings/{id}/calendar.ics`).
//! Registering and planning live in the workspace.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::language::{choose, remember, LangParam};
use super::views::Frame;
use crate::domain::gathering::{utc, Gathering};
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::gatherings::{Brought, GatheringEntry, GatheringSummary};

/// When a gathering happens, as a page says it: in its own zone, and in UTC.
pub struct When {
    /// "14 January 2027, 15:00–16:30"
    pub local: String,
    pub zone: String,
    /// "18:00 UTC", or with its day when that differs.
    pub utc: String,
    /// RFC 3339, for `<time datetime>`.
    pub machine: String,
    /// The next starts of a recurring gathering, in its zone.
    pub next: Vec<String>,
}

impl When {
    pub fn of(g: &Gathering, tr: &Tr) -> When {
        let zone = g.zone();
        let local = |t: NaiveDateTime| utc(t).with_timezone(&zone).naive_local();
        let (start, end) = (local(g.draft.starts_at), local(g.draft.ends_at));
        let end_text = if end.date() == start.date() {
            end.format("%H:%M").to_string()
        } else {
            tr.wall_clock(end)
        };
        let utc_text = if g.draft.starts_at.date() == start.date() {
            g.draft.starts_at.format("%H:%M UTC").to_string()
        } else {
            tr.date_time(g.draft.starts_at)
        };
        When {
            local: format!("{}–{end_text}", tr.wall_clock(start)),
            zone: g.draft.time_zone.clone(),
            utc: utc_text,
            machine: utc(g.draft.starts_at).to_rfc3339(),
            next: g
                .occurrences(4)
                .into_iter()
                .skip(1)
                .map(|d| tr.wall_clock(d.naive_local()))
                .collect(),
        }
    }
}

/// A gathering in a list.
pub struct GatheringRow {
    pub href: String,
    pub title: String,
    pub when: When,
    pub organiser: String,
    pub count: String,
    pub open: bool,
}

impl GatheringRow {
    fn of(s: &GatheringSummary, tr: &Tr, node: &str) -> GatheringRow {
        GatheringRow {
            href: s.url.clone(),
            title: s.gathering.draft.title.clone(),
            when: When::of(&s.gathering, tr),
            organiser: s
                .organiser
                .as_ref()
                .map_or(node.to_string(), |c| c.name.clone()),
            count: tr.count("gathering-coops", s.participant_count),
            open: s.gathering.registration_open && !s.past,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    when: Option<String>,
    cursor: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "web/gatherings/list.html")]
struct ListPage {
    frame: Frame,
    past: bool,
    rows: Vec<GatheringRow>,
    next: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> HttpResult<Response> {
    let param = LangParam {
        lang: params.lang.clone(),
    };
    let tr = choose(&param, &headers);
    let past = params.when.as_deref() == Some("past");
    let page = state
        .services
        .gatherings(past, params.cursor.clone(), Some(30))
        .await?;
    let node = state.config.node_name.clone();
    let when = if past { "past" } else { "upcoming" };
    let view = ListPage {
        frame: Frame::new(&state, tr.clone(), "/gatherings", &headers),
        past,
        rows: page
            .items
            .iter()
            .map(|s| GatheringRow::of(s, &tr, &node))
            .collect(),
        next: page
            .next_cursor
            .map(|c| format!("/gatherings?when={when}&cursor={c}")),
    };
    let mut response = html(StatusCode::OK, &view, Policy::Strict);
    remember(&mut response, &param, &tr);
    Ok(response)
}

/// What a gathering's page shows, public or in the workspace.
pub struct GatheringFacts {
    pub id: String,
    pub title: String,
    pub description: String,
    pub when: When,
    pub call_url: Option<String>,
    pub languages: String,
    pub organiser: String,
    pub organiser_href: Option<String>,
    pub facilitators: Vec<(String, String)>,
    pub note_taker: Option<(String, String)>,
    pub contributions_until: Option<String>,
    pub calendar_url: String,
    pub past: bool,
    pub open: bool,
    /// In speaking order.
    pub participants: Vec<Speaker>,
    /// Once the note-taker published them: the notes as safe HTML, when,
    /// and the confirmed synergy points (need, its coop, offer, its coop;
    /// title and page of each proposal).
    pub conclusions: Option<Conclusions>,
}

pub struct Conclusions {
    pub notes_html: String,
    pub published: String,
    pub points: Vec<Point>,
}

/// A confirmed synergy point: (title, page) and coop of the need, then of
/// the offer.
pub type Point = ((String, String), String, (String, String), String);

/// A coop in the rounds: who speaks, what it is about, what it brings.
pub struct Speaker {
    pub name: String,
    pub href: String,
    pub delegate: String,
    /// What the coop is about, Markdown made safe HTML.
    pub about_html: String,
    pub needs: Vec<(String, String)>,
    pub offers: Vec<(String, String)>,
}

impl GatheringFacts {
    pub fn of(e: &GatheringEntry, tr: &Tr, node: &str) -> GatheringFacts {
        let g = &e.gathering;
        let named = |c: &crate::services::gatherings::CoopRef| (c.name.clone(), c.url.clone());
        GatheringFacts {
            id: g.id.clone(),
            title: g.draft.title.clone(),
            description: g.draft.description.clone(),
            when: When::of(g, tr),
            call_url: g.draft.call_url.clone(),
            languages: g.draft.languages.join(", "),
            organiser: e
                .organiser
                .as_ref()
                .map_or(node.to_string(), |c| c.name.clone()),
            organiser_href: e.organiser.as_ref().map(|c| c.url.clone()),
            facilitators: e.facilitators.iter().map(named).collect(),
            note_taker: e.note_taker.as_ref().map(named),
            contributions_until: g.draft.contributions_until.map(|t| tr.date_time(t)),
            calendar_url: e.calendar_url.clone(),
            past: e.past,
            open: g.registration_open && !e.past,
            conclusions: g.notes_published_at.map(|at| Conclusions {
                notes_html: crate::domain::text::markdown_to_safe_html(&g.notes),
                published: tr.date(at),
                points: e
                    .synergy_points
                    .iter()
                    .map(|p| {
                        (
                            (p.need.title.clone(), p.need.url.clone()),
                            p.need_coop.name.clone(),
                            (p.offer.title.clone(), p.offer.url.clone()),
                            p.offer_coop.name.clone(),
                        )
                    })
                    .collect(),
            }),
            participants: e
                .participants
                .iter()
                .map(|p| {
                    let links = |list: &[Brought]| -> Vec<(String, String)> {
                        list.iter()
                            .map(|b| (b.title.clone(), b.url.clone()))
                            .collect()
                    };
                    Speaker {
                        name: p.coop.name.clone(),
                        href: p.coop.url.clone(),
                        delegate: p.delegate.clone(),
                        about_html: crate::domain::text::markdown_to_safe_html(&p.about),
                        needs: links(&p.needs),
                        offers: links(&p.offers),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/gatherings/show.html")]
struct ShowPage {
    frame: Frame,
    g: GatheringFacts,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(param): Query<LangParam>,
) -> HttpResult<Response> {
    let tr = choose(&param, &headers);
    let e = state.services.gathering(&id).await?;
    let view = ShowPage {
        frame: Frame::new(&state, tr.clone(), &format!("/gatherings/{id}"), &headers),
        g: GatheringFacts::of(&e, &tr, &state.config.node_name),
    };
    let mut response = html(StatusCode::OK, &view, Policy::Strict);
    remember(&mut response, &param, &tr);
    Ok(response)
}

fn ics(body: String, file: &str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// Calendar files have no reader's language: English, as the feeds.
fn organised_by(name: &str) -> String {
    Tr::new(Lang::En).t1("gathering-organised-by", "name", name)
}

pub async fn calendar(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    let body = state
        .services
        .gathering_calendar(&id, &state.config.node_name, &organised_by)
        .await?;
    Ok(ics(body, "gathering.ics"))
}

pub async fn node_calendar(State(state): State<AppState>) -> HttpResult<Response> {
    let body = state
        .services
        .gatherings_calendar(&state.config.node_name, &organised_by)
        .await?;
    Ok(ics(body, "gatherings.ics"))
}
