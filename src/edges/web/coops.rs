//! `/coops`: the coops here and on every node this one sees, by name, with
//! the directory's coop filters (words in the name, country, language,
//! node) in a form sent by GET, and paging. A filter that is not valid
//! shows the form again with the message next to its field, and no results.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::language::{choose, remember, LangParam};
use super::listing::{address, outcome, Listing};
use super::views::Frame;
use crate::domain::directory::CoopEntry;
use crate::edges::http::error::HttpResult;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::directory::DirectoryQuery;

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
        let filters = FIELDS.map(|f| (f, self.value(f)));
        address("/coops", &filters, offset, None)
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
    coops: Vec<CoopRow>,
    list: Listing,
}

impl CoopsPage {
    fn names(&self) -> &'static [&'static str] {
        &FIELDS
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
    let (status, found, list) = outcome(
        state.services.directory_coops(query).await,
        PAGE,
        |at, _| filters.link(at),
    )?;
    let page = CoopsPage {
        frame: Frame::new(&state, tr.clone(), "/coops", &headers),
        filters: filters.clone(),
        coops: found.iter().map(|e| CoopRow::of(e, &state)).collect(),
        list,
    };
    let mut response = html(status, &page, Policy::Strict);
    remember(&mut response, &param, &tr);
    Ok(response)
}
