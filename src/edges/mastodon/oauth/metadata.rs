//! `/.well-known/oauth-authorization-server` (RFC 8414): where the OAuth
//! endpoints are and what they support.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::domain::oauth::KNOWN_SCOPES;
use crate::edges::http::state::AppState;

pub async fn metadata(State(state): State<AppState>) -> Json<Value> {
    let root = state.services.urls.root();
    let at = |path: &str| root.join(path).map(|u| u.to_string()).unwrap_or_default();
    let mut grants = vec!["authorization_code", "client_credentials"];
    if state.services.node_settings().oauth_password_grant {
        grants.push("password");
    }
    Json(json!({
        "issuer": root.to_string(),
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": at("/oauth/authorize"),
        "token_endpoint": at("/oauth/token"),
        "revocation_endpoint": at("/oauth/revoke"),
        "app_registration_endpoint": at("/api/v1/apps"),
        "scopes_supported": KNOWN_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": grants,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "ui_locales_supported": ["en", "es"]
    }))
}
