//! The Mastodon client API and its OAuth 2, so coops use Mastodon apps.
//! Endpoints follow docs.joinmastodon.org; errors are written as Mastodon
//! writes them (`{"error": text}`), and OAuth's token endpoints as OAuth
//! does (`{"error": code, "error_description": text}`). docs/mastodon-api.md
//! lists what is served and how it differs.

mod accounts;
mod admin;
mod auth;
mod empty;
mod instance;
mod markers;
mod media;
mod notifications;
mod oauth;
mod paging;
mod params;
mod search;
mod statuses;
mod streaming;
mod timelines;
mod views;

use axum::http::{header, Method, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

use crate::domain::limits;
use crate::edges::http::error::{shaped, ErrorShape, HttpError};
use crate::edges::http::limits::body_limit;
use crate::edges::http::state::AppState;

/// Browser apps on other origins call the API and the token endpoints
/// with a bearer token, never with cookies, so any origin may.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::LINK,
            header::HeaderName::from_static("x-ratelimit-remaining"),
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

/// Routes with and without a trailing slash, as apps write both.
fn both<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    path: &str,
    route: axum::routing::MethodRouter<S>,
) -> Router<S> {
    router
        .route(path, route.clone())
        .route(&format!("{path}/"), route)
}

fn client_api() -> Router<AppState> {
    let mut api = Router::new()
        .route("/api/v1/apps", post(oauth::apps::create))
        .route("/api/v1/apps/verify_credentials", get(oauth::apps::verify))
        .route(
            "/api/v1/accounts/verify_credentials",
            get(accounts::verify_credentials),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            // Room for an avatar and a header with the other fields.
            axum::routing::patch(accounts::update_credentials).layer(body_limit(
                2 * crate::domain::uploaded_image::UPLOAD_MAX_BYTES + limits::BODY_MAX_BYTES,
            )),
        )
        .route("/api/v1/accounts/lookup", get(accounts::lookup))
        .route("/api/v1/accounts/search", get(accounts::search))
        .route(
            "/api/v1/accounts/relationships",
            get(accounts::relationships),
        )
        .route("/api/v1/accounts/{id}", get(accounts::get))
        .route("/api/v1/accounts/{id}/follow", post(accounts::follow))
        .route("/api/v1/accounts/{id}/unfollow", post(accounts::unfollow))
        .route("/api/v1/accounts/{id}/followers", get(accounts::followers))
        .route("/api/v1/accounts/{id}/following", get(accounts::following))
        .route("/api/v1/follow_requests", get(accounts::follow_requests))
        .route(
            "/api/v1/follow_requests/{id}/authorize",
            post(accounts::authorize_follow),
        )
        .route(
            "/api/v1/follow_requests/{id}/reject",
            post(accounts::reject_follow),
        )
        .route("/api/v1/accounts/{id}/statuses", get(timelines::account))
        .route("/api/v1/statuses", post(statuses::create))
        .route(
            "/api/v1/statuses/{id}",
            get(statuses::get)
                .put(statuses::edit)
                .delete(statuses::delete),
        )
        .route("/api/v1/statuses/{id}/source", get(statuses::source))
        .route("/api/v1/statuses/{id}/context", get(statuses::context))
        .route("/api/v1/statuses/{id}/history", get(statuses::history))
        .route("/api/v1/statuses/{id}/favourited_by", get(statuses::nobody))
        .route("/api/v1/statuses/{id}/reblogged_by", get(statuses::nobody))
        .route(
            "/api/v1/statuses/{id}/{action}",
            post(statuses::action_refused),
        )
        .route("/api/v1/media", post(statuses::media_refused))
        .route("/api/v2/media", post(statuses::media_refused))
        .route("/api/v1/polls/{id}/votes", post(statuses::poll_refused))
        .route("/api/v2/search", get(search::search))
        .route(
            "/api/v1/admin/domain_blocks",
            get(admin::blocks).post(admin::add_block),
        )
        .route(
            "/api/v1/admin/domain_blocks/{id}",
            get(admin::block)
                .put(admin::change_block)
                .delete(admin::remove_block),
        )
        .route(
            "/api/v1/admin/domain_allows",
            get(admin::allows).post(admin::add_allow),
        )
        .route(
            "/api/v1/admin/domain_allows/{id}",
            get(admin::allow).delete(admin::remove_allow),
        )
        .route("/api/v1/notifications", get(notifications::list))
        .route("/api/v1/notifications/clear", post(notifications::clear))
        .route(
            "/api/v1/notifications/unread_count",
            get(markers::unread_count),
        )
        .route("/api/v1/markers", get(markers::get).post(markers::save))
        .route("/api/v1/notifications/{id}", get(notifications::get))
        .route(
            "/api/v1/notifications/{id}/dismiss",
            post(notifications::dismiss),
        )
        .route("/api/v1/streaming", get(streaming::connect))
        .route("/api/v1/streaming/", get(streaming::connect))
        .route("/api/v1/streaming/health", get(streaming::health))
        .route("/api/v1/timelines/home", get(timelines::home))
        .route("/api/v1/timelines/public", get(timelines::public))
        .route("/api/v1/timelines/tag/{hashtag}", get(timelines::tag));
    api = both(api, "/api/v1/instance", get(instance::v1));
    api = both(api, "/api/v2/instance", get(instance::v2));
    let api = api
        .merge(empty::router())
        .route("/api/v1/{*rest}", axum::routing::any(unknown))
        .route("/api/v2/{*rest}", axum::routing::any(unknown))
        .method_not_allowed_fallback(|| async {
            HttpError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This endpoint does not accept that method",
            )
        })
        .layer(cors())
        .layer(body_limit(limits::BODY_MAX_BYTES));
    shaped(api, ErrorShape::Mastodon)
}

async fn unknown() -> HttpError {
    HttpError::not_found(
        "This endpoint is not served by this server (an Intercoop node; see /api/v2/instance)",
    )
}

fn oauth_endpoints() -> Router<AppState> {
    let tokens = Router::new()
        .route("/oauth/token", post(oauth::token::token))
        .route("/oauth/revoke", post(oauth::token::revoke))
        .route(
            "/.well-known/oauth-authorization-server",
            get(oauth::metadata::metadata),
        )
        .layer(cors())
        .layer(body_limit(limits::BODY_MAX_BYTES));
    let pages = both(
        Router::new(),
        "/oauth/authorize",
        get(oauth::authorize::show).post(oauth::authorize::submit),
    )
    .layer(body_limit(limits::BODY_MAX_BYTES));
    shaped(tokens, ErrorShape::OAuth).merge(pages)
}

fn images() -> Router<AppState> {
    Router::new()
        .route("/media/avatars/{file}", get(media::avatar))
        .route("/media/headers/{file}", get(media::header))
        .route("/media/node.png", get(media::node))
}

pub fn router() -> Router<AppState> {
    client_api().merge(oauth_endpoints()).merge(images())
}
