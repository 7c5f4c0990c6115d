//! The federated directory as people search it: checks the query, then
//! lets the store filter and page.

use super::{paging, ServiceError, ServiceResult, Services};
use crate::domain::coop::{country_code, language_tag};
use crate::domain::directory::{CoopEntry, ProposalEntry};
use crate::domain::limits;
use crate::domain::proposal::{Category, ProposalKind};
use crate::domain::validate;
use crate::infra::store::directory::{self, DirectoryFilter};

/// A directory search as the edges receive it.
#[derive(Debug, Default, Clone)]
pub struct DirectoryQuery {
    pub text: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub node: Option<String>,
    pub tag: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
    /// Needs and offers only: a key [`directory_key`] gave for the last
    /// entry of the page before; the page then starts after it instead of
    /// skipping `offset` entries (which only numbers it).
    pub after: Option<String>,
    /// Needs and offers only: the key of the first entry of the page after;
    /// the page is the one just before it.
    pub before: Option<String>,
}

/// Keys are the entry's publication time (nanoseconds since 1970) and id.
const KEY_SEPARATOR: char = '_';

/// The key of a listed need or offer, to page on from it.
pub fn directory_key(e: &ProposalEntry) -> String {
    let nanos = e.published_at.and_utc().timestamp_nanos_opt().unwrap_or(0);
    format!("{nanos}{KEY_SEPARATOR}{}", e.id)
}

fn parse_key(key: &str) -> ServiceResult<(chrono::NaiveDateTime, String)> {
    let refused = || ServiceError::invalid("after", "is not a key this list gave out");
    let (nanos, id) = key.split_once(KEY_SEPARATOR).ok_or_else(refused)?;
    let nanos: i64 = nanos.parse().map_err(|_| refused())?;
    let id_ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !id_ok {
        return Err(refused());
    }
    let at = chrono::DateTime::from_timestamp_nanos(nanos).naive_utc();
    Ok((at, id.to_string()))
}

/// One page of results and how many match in all.
#[derive(Debug, Clone)]
pub struct Found<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// False when more match than were counted (`total` is then a floor).
    pub total_exact: bool,
    pub offset: i64,
}

fn filter(q: DirectoryQuery) -> ServiceResult<DirectoryFilter> {
    let limit = paging::size(q.limit)?;
    let after = q.after.as_deref().map(parse_key).transpose()?;
    let before = q.before.as_deref().map(parse_key).transpose()?;
    if after.is_some() && before.is_some() {
        return Err(ServiceError::invalid(
            "before",
            "cannot be given with after",
        ));
    }
    // Beside a key nothing is skipped: the offset only numbers the page.
    let offset = match (&after, &before) {
        (None, None) => paging::offset(q.offset)?,
        _ => q.offset.unwrap_or(0).clamp(0, i64::from(i32::MAX)),
    };
    let kind = match q.kind {
        Some(k) => Some(
            ProposalKind::parse(&k)
                .ok_or_else(|| ServiceError::invalid("kind", "must be need or offer"))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let category = match q.category {
        Some(c) => Some(
            Category::parse(&c)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "category",
                        "must be financial, human, technical, knowledge or work",
                    )
                })?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let words = match q.text {
        Some(text) => validate::text("text", &text, limits::SEARCH_TEXT_MAX)?
            .to_lowercase()
            .split_whitespace()
            .take(8)
            .map(str::to_string)
            .collect(),
        None => Vec::new(),
    };
    let node = match q.node {
        Some(n) => Some(
            crate::domain::node::normalize_domain(&n)
                .map_err(|m| ServiceError::invalid("node", m))?,
        ),
        None => None,
    };
    let tag = match q.tag {
        Some(t) => validate::tags("tag", &[t], 1)?.pop(),
        None => None,
    };
    let country = match q.country {
        Some(c) => Some(country_code(&c).ok_or_else(|| {
            ServiceError::invalid(
                "country",
                "must be a two-letter ISO 3166-1 code such as AR or GB",
            )
        })?),
        None => None,
    };
    let language = match q.language {
        Some(l) => Some(language_tag(&l).ok_or_else(|| {
            ServiceError::invalid("language", "must be a language tag such as es, en or pt-BR")
        })?),
        None => None,
    };
    Ok(DirectoryFilter {
        tag,
        country,
        language,
        kind,
        category,
        words,
        node,
        offset,
        limit,
        after,
        before,
    })
}

impl Services {
    pub async fn directory_proposals(
        &self,
        q: DirectoryQuery,
    ) -> ServiceResult<Found<ProposalEntry>> {
        let f = filter(q)?;
        let (local, offset) = (self.urls.domain(), f.offset);
        let found = self
            .db
            .read(move |conn| directory::proposals(conn, &f, &local))
            .await?;
        Ok(Found {
            items: found.items,
            total: found.total,
            total_exact: found.exact,
            offset,
        })
    }

    pub async fn directory_coops(&self, q: DirectoryQuery) -> ServiceResult<Found<CoopEntry>> {
        if q.kind.is_some() || q.category.is_some() || q.tag.is_some() {
            return Err(ServiceError::invalid(
                "kind",
                "coops are searched by text, country, language and node only",
            ));
        }
        let f = filter(q)?;
        let (local, offset) = (self.urls.domain(), f.offset);
        let found = self
            .db
            .read(move |conn| directory::coops(conn, &f, &local))
            .await?;
        Ok(Found {
            items: found.items,
            total: found.total,
            total_exact: found.exact,
            offset,
        })
    }
}
