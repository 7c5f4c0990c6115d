//! Actor documents: a coop is an `Organization`, the node an `Application`.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::escape_html;
use crate::domain::actor::ActorKeys;
use crate::domain::coop::Coop;
use crate::domain::uploaded_image::{CoopPictures, Picture};
use crate::domain::urls::Urls;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    pub id: Url,
    pub owner: Url,
    pub public_key_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub shared_inbox: Url,
}

/// A profile field as Mastodon shows it; `value` is HTML.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PropertyValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub value: String,
}

impl PropertyValue {
    fn text(name: &str, value: &str) -> Self {
        PropertyValue {
            kind: "PropertyValue".into(),
            name: name.into(),
            value: escape_html(value),
        }
    }
}

/// An actor's avatar (`icon`) or header (`image`), as Mastodon sends them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImageObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub media_type: String,
    pub url: Url,
}

impl ImageObject {
    /// A coop's picture: the upload in its own format, else the generated PNG.
    fn of_coop(urls: &Urls, coop: &Coop, pictures: &CoopPictures, picture: Picture) -> Self {
        let version = pictures.get(picture);
        ImageObject {
            kind: "Image".into(),
            media_type: version
                .map_or("image/png", |v| v.content_type.as_str())
                .into(),
            url: urls.picture(&coop.id, picture, version),
        }
    }
}

/// What the node actor tells peers about the node.
pub struct NodeFacts {
    pub name: String,
    pub coops: i64,
    pub open_proposals: i64,
    pub manually_approves_nodes: bool,
    /// `open` or `allowlist`.
    pub federation_mode: &'static str,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorDocument {
    /// Null (left out) when embedded in a collection page.
    #[serde(rename = "@context", default, skip_serializing_if = "Value::is_null")]
    pub context: Value,
    pub id: Url,
    #[serde(rename = "type")]
    pub kind: String,
    pub preferred_username: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub url: Url,
    pub inbox: Url,
    pub outbox: Url,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    /// The node actor's directory of coops and open proposals, which
    /// follower nodes read to backfill.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Url>,
    pub endpoints: Endpoints,
    pub manually_approves_followers: bool,
    pub discoverable: bool,
    pub indexable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<PropertyValue>,
    /// schema.org `addressCountry`: the coop's ISO 3166-1 code, machine
    /// readable beside the `Location` field (directory filters use it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    /// schema.org `knowsLanguage`: BCP 47 tags of the languages it works in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knows_language: Vec<String>,
    /// Intercoop: `start-coop` or `established`, when the coop says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The avatar.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<ImageObject>,
    /// The header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageObject>,
    /// FEP-2c59: the `acct:` address, so Mastodon 4.6+ skips guessing it.
    pub webfinger: String,
    pub public_key: PublicKey,
    /// FEP-844e: what the server implements (on the node actor only): RFC
    /// 9421 signatures, so peers may sign to us that way at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<Implements>,
}

/// A FEP-844e capability: the specification's URL and its name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Implements {
    pub href: Url,
    pub name: String,
}

/// RFC 9421, as FEP-844e names it.
pub const RFC9421_HREF: &str = "https://datatracker.ietf.org/doc/html/rfc9421";

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// Profile facts as PropertyValue fields, because Mastodon ignores actor
/// properties it does not know (location, languages ...).
fn profile_fields(coop: &Coop) -> Vec<PropertyValue> {
    coop.profile
        .fields()
        .into_iter()
        .map(|(name, value)| PropertyValue {
            kind: "PropertyValue".into(),
            name: name.into(),
            value,
        })
        .collect()
}

