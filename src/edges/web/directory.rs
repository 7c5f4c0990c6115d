//! `/directory`: needs and offers here and from every node this one sees,
//! with the directory's filters (a form sent by GET, so results can be
//! linked) and paging. A filter that is not valid shows the form again with
//! the message next to its field, and no results.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::language::{choose, remember, LangParam};
use super::views::{category_label, Card, Frame};
use crate::domain::proposal::Category;
use crate::edges::http::error::HttpResult;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::directory::DirectoryQuery;
use crate::services::ServiceError;

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
        }
    }

    /// The query string of these filters at another offset.
    fn link(&self, offset: i64) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("kind", &self.kind),
            ("category", &self.category),
            ("tag", &self.tag),
            ("country", &self.country),
            ("language", &self.language),
            ("node", &self.node),
        ] {
            if !v.trim().is_empty() {
                out.append_pair(k, v);
            }
        }
        if offset > 0 {
            out.append_pair("offset", &offset.to_string());
        }
        match out.finish() {
            query if query.is_empty() => "/directory".to_string(),
            query => format!("/directory?{query}"),
        }
    }
}

/// An option of a select: value, label.
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "web/directory.html")]
struct DirectoryPage {
    frame: Frame,
    filters: Filters,
    categories: Vec<Choice>,
    /// The field a refusal is about, and what is wrong.
    error: Option<(String, String)>,
    cards: Vec<Card>,
    total: i64,
    total_exact: bool,
    first: i64,
    last: i64,
    prev: Option<String>,
    next: Option<String>,
}

impl DirectoryPage {
    /// "1–20 of 340".
    fn shown(&self) -> String {
        let (first, last, total) = (
            self.first.to_string(),
            self.last.to_string(),
            self.total.to_string(),
        );
        self.frame.tr.args(
            "directory-shown",
            &[("first", &first), ("last", &last), ("total", &total)],
        )
    }

    /// The message of a refusal about no field of the form (the paging).
    fn unplaced_error(&self) -> Option<&str> {
        const FIELDS: [&str; 7] = [
            "q", "kind", "category", "tag", "country", "language", "node",
        ];
        match &self.error {
            Some((f, m)) if !FIELDS.contains(&f.as_str()) => Some(m),
            _ => None,
        }
    }

    /// The message of `field`, if the refusal is about it.
    fn error_of(&self, field: &str) -> Option<&str> {
        match &self.error {
            Some((f, m)) if f == field => Some(m),
            _ => None,
        }
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
    let mut page = DirectoryPage {
        frame: Frame::new(&state, tr.clone(), "/directory", &headers),
        filters: filters.clone(),
        categories,
        error: None,
        cards: Vec::new(),
        total: 0,
        total_exact: true,
        first: 0,
        last: 0,
        prev: None,
        next: None,
    };
    let status = match state
        .services
        .directory_proposals(filters.query(offset))
        .await
    {
        Ok(found) => {
            page.cards = found
                .items
                .iter()
                .map(|e| Card::of_entry(e, &tr, &state))
                .collect();
            page.total = found.total;
            page.total_exact = found.total_exact;
            page.first = found.offset + 1;
            page.last = found.offset + page.cards.len() as i64;
            page.prev = (found.offset > 0).then(|| filters.link((found.offset - PAGE).max(0)));
            page.next = (page.last < found.total || !found.total_exact)
                .then(|| filters.link(found.offset + PAGE))
                .filter(|_| page.cards.len() as i64 == PAGE);
            StatusCode::OK
        }
        Err(ServiceError::Invalid(e)) => {
            let field = match e.field.as_str() {
                "text" => "q".to_string(),
                other => other.to_string(),
            };
            page.error = Some((field, e.message));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => return Err(e.into()),
    };
    let mut response = html(status, &page, Policy::Strict);
    remember(&mut response, &param, &tr);
    Ok(response)
}
