//! `/oauth/authorize`: the page where a person signs in and lets an app
//! act for their coop. GET shows it (after checking the app and its
//! redirect, which are shown as a problem page, never redirected to);
//! POST signs in and sends the code back to the app, or shows it for the
//! out-of-band redirect.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::super::params::{Params, Query};
use super::super::views::is_out_of_band;
use super::texts::scope_in_words;
use crate::edges::http::error::HttpError;
use crate::edges::http::extract::ClientAddress;
use crate::edges::http::i18n::Tr;
use crate::edges::http::lang::Lang;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;
use crate::services::oauth::{Authorization, AuthorizeRequest, OAuthError};
use crate::services::ServiceError;

/// What the app put in the link, carried through the form unchanged.
#[derive(Deserialize, Default, Clone)]
pub struct AuthorizeForm {
    #[serde(default)]
    pub response_type: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub redirect_uri: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub code_challenge: String,
    #[serde(default)]
    pub code_challenge_method: String,
    pub lang: Option<String>,
    // Only in the POST.
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub decision: String,
}

#[derive(Template)]
#[template(path = "oauth/authorize.html")]
struct AuthorizePage<'a> {
    lang: &'static str,
    tr: Tr,
    node: &'a str,
    app: &'a str,
    scopes: Vec<String>,
    form: &'a AuthorizeForm,
    email: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "oauth/code.html")]
struct CodePage<'a> {
    lang: &'static str,
    tr: Tr,
    node: &'a str,
    app: &'a str,
    code: &'a str,
}

#[derive(Template)]
#[template(path = "oauth/problem.html")]
struct ProblemPage<'a> {
    lang: &'static str,
    tr: Tr,
    node: &'a str,
    message: String,
}

#[derive(Template)]
#[template(path = "oauth/denied.html")]
struct DeniedPage<'a> {
    lang: &'static str,
    tr: Tr,
    node: &'a str,
}

/// A page, kept out of caches and of the referrer it would send (its URL
/// carries what the app sent).
fn page(status: StatusCode, rendered: &impl Template) -> Response {
    let mut response = html(status, rendered, Policy::FormsRedirect);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn problem(state: &AppState, lang: Lang, error: OAuthError) -> Response {
    let tr = Tr::new(lang);
    let status = match error {
        OAuthError::Client => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    };
    let message = match error {
        OAuthError::Client => tr.t("oauth-unknown-app"),
        OAuthError::Grant(_) => tr.t("oauth-bad-redirect"),
        OAuthError::Scope(detail) => format!("{} {detail}", tr.t("oauth-bad-scope")),
        OAuthError::Request(detail) | OAuthError::GrantType(detail) => {
            format!("{} {detail}", tr.t("oauth-bad-request"))
        }
        OAuthError::Service(e) => return HttpError::from(e).into_response(),
    };
    page(
        status,
        &ProblemPage {
            lang: lang.code(),
            tr,
            node: &state.config.node_name,
            message,
        },
    )
}

async fn check(state: &AppState, form: &AuthorizeForm) -> Result<Authorization, OAuthError> {
    if form.response_type != "code" && !form.response_type.is_empty() {
        return Err(OAuthError::Request("response_type must be 'code'".into()));
    }
    let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
    state
        .services
        .authorization(AuthorizeRequest {
            client_id: form.client_id.clone(),
            redirect_uri: form.redirect_uri.clone(),
            scope: optional(&form.scope),
            code_challenge: optional(&form.code_challenge),
            code_challenge_method: optional(&form.code_challenge_method),
        })
        .await
}

fn sign_in_page(
    state: &AppState,
    lang: Lang,
    authorization: &Authorization,
    form: &AuthorizeForm,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let tr = Tr::new(lang);
    page(
        status,
        &AuthorizePage {
            lang: lang.code(),
            node: &state.config.node_name,
            app: &authorization.app.name,
            scopes: authorization
                .scopes
                .iter()
                .map(|s| scope_in_words(s, &tr))
                .collect(),
            form,
            email: &form.email,
            error,
            tr,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(form): Query<AuthorizeForm>,
) -> Response {
    let lang = Lang::negotiate(form.lang.as_deref(), &headers);
    match check(&state, &form).await {
        Ok(authorization) => {
            sign_in_page(&state, lang, &authorization, &form, StatusCode::OK, None)
        }
        Err(e) => problem(&state, lang, e),
    }
}

/// Where the browser goes back to the app, with `code` or `error`, and the
/// app's `state`.
fn back_to_app(redirect_uri: &str, answer: (&str, &str), app_state: &str) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return HttpError::bad_request("invalid_request", "the redirect_uri is not a URL")
            .into_response();
    };
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair(answer.0, answer.1);
        if !app_state.is_empty() {
            pairs.append_pair("state", app_state);
        }
    }
    match HeaderValue::from_str(url.as_str()) {
        Ok(location) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => HttpError::bad_request("invalid_request", "the redirect_uri cannot be used")
            .into_response(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Params(form): Params<AuthorizeForm>,
) -> Response {
    let lang = Lang::negotiate(form.lang.as_deref(), &headers);
    let authorization = match check(&state, &form).await {
        Ok(a) => a,
        Err(e) => return problem(&state, lang, e),
    };
    let oob = is_out_of_band(&authorization.redirect_uri);
    if form.decision == "deny" {
        if oob {
            return page(
                StatusCode::OK,
                &DeniedPage {
                    lang: lang.code(),
                    tr: Tr::new(lang),
                    node: &state.config.node_name,
                },
            );
        }
        return back_to_app(
            &authorization.redirect_uri,
            ("error", "access_denied"),
            &form.state,
        );
    }
    let tr = Tr::new(lang);
    let code = match state
        .services
        .grant_code(&authorization, &form.email, form.password.clone(), client)
        .await
    {
        Ok(code) => code,
        Err(e) => {
            let (status, text) = match &e {
                ServiceError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "oauth-wrong-password"),
                ServiceError::RateLimited { .. } => {
                    (StatusCode::TOO_MANY_REQUESTS, "oauth-too-many")
                }
                ServiceError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "oauth-busy"),
                _ => return HttpError::from(e).into_response(),
            };
            let mut response = sign_in_page(
                &state,
                lang,
                &authorization,
                &form,
                status,
                Some(tr.t(text)),
            );
            if let Some(seconds) = HttpError::from(e).retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.into());
            }
            return response;
        }
    };
    if oob {
        return page(
            StatusCode::OK,
            &CodePage {
                lang: lang.code(),
                tr,
                node: &state.config.node_name,
                app: &authorization.app.name,
                code: &code,
            },
        );
    }
    back_to_app(&authorization.redirect_uri, ("code", &code), &form.state)
}
