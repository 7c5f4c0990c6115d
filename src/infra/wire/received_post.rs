//! Reading posts of followed accounts that are not needs or offers (a
//! Mastodon toot, a GoToSocial status): what the home timelines of the
//! coops following their authors show for a while.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::received_proposal::{link_href, naive, plain_text, ReceivedNote};
use crate::domain::coop::language_tag;
use crate::domain::remote::{PostVisibility, RemotePost};
use crate::domain::text::sanitize_html;
use crate::domain::urls::LinkRule;
use crate::domain::{limits, validate};

/// Object types read as posts: what Mastodon shows as statuses.
const POST_TYPES: [&str; 3] = ["Note", "Article", "Page"];

/// The public collection, in the three spellings servers send.
const PUBLIC: [&str; 3] = [
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
];

/// A content warning, as long as Mastodon lets one be.
const SUMMARY_MAX: usize = 500;

/// Why a received post is not kept.
#[derive(Debug, PartialEq)]
pub enum NotKept {
    /// Nothing wrong; just not for a home timeline (a reply, a direct
    /// message, a type we do not show).
    Skipped(&'static str),
    /// Breaks a rule.
    Invalid(String),
}

fn addresses(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Who it is for. A post to neither the public nor a followers collection
/// of its author's is a direct message: never kept.
fn visibility(note: &ReceivedNote, author: &url::Url) -> Option<PostVisibility> {
    let (to, cc) = (addresses(&note.to), addresses(&note.cc));
    if to.iter().any(|a| PUBLIC.contains(a)) {
        return Some(PostVisibility::Public);
    }
    if cc.iter().any(|a| PUBLIC.contains(a)) {
        return Some(PostVisibility::Unlisted);
    }
    // We keep no actor's followers URL; servers name it `.../followers`
    // on the author's own origin (Mastodon, GoToSocial, Misskey, Pleroma).
    let followers = to.iter().chain(&cc).any(|a| {
        url::Url::parse(a).is_ok_and(|u| {
            crate::domain::urls::same_origin(&u, author) && u.path().ends_with("/followers")
        })
    });
    followers.then_some(PostVisibility::Private)
}

/// The language of `contentMap` when it gives exactly one.
fn language(content_map: &Value) -> Option<String> {
    match content_map {
        Value::Object(m) if m.len() == 1 => m.keys().next().and_then(|k| language_tag(k)),
        _ => None,
    }
}

impl ReceivedNote {
    /// The stored form of a plain post by `author`, or why it is not kept.
    pub fn into_post(
        self,
        id: String,
        actor_id: String,
        author: &url::Url,
        now: NaiveDateTime,
        links: LinkRule,
    ) -> Result<RemotePost, NotKept> {
        if !POST_TYPES.contains(&self.kind.as_str()) {
            return Err(NotKept::Skipped("not a type shown as a post"));
        }
        if !self.in_reply_to.is_null() {
            return Err(NotKept::Skipped("replies are not kept"));
        }
        let visibility =
            visibility(&self, author).ok_or(NotKept::Skipped("direct messages are not kept"))?;
        let content = self.content.as_deref().unwrap_or("");
        if content.len() > limits::REMOTE_CONTENT_MAX {
            return Err(NotKept::Invalid("content is too long".into()));
        }
        let mut content_html = sanitize_html(content);
        // An Article's title leads, as Mastodon shows it.
        if self.kind != "Note" {
            if let Some(name) = self
                .name
                .as_deref()
                .and_then(|n| validate::received_text(n, limits::TITLE_MAX))
            {
                content_html = format!(
                    "<p><strong>{}</strong></p>{content_html}",
                    crate::domain::text::escape_html(&name)
                );
            }
        }
        if plain_text(&content_html).is_empty() {
            return Err(NotKept::Skipped("nothing to show"));
        }
        let published = self.published.map(naive).unwrap_or(now);
        Ok(RemotePost {
            id,
            actor_id,
            ap_id: self.id.to_string(),
            content_html,
            summary: self
                .summary
                .as_deref()
                .and_then(|s| validate::received_text(&plain_text(s), SUMMARY_MAX)),
            sensitive: self.sensitive.as_bool().unwrap_or(false),
            url: link_href(&self.url).and_then(|u| super::kept_link(links, u, "post url")),
            visibility,
            language: language(&self.content_map),
            published_at: published,
            updated_at: self.updated.map(naive).unwrap_or(published),
            received_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AUTHOR: &str = "https://social.example/users/ana";

    fn note(extra: Value) -> ReceivedNote {
        let mut v = json!({
            "id": "https://social.example/users/ana/statuses/1",
            "type": "Note",
            "attributedTo": AUTHOR,
            "content": "<p>Hello <script>alert(1)</script>coops</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": ["https://social.example/users/ana/followers"],
        });
        if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
            m.extend(e);
        }
        serde_json::from_value(v).unwrap()
    }

    fn read(n: ReceivedNote) -> Result<RemotePost, NotKept> {
        let author = url::Url::parse(AUTHOR).unwrap();
        n.into_post(
            "id".into(),
            "actor".into(),
            &author,
            chrono::Utc::now().naive_utc(),
            LinkRule::for_mode(false),
        )
    }

    #[test]
    fn a_public_toot_is_kept_sanitised() {
        let p = read(note(
            json!({"contentMap": {"en": "x"}, "summary": "cw", "sensitive": true}),
        ))
        .unwrap();
        assert_eq!(p.visibility, PostVisibility::Public);
        assert!(!p.content_html.contains("script"), "{}", p.content_html);
        assert!(p.content_html.contains("coops"));
        assert_eq!(p.language.as_deref(), Some("en"));
        assert_eq!(p.summary.as_deref(), Some("cw"));
        assert!(p.sensitive);
    }

    #[test]
    fn visibility_follows_the_addressing() {
        let unlisted = note(json!({
            "to": ["https://social.example/users/ana/followers"],
            "cc": ["as:Public"],
        }));
        assert_eq!(read(unlisted).unwrap().visibility, PostVisibility::Unlisted);
        let private = note(json!({"to": ["https://social.example/users/ana/followers"], "cc": []}));
        assert_eq!(read(private).unwrap().visibility, PostVisibility::Private);
        // Someone else's followers collection does not make it ours to show.
        let direct = note(json!({
            "to": ["https://coops.example/actors/a", "https://elsewhere.example/users/b/followers"],
            "cc": [],
        }));
        assert_eq!(
            read(direct).unwrap_err(),
            NotKept::Skipped("direct messages are not kept")
        );
    }

    #[test]
    fn replies_other_types_and_empty_posts_are_skipped() {
        let reply = note(json!({"inReplyTo": "https://social.example/users/bo/statuses/9"}));
        assert!(matches!(read(reply), Err(NotKept::Skipped(_))));
        assert!(matches!(
            read(note(json!({"type": "Question"}))),
            Err(NotKept::Skipped(_))
        ));
        assert!(matches!(
            read(note(json!({"content": "<p> </p>"}))),
            Err(NotKept::Skipped(_))
        ));
        let long = "x".repeat(limits::REMOTE_CONTENT_MAX + 1);
        assert!(matches!(
            read(note(json!({ "content": long }))),
            Err(NotKept::Invalid(_))
        ));
    }

    #[test]
    fn hostile_links_and_warnings_are_dropped() {
        let p = read(note(json!({
            "url": "javascript:alert(1)",
            "summary": "\u{202e}reversed",
        })))
        .unwrap();
        assert_eq!(p.url, None);
        assert_eq!(p.summary, None);
    }
}
