//! What this node knows about other servers: remote actors, follow
//! relations in both directions, and needs and offers received from coops
//! that a local coop follows.

use chrono::NaiveDateTime;

use super::proposal::{Category, ProposalKind, Quantity};

/// An actor on another server, as last fetched from its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteActor {
    pub id: String,
    /// Its ActivityPub id (URL).
    pub ap_id: String,
    /// `Organization`, `Person`, `Application`, `Service` or `Group`.
    pub kind: String,
    pub username: String,
    /// `host[:port]` of `ap_id`: the origin that owns its activities and objects.
    pub host: String,
    pub display_name: String,
    /// Sanitised HTML.
    pub summary_html: String,
    pub url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub public_key_pem: String,
    /// ISO 3166-1 code, from `addressCountry`, when the actor gives one.
    pub country: Option<String>,
    /// BCP 47 tags, from `knowsLanguage`.
    pub languages: Vec<String>,
    /// From Intercoop's `stage`, when the actor gives one.
    pub stage: Option<crate::domain::coop::Stage>,
    pub fetched_at: NaiveDateTime,
}

impl RemoteActor {
    /// `handle@host`, as people type it.
    pub fn address(&self) -> String {
        format!("{}@{}", self.username, self.host)
    }

    /// Where to deliver to it: the shared inbox when it has one.
    pub fn delivery_inbox(&self) -> &str {
        self.shared_inbox.as_deref().unwrap_or(&self.inbox)
    }
}

/// One side of a follow relation between a local coop and a remote actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Follow {
    pub coop_id: String,
    pub actor_id: String,
    /// The id of the `Follow` activity (ours when we follow, theirs when they do).
    pub follow_ap_id: String,
    pub accepted: bool,
    pub created_at: NaiveDateTime,
}

/// A need or an offer published by a remote coop.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteProposal {
    pub id: String,
    pub ap_id: String,
    pub actor_id: String,
    pub kind: ProposalKind,
    pub category: Category,
    pub title: String,
    /// Sanitised HTML, as received.
    pub content_html: String,
    pub tags: Vec<String>,
    pub quantity: Option<Quantity>,
    pub place: Option<String>,
    /// Whether it can be given or taken remotely (Intercoop's `remote`);
    /// `None` when the sender does not say.
    pub remote: Option<bool>,
    pub deadline: Option<NaiveDateTime>,
    pub url: Option<String>,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
    /// What it asks (an offer) or gives (a need) in return: FEP-0837's
    /// `reciprocal` Intent, as Mitra sends a price.
    pub reciprocal: Option<Reciprocal>,
}

/// Who a received post that is not a need or an offer was addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostVisibility {
    /// To the public collection.
    Public,
    /// The public collection in `cc`: listed nowhere but followers' homes.
    Unlisted,
    /// To the author's followers only.
    Private,
}

impl PostVisibility {
    /// As Mastodon names it (and as stored).
    pub fn as_str(self) -> &'static str {
        match self {
            PostVisibility::Public => "public",
            PostVisibility::Unlisted => "unlisted",
            PostVisibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<PostVisibility> {
        match s {
            "public" => Some(PostVisibility::Public),
            "unlisted" => Some(PostVisibility::Unlisted),
            "private" => Some(PostVisibility::Private),
            _ => None,
        }
    }
}

/// A post of a followed account that is not a need or an offer: kept a
/// bounded number of days for the home timelines of its followers here.
#[derive(Debug, Clone, PartialEq)]
pub struct RemotePost {
    pub id: String,
    pub ap_id: String,
    pub actor_id: String,
    /// Sanitised HTML.
    pub content_html: String,
    /// The content warning, if any.
    pub summary: Option<String>,
    pub sensitive: bool,
    pub url: Option<String>,
    pub visibility: PostVisibility,
    /// A BCP 47 tag, from `contentMap`.
    pub language: Option<String>,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub received_at: NaiveDateTime,
}

/// A FEP-0837 reciprocal Intent: e.g. `transfer` of 30 `EUR`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Reciprocal {
    /// `transfer` (money, goods) or `deliverService`, as sent.
    pub action: String,
    /// What kind of resource (`resourceConformsTo`): a URI such as a
    /// Wikidata item or a CAIP-19 asset id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
}

impl Reciprocal {
    /// In words, for a match's reasons: "transfer 30 EUR".
    pub fn describe(&self) -> String {
        let mut out = self.action.clone();
        if let Some(q) = &self.quantity {
            out.push(' ');
            if let Some(v) = &q.value {
                out.push_str(v);
                out.push(' ');
            }
            out.push_str(&q.unit);
        }
        if let Some(r) = &self.resource {
            out.push_str(&format!(" ({r})"));
        }
        out
    }
}

/// A follow relation with the remote actor on its other end.
pub type WithActor = (Follow, RemoteActor);
