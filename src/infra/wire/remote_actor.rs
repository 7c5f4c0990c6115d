//! Actor documents of other servers, read leniently: Mastodon, Lemmy,
//! GoToSocial, Mitra and others differ in what they include.

use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::domain::coop::{country_code, language_tag};
use crate::domain::remote::RemoteActor;
use crate::domain::text::{sanitize_html, truncate_chars as cut};
use crate::domain::urls::LinkRule;
use crate::domain::urls::{origin_of, same_origin};
use crate::domain::{limits, validate};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemotePublicKey {
    pub id: Url,
    pub owner: Url,
    pub public_key_pem: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteEndpoints {
    pub shared_inbox: Option<Url>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteActorDocument {
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub preferred_username: Option<String>,
    pub name: Option<String>,
    pub summary: Option<String>,
    /// A URL, a Link object or a list of them, depending on the server.
    #[serde(default)]
    pub url: Value,
    pub inbox: Url,
    #[serde(default)]
    pub endpoints: Option<RemoteEndpoints>,
    pub public_key: RemotePublicKey,
    /// schema.org terms Intercoop nodes send; others may too.
    #[serde(default)]
    pub address_country: Value,
    #[serde(default)]
    pub knows_language: Value,
    /// Intercoop's `stage`: `start-coop` or `established`; anything else
    /// is read as not said.
    #[serde(default)]
    pub stage: Value,
    /// FEP-844e: what its server implements (on server actors); also read
    /// from a `generator` object, where the FEP allows it too.
    #[serde(default)]
    pub implements: Value,
    #[serde(default)]
    pub generator: Value,
}

impl RemoteActorDocument {
    /// Whether it says (FEP-844e) that its server verifies RFC 9421 HTTP
    /// Message Signatures.
    pub fn implements_rfc9421(&self) -> bool {
        let said = |v: &Value| match v {
            Value::Array(items) => items.iter().any(|i| {
                i.get("href").and_then(Value::as_str).is_some_and(|h| {
                    h.trim_end_matches('/') == super::actor::RFC9421_HREF
                        || h.trim_end_matches('/') == "https://www.rfc-editor.org/rfc/rfc9421"
                })
            }),
            _ => false,
        };
        said(&self.implements) || said(&self.generator["implements"])
    }
}

/// Actor types we follow and accept followers from.
pub const ACTOR_TYPES: [&str; 5] = ["Organization", "Person", "Application", "Service", "Group"];

fn first_url(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Url::parse(s).ok().map(|u| u.to_string()),
        Value::Object(map) => map.get("href").and_then(first_url),
        Value::Array(items) => items.iter().find_map(first_url),
        _ => None,
    }
}

/// A string or a list of strings, as JSON-LD allows either.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The languages given, checked and deduplicated; anything odd is dropped.
fn languages(value: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in strings(value).into_iter().filter_map(language_tag) {
        if !out.contains(&tag) && out.len() < limits::LANGUAGES_MAX {
            out.push(tag);
        }
    }
    out
}

const NAME_MAX: usize = 200;
const SUMMARY_MAX: usize = 10_000;

impl RemoteActorDocument {
    /// Checks the rules an actor document must follow to be trusted: a known
    /// type, and an inbox and key that belong to its own origin.
    pub fn check(&self) -> Result<(), String> {
        if !ACTOR_TYPES.contains(&self.kind.as_str()) {
            return Err(format!(
                "'{}' is not an actor type we federate with",
                self.kind
            ));
        }
        if self.public_key.owner != self.id {
            return Err("its key belongs to another actor".into());
        }
        if !same_origin(&self.public_key.id, &self.id) || !same_origin(&self.inbox, &self.id) {
            return Err("its key or inbox is on another host".into());
        }
        if let Some(shared) = self
            .endpoints
            .as_ref()
            .and_then(|e| e.shared_inbox.as_ref())
        {
            if !same_origin(shared, &self.id) {
                return Err("its shared inbox is on another host".into());
            }
        }
        Ok(())
    }

    /// The stored form. `id` is our local id for it.
    pub fn into_domain(
        self,
        id: String,
        fetched_at: NaiveDateTime,
        links: LinkRule,
    ) -> Result<RemoteActor, String> {
        self.check()?;
        // Names follow the local text rule: one that hides or reorders
        // what it shows refuses the document (the activity gets a 4xx).
        for (field, value) in [
            ("preferredUsername", &self.preferred_username),
            ("name", &self.name),
        ] {
            if let Some(problem) = value.as_deref().and_then(validate::text_problem) {
                return Err(format!("{field} {problem}"));
            }
        }
        let host = origin_of(&self.id).ok_or("the actor id has no host")?;
        let username = self
            .preferred_username
            .clone()
            .filter(|u| !u.trim().is_empty())
            .or_else(|| {
                self.id
                    .path_segments()
                    .and_then(|mut s| s.next_back().map(str::to_string))
            })
            .unwrap_or_default();
        Ok(RemoteActor {
            id,
            kind: self.kind,
            username: cut(&username, NAME_MAX),
            host,
            display_name: cut(self.name.as_deref().unwrap_or(&username).trim(), NAME_MAX),
            summary_html: sanitize_html(&cut(self.summary.as_deref().unwrap_or(""), SUMMARY_MAX)),
            url: first_url(&self.url).and_then(|u| super::kept_link(links, &u, "actor url")),
            inbox: self.inbox.to_string(),
            shared_inbox: self
                .endpoints
                .and_then(|e| e.shared_inbox)
                .map(|u| u.to_string()),
            public_key_pem: self.public_key.public_key_pem,
            country: strings(&self.address_country)
                .first()
                .and_then(|c| country_code(c)),
            languages: languages(&self.knows_language),
            stage: self
                .stage
                .as_str()
                .and_then(crate::domain::coop::Stage::parse),
            ap_id: self.id.to_string(),
            fetched_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(extra: Value) -> RemoteActorDocument {
        let mut v = serde_json::json!({
            "id": "https://a.example/actor", "type": "Application", "inbox": "https://a.example/inbox",
            "publicKey": {"id": "https://a.example/actor#main-key", "owner": "https://a.example/actor",
                          "publicKeyPem": "x"}
        });
        for (k, val) in extra.as_object().unwrap() {
            v[k] = val.clone();
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn rfc_9421_support_is_read_from_implements_or_the_generator() {
        let rfc = serde_json::json!([{"href": "https://datatracker.ietf.org/doc/html/rfc9421",
                                      "name": "RFC-9421: HTTP Message Signatures"}]);
        assert!(doc(serde_json::json!({"implements": rfc.clone()})).implements_rfc9421());
        assert!(
            doc(serde_json::json!({"generator": {"type": "Application", "implements": rfc}}))
                .implements_rfc9421()
        );
        assert!(!doc(serde_json::json!({})).implements_rfc9421());
        assert!(!doc(serde_json::json!({"implements": "rfc9421"})).implements_rfc9421());
    }
}
