//! What apps ask for at start and expect to exist, answered in Mastodon's
//! shapes and empty where a coop node has nothing of the kind: no custom
//! emojis, filters, lists, announcements, trends, conversations, blocks.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::Token;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;

/// Lists a signed-in coop may read, always empty here, with the scope
/// Mastodon asks for each.
const PERSONAL_LISTS: &[(&str, &str)] = &[
    ("/api/v1/filters", "read:filters"),
    ("/api/v2/filters", "read:filters"),
    ("/api/v1/lists", "read:lists"),
    ("/api/v1/followed_tags", "read:follows"),
    ("/api/v1/conversations", "read:statuses"),
    ("/api/v1/domain_blocks", "read:blocks"),
    ("/api/v1/blocks", "read:blocks"),
    ("/api/v1/mutes", "read:mutes"),
    ("/api/v1/favourites", "read:favourites"),
    ("/api/v1/bookmarks", "read:bookmarks"),
    ("/api/v1/endorsements", "read:accounts"),
    ("/api/v1/featured_tags", "read:accounts"),
    ("/api/v1/featured_tags/suggestions", "read:accounts"),
    ("/api/v1/scheduled_statuses", "read:statuses"),
    ("/api/v1/announcements", "read"),
];

/// Lists anyone may read, always empty here.
const PUBLIC_LISTS: &[&str] = &[
    "/api/v1/custom_emojis",
    "/api/v1/trends",
    "/api/v1/trends/tags",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
    "/api/v1/instance/peers",
    "/api/v1/instance/activity",
    "/api/v1/instance/rules",
    "/api/v1/directory",
];

async fn personal(Token(session): Token, scope: &'static str) -> HttpResult<Json<Vec<Value>>> {
    session.require(&[scope])?;
    Ok(Json(Vec::new()))
}

async fn public() -> Json<Vec<Value>> {
    Json(Vec::new())
}

/// `GET /api/v1/preferences`: needs and offers are public, in no language
/// set beforehand.
async fn preferences(Token(session): Token) -> HttpResult<Json<Value>> {
    session.require(&["read:accounts"])?;
    Ok(Json(json!({
        "posting:default:visibility": "public",
        "posting:default:sensitive": false,
        "posting:default:language": null,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false
    })))
}

pub fn router() -> Router<AppState> {
    let mut router = Router::new().route("/api/v1/preferences", get(preferences));
    for (path, scope) in PERSONAL_LISTS {
        router = router.route(path, get(move |token: Token| personal(token, scope)));
    }
    for path in PUBLIC_LISTS {
        router = router.route(path, get(public));
    }
    router
}
