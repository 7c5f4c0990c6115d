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

/// When a gathering happens, as a page says it: in its own zone, in UTC,
/// and in the reader's zone when that is known and another.
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
    /// "19:00–20:30 in your time zone (Europe/Madrid)".
    pub yours: Option<String>,
}

/// From `starts_at` to `ends_at` (UTC) as read in `zone`: the start, and
/// "14 January 2027, 15:00–16:30" (the end's day only when it is another).
pub fn span(
    tr: &Tr,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    zone: chrono_tz::Tz,
) -> (NaiveDateTime, String) {
    let local = |t: NaiveDateTime| utc(t).with_timezone(&zone).naive_local();
    let (start, end) = (local(starts_at), local(ends_at));
    let end_text = if end.date() == start.date() {
        end.format("%H:%M").to_string()
    } else {
        tr.wall_clock(end)
    };
    (start, format!("{}–{end_text}", tr.wall_clock(start)))
}

/// The span in the reader's zone, when that is known and not shown
/// already (`shown`, or UTC, which pages always give):
/// "19:00–20:30 in your time zone (Europe/Madrid)".
pub fn in_readers_zone(
    tr: &Tr,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    shown: Option<chrono_tz::Tz>,
) -> Option<String> {
    let zone = tr
        .zone
        .filter(|z| Some(*z) != shown && !matches!(z.name(), "UTC" | "Etc/UTC"))?;
    let (_, text) = span(tr, starts_at, ends_at, zone);
    Some(tr.args(
        "gathering-your-time",
        &[("time", &text), ("zone", zone.name())],
    ))
}

impl When {
    pub fn of(g: &Gathering, tr: &Tr) -> When {
        let zone = g.zone();
        let (start, local_text) = span(tr, g.draft.starts_at, g.draft.ends_at, zone);
        let utc_text = if g.draft.starts_at.date() == start.date() {
            g.draft.starts_at.format("%H:%M UTC").to_string()
        } else {
            tr.date_time(g.draft.starts_at)
        };
        When {
            local: local_text,
            zone: g.draft.time_zone.clone(),
            utc: utc_text,
            machine: utc(g.draft.starts_at).to_rfc3339(),
            next: g
                .occurrences(4)
                .into_iter()
                .skip(1)
                .map(|d| tr.wall_clock(d.naive_local()))
                .collect(),
            yours: in_readers_zone(tr, g.draft.starts_at, g.draft.ends_at, Some(zone)),
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
    /// `name@server` of a participant on another server.
    pub address: Option<String>,
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
                        address: p.coop.remote.then(|| p.coop.handle.clone()),
                        delegate: p.delegate.clone(),
                        about_html: p.about_html.clone(),
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

/// A gathering's page. Its URL is also the gathering's ActivityPub
/// `Event`: `negotiate.rs` sends browsers here, and servers to the Event.
pub async fn show(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    param: &LangParam,
) -> HttpResult<Response> {
    let tr = choose(param, headers);
    let e = state.services.gathering(id).await?;
    let view = ShowPage {
        frame: Frame::new(state, tr.clone(), &format!("/gatherings/{id}"), headers),
        g: GatheringFacts::of(&e, &tr, &state.config.node_name),
    };
    let mut response = html(StatusCode::OK, &view, Policy::Strict);
    remember(&mut response, param, &tr);
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

/// The live call as everyone's page shows it.
pub struct LiveShown {
    pub round: String,
    pub speaker: Option<(String, String)>,
    /// "1:23"
    pub left: String,
    pub elapsed: i64,
    pub seconds: i64,
    pub over_time: bool,
    /// What the speaker brings to this round.
    pub about_html: String,
    pub brought: Vec<(String, String)>,
    /// Coop, delegate, and `done`, `now` or `next`.
    pub order: Vec<(String, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "web/gatherings/live.html")]
struct LivePage {
    frame: Frame,
    id: String,
    title: String,
    live: Option<LiveShown>,
    /// Seconds before the page reloads itself, when the visitor asked it
    /// to follow the call (a reload nobody asked for is a barrier: WCAG
    /// 2.2.1).
    refresh: Option<u32>,
    /// The refresh it would use.
    every: u32,
}

#[derive(Deserialize, Default)]
pub struct LiveParams {
    lang: Option<String>,
    /// `1`: reload by itself to follow the call.
    follow: Option<String>,
}

/// `/gatherings/{id}/live`: the round, whose turn it is and the time left,
/// and the speaking order. With `?follow=1` it reloads itself every few
/// seconds (no script), so a delegate's page follows the facilitator's.
pub async fn live(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<LiveParams>,
) -> HttpResult<Response> {
    let param = LangParam {
        lang: params.lang.clone(),
    };
    let tr = choose(&param, &headers);
    let e = state.services.gathering(&id).await?;
    let g = &e.gathering;
    let live = g.live.map(|l| {
        let current = e.participants.get(l.turn as usize);
        let seconds = i64::from(g.turn_seconds);
        let elapsed = (crate::domain::time::now() - l.since).num_seconds().max(0);
        let left = (seconds - elapsed).max(0);
        let (about_html, brought) = match (current, l.round) {
            (Some(p), crate::domain::gathering::Round::About) => (p.about_html.clone(), Vec::new()),
            (Some(p), round) => {
                let list = if round == crate::domain::gathering::Round::Needs {
                    &p.needs
                } else {
                    &p.offers
                };
                (
                    String::new(),
                    list.iter()
                        .map(|b| (b.title.clone(), b.url.clone()))
                        .collect(),
                )
            }
            (None, _) => (String::new(), Vec::new()),
        };
        LiveShown {
            round: tr.t(&format!("gathering-round-{}", l.round.as_str())),
            speaker: current.map(|p| (p.coop.name.clone(), p.delegate.clone())),
            left: format!("{}:{:02}", left / 60, left % 60),
            elapsed: elapsed.min(seconds),
            seconds,
            over_time: elapsed > seconds,
            about_html,
            brought,
            order: e
                .participants
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let at = i as i32;
                    let state = if at < l.turn {
                        "done"
                    } else if at == l.turn {
                        "now"
                    } else {
                        "next"
                    };
                    (p.coop.name.clone(), p.delegate.clone(), state)
                })
                .collect(),
        }
    });
    let mut view = LivePage {
        frame: Frame::new(
            &state,
            tr.clone(),
            &format!("/gatherings/{id}/live"),
            &headers,
        ),
        id: g.id.clone(),
        title: g.draft.title.clone(),
        every: if live.is_some() { 5 } else { 30 },
        refresh: None,
        live,
    };
    if params.follow.as_deref() == Some("1") {
        view.refresh = Some(view.every);
    }
    let mut response = html(StatusCode::OK, &view, Policy::Strict);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    remember(&mut response, &param, &tr);
    Ok(response)
}
