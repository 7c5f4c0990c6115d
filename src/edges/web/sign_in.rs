//! `/sign-in` and `/sign-out` for people. Signing in goes through the same
//! throttle and bounded password checks as the API (`check_password`) and
//! gives a session cookie. The sign-in form carries its own CSRF token
//! (a random value also set as a cookie) so no other site can sign a
//! browser into an account of its choosing.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use base64::Engine as _;
use serde::Deserialize;

use super::language::{choose, remember, LangParam};
use super::session::{same_secret, secure_cookies, Posted, SESSION_COOKIE};
use super::views::Frame;
use crate::domain::session::SignInKind;
use crate::edges::http::cookies;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::extract::{user_agent, ClientAddress};
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::accounts::{SignInFrom, TOKEN_LIFETIME_DAYS};
use crate::services::ServiceError;

/// The cookie that pairs a sign-in form with the browser that got it.
const FORM_COOKIE: &str = "intercoop_sign_in";

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    pub next: Option<String>,
    pub lang: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Template)]
#[template(path = "web/sign_in.html")]
struct SignInPage {
    frame: Frame,
    email: String,
    next: String,
    csrf: String,
    error: Option<String>,
}

/// Only a path on this node: never `//elsewhere` or a full URL, so the
/// page cannot be used to send people to another site.
fn local_path(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control());
    if ok {
        next.to_string()
    } else {
        "/workspace".to_string()
    }
}

fn random_value() -> HttpResult<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| HttpError::from(ServiceError::Internal(e.to_string())))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The form: never cached (it carries its CSRF token).
fn render(status: StatusCode, form: SignInPage) -> Response {
    let mut response = html(status, &form, Policy::Strict);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> HttpResult<Response> {
    let param = LangParam {
        lang: query.lang.clone(),
    };
    let tr = choose(&param, &headers);
    let csrf = match cookies::read(&headers, FORM_COOKIE) {
        Some(v) if v.len() == 32 => v,
        _ => random_value()?,
    };
    let page = SignInPage {
        frame: Frame::new(&state, tr.clone(), "/sign-in", &headers),
        email: String::new(),
        next: local_path(query.next.as_deref().unwrap_or("/workspace")),
        csrf: csrf.clone(),
        error: None,
    };
    let mut response = render(StatusCode::OK, page);
    // An hour to fill the form in.
    cookies::set(
        &mut response,
        FORM_COOKIE,
        &csrf,
        3600,
        secure_cookies(&state),
    );
    remember(&mut response, &param, &tr);
    Ok(response)
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> HttpResult<Response> {
    // As an error page in the visitor's language, not axum's plain text.
    let Form(form) = form.map_err(|rejection| {
        HttpError::new(rejection.status(), "invalid_body", rejection.body_text())
    })?;
    let tr = choose(&LangParam::default(), &headers);
    let paired = cookies::read(&headers, FORM_COOKIE)
        .is_some_and(|cookie| !form.csrf.is_empty() && same_secret(&cookie, &form.csrf));
    if !paired {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "this sign-in form is out of date or was not sent from this node's page \
             (or the browser refuses cookies); reload the page and sign in again",
        ));
    }
    let next = local_path(&form.next);
    let again = |status: StatusCode, error: String| {
        let page = SignInPage {
            frame: Frame::new(&state, tr.clone(), "/sign-in", &headers),
            email: form.email.clone(),
            next: next.clone(),
            csrf: form.csrf.clone(),
            error: Some(error),
        };
        render(status, page)
    };
    match state
        .services
        .login(
            &form.email,
            form.password,
            SignInFrom {
                client,
                kind: SignInKind::Web,
                agent: user_agent(&headers),
            },
        )
        .await
    {
        Ok(session) => {
            // A node admin acts for no coop: their desk, unless sent elsewhere.
            let next = if session.user.coop_id.is_none() && next == "/workspace" {
                "/admin".to_string()
            } else {
                next
            };
            let mut response = Redirect::to(&next).into_response();
            let secure = secure_cookies(&state);
            cookies::set(
                &mut response,
                SESSION_COOKIE,
                &session.token,
                TOKEN_LIFETIME_DAYS * 86_400,
                secure,
            );
            cookies::set(&mut response, FORM_COOKIE, "", 0, secure);
            // Public pages give times in the account's zone too.
            if let Some(zone) = session.user.time_zone.as_deref() {
                super::time_zone::remember(&mut response, Some(zone));
            }
            Ok(response)
        }
        Err(ServiceError::Unauthorized(_)) => {
            Ok(again(StatusCode::UNAUTHORIZED, tr.t("sign-in-wrong")))
        }
        Err(ServiceError::RateLimited { retry_after }) => {
            let seconds = retry_after.as_secs().max(1);
            let mut response = again(
                StatusCode::TOO_MANY_REQUESTS,
                tr.t1("sign-in-wait", "seconds", seconds),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

pub async fn sign_out(
    State(state): State<AppState>,
    posted: Posted<Nothing>,
) -> HttpResult<Response> {
    state.services.logout(&posted.session.token).await?;
    let mut response = Redirect::to("/").into_response();
    cookies::set(&mut response, SESSION_COOKIE, "", 0, secure_cookies(&state));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_node_are_followed_after_sign_in() {
        assert_eq!(local_path("/workspace/matches"), "/workspace/matches");
        assert_eq!(local_path("/workspace?lang=es"), "/workspace?lang=es");
        for elsewhere in [
            "https://evil.test/",
            "//evil.test/",
            "/\\evil.test",
            "evil",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(elsewhere), "/workspace", "{elsewhere}");
        }
    }
}
