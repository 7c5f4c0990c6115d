//! The language of a page: `?lang=` (the switch on every page, remembered
//! in a cookie), else the cookie, else (signed in) the account's setting,
//! else the browser's `Accept-Language`.

use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::edges::http::cookies;
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;

const COOKIE: &str = "lang";

#[derive(Deserialize, Default)]
pub struct LangParam {
    pub lang: Option<String>,
}

/// The texts of the page's language.
pub fn choose(param: &LangParam, headers: &HeaderMap) -> Tr {
    let chosen = param
        .lang
        .clone()
        .or_else(|| cookies::read(headers, COOKIE));
    Tr::new(Lang::negotiate(chosen.as_deref(), headers))
        .with_zone(super::time_zone::of_browser(headers))
}

/// Whether this browser picked a language with the switch.
pub fn chose_language(headers: &HeaderMap) -> bool {
    cookies::read(headers, COOKIE).is_some()
}

/// Remembers a language picked with the switch.
pub fn remember(response: &mut Response, param: &LangParam, tr: &Tr) {
    if param.lang.is_some() {
        // Not a secret: readable over http too, like the page it chose.
        cookies::set(response, COOKIE, tr.lang.code(), 31_536_000, false);
    }
}

/// Forgets the language this browser picked (back to the account's or the
/// browser's).
pub fn forget(response: &mut Response) {
    cookies::set(response, COOKIE, "", 0, false);
}
