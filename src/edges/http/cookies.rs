//! Cookies, read and written the one way every edge does: `Path=/`,
//! `HttpOnly`, `SameSite=Lax`, and `Secure` when the node is served over
//! https.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;

/// The value of cookie `name`, if the request carries it.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (n, value) = pair.trim().split_once('=')?;
            // An emptied cookie is no cookie.
            (n == name && !value.is_empty()).then(|| value.to_string())
        })
}

/// Sets cookie `name` for `max_age` seconds (0 removes it).
pub fn set(response: &mut Response, name: &str, value: &str, max_age: i64, secure: bool) {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax; HttpOnly{secure}");
    match HeaderValue::from_str(&text) {
        Ok(v) => {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        // Values are ours (codes and random tokens), never the visitor's.
        Err(e) => tracing::error!(error = %e, cookie = name, "a cookie could not be set"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_several_headers() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; lang=es"));
        headers.append(header::COOKIE, HeaderValue::from_static("session=xyz"));
        assert_eq!(read(&headers, "lang").as_deref(), Some("es"));
        assert_eq!(read(&headers, "session").as_deref(), Some("xyz"));
        assert_eq!(read(&headers, "missing"), None);
        assert_eq!(read(&headers, "ang"), None);
    }

    #[test]
    fn writes_the_attributes_every_cookie_gets() {
        let mut response = Response::new(axum::body::Body::empty());
        set(&mut response, "s", "v", 60, true);
        let written = response.headers()[header::SET_COOKIE].to_str().unwrap();
        assert_eq!(
            written,
            "s=v; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure"
        );
    }
}
