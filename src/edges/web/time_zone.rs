//! The time zone a person reads times in: the account's when signed in,
//! else the one this browser was given when the account chose it or signed
//! in (a cookie, so public pages use it too). Without one, pages give a
//! gathering's times in its own zone and in UTC only.

use axum::http::HeaderMap;
use axum::response::Response;

use crate::edges::http::cookies;

const COOKIE: &str = "tz";

/// The zone this browser was given, if it names one.
pub fn of_browser(headers: &HeaderMap) -> Option<chrono_tz::Tz> {
    cookies::read(headers, COOKIE).and_then(|name| name.parse().ok())
}

/// Gives this browser the account's zone, or takes it away (`None`).
pub fn remember(response: &mut Response, zone: Option<&str>) {
    // Not a secret, like the language: readable over http too.
    match zone {
        Some(name) => cookies::set(response, COOKIE, name, 31_536_000, false),
        None => cookies::set(response, COOKIE, "", 0, false),
    }
}