impl ActorDocument {
    /// A coop's actor, with its uploaded pictures (or the generated ones).
    pub fn from_coop(coop: &Coop, keys: &ActorKeys, urls: &Urls, pictures: &CoopPictures) -> Self {
        let id = urls.actor(&coop.handle);
        ActorDocument {
            context: super::context::actor(),
            preferred_username: coop.handle.clone(),
            name: coop.profile.display_name.clone(),
            summary: Some(coop.about_html.clone()).filter(|s| !s.is_empty()),
            url: id.clone(),
            inbox: urls.actor_part(&coop.handle, "inbox"),
            outbox: urls.actor_part(&coop.handle, "outbox"),
            followers: Some(urls.actor_part(&coop.handle, "followers")),
            following: Some(urls.actor_part(&coop.handle, "following")),
            featured: Some(urls.actor_part(&coop.handle, "featured")),
            directory: None,
            endpoints: Endpoints {
                shared_inbox: urls.shared_inbox(),
            },
            manually_approves_followers: coop.profile.manually_approves_followers,
            discoverable: true,
            indexable: true,
            published: Some(utc(coop.created_at)),
            updated: Some(utc(coop.updated_at)),
            attachment: profile_fields(coop),
            address_country: coop.profile.country.clone(),
            knows_language: coop.profile.languages.clone(),
            stage: coop.profile.stage.map(|s| s.as_str().to_string()),
            icon: Some(ImageObject::of_coop(urls, coop, pictures, Picture::Avatar)),
            image: Some(ImageObject::of_coop(urls, coop, pictures, Picture::Header)),
            webfinger: format!("acct:{}@{}", coop.handle, urls.domain()),
            implements: Vec::new(),
            public_key: PublicKey {
                id: urls.key_id(&id),
                owner: id.clone(),
                public_key_pem: keys.public_key_pem.clone(),
            },
            kind: "Organization".into(),
            id,
        }
    }

    /// What an unsigned reader gets in authorized-fetch mode: enough to
    /// check the actor's signatures and deliver to it (id, type, handle,
    /// inboxes, key), nothing of its profile.
    pub fn key_only(self) -> Self {
        ActorDocument {
            name: self.preferred_username.clone(),
            summary: None,
            followers: None,
            following: None,
            featured: None,
            directory: None,
            published: None,
            updated: None,
            attachment: Vec::new(),
            address_country: None,
            knows_language: Vec::new(),
            stage: None,
            icon: None,
            image: None,
            ..self
        }
    }

    /// The node's own actor (FEP-2677): signs fetches, and is what one node
    /// follows on another. `preferredUsername` is the domain, as Mastodon does.
    /// The node's `Application` actor, with what a peer needs to decide
    /// whether to follow it.
    pub fn node(keys: &ActorKeys, urls: &Urls, facts: &NodeFacts) -> Self {
        let domain = urls.domain();
        let id = urls.node_actor();
        ActorDocument {
            context: super::context::actor(),
            preferred_username: domain.to_string(),
            name: facts.name.clone(),
            summary: Some(format!(
                "<p>An Intercoop node: {} coops, {} open needs and offers.</p>",
                facts.coops, facts.open_proposals
            )),
            url: urls.root(),
            inbox: urls.shared_inbox(),
            outbox: urls.url_for_node_outbox(),
            followers: Some(urls.node_followers()),
            following: None,
            featured: None,
            directory: Some(urls.node_directory()),
            endpoints: Endpoints {
                shared_inbox: urls.shared_inbox(),
            },
            manually_approves_followers: facts.manually_approves_nodes,
            discoverable: false,
            indexable: false,
            published: None,
            updated: None,
            attachment: vec![
                PropertyValue::text("Coops", &facts.coops.to_string()),
                PropertyValue::text("Open needs and offers", &facts.open_proposals.to_string()),
                PropertyValue::text(
                    "Software",
                    &format!("intercoop {}", env!("CARGO_PKG_VERSION")),
                ),
                PropertyValue::text("Federation", facts.federation_mode),
            ],
            address_country: None,
            knows_language: Vec::new(),
            stage: None,
            icon: Some(ImageObject {
                kind: "Image".into(),
                media_type: "image/png".into(),
                url: urls.node_image(),
            }),
            image: None,
            webfinger: format!("acct:{domain}@{domain}"),
            implements: Url::parse(RFC9421_HREF)
                .map(|href| Implements {
                    href,
                    name: "RFC-9421: HTTP Message Signatures".into(),
                })
                .into_iter()
                .collect(),
            public_key: PublicKey {
                id: urls.key_id(&id),
                owner: id.clone(),
                public_key_pem: keys.public_key_pem.clone(),
            },
            kind: "Application".into(),
            id,
        }
    }
}
