//! Atom feeds of needs and offers, for feed readers and for other sites:
//! the node's own (`/feed.atom`) and one coop's (`/actors/{handle}/feed.atom`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;

use super::views::{category_label, kind_key};
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;
use crate::edges::http::state::AppState;
use crate::services::statuses::{Post, TimelineQuery, TimelineSource};

const ENTRIES: i64 = 40;

pub struct Entry {
    pub id: String,
    pub title: String,
    pub author: String,
    pub author_uri: String,
    pub published: String,
    pub updated: String,
    /// HTML, escaped once more by the template as Atom wants.
    pub content_html: String,
    pub categories: Vec<String>,
}

#[derive(Template)]
#[template(path = "web/feed.xml")]
struct Feed {
    id: String,
    title: String,
    page: String,
    updated: String,
    entries: Vec<Entry>,
}

fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The entries of a page of posts (this node's proposals only), and when
/// the newest changed.
fn entries(state: &AppState, posts: &[Post]) -> (Vec<Entry>, Option<NaiveDateTime>) {
    // Feeds have no reader's language: English labels, the coop's own text.
    let tr = Tr::new(Lang::En);
    let urls = &state.services.urls;
    let mut newest: Option<NaiveDateTime> = None;
    let mut out = Vec::new();
    for post in posts {
        let Post::Local { proposal, coop } = post else {
            continue;
        };
        let d = &proposal.draft;
        newest = newest.max(Some(proposal.updated_at));
        let kind = tr.t(&format!("kind-{}", kind_key(d.kind)));
        let mut categories = vec![kind.clone(), category_label(&tr, d.category)];
        categories.extend(d.tags.iter().cloned());
        out.push(Entry {
            id: urls.proposal(&proposal.id).to_string(),
            title: format!("{kind}: {}", d.title),
            author: coop.profile.display_name.clone(),
            author_uri: urls.actor(&coop.handle).to_string(),
            published: rfc3339(proposal.created_at),
            updated: rfc3339(proposal.updated_at),
            content_html: proposal.description_html.clone(),
            categories,
        });
    }
    (out, newest)
}

fn atom(feed: &Feed) -> HttpResult<Response> {
    let body = feed.render().map_err(|e| {
        HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    })?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(response)
}

async fn posts(state: &AppState, source: TimelineSource) -> HttpResult<Vec<Post>> {
    Ok(state
        .services
        .timeline(
            None,
            TimelineQuery {
                source,
                hashtag: None,
                max_id: None,
                since_id: None,
                min_id: None,
                limit: ENTRIES,
                gatherings: false,
            },
        )
        .await?)
}

/// `/feed.atom`: this node's newest open needs and offers.
pub async fn node(State(state): State<AppState>) -> HttpResult<Response> {
    let found = state.services.public_front(true, false, ENTRIES).await?;
    let (entries, newest) = entries(&state, &found);
    let urls = &state.services.urls;
    atom(&Feed {
        id: urls.node_feed().to_string(),
        title: format!("{}: needs and offers", state.config.node_name),
        page: urls.root().to_string(),
        updated: rfc3339(newest.unwrap_or_else(crate::domain::time::now)),
        entries,
    })
}

/// `/actors/{handle}/feed.atom`: one coop's open needs and offers.
pub async fn coop(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> HttpResult<Response> {
    let coop = state.services.coop_by_handle(&handle).await?;
    let found = posts(&state, TimelineSource::Account(coop.id.clone())).await?;
    let (entries, newest) = entries(&state, &found);
    let urls = &state.services.urls;
    let page = urls.actor(&coop.handle).to_string();
    atom(&Feed {
        id: urls.coop_feed(&coop.handle).to_string(),
        title: format!("{}: needs and offers", coop.profile.display_name),
        page,
        updated: rfc3339(newest.unwrap_or(coop.updated_at)),
        entries,
    })
}
