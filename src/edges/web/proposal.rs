//! A need's or offer's page, at its Note's URL for browsers.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::language::{choose, LangParam};
use super::views::{category_label, kind_key, writing_lang, Frame};
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::statuses::Post;

#[derive(Template)]
#[template(path = "web/proposal.html")]
struct ProposalPage {
    frame: Frame,
    url: String,
    kind: &'static str,
    kind_label: String,
    category: String,
    title: String,
    description_html: String,
    description_text: String,
    coop_name: String,
    coop_href: String,
    coop_avatar: String,
    coop_lang: String,
    quantity: Option<String>,
    place: Option<String>,
    remote: bool,
    deadline: Option<String>,
    tags: Vec<String>,
    date: String,
    datetime: String,
}

/// The page of this node's open proposal `id`.
pub async fn show(
    state: &AppState,
    id: &str,
    headers: &HeaderMap,
    param: &LangParam,
) -> HttpResult<Response> {
    let tr = choose(param, headers);
    let (proposal, coop) = match state.services.post(None, id).await? {
        Post::Local { proposal, coop } => (proposal, coop),
        _ => return Err(HttpError::not_found("no such need or offer here")),
    };
    let urls = &state.services.urls;
    let d = &proposal.draft;
    let page = ProposalPage {
        url: urls.proposal(&proposal.id).to_string(),
        kind: kind_key(d.kind),
        kind_label: tr.t(&format!("kind-{}", kind_key(d.kind))),
        category: category_label(&tr, d.category),
        title: d.title.clone(),
        description_html: proposal.description_html.clone(),
        description_text: crate::domain::text::truncate_chars(&d.description, 200),
        coop_name: coop.profile.display_name.clone(),
        coop_href: urls.actor(&coop.handle).to_string(),
        coop_avatar: urls.avatar(&coop.id).to_string(),
        coop_lang: writing_lang(&coop, &tr),
        quantity: d.quantity.as_ref().map(|q| match &q.value {
            Some(v) => format!("{v} {}", q.unit),
            None => q.unit.clone(),
        }),
        place: d.place.clone(),
        remote: d.remote,
        deadline: d
            .deadline
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .map(|at| tr.date(at)),
        tags: d.tags.clone(),
        date: tr.date(proposal.created_at),
        datetime: proposal.created_at.format("%Y-%m-%d").to_string(),
        frame: Frame::new(state, tr, &format!("/proposals/{}", proposal.id), headers),
    };
    Ok(html(StatusCode::OK, &page, Policy::Strict))
}
