//! Which language a page is shown in: English or Spanish, from an explicit
//! `lang` parameter, else the browser's `Accept-Language`, else English.

use axum::http::{header, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// `lang` wins; otherwise the highest-weighted language we have.
    pub fn negotiate(lang: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(l) = lang.and_then(Lang::parse) {
            return l;
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut best: Option<(f32, Lang)> = None;
        for item in accept.split(',').take(20) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            accept.parse().unwrap_or_else(|_| {
                "en".parse()
                    .unwrap_or(axum::http::HeaderValue::from_static("en"))
            }),
        );
        h
    }

    #[test]
    fn explicit_then_weighted_accept_language_then_english() {
        assert_eq!(Lang::negotiate(Some("es"), &headers("en")), Lang::Es);
        assert_eq!(
            Lang::negotiate(None, &headers("es-AR,es;q=0.9,en;q=0.8")),
            Lang::Es
        );
        assert_eq!(
            Lang::negotiate(None, &headers("fr,en;q=0.5,es;q=0.7")),
            Lang::Es
        );
        assert_eq!(Lang::negotiate(None, &headers("de")), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), &HeaderMap::new()), Lang::En);
    }

    #[test]
    fn every_language_an_account_may_choose_is_one_the_pages_have() {
        for code in crate::domain::user::PAGE_LANGUAGES {
            assert_eq!(Lang::parse(code).map(Lang::code), Some(code));
        }
        for lang in [Lang::En, Lang::Es] {
            assert!(crate::domain::user::PAGE_LANGUAGES.contains(&lang.code()));
        }
    }
}
