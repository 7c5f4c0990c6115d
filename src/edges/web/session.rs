//! Signed-in browsers: a session cookie holding a token of the same kind
//! the API's sign-in gives (stored only as its SHA-256, expiring with it),
//! and the CSRF token every form of a signed-in page carries, derived from
//! the session so nothing more is stored. A form without the right token
//! is refused before anything is read from it.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::language::{choose, chose_language, remember, LangParam};
use crate::edges::http::cookies;
use crate::edges::http::error::HttpError;
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::Viewer;

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "intercoop_session";

/// A signed-in visit: who, the CSRF token its forms carry, and the
/// language of its pages.
pub struct Session {
    pub viewer: Viewer,
    pub token: String,
    pub csrf: String,
    pub tr: Tr,
    lang: LangParam,
}

/// The CSRF token of the session `token`: a hash, so the page shows
/// nothing that signs in, and the same on every page of the session.
pub fn csrf_of(token: &str) -> String {
    let digest = Sha256::digest(format!("intercoop-csrf:{token}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time independent of where the strings first differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether cookies must be sent over https only.
pub fn secure_cookies(state: &AppState) -> bool {
    state.config.public_url.scheme() == "https"
}

/// Whether the request carries a session cookie (not checked: for the
/// header's links on public pages, which need no database read).
pub fn has_cookie(headers: &HeaderMap) -> bool {
    cookies::read(headers, SESSION_COOKIE).is_some()
}

fn lang_of(parts: &Parts) -> LangParam {
    let lang = parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    LangParam { lang }
}

/// Where a browser that is not signed in is sent: the sign-in page, then
/// back here (a form sent without a session cannot be sent again from
/// there: back to the page that showed it, else the workspace).
fn to_sign_in(parts: &Parts) -> Response {
    // Our pages send the Referer only to this node (same-origin policy);
    // the sign-in page follows only paths of this node whatever it says.
    let shown_at = || {
        parts
            .headers
            .get(header::REFERER)
            .and_then(|r| r.to_str().ok())
            .and_then(|r| url::Url::parse(r).ok())
            .map(|r| match r.query() {
                Some(q) => format!("{}?{q}", r.path()),
                None => r.path().to_string(),
            })
    };
    let back = if parts.method == axum::http::Method::GET {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/workspace".into())
    } else {
        shown_at().unwrap_or_else(|| "/workspace".into())
    };
    let back = back.as_str();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("next", back);
    Redirect::to(&format!("/sign-in?{}", query.finish())).into_response()
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = lang_of(parts);
        let tr = choose(&lang, &parts.headers);
        let Some(token) = cookies::read(&parts.headers, SESSION_COOKIE) else {
            return Err(to_sign_in(parts));
        };
        match state.services.authenticate(&token).await {
            Ok(viewer) => Ok(Session {
                // The account's language when this browser has not chosen.
                tr: match (&lang.lang, &viewer.user.language) {
                    (None, Some(own)) if !chose_language(&parts.headers) => {
                        Tr::new(Lang::negotiate(Some(own), &parts.headers))
                    }
                    _ => tr.clone(),
                }
                // The account's zone, else this browser's.
                .with_zone(
                    viewer
                        .user
                        .time_zone
                        .as_deref()
                        .and_then(|z| z.parse().ok())
                        .or(tr.zone),
                ),
                viewer,
                csrf: csrf_of(&token),
                token,
                lang,
            }),
            Err(crate::services::ServiceError::Unauthorized(_)) => {
                // Expired or signed out elsewhere: drop the stale cookie.
                let mut response = to_sign_in(parts);
                cookies::set(&mut response, SESSION_COOKIE, "", 0, secure_cookies(state));
                Err(response)
            }
            Err(e) => Err(HttpError::from(e).into_response()),
        }
    }
}

impl Session {
    /// A page of the workspace: never cached, never in a frame.
    pub fn page(&self, status: StatusCode, page: &impl askama::Template) -> Response {
        let mut response = html(status, page, Policy::Strict);
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        remember(&mut response, &self.lang, &self.tr);
        response
    }
}

/// A form sent from a signed-in page, its CSRF token checked: handlers
/// that change anything take this, so none can forget the check.
pub struct Posted<T> {
    pub session: Session,
    pub form: T,
}

pub fn refused_token() -> Response {
    HttpError::new(
        StatusCode::FORBIDDEN,
        "csrf_failed",
        "this form is out of date or was not sent from this node's page; \
         go back, reload the page and send it again",
    )
    .into_response()
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| {
                let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    HttpError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!(
                            "the form is larger than {} bytes",
                            crate::domain::limits::BODY_MAX_BYTES
                        ),
                    )
                } else {
                    HttpError::bad_request("invalid_body", rejection.body_text())
                };
                error.into_response()
            })?;
        let sent = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !same_secret(&sent, &session.csrf) {
            return Err(refused_token());
        }
        let form = serde_urlencoded::from_bytes::<T>(&bytes).map_err(|e| {
            HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("the form could not be read: {e}"),
            )
            .into_response()
        })?;
        Ok(Posted { session, form })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_per_session_and_are_not_the_session() {
        let a = csrf_of("token-a");
        assert_eq!(a, csrf_of("token-a"));
        assert_ne!(a, csrf_of("token-b"));
        assert!(!a.contains("token-a"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
