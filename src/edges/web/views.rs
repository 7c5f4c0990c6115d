//! What the templates show, built from the services' types: the frame
//! every page shares and the cards of needs and offers.

use axum::http::HeaderMap;

use super::session::Session;
use crate::domain::coop::Coop;
use crate::domain::directory::ProposalEntry;
use crate::domain::proposal::{Category, ProposalKind};
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;
use crate::services::statuses::Post;

/// The frame of every page: language, node name, where the language
/// switch points.
pub struct Frame {
    pub tr: Tr,
    pub node: String,
    /// The page's path, for the language switch.
    pub path: String,
    pub version: &'static str,
    /// Whether the browser has a session (the header links the workspace
    /// instead of the sign-in page).
    pub signed_in: bool,
    /// The CSRF token of the sign-out form, on signed-in pages.
    pub csrf: Option<String>,
    /// Whether the signed-in account is a node admin's (the header links
    /// the admin desk).
    pub admin: bool,
}

impl Frame {
    pub fn new(state: &AppState, tr: Tr, path: &str, headers: &HeaderMap) -> Frame {
        Frame {
            tr,
            node: state.config.node_name.clone(),
            path: path.to_string(),
            version: env!("CARGO_PKG_VERSION"),
            signed_in: super::session::has_cookie(headers),
            csrf: None,
            admin: false,
        }
    }

    /// The frame of a signed-in page, whose header has the sign-out form.
    pub fn signed_in(state: &AppState, session: &Session, path: &str) -> Frame {
        Frame {
            tr: session.tr.clone(),
            node: state.config.node_name.clone(),
            path: path.to_string(),
            version: env!("CARGO_PKG_VERSION"),
            signed_in: true,
            csrf: Some(session.csrf.clone()),
            admin: session.viewer.user.role == crate::domain::user::Role::Admin,
        }
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// A message of the services (refused input) in the page's language.
    pub fn say(&self, message: &str) -> String {
        super::messages::say(&self.tr, message)
    }

    /// Whether [`Self::say`] leaves `message` in English on a page that is not.
    pub fn says_in_english(&self, message: &str) -> bool {
        self.lang() != "en" && self.say(message) == message
    }
}

/// The language a coop writes its own text in (its first), for `lang`.
pub fn writing_lang(coop: &Coop, tr: &Tr) -> String {
    coop.profile
        .languages
        .first()
        .cloned()
        .unwrap_or_else(|| tr.lang.code().to_string())
}

/// Where a listed need or offer and its coop are: their ActivityPub ids
/// for remote ones, this node's pages for local ones.
pub fn entry_links(e: &ProposalEntry, state: &AppState) -> (String, String) {
    let urls = &state.services.urls;
    match (&e.ap_id, &e.coop_ap_id) {
        (Some(ap_id), Some(coop)) => (ap_id.clone(), coop.clone()),
        _ => (
            urls.proposal(&e.id).to_string(),
            urls.actor(&e.handle).to_string(),
        ),
    }
}

pub fn kind_key(kind: ProposalKind) -> &'static str {
    match kind {
        ProposalKind::Need => "need",
        ProposalKind::Offer => "offer",
    }
}

pub fn category_label(tr: &Tr, category: Category) -> String {
    tr.t(&format!("category-{}", category.as_str()))
}

/// A need or offer in a list.
pub struct Card {
    /// Its page: ours for our proposals, its server's for received ones.
    pub href: String,
    /// `need` or `offer` (a CSS class and a key).
    pub kind: &'static str,
    pub kind_label: String,
    pub category: String,
    pub title: String,
    pub author: String,
    pub author_href: String,
    /// The other server's host, for received ones.
    pub host: Option<String>,
    pub date: String,
    pub datetime: String,
    pub tags: Vec<String>,
}

impl Card {
    /// A directory entry (here or from another node).
    pub fn of_entry(e: &ProposalEntry, tr: &Tr, state: &AppState) -> Card {
        let (href, author_href) = entry_links(e, state);
        Card {
            href,
            kind: kind_key(e.kind),
            kind_label: tr.t(&format!("kind-{}", kind_key(e.kind))),
            category: category_label(tr, e.category),
            title: e.title.clone(),
            author: e.coop_name.clone(),
            author_href,
            host: e.node.clone(),
            date: tr.date(e.published_at),
            datetime: e.published_at.format("%Y-%m-%d").to_string(),
            tags: e.tags.clone(),
        }
    }

    pub fn of(post: &Post, tr: &Tr, state: &AppState) -> Option<Card> {
        let urls = &state.services.urls;
        let (kind, category, title, author, author_href, host, at, href, tags) = match post {
            Post::Local { proposal, coop } => (
                proposal.draft.kind,
                proposal.draft.category,
                proposal.draft.title.clone(),
                coop.profile.display_name.clone(),
                urls.actor(&coop.handle).to_string(),
                None,
                proposal.created_at,
                urls.proposal(&proposal.id).to_string(),
                proposal.draft.tags.clone(),
            ),
            Post::Remote { proposal, actor } => (
                proposal.kind,
                proposal.category,
                proposal.title.clone(),
                actor.display_name.clone(),
                actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
                Some(actor.host.clone()),
                proposal.published_at,
                proposal
                    .url
                    .clone()
                    .unwrap_or_else(|| proposal.ap_id.clone()),
                proposal.tags.clone(),
            ),
            Post::Plain { .. } | Post::Gathering { .. } => return None,
        };
        Some(Card {
            href,
            kind: kind_key(kind),
            kind_label: tr.t(&format!("kind-{}", kind_key(kind))),
            category: category_label(tr, category),
            title,
            author,
            author_href,
            host,
            date: tr.date(at),
            datetime: at.format("%Y-%m-%d").to_string(),
            tags,
        })
    }
}
