//! WebFinger (RFC 7033) answers for coops (`acct:handle@domain`) and for the
//! node itself (`acct:domain@domain`, or the server URL as in FEP-d556).

use serde::{Deserialize, Serialize};
use url::Url;

pub const CONTENT_TYPE: &str = "application/jrd+json";
pub const SERVICE_REL: &str = "https://www.w3.org/ns/activitystreams#Service";

#[derive(Debug, Serialize, Deserialize)]
pub struct WebfingerLink {
    pub rel: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub href: Url,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Webfinger {
    pub subject: String,
    pub aliases: Vec<Url>,
    pub links: Vec<WebfingerLink>,
}

impl Webfinger {
    pub fn actor(subject: String, actor: Url, server_actor: bool) -> Self {
        let mut links = vec![WebfingerLink {
            rel: "self".into(),
            kind: Some(crate::infra::wire::ACTIVITY_JSON.into()),
            href: actor.clone(),
        }];
        if server_actor {
            links.push(WebfingerLink {
                rel: SERVICE_REL.into(),
                kind: Some(crate::infra::wire::ACTIVITY_JSON.into()),
                href: actor.clone(),
            });
        }
        Webfinger {
            subject,
            aliases: vec![actor],
            links,
        }
    }
}

/// A JRD as other servers answer it: only what we read, every field
/// optional (links may carry a `template` and no `href`).
#[derive(Debug, Deserialize)]
pub struct ReceivedWebfinger {
    #[serde(default)]
    pub links: Vec<ReceivedLink>,
}

#[derive(Debug, Deserialize)]
pub struct ReceivedLink {
    #[serde(default)]
    pub rel: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub href: Option<String>,
}

impl ReceivedWebfinger {
    /// The ActivityPub actor named by the `self` link.
    pub fn actor(&self) -> Option<Url> {
        self.links
            .iter()
            .filter(|l| l.rel == "self")
            .filter(|l| {
                l.kind.as_deref().is_some_and(|k| {
                    k.starts_with(crate::infra::wire::ACTIVITY_JSON)
                        || k.starts_with("application/ld+json")
                })
            })
            .find_map(|l| Url::parse(l.href.as_deref()?).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_self_link_of_a_mastodon_answer_is_the_actor() {
        let jrd: ReceivedWebfinger = serde_json::from_str(
            r#"{"subject":"acct:ana@m.example","links":[
                {"rel":"http://webfinger.net/rel/profile-page","type":"text/html","href":"https://m.example/@ana"},
                {"rel":"self","type":"application/activity+json","href":"https://m.example/users/ana"},
                {"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://m.example/authorize_interaction?uri={uri}"}]}"#,
        )
        .unwrap();
        assert_eq!(jrd.actor().unwrap().as_str(), "https://m.example/users/ana");
        let none: ReceivedWebfinger = serde_json::from_str(
            r#"{"links":[{"rel":"self","type":"text/html","href":"https://x.example/"}]}"#,
        )
        .unwrap();
        assert!(none.actor().is_none());
    }
}
