//! `/api/v2/search`: accounts (with `resolve=true`, `user@host` looked up
//! on its server), hashtags and statuses (needs and offers by title words).

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::accounts::account_of;
use super::auth::MaybeToken;
use super::params::{flexible_bool, flexible_u64, Query};
use super::statuses::statuses_of;
use crate::domain::post_grammar::{category_of_tag, kind_of_tag};
use crate::domain::validate;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::statuses::Found;

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    resolve: Option<bool>,
    #[serde(default, deserialize_with = "flexible_u64")]
    limit: Option<u64>,
    #[serde(default, deserialize_with = "flexible_u64")]
    offset: Option<u64>,
}

/// The hashtag `q` names, if it is one: apps list it so a person can open
/// its timeline (kinds and categories in every language included).
fn hashtag(state: &AppState, q: &str) -> Option<Value> {
    let name = q.trim().trim_start_matches('#');
    let name = match (kind_of_tag(name), category_of_tag(name)) {
        (Some(k), _) => k.as_str().to_string(),
        (_, Some(c)) => c.as_str().to_string(),
        _ => validate::tags("q", &[name.to_string()], 1).ok()?.pop()?,
    };
    let url = state.services.urls.tag(&name).to_string();
    Some(json!({"name": name, "url": url, "history": [], "following": false}))
}

pub async fn search(
    State(state): State<AppState>,
    token: MaybeToken,
    Query(params): Query<SearchParams>,
) -> HttpResult<Json<Value>> {
    let viewer = match &token.0 {
        Some(session) => {
            session.require(&["read:search"])?;
            session.viewer()
        }
        None => None,
    };
    let q = params.q.unwrap_or_default();
    let q = q.trim();
    if q.is_empty() {
        return Err(HttpError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Validation failed: q must not be empty",
        ));
    }
    let wants = |kind: &str| params.kind.as_deref().is_none_or(|k| k == kind);
    // A URL names one thing, which apps open (a status or an account);
    // with `resolve=true`, a signed-in coop's search reads an unknown one
    // from its origin.
    if q.starts_with("https://") || q.starts_with("http://") {
        let (mut accounts, mut statuses) = (Vec::new(), Vec::new());
        let resolve = params.resolve.unwrap_or(false) && viewer.is_some();
        let found = state
            .services
            .resolve_url(&*state.resolver, viewer.as_ref(), q, resolve)
            .await?;
        match found {
            Some(Found::Account(someone)) if wants("accounts") => {
                accounts.push(account_of(&state, &someone).await?)
            }
            Some(Found::Post(post)) if wants("statuses") => {
                statuses = statuses_of(&state, std::slice::from_ref(&*post)).await?
            }
            _ => {}
        }
        return Ok(Json(
            json!({"accounts": accounts, "statuses": statuses, "hashtags": []}),
        ));
    }
    let limit = params.limit.unwrap_or(20).clamp(1, 40) as i64;
    let offset = params.offset.unwrap_or(0).min(10_000) as i64;
    let mut accounts = Vec::new();
    if wants("accounts") && offset == 0 {
        // Reaching other servers is for signed-in coops, as in Mastodon.
        let resolve = params.resolve.unwrap_or(false) && viewer.is_some();
        let found = state
            .services
            .search_someone(&*state.resolver, q, resolve, limit)
            .await?;
        for someone in &found {
            accounts.push(account_of(&state, someone).await?);
        }
    }
    let hashtags: Vec<Value> =
        if wants("hashtags") && offset == 0 && !q.contains(char::is_whitespace) {
            hashtag(&state, q).into_iter().collect()
        } else {
            Vec::new()
        };
    let statuses = if wants("statuses") && !q.starts_with('@') && !q.starts_with('#') {
        let posts = state.services.search_posts(q, offset, limit).await?;
        statuses_of(&state, &posts).await?
    } else {
        Vec::new()
    };
    Ok(Json(json!({
        "accounts": accounts,
        "statuses": statuses,
        "hashtags": hashtags
    })))
}
