//! `/coops`: the coops here and on every node this one sees, by name, with
//! the directory's coop filters (words in the name, country, language,
//! node) in a form sent by GET, and paging. A filter that is not valid
//! shows the form again with the message next to its field, and no results.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::language::{choose, remember, LangParam};
use super::views::Frame;
use crate::domain::directory::CoopEntry;
use crate::edges::http::error::HttpResult;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::directory::DirectoryQuery;
use crate::services::ServiceError;

const PAGE: i64 = 30;
/// The filters, for the form and for refusals about them.
const FIELDS: [&str; 4] = ["q", "country", "language", "node"];

#[derive(Deserialize, Default, Clone)]
pub struct CoopFilters {
    #[serde(default)]
    pub q: String,
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

impl CoopFilters {
    fn value(&self, field: &str) -> &str {
        match field {
            "q" => &self.q,
            "country" => &self.country,
            "language" => &self.language,
            _ => &self.node,
        }
    }

    fn link(&self, offset: i64) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for field in FIELDS {
            if !self.value(field).trim().is_empty() {
                out.append_pair(field, self.value(field));
            }
        }
        if offset > 0 {
            out.append_pair("offset", &offset.to_string());
        }
        match out.finish() {
            query if query.is_empty() => "/coops".to_string(),
            query => format!("/coops?{query}"),
        }
    }
}

/// A coop in the list.
pub struct CoopRow {
    pub name: String,
    pub href: String,
    /// Its node, when not this one.
    pub node: Option<String>,
    pub country: Option<String>,
    pub languages: String,
}

impl CoopRow {
    fn of(e: &CoopEntry, state: &AppState) -> CoopRow {
        CoopRow {
            name: e.name.clone(),
            href: match &e.ap_id {
                Some(ap) => ap.clone(),
                None => state.services.urls.actor(&e.handle).to_string(),
            },
            node: e.node.clone(),
            country: e.country.clone(),
            languages: e.languages.join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "web/coops.html")]
struct CoopsPage {
    frame: Frame,
    filters: CoopFilters,
    error: Option<(String, String)>,
    coops: Vec<CoopRow>,
    total: i64,
    total_exact: bool,
    first: i64,
    last: i64,
    prev: Option<String>,
    next: Option<String>,
}

impl CoopsPage {
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

    fn error_of(&self, field: &str) -> Option<&str> {
        match &self.error {
            Some((f, m)) if f == field => Some(m),
            _ => None,
        }
    }

    fn unplaced_error(&self) -> Option<&str> {
        match &self.error {
            Some((f, m)) if !FIELDS.contains(&f.as_str()) => Some(m),
            _ => None,
        }
    }

    fn fields(&self) -> [(&'static str, String, &str); 4] {
        [
            ("q", self.frame.t("filter-name"), &self.filters.q),
            (
                "country",
                self.frame.t("filter-country"),
                &self.filters.country,
            ),
            (
                "language",
                self.frame.t("filter-language"),
                &self.filters.language,
            ),
            ("node", self.frame.t("filter-node"), &self.filters.node),
        ]
    }
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(filters): Query<CoopFilters>,
) -> HttpResult<Response> {
    let param = LangParam {
        lang: filters.lang.clone(),
    };
    let tr = choose(&param, &headers);
    let offset = filters.offset.unwrap_or(0).max(0);
    let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let query = DirectoryQuery {
        text: given(&filters.q),
        country: given(&filters.country),
        language: given(&filters.language),
        node: given(&filters.node),
        offset: Some(offset),
        limit: Some(PAGE),
        ..Default::default()
    };
    let mut page = CoopsPage {
        frame: Frame::new(&state, tr.clone(), "/coops", &headers),
        filters: filters.clone(),
        error: None,
        coops: Vec::new(),
        total: 0,
        total_exact: true,
        first: 0,
        last: 0,
        prev: None,
        next: None,
    };
    let status = match state.services.directory_coops(query).await {
        Ok(found) => {
            page.coops = found.items.iter().map(|e| CoopRow::of(e, &state)).collect();
            page.total = found.total;
            page.total_exact = found.total_exact;
            page.first = found.offset + 1;
            page.last = found.offset + page.coops.len() as i64;
            page.prev = (found.offset > 0).then(|| filters.link((found.offset - PAGE).max(0)));
            page.next = (page.last < found.total || !found.total_exact)
                .then(|| filters.link(found.offset + PAGE))
                .filter(|_| page.coops.len() as i64 == PAGE);
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
