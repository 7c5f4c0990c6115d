//! `/directory`: needs and offers here and from every node this one sees,
//! with the directory's filters (a form sent by GET, so results can be
//! linked) and paging. A filter that is not valid shows the form again with
//! the message next to its field, and no results.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::language::{choose, remember, LangParam};
use super::listing::{address, outcome, Edge, Listing};
use super::views::{category_label, Card, Frame};
use crate::domain::directory::ProposalEntry;
use crate::domain::proposal::Category;
use crate::edges::http::error::HttpResult;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::directory::{directory_key, DirectoryQuery};

const PAGE: i64 = 20;

/// The form as sent; every field optional, kept as typed to show it again.
#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub node: String,
    #[serde(default)]
    pub offset: Option<i64>,
    /// The key of the last entry of the page before (see the services'
    /// `directory_key`): the page starts after it.
    pub after: Option<String>,
    /// The key of the first entry of the page after: the page ends before it.
    pub before: Option<String>,
    pub lang: Option<String>,
}

impl Filters {
    fn query(&self, offset: i64) -> DirectoryQuery {
        let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        DirectoryQuery {
            text: given(&self.q),
            kind: given(&self.kind),
            category: given(&self.category),
            node: given(&self.node),
            tag: given(&self.tag),
            country: given(&self.country),
            language: given(&self.language),
            offset: Some(offset),
            limit: Some(PAGE),
            after: self.after.clone().filter(|_| offset > 0),
            before: self.before.clone().filter(|_| offset > 0),
        }
    }

    /// The query string of these filters at another offset, beside an
    /// entry shown when there is one.
    fn link(&self, offset: i64, edge: Edge<'_, ProposalEntry>) -> String {
        let key = match edge {
            Edge::After(e) => Some(("after", directory_key(e))),
            Edge::Before(e) => Some(("before", directory_key(e))),
            Edge::Offset => None,
        };
        address(
            "/directory",
            &[
                ("q", &self.q),
                ("kind", &self.kind),
                ("category", &self.category),
                ("tag", &self.tag),
                ("country", &self.country),
                ("language", &self.language),
                ("node", &self.node),
            ],
            offset,
            key.as_ref().map(|(side, k)| (*side, k.as_str())),
        )
    }
}

/// An option of a select: value, label.
pub struct Choice {
    pub value: String,
    pub label: String,
}

const FIELDS: &[&str] = &[
    "q", "kind", "category", "tag", "country", "language", "node",
];

#[derive(Template)]
#[template(path = "web/directory.html")]
struct DirectoryPage {
    frame: Frame,
    filters: Filters,
    categories: Vec<Choice>,
    cards: Vec<Card>,
    list: Listing,
}

impl DirectoryPage {
    fn fields(&self) -> &'static [&'static str] {
        FIELDS
    }
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(filters): Query<Filters>,
) -> HttpResult<Response> {
    let param = LangParam {
        lang: filters.lang.clone(),
    };
    let tr = choose(&param, &headers);
    let offset = filters.offset.unwrap_or(0).max(0);
    let categories = Category::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().to_string(),
            label: category_label(&tr, *c),
        })
        .collect();
    let (status, found, list) = outcome(
        state
            .services
            .directory_proposals(filters.query(offset))
            .await,
        PAGE,
        |at, edge| filters.link(at, edge),
    )?;
    let page = DirectoryPage {
        frame: Frame::new(&state, tr.clone(), "/directory", &headers),
        filters: filters.clone(),
        categories,
        cards: found
            .iter()
            .map(|e| Card::of_entry(e, &tr, &state))
            .collect(),
        list,
    };
    let mut response = html(status, &page, Policy::Strict);
    remember(&mut response, &param, &tr);
    Ok(response)
}
