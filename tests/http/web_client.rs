//! A browser for page tests: its own cookies, forms sent as browsers send
//! them, no automatic redirects (each one is checked).

use std::collections::HashMap;
use std::time::Duration;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

use crate::common::{TestServer, PASSWORD};

/// A browser: its own cookies, no automatic redirects (each is checked).
pub struct Browser {
    http: reqwest::Client,
    origin: String,
    pub cookies: HashMap<String, String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub location: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Browser {
    pub fn new(s: &TestServer) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            origin: s.origin(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn take(&mut self, r: reqwest::Response) -> Answer {
        for c in r.headers().get_all(SET_COOKIE) {
            let text = c.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
        Answer {
            status: r.status(),
            location: r
                .headers()
                .get(LOCATION)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default(),
            headers: r.headers().clone(),
            body: r.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let r = self
            .http
            .get(format!("{}{path}", self.origin))
            .header("accept", "text/html")
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.take(r).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let r = self
            .http
            .post(format!("{}{path}", self.origin))
            .header("accept", "text/html")
            .header(COOKIE, self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish(),
            )
            .send()
            .await
            .unwrap();
        self.take(r).await
    }

    /// Sends `parts` (name, content, file name) as `multipart/form-data`,
    /// in order, as a browser sends a form with a file.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        parts: &[(&str, &[u8], Option<&str>)],
    ) -> Answer {
        self.try_post_multipart(path, parts)
            .await
            .expect("the request is sent")
    }

    /// As [`Self::post_multipart`], or the error of sending it (a server
    /// may refuse a body too large before it has all been sent).
    pub async fn try_post_multipart(
        &mut self,
        path: &str,
        parts: &[(&str, &[u8], Option<&str>)],
    ) -> Result<Answer, reqwest::Error> {
        let boundary = "----intercoop-test-boundary";
        let mut body = Vec::new();
        for (name, content, file) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let disposition = match file {
                Some(f) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let r = self
            .http
            .post(format!("{}{path}", self.origin))
            .header("accept", "text/html")
            .header(COOKIE, self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await?;
        Ok(self.take(r).await)
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(page: &Answer) -> String {
        let at = page
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field in {}", page.body));
        let rest = &page.body[at + 19..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// Signs in and returns the CSRF token of the page landed on.
    pub async fn sign_in(&mut self, email: &str) -> String {
        let form = self.get("/sign-in").await;
        let csrf = Browser::csrf(&form);
        let done = self
            .post(
                "/sign-in",
                &[
                    ("email", email),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", "/workspace"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        // A coop's member lands in the workspace, an admin at the desk.
        let home = self.get(&done.location).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.body);
        Browser::csrf(&home)
    }
}
