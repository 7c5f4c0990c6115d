//! Activities: the ones we send (one generic envelope) and the envelope of
//! the ones we receive, whose `object` is read by the kind of activity.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::PUBLIC;

/// An activity we send. `object` is a URL or an embedded object.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingActivity<O: Serialize> {
    #[serde(rename = "@context")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub actor: Url,
    pub object: O,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
}

impl<O: Serialize> OutgoingActivity<O> {
    /// As JSON, for the delivery queue.
    pub fn to_value(&self) -> Value {
        // Serialising plain derive(Serialize) data cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A `Follow` as it is embedded in `Accept`, `Reject` and `Undo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FollowObject {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: Url,
    pub object: Url,
}

impl FollowObject {
    pub fn new(id: Url, actor: Url, object: Url) -> Self {
        FollowObject {
            id,
            kind: "Follow".into(),
            actor,
            object,
        }
    }
}

/// The other party of a follow relation, seen from `actor`.
fn object_counterpart<'a>(actor: &Url, follow: &'a FollowObject) -> &'a Url {
    if &follow.actor == actor {
        &follow.object
    } else {
        &follow.actor
    }
}

/// `actor` asks to follow `object`. Sent as a bare URL object, like Mastodon.
pub fn follow(id: Url, actor: Url, object: Url) -> OutgoingActivity<Url> {
    OutgoingActivity {
        context: super::context::plain(),
        to: vec![object.to_string()],
        id,
        kind: "Follow",
        actor,
        object,
        cc: Vec::new(),
        published: None,
    }
}

/// `Accept`, `Reject` or `Undo` of a follow, which travels embedded.
pub fn about_follow(
    kind: &'static str,
    id: Url,
    actor: Url,
    object: FollowObject,
) -> OutgoingActivity<FollowObject> {
    OutgoingActivity {
        context: super::context::plain(),
        to: vec![object_counterpart(&actor, &object).to_string()],
        id,
        kind,
        actor,
        object,
        cc: Vec::new(),
        published: None,
    }
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// `Update` or `Create` of a public object, addressed like the object.
pub fn public<O: Serialize>(
    kind: &'static str,
    id: Url,
    actor: Url,
    followers: &Url,
    object: O,
    published: NaiveDateTime,
) -> OutgoingActivity<O> {
    OutgoingActivity {
        context: super::context::proposal(),
        id,
        kind,
        actor,
        object,
        to: vec![PUBLIC.into()],
        cc: vec![followers.to_string()],
        published: Some(utc(published)),
    }
}

/// The object of a `Delete`: Mastodon's shape, a Tombstone with the id.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedObject {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

pub fn delete(
    id: Url,
    actor: Url,
    followers: &Url,
    object: Url,
    at: NaiveDateTime,
) -> OutgoingActivity<DeletedObject> {
    let mut activity = public(
        "Delete",
        id,
        actor,
        followers,
        DeletedObject {
            id: object,
            kind: "Tombstone",
        },
        at,
    );
    activity.context = super::context::plain();
    activity
}

/// A received activity before its object is read: only what every activity
/// has. Unknown properties are ignored, as ActivityPub requires.
#[derive(Debug, Clone, Deserialize)]
pub struct IncomingActivity {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: Url,
    #[serde(default)]
    pub object: Value,
    /// An introduction's message (on its `Offer`).
    #[serde(default)]
    pub content: Value,
    /// Contact details, on an introduction's `Offer` or `Accept`.
    #[serde(default, rename = "contactPoint")]
    pub contact_point: Value,
    /// Who speaks for the joining coop, on a gathering's `Join`.
    #[serde(default)]
    pub delegate: Value,
}

/// The id of an object that may be given as a URL or embedded.
pub fn object_id(object: &Value) -> Option<Url> {
    match object {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(map) => map
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

/// The `type` of an embedded object.
pub fn object_type(object: &Value) -> Option<&str> {
    object.get("type").and_then(Value::as_str)
}

/// The follow an `Accept`, `Reject` or `Undo` refers to: its id, and its
/// parties when it is embedded (some servers send only the id).
pub fn referenced_follow(object: &Value) -> Option<(Url, Option<FollowObject>)> {
    let id = object_id(object)?;
    let embedded = serde_json::from_value::<FollowObject>(object.clone()).ok();
    Some((id, embedded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn accept_embeds_the_follow_and_addresses_the_follower() {
        let follow = FollowObject::new(
            url("https://masto.test/f/1"),
            url("https://masto.test/users/ana"),
            url("https://coops.test/actors/fiqus"),
        );
        let accept = about_follow(
            "Accept",
            url("https://coops.test/actors/fiqus#accepts/1"),
            url("https://coops.test/actors/fiqus"),
            follow,
        )
        .to_value();
        assert_eq!(accept["type"], "Accept");
        assert_eq!(accept["object"]["type"], "Follow");
        assert_eq!(accept["object"]["id"], "https://masto.test/f/1");
        assert_eq!(accept["to"][0], "https://masto.test/users/ana");
    }

    #[test]
    fn reads_a_follow_given_by_id_or_embedded() {
        let (id, embedded) =
            referenced_follow(&Value::String("https://a.test/f/1".into())).unwrap();
        assert_eq!(id.as_str(), "https://a.test/f/1");
        assert!(embedded.is_none());
        let (_, embedded) = referenced_follow(&serde_json::json!({
            "id": "https://a.test/f/1", "type": "Follow",
            "actor": "https://a.test/u/x", "object": "https://b.test/u/y"
        }))
        .unwrap();
        assert_eq!(embedded.unwrap().object.as_str(), "https://b.test/u/y");
        assert!(referenced_follow(&serde_json::json!(42)).is_none());
    }
}
