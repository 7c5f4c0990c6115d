//! Gatherings as iCalendar (RFC 5545): one file per gathering and a feed
//! of the node's, for calendar apps. A one-off gathering is written in
//! UTC; a recurring one in its zone's wall-clock time (`TZID` with the
//! IANA name), so its repetitions keep their hour across daylight saving.

use chrono::{DateTime, NaiveDateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

/// One gathering as a calendar event.
pub struct CalendarEvent<'a> {
    /// Stable across edits: the gathering's URL.
    pub uid: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: &'a str,
    /// RRULE value, monthly.
    pub recurrence: Option<&'a str>,
    /// The gathering's page.
    pub url: &'a str,
    /// The call link, as the event's location.
    pub call_url: Option<&'a str>,
    /// "Organised by …", as the reader's language says it.
    pub organiser: &'a str,
    pub updated_at: NaiveDateTime,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

fn event(e: &CalendarEvent<'_>) -> Event {
    let mut event = Event::new();
    event
        .uid(e.uid)
        .summary(e.title)
        .timestamp(utc(e.updated_at))
        .url(e.url);
    // Calendar apps show the description, rarely URL or LOCATION: the
    // links go in it too.
    let mut description = format!("{}\n\n{}", e.description, e.organiser);
    if let Some(call) = e.call_url {
        description.push_str(&format!("\n{call}"));
    }
    description.push_str(&format!("\n{}", e.url));
    event.description(description.trim_start());
    match (e.recurrence, e.time_zone.parse::<chrono_tz::Tz>()) {
        (Some(rule), Ok(zone)) => {
            let wall = |t: NaiveDateTime| CalendarDateTime::WithTimezone {
                date_time: utc(t).with_timezone(&zone).naive_local(),
                tzid: e.time_zone.to_string(),
            };
            event
                .starts(wall(e.starts_at))
                .ends(wall(e.ends_at))
                .add_property("RRULE", rule);
        }
        _ => {
            event.starts(utc(e.starts_at)).ends(utc(e.ends_at));
        }
    }
    if let Some(call) = e.call_url {
        event.location(call);
    }
    event.done()
}

/// A calendar holding `events`, named `name`.
pub fn calendar(name: &str, events: &[CalendarEvent<'_>]) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for e in events {
        cal.push(event(e));
    }
    cal.done().to_string()
}
