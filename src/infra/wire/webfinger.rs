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
