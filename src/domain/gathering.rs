//! Gatherings: the monthly inter-coop call as something a node holds. A
//! gathering has a time in a named zone, a call link, languages, an
//! optional monthly recurrence, a deadline for contributions made ahead
//! of the call, and two roles held by coops of this node: facilitators
//! and a note-taker. Coops register for it, each naming its delegate.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::coop::language_list;
use super::limits;
use super::text::escape_html;
use super::time::time_zone;
use super::validate::{self, Checked, ValidationError};

/// The longest a gathering may last: a call, or a day of them.
pub const DURATION_MAX_HOURS: i64 = 24;
/// How far ahead a gathering may be planned.
pub const AHEAD_MAX_DAYS: i64 = 3 * 366;
/// How long a delegate's name may be.
pub const DELEGATE_MAX: usize = 100;
/// Facilitators of one gathering.
pub const FACILITATORS_MAX: usize = 5;
/// Coops registered for one gathering: a call beyond this is a conference.
pub const PARTICIPANTS_MAX: i64 = 500;
/// A recurrence rule's length.
pub const RECURRENCE_MAX: usize = 200;

/// What a coop sends to plan a gathering, before any check.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GatheringInput {
    pub title: String,
    pub description: String,
    /// RFC 3339 with its offset, e.g. `2027-01-14T15:00:00-03:00`.
    pub starts_at: String,
    pub ends_at: String,
    /// An IANA zone name, e.g. `America/Argentina/Buenos_Aires`.
    pub time_zone: String,
    pub call_url: Option<String>,
    pub languages: Vec<String>,
    /// An RFC 5545 rule of monthly frequency, e.g. `FREQ=MONTHLY;BYDAY=2TH`.
    pub recurrence: Option<String>,
    /// RFC 3339; until when contributions ahead of the call are taken.
    pub contributions_until: Option<String>,
}

