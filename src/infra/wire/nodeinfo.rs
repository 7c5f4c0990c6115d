//! NodeInfo 2.1 (schema: nodeinfo.diaspora.software) and its discovery
//! document, which also carries the FEP-2677 link to the node actor.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use url::Url;

pub const SCHEMA_21: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";
pub const APPLICATION_REL: &str = "https://www.w3.org/ns/activitystreams#Application";
/// The media type the NodeInfo protocol asks for.
pub const CONTENT_TYPE: &str =
    "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"";

#[derive(Debug, Serialize, Deserialize)]
pub struct Link {
    pub rel: String,
    pub href: Url,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Discovery {
    pub links: Vec<Link>,
}

impl Discovery {
    pub fn new(nodeinfo: Url, node_actor: Url) -> Self {
        Discovery {
            links: vec![
                Link {
                    rel: SCHEMA_21.into(),
                    href: nodeinfo,
                },
                Link {
                    rel: APPLICATION_REL.into(),
                    href: node_actor,
                },
            ],
        }
    }
}

/// The 2.1 document. Its top level allows no other keys, so our own facts
/// go in `metadata`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeInfo {
    pub version: String,
    pub software: Value,
    pub protocols: Vec<String>,
    pub services: Value,
    pub open_registrations: bool,
    pub usage: Value,
    pub metadata: Value,
}

impl NodeInfo {
    /// `federation_mode` is `open` or `allowlist`, for peers deciding
    /// whether following this node can work.
    pub fn new(
        node_name: &str,
        node_description: Option<&str>,
        coops: i64,
        open_proposals: i64,
        node_actor: &Url,
        federation_mode: &str,
    ) -> Self {
        let mut metadata = json!({
            "nodeName": node_name,
            // Apps that pick their API dialect from NodeInfo read this
            // (Pleroma's convention): coops can use Mastodon apps.
            "features": ["mastodon_api", "mastodon_api_streaming"],
            "federation": {"enabled": true, "mode": federation_mode},
            "intercoop": {"coops": coops, "openProposals": open_proposals},
            "serverActor": node_actor,
        });
        if let Some(about) = node_description {
            // Misskey's and Akkoma's key, read by fediverse directories.
            metadata["nodeDescription"] = json!(about);
        }
        NodeInfo {
            version: "2.1".into(),
            software: json!({
                "name": "intercoop",
                "version": env!("CARGO_PKG_VERSION")
            }),
            protocols: vec!["activitypub".into()],
            services: json!({"inbound": [], "outbound": []}),
            // Coops are added by the node's admins, not by sign-up.
            open_registrations: false,
            usage: json!({"users": {"total": coops}, "localPosts": open_proposals}),
            metadata,
        }
    }
}
