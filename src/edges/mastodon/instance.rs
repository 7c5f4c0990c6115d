//! `/api/v1/instance` and `/api/v2/instance`: what apps read first to know
//! the server, its limits and its API version.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::domain::limits;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;

/// The Mastodon API version we follow, in the form apps parse (the
/// Pleroma convention names the real software after it).
pub fn version() -> String {
    format!(
        "4.3.0 (compatible; Intercoop {})",
        env!("CARGO_PKG_VERSION")
    )
}

/// What apps check before posting: a proposal's text is its title, a new
/// line, and its description.
fn statuses() -> Value {
    json!({
        "max_characters": limits::TITLE_MAX + 1 + limits::DESCRIPTION_MAX,
        "max_media_attachments": 0,
        "characters_reserved_per_url": 23
    })
}

fn media_attachments() -> Value {
    json!({
        "supported_mime_types": [],
        "image_size_limit": 0,
        "image_matrix_limit": 0,
        "video_size_limit": 0,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
        "description_limit": 0
    })
}

fn polls() -> Value {
    json!({
        "max_options": 0,
        "max_characters_per_option": 0,
        "min_expiration": 0,
        "max_expiration": 0
    })
}

/// Where apps open the streaming API: `wss://` behind `https://`.
fn streaming(state: &AppState) -> String {
    let root = state.services.urls.root();
    let scheme = if root.scheme() == "https" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}", state.services.urls.domain())
}

/// The admins' own words when they wrote some, then how to post here.
fn description(state: &AppState) -> String {
    let about = match &state.services.node_settings().about {
        Some(about) => format!("{about}\n\n"),
        None => format!(
            "{}: an Intercoop node, where cooperatives publish the help they need and offer. ",
            state.config.node_name
        ),
    };
    format!(
        "{about}Post a need or an offer with #need or #offer and one category hashtag \
         (#financial, #human, #technical, #knowledge or #work)."
    )
}

fn contact_email(state: &AppState) -> String {
    state
        .services
        .node_settings()
        .contact_email
        .clone()
        .unwrap_or_default()
}

pub async fn v1(State(state): State<AppState>) -> HttpResult<Json<Value>> {
    let stats = state.services.node_stats().await?;
    let domain = state.services.urls.domain();
    Ok(Json(json!({
        "uri": domain,
        "title": state.config.node_name,
        "short_description": description(&state),
        "description": description(&state),
        "email": contact_email(&state),
        "version": version(),
        "urls": {"streaming_api": streaming(&state)},
        "stats": {
            "user_count": stats.coops,
            "status_count": stats.open_proposals,
            "domain_count": 0
        },
        "thumbnail": state.services.urls.node_image().to_string(),
        "languages": ["en", "es"],
        "registrations": false,
        "approval_required": false,
        "invites_enabled": false,
        "configuration": {
            "accounts": {"max_featured_tags": 0},
            "statuses": statuses(),
            "media_attachments": media_attachments(),
            "polls": polls()
        },
        "contact_account": null,
        "rules": []
    })))
}

pub async fn v2(State(state): State<AppState>) -> HttpResult<Json<Value>> {
    let stats = state.services.node_stats().await?;
    let domain = state.services.urls.domain();
    Ok(Json(json!({
        "domain": domain,
        "title": state.config.node_name,
        "version": version(),
        "source_url": "",
        "description": description(&state),
        "usage": {"users": {"active_month": stats.coops}},
        "thumbnail": {"url": state.services.urls.node_image().to_string()},
        "icon": [],
        "languages": ["en", "es"],
        "configuration": {
            "urls": {"streaming": streaming(&state), "status": null},
            "vapid": {"public_key": ""},
            "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
            "statuses": statuses(),
            "media_attachments": media_attachments(),
            "polls": polls(),
            "translation": {"enabled": false}
        },
        "registrations": {"enabled": false, "approval_required": false, "message": null, "url": null},
        "api_versions": {"mastodon": 2},
        "contact": {"email": contact_email(&state), "account": null},
        "rules": []
    })))
}
