//! A gathering of another server as its `Event` is read (Intercoop's
//! shape, infra/wire/event.rs, or Mobilizon's): the fields a coop needs to
//! join it and show it, under the same text and link rules as any received
//! object.

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::received_proposal::link_href;
use crate::domain::remote_gathering::RemoteGathering;
use crate::domain::text::sanitize_html;
use crate::domain::urls::LinkRule;
use crate::domain::{limits, validate};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedEvent {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: Option<String>,
    pub content: Option<String>,
    pub start_time: DateTime<FixedOffset>,
    pub end_time: Option<DateTime<FixedOffset>>,
    pub timezone: Option<String>,
    #[serde(default)]
    pub url: Value,
    #[serde(default)]
    pub attributed_to: Value,
    #[serde(default)]
    pub attachment: Value,
}

impl ReceivedEvent {
    /// The organiser: `attributedTo` (a URL, or an object with an id).
    pub fn organiser(&self) -> Option<Url> {
        let one = match &self.attributed_to {
            Value::Array(items) => items.first()?,
            other => other,
        };
        super::activity::object_id(one)
    }

    /// The stored form, or why it cannot be one.
    pub fn into_gathering(
        self,
        id: String,
        organiser_actor_id: String,
        now: NaiveDateTime,
        links: LinkRule,
    ) -> Result<RemoteGathering, String> {
        if self.kind != "Event" {
            return Err(format!("{} is a {}, not an Event", self.id, self.kind));
        }
        let content = self.content.as_deref().unwrap_or("");
        if content.len() > limits::REMOTE_CONTENT_MAX {
            return Err("its content is too long".into());
        }
        let title = self
            .name
            .as_deref()
            .and_then(|n| validate::received_text(n, limits::TITLE_MAX))
            .ok_or("it has no usable name")?;
        let starts_at = self.start_time.naive_utc();
        let ends_at = self.end_time.map_or(starts_at, |t| t.naive_utc());
        if ends_at < starts_at {
            return Err("it ends before it starts".into());
        }
        let time_zone = self.timezone.filter(|z| z.parse::<chrono_tz::Tz>().is_ok());
        // The call: the first link attachment (Intercoop names it "Call";
        // Mobilizon puts its online address there too).
        let call_url = match &self.attachment {
            Value::Array(items) => items
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) == Some("Link"))
                .find_map(|a| a.get("href").and_then(Value::as_str))
                .and_then(|u| super::kept_link(links, u, "gathering call")),
            _ => None,
        };
        Ok(RemoteGathering {
            id,
            organiser_actor_id,
            title,
            content_html: sanitize_html(content),
            url: link_href(&self.url).and_then(|u| super::kept_link(links, u, "gathering url")),
            starts_at,
            ends_at,
            time_zone,
            call_url,
            notes_html: None,
            notes_at: None,
            fetched_at: now,
            ap_id: self.id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(doc: Value) -> Result<RemoteGathering, String> {
        let e: ReceivedEvent = serde_json::from_value(doc).map_err(|e| e.to_string())?;
        e.into_gathering(
            "g".into(),
            "a".into(),
            NaiveDateTime::default(),
            LinkRule::for_mode(false),
        )
    }

    #[test]
    fn reads_a_mobilizon_event_and_keeps_only_safe_links() {
        let g = read(json!({
            "id": "https://mobilizon.test/events/1", "type": "Event",
            "name": "Assemblea", "content": "<p>Hola</p><script>x()</script>",
            "startTime": "2027-01-14T15:00:00-03:00", "endTime": "2027-01-14T16:30:00-03:00",
            "timezone": "America/Argentina/Buenos_Aires",
            "url": "javascript:alert(1)",
            "attributedTo": "https://mobilizon.test/@group",
            "attachment": [{"type": "Document", "url": "https://mobilizon.test/b.jpg"},
                           {"type": "Link", "href": "https://meet.example/x"}]
        }))
        .unwrap();
        assert_eq!(g.title, "Assemblea");
        assert_eq!(g.content_html, "<p>Hola</p>");
        assert_eq!(g.starts_at.to_string(), "2027-01-14 18:00:00");
        assert_eq!(
            g.time_zone.as_deref(),
            Some("America/Argentina/Buenos_Aires")
        );
        assert_eq!(g.call_url.as_deref(), Some("https://meet.example/x"));
        assert_eq!(g.url, None, "a javascript: link is dropped");
    }

    #[test]
    fn refuses_what_is_not_a_usable_event() {
        let base = json!({"id": "https://m.test/e/1", "type": "Event", "name": "A",
                          "startTime": "2027-01-14T15:00:00Z"});
        assert!(read(base.clone()).is_ok());
        let mut note = base.clone();
        note["type"] = json!("Note");
        assert!(read(note).is_err());
        let mut hidden = base.clone();
        hidden["name"] = json!("A\u{202e}B");
        assert!(read(hidden).is_err(), "a name that reorders what it shows");
        let mut backwards = base.clone();
        backwards["endTime"] = json!("2027-01-14T14:00:00Z");
        assert!(read(backwards).is_err());
        let mut zone = base;
        zone["timezone"] = json!("Mars/Olympus");
        assert_eq!(read(zone).unwrap().time_zone, None);
    }
}
