//! The language of a page: `?lang=` (the switch on every page, remembered
//! in a cookie), else the cookie, else the browser's `Accept-Language`.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use serde::Deserialize;

use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;

const COOKIE: &str = "lang";

#[derive(Deserialize, Default)]
pub struct LangParam {
    pub lang: Option<String>,
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| value.to_string())
        })
}

/// The texts of the page's language.
pub fn choose(param: &LangParam, headers: &HeaderMap) -> Tr {
    let chosen = param.lang.clone().or_else(|| cookie(headers));
    Tr::new(Lang::negotiate(chosen.as_deref(), headers))
}

/// Remembers a language picked with the switch.
pub fn remember(response: &mut Response, param: &LangParam, tr: &Tr) {
    if param.lang.is_some() {
        let value = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            tr.lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}