/// A gathering's checked fields (times in UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct GatheringDraft {
    pub title: String,
    pub description: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub call_url: Option<String>,
    pub languages: Vec<String>,
    pub recurrence: Option<String>,
    pub contributions_until: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gathering {
    pub id: String,
    /// The coop that organised it; `None` when the node did.
    pub organiser_coop_id: Option<String>,
    pub draft: GatheringDraft,
    /// Coops of this node that run the call (ids).
    pub facilitators: Vec<String>,
    /// The coop of this node that keeps the notes (id).
    pub note_taker: Option<String>,
    /// Whether coops may still register.
    pub registration_open: bool,
    /// The note-taker's notes (Markdown): public once published.
    pub notes: String,
    pub notes_published_at: Option<NaiveDateTime>,
    /// The call as its facilitators run it, while they do.
    pub live: Option<Live>,
    /// How long each delegate speaks, in seconds.
    pub turn_seconds: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Gathering {
    pub fn is_facilitator(&self, coop_id: &str) -> bool {
        self.facilitators.iter().any(|f| f == coop_id)
    }

    pub fn is_past(&self, now: NaiveDateTime) -> bool {
        self.draft.ends_at <= now
    }

    /// A time of it in its own zone, with the offset (as Mobilizon and
    /// calendars write it).
    pub fn in_zone(&self, t: NaiveDateTime) -> DateTime<FixedOffset> {
        utc(t).with_timezone(&self.zone()).fixed_offset()
    }

    /// What it says as a post: its description, when it happens in its
    /// zone, and its page (`page`), as HTML. The `Event`'s `content`, and
    /// the body of its status in Mastodon apps.
    pub fn announcement_html(&self, page: &str) -> String {
        let d = &self.draft;
        let mut html = String::new();
        for paragraph in d.description.split("\n\n").filter(|p| !p.trim().is_empty()) {
            html.push_str(&format!(
                "<p>{}</p>",
                escape_html(paragraph.trim()).replace('\n', "<br>")
            ));
        }
        html.push_str(&format!(
            "<p>{} – {} ({})</p><p><a href=\"{page}\">{page}</a></p>",
            self.in_zone(d.starts_at).format("%Y-%m-%d %H:%M"),
            self.in_zone(d.ends_at).format("%H:%M"),
            escape_html(&d.time_zone),
            page = escape_html(page),
        ));
        html
    }

    pub fn zone(&self) -> chrono_tz::Tz {
        // Checked when stored; UTC only if a row was edited by hand.
        self.draft.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The next `n` starts of a recurring gathering from its first one, in
    /// its zone (wall-clock time kept across daylight-saving changes).
    pub fn occurrences(&self, n: u16) -> Vec<DateTime<chrono_tz::Tz>> {
        let Some(rule) = &self.draft.recurrence else {
            return Vec::new();
        };
        let zone = self.zone();
        let start = zone.from_utc_datetime(&self.draft.starts_at);
        rule_set(rule, start)
            .map(|set| {
                set.all(n)
                    .dates
                    .into_iter()
                    .map(|d| d.with_timezone(&zone))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A coop registered for a gathering.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub gathering_id: String,
    /// A coop of this node (its id).
    pub coop_id: String,
    /// Who speaks for the coop in the call.
    pub delegate: String,
    pub joined_at: NaiveDateTime,
    /// Its contribution to the rounds: what the coop is about …
    pub about: String,
    /// … and the needs and offers it brings (ids of its proposals).
    pub proposals: Vec<String>,
    /// When it last contributed, ahead of the call or during it.
    pub contributed_at: Option<NaiveDateTime>,
}

/// An actor of another server registered for a gathering by an
/// ActivityPub `Join` (a coop on another node, a Mobilizon account ...).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteParticipant {
    pub gathering_id: String,
    /// Its `remote_actors` id.
    pub actor_id: String,
    /// The `Join` it sent: our `Accept` names it, its `Undo` ends it.
    pub join_ap_id: String,
    pub delegate: String,
    pub joined_at: NaiveDateTime,
    /// Its contribution to the rounds, as received: what it is about
    /// (sanitised HTML) …
    pub about_html: String,
    /// … and the needs and offers it brings (`remote_proposals` ids).
    pub proposals: Vec<String>,
    pub contributed_at: Option<NaiveDateTime>,
}

crate::domain::proposal::string_enum!(
    /// A facilitator's decision on a pair of the board.
    SynergyState { Confirmed => "confirmed", Dismissed => "dismissed" }
);

/// A facilitator's decision on a need and an offer brought to a gathering.
#[derive(Debug, Clone, PartialEq)]
pub struct Synergy {
    pub gathering_id: String,
    pub need_id: String,
    pub offer_id: String,
    pub state: SynergyState,
    /// The introduction a confirmation opened.
    pub introduction_id: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: NaiveDateTime,
}

crate::domain::proposal::string_enum!(
    /// The three rounds of the call, in their order.
    Round { About => "about", Needs => "needs", Offers => "offers" }
);

impl Round {
    /// The round after this one, if any.
    pub fn next(self) -> Option<Round> {
        match self {
            Round::About => Some(Round::Needs),
            Round::Needs => Some(Round::Offers),
            Round::Offers => None,
        }
    }
}

/// Where the live call stands: a round, whose turn (a place in the
/// speaking order), and since when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Live {
    pub round: Round,
    pub turn: i32,
    pub since: NaiveDateTime,
}

/// What a facilitator may set a turn to, in seconds: one to three minutes.
pub const TURN_SECONDS: std::ops::RangeInclusive<i32> = 60..=180;
pub const TURN_SECONDS_DEFAULT: i32 = 120;

/// A turn's length as a facilitator sets it.
pub fn turn_seconds(value: i32) -> Checked<i32> {
    if TURN_SECONDS.contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::new(
            "seconds",
            "a turn lasts 60 to 180 seconds",
        ))
    }
}

impl Live {
    /// The next turn among `speakers`: the next delegate, else the next
    /// round's first, else `None` when the last round is over.
    pub fn next(self, speakers: usize, now: NaiveDateTime) -> Option<Live> {
        let turn = self.turn + 1;
        if (turn as usize) < speakers {
            return Some(Live {
                turn,
                since: now,
                ..self
            });
        }
        self.round.next().map(|round| Live {
            round,
            turn: 0,
            since: now,
        })
    }
}

/// A facilitator's `confirm` or `dismiss`, as a yes or no.
pub fn confirms(decision: &str) -> Checked<bool> {
    match decision {
        "confirm" => Ok(true),
        "dismiss" => Ok(false),
        _ => Err(ValidationError::new(
            "decision",
            "must be confirm or dismiss",
        )),
    }
}

/// Proposals one coop may bring to a gathering.
pub const CONTRIBUTED_PROPOSALS_MAX: usize = 20;

fn rule_set(
    rule: &str,
    start: DateTime<chrono_tz::Tz>,
) -> Result<rrule::RRuleSet, rrule::RRuleError> {
    let rule: rrule::RRule<rrule::Unvalidated> = rule.parse()?;
    rule.build(start.with_timezone(&rrule::Tz::Tz(start.timezone())))
}

/// A time as RFC 3339 with its offset; a time without one is refused,
/// since nobody could say when it is.
pub fn instant(field: &str, value: &str) -> Checked<DateTime<FixedOffset>> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    DateTime::parse_from_rfc3339(value).map_err(|_| {
        let message = if wall_clock(value).is_some() {
            "has no time zone: give its UTC offset, as in 2027-01-14T15:00:00-03:00"
        } else {
            "must be a date and time as in 2027-01-14T15:00:00-03:00 (RFC 3339)"
        };
        ValidationError::new(field, message)
    })
}

