//! What the directory's lists (needs and offers, coops) share: where the
//! page is in the results, the links to the pages around it, and a refused
//! filter with its field, so both show the same way.

use axum::http::StatusCode;

use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::services::directory::Found;
use crate::services::ServiceError;

#[derive(Default)]
pub struct Listing {
    pub total: i64,
    pub total_exact: bool,
    pub first: i64,
    pub last: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The form's field a refusal is about, and what is wrong.
    pub error: Option<(String, String)>,
}

impl Listing {
    /// "1–20 of 340".
    pub fn shown(&self, tr: &Tr) -> String {
        tr.values(
            "directory-shown",
            &[
                ("first", self.first.into()),
                ("last", self.last.into()),
                ("total", self.total.into()),
            ],
        )
    }

    /// The message of `field`, if the refusal is about it.
    pub fn error_of(&self, field: &str) -> Option<&str> {
        match &self.error {
            Some((f, m)) if f == field => Some(m),
            _ => None,
        }
    }

    /// The message of a refusal about none of `fields` (the paging).
    pub fn unplaced_error(&self, fields: &[&str]) -> Option<&str> {
        match &self.error {
            Some((f, m)) if !fields.contains(&f.as_str()) => Some(m),
            _ => None,
        }
    }
}

/// The address of the list at `path` with the filters given (empty ones
/// left out) at `offset` (and beside a key: `("after", key)` or
/// `("before", key)`), for the links to other pages.
pub fn address(
    path: &str,
    filters: &[(&str, &str)],
    offset: i64,
    key: Option<(&str, &str)>,
) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        if !v.trim().is_empty() {
            out.append_pair(k, v);
        }
    }
    if offset > 0 {
        out.append_pair("offset", &offset.to_string());
        if let Some((side, key)) = key {
            out.append_pair(side, key);
        }
    }
    match out.finish() {
        query if query.is_empty() => path.to_string(),
        query => format!("{path}?{query}"),
    }
}

/// Where a link to another page starts, for lists that page by key.
pub enum Edge<'a, T> {
    /// At an offset only.
    Offset,
    /// After this entry (the last one shown): the next page.
    After(&'a T),
    /// Before this entry (the first one shown): the previous page.
    Before(&'a T),
}

/// A search's outcome as a page shows it: the status, the items found,
/// and the listing (with `link(offset, edge)` the address of another
/// page, so lists that page by key can start from the entries shown); a
/// refused filter is a 422 with no items, anything else an error.
pub fn outcome<T>(
    result: Result<Found<T>, ServiceError>,
    page: i64,
    link: impl Fn(i64, Edge<'_, T>) -> String,
) -> HttpResult<(StatusCode, Vec<T>, Listing)> {
    match result {
        Ok(found) => {
            let shown = found.items.len() as i64;
            let last = found.offset + shown;
            let listing = Listing {
                total: found.total,
                total_exact: found.total_exact,
                first: found.offset + 1,
                last,
                prev: (found.offset > 0).then(|| {
                    let back = (found.offset - page).max(0);
                    match found.items.first() {
                        // The first page needs no key.
                        Some(first) if back > 0 => link(back, Edge::Before(first)),
                        _ => link(back, Edge::Offset),
                    }
                }),
                next: (last < found.total || !found.total_exact)
                    .then(|| match found.items.last() {
                        Some(last) => link(found.offset + page, Edge::After(last)),
                        None => link(found.offset + page, Edge::Offset),
                    })
                    .filter(|_| shown == page),
                error: None,
            };
            Ok((StatusCode::OK, found.items, listing))
        }
        Err(ServiceError::Invalid(e)) => {
            // The services call the words filter `text`; the forms, `q`.
            let field = match e.field.as_str() {
                "text" => "q".to_string(),
                other => other.to_string(),
            };
            let listing = Listing {
                error: Some((field, e.message)),
                ..Default::default()
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Vec::new(), listing))
        }
        Err(e) => Err(e.into()),
    }
}
