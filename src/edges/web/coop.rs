//! A coop's page, at its actor's URL for browsers: its profile, facts and
//! open needs and offers, with the tags that make links preview well.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::language::{choose, LangParam};
use super::views::{writing_lang, Card, Frame};
use crate::domain::uploaded_image::Picture;
use crate::edges::http::error::HttpResult;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::statuses::{TimelineQuery, TimelineSource};

/// A profile fact: its name in the page's language, its value as HTML
/// (escaped, or our own link with `rel="me"`).
pub struct Fact {
    pub name: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "web/coop.html")]
struct CoopPage {
    frame: Frame,
    name: String,
    handle: String,
    address: String,
    actor_url: String,
    avatar: String,
    header: String,
    about_html: String,
    about_text: String,
    /// The language the coop writes in, for its own text.
    coop_lang: String,
    facts: Vec<Fact>,
    followers: i64,
    cards: Vec<Card>,
    feed: String,
}

/// The page of the coop `handle`.
pub async fn show(
    state: &AppState,
    handle: &str,
    headers: &HeaderMap,
    param: &LangParam,
) -> HttpResult<Response> {
    let tr = choose(param, headers);
    let services = &state.services;
    let coop = services.coop_by_handle(handle).await?;
    let pictures = services.coop_pictures(&coop.id).await?;
    let counts = services.account_counts(&coop.id).await?;
    let posts = services
        .timeline(
            None,
            TimelineQuery {
                source: TimelineSource::Account(coop.id.clone()),
                hashtag: None,
                max_id: None,
                since_id: None,
                min_id: None,
                limit: 40,
                gatherings: false,
            },
        )
        .await?;
    let urls = &services.urls;
    let facts = coop
        .profile
        .fields()
        .into_iter()
        .map(|(name, html)| Fact {
            name: tr.t(&format!("field-{}", name.to_lowercase().replace(' ', "-"))),
            html,
        })
        .collect();
    let actor_url = urls.actor(&coop.handle).to_string();
    let page = CoopPage {
        name: coop.profile.display_name.clone(),
        address: format!("@{}@{}", coop.handle, urls.domain()),
        handle: coop.handle.clone(),
        avatar: urls
            .picture(&coop.id, Picture::Avatar, pictures.get(Picture::Avatar))
            .to_string(),
        header: urls
            .picture(&coop.id, Picture::Header, pictures.get(Picture::Header))
            .to_string(),
        about_text: crate::domain::text::truncate_chars(&coop.profile.about, 200),
        about_html: coop.about_html.clone(),
        coop_lang: writing_lang(&coop, &tr),
        facts,
        followers: counts.followers,
        cards: posts
            .iter()
            .filter_map(|p| Card::of(p, &tr, state))
            .collect(),
        feed: urls.coop_feed(&coop.handle).to_string(),
        frame: Frame::new(state, tr, &format!("/actors/{}", coop.handle), headers),
        actor_url,
    };
    Ok(html(StatusCode::OK, &page, Policy::Strict))
}