/// `2027-01-14T15:00` or `2027-01-14T15:00:00`: a time with no zone.
fn wall_clock(value: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// A wall-clock time in `zone`, as a form gives it (`2027-01-14T15:00`),
/// as RFC 3339. Refuses a time the zone skips or repeats.
pub fn local_in_zone(field: &str, value: &str, zone: chrono_tz::Tz) -> Checked<String> {
    let value = value.trim();
    let naive =
        wall_clock(value).ok_or_else(|| ValidationError::new(field, "must be a date and time"))?;
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Ok(t.to_rfc3339()),
        _ => Err(ValidationError::new(
            field,
            "does not exist or happens twice in that time zone (a daylight-saving change): pick another time",
        )),
    }
}

impl GatheringInput {
    /// Checks every field; `now` bounds the start (not in the past, not
    /// too far ahead).
    pub fn validated(&self, now: NaiveDateTime) -> Checked<GatheringDraft> {
        let title = validate::required_text("title", &self.title, limits::TITLE_MAX)?;
        let description =
            validate::text("description", &self.description, limits::DESCRIPTION_MAX)?;
        let zone = time_zone(&self.time_zone)?;
        let starts = instant("starts_at", &self.starts_at)?.naive_utc();
        let ends = instant("ends_at", &self.ends_at)?.naive_utc();
        if ends <= starts {
            return Err(ValidationError::new("ends_at", "must be after the start"));
        }
        if ends - starts > chrono::Duration::hours(DURATION_MAX_HOURS) {
            return Err(ValidationError::new(
                "ends_at",
                format!("a gathering lasts at most {DURATION_MAX_HOURS} hours"),
            ));
        }
        if starts < now {
            return Err(ValidationError::new("starts_at", "must not be in the past"));
        }
        if starts > now + chrono::Duration::days(AHEAD_MAX_DAYS) {
            return Err(ValidationError::new(
                "starts_at",
                "must be within three years",
            ));
        }
        let call_url = validate::http_url("call_url", self.call_url.as_deref())?;
        let languages = language_list(&self.languages)?;
        let recurrence = match validate::optional_text(
            "recurrence",
            self.recurrence.as_deref(),
            RECURRENCE_MAX,
        )? {
            None => None,
            Some(rule) => Some(recurrence(&rule, zone.from_utc_datetime(&starts))?),
        };
        let contributions_until = match self.contributions_until.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => {
                let until = instant("contributions_until", v)?.naive_utc();
                if until < now {
                    return Err(ValidationError::new(
                        "contributions_until",
                        "must not be in the past",
                    ));
                }
                if until > ends {
                    return Err(ValidationError::new(
                        "contributions_until",
                        "must not be after the gathering ends",
                    ));
                }
                Some(until)
            }
        };
        Ok(GatheringDraft {
            title,
            description,
            starts_at: starts,
            ends_at: ends,
            time_zone: zone.name().to_string(),
            call_url,
            languages,
            recurrence,
            contributions_until,
        })
    }
}

/// A monthly RFC 5545 rule, as written after `RRULE:`, normalised.
fn recurrence(rule: &str, start: DateTime<chrono_tz::Tz>) -> Checked<String> {
    let rule = rule
        .trim()
        .trim_start_matches("RRULE:")
        .to_ascii_uppercase();
    let bad = |why: String| ValidationError::new("recurrence", why);
    let monthly = rule.split(';').any(|part| part.trim() == "FREQ=MONTHLY");
    if !monthly {
        return Err(bad(
            "must be a monthly RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=2TH (the second Thursday)"
                .into(),
        ));
    }
    let set =
        rule_set(&rule, start).map_err(|e| bad(format!("is not a valid RFC 5545 rule ({e})")))?;
    if set.all(1).dates.is_empty() {
        return Err(bad("never happens".into()));
    }
    Ok(rule)
}

/// The delegate a coop names when it registers.
pub fn delegate(value: &str) -> Checked<String> {
    validate::required_text("delegate", value, DELEGATE_MAX)
}

/// `t` (UTC) as RFC 3339 in UTC.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2027, 1, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default()
    }

    fn input() -> GatheringInput {
        GatheringInput {
            title: "Monthly inter-coop call".into(),
            description: "Three rounds: about, needs, offers.".into(),
            starts_at: "2027-01-14T15:00:00-03:00".into(),
            ends_at: "2027-01-14T16:30:00-03:00".into(),
            time_zone: "America/Argentina/Buenos_Aires".into(),
            call_url: Some("https://meet.example/coops".into()),
            languages: vec!["ES".into(), "en".into()],
            recurrence: Some("freq=monthly;byday=2th".into()),
            contributions_until: Some("2027-01-13T23:59:00Z".into()),
        }
    }

    fn refused(i: GatheringInput) -> String {
        match i.validated(now()) {
            Ok(_) => "accepted".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_gathering_keeps_its_times_in_utc_and_its_zone_by_name() -> Checked<()> {
        let d = input().validated(now())?;
        assert_eq!(d.starts_at.to_string(), "2027-01-14 18:00:00");
        assert_eq!(d.ends_at.to_string(), "2027-01-14 19:30:00");
        assert_eq!(d.time_zone, "America/Argentina/Buenos_Aires");
        assert_eq!(d.languages, vec!["es", "en"]);
        assert_eq!(d.recurrence.as_deref(), Some("FREQ=MONTHLY;BYDAY=2TH"));
        Ok(())
    }

    #[test]
    fn bad_times_and_rules_are_refused_naming_the_field() {
        type Change = fn(&mut GatheringInput);
        let cases: Vec<(Change, &str)> = vec![
            (
                |i| i.starts_at = "2027-01-14T15:00:00".into(),
                "starts_at: has no time zone",
            ),
            (
                |i| i.starts_at = "next thursday".into(),
                "starts_at: must be a date",
            ),
            (
                |i| i.ends_at = "2027-01-14T14:00:00-03:00".into(),
                "ends_at: must be after the start",
            ),
            (
                |i| i.ends_at = "2027-01-16T14:00:00-03:00".into(),
                "ends_at: a gathering lasts",
            ),
            (|i| i.time_zone = "Mars/Olympus".into(), "time_zone:"),
            (
                |i| {
                    i.starts_at = "2026-12-01T15:00:00Z".into();
                    i.ends_at = "2026-12-01T16:00:00Z".into();
                },
                "starts_at: must not be in the past",
            ),
            (
                |i| i.recurrence = Some("FREQ=WEEKLY".into()),
                "recurrence: must be a monthly",
            ),
            (
                |i| i.recurrence = Some("FREQ=MONTHLY;BYDAY=9XX".into()),
                "recurrence: is not a valid",
            ),
            (
                |i| i.call_url = Some("javascript:alert(1)".into()),
                "call_url:",
            ),
            (|i| i.title = "\u{200B}".into(), "title:"),
            (
                |i| i.contributions_until = Some("2027-02-01T00:00:00Z".into()),
                "contributions_until: must not be after",
            ),
            (|i| i.languages = vec!["klingon!".into()], "languages:"),
        ];
        for (change, expected) in cases {
            let mut i = input();
            change(&mut i);
            let got = refused(i);
            assert!(got.starts_with(expected), "{expected:?}: got {got:?}");
        }
    }

    #[test]
    fn a_monthly_rule_keeps_the_wall_clock_time_across_daylight_saving() -> Checked<()> {
        let mut i = input();
        i.time_zone = "Europe/Madrid".into();
        i.starts_at = "2027-03-11T17:00:00+01:00".into();
        i.ends_at = "2027-03-11T18:00:00+01:00".into();
        i.contributions_until = None;
        let draft = i.validated(now())?;
        let g = Gathering {
            id: "g".into(),
            organiser_coop_id: None,
            draft,
            facilitators: vec![],
            note_taker: None,
            registration_open: true,
            notes: String::new(),
            notes_published_at: None,
            live: None,
            turn_seconds: TURN_SECONDS_DEFAULT,
            created_at: now(),
            updated_at: now(),
        };
        let next: Vec<String> = g
            .occurrences(3)
            .iter()
            .map(|d| d.format("%Y-%m-%d %H:%M %:z").to_string())
            .collect();
        // The second Thursdays: March in winter time, April and May in summer time.
        assert_eq!(
            next,
            vec![
                "2027-03-11 17:00 +01:00",
                "2027-04-08 17:00 +02:00",
                "2027-05-13 17:00 +02:00"
            ]
        );
        Ok(())
    }

    #[test]
    fn turns_go_down_the_speaking_order_then_to_the_next_round_and_end() {
        let start = Live {
            round: Round::About,
            turn: 0,
            since: now(),
        };
        let second = start.next(2, now());
        assert_eq!(second.map(|l| (l.round, l.turn)), Some((Round::About, 1)));
        let needs = second.and_then(|l| l.next(2, now()));
        assert_eq!(needs.map(|l| (l.round, l.turn)), Some((Round::Needs, 0)));
        let last = Live {
            round: Round::Offers,
            turn: 1,
            since: now(),
        };
        assert_eq!(last.next(2, now()), None);
        assert!(turn_seconds(59).is_err() && turn_seconds(181).is_err());
        assert_eq!(turn_seconds(90), Ok(90));
    }

    #[test]
    fn a_form_time_is_read_in_the_named_zone() -> Checked<()> {
        let tz = time_zone("Europe/Madrid")?;
        assert_eq!(
            local_in_zone("starts_at", "2027-07-01T10:00", tz)?,
            "2027-07-01T10:00:00+02:00"
        );
        // 02:30 on the last Sunday of March does not exist in Madrid.
        assert!(local_in_zone("starts_at", "2027-03-28T02:30", tz).is_err());
        Ok(())
    }
}
