//! The native JSON API under `/api/intercoop/v1/`. Mastodon's `/api/v1`
//! stays free for the Mastodon client API.

pub(crate) mod admin;
mod auth;
mod coop;
mod coops;
mod directory;
mod follows;
mod gatherings;
mod health;
mod introductions;
mod matches;
pub mod openapi;
mod patch;
mod proposals;
mod remote_gatherings;
pub mod views;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::limits;
use crate::edges::http::error::HttpError;
use crate::edges::http::limits::body_limit;
use crate::edges::http::state::AppState;

pub const PREFIX: &str = "/api/intercoop/v1";

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/sessions", get(auth::sessions))
        .route("/auth/password", axum::routing::put(auth::change_password))
        .route("/auth/language", axum::routing::put(auth::set_language))
        .route("/auth/time-zone", axum::routing::put(auth::set_time_zone))
        .route(
            "/auth/sessions/{id}",
            axum::routing::delete(auth::revoke_session),
        )
        .route("/coop", get(coop::get_own).patch(coop::patch_own))
        .route("/coops/{handle}", get(coops::get_public))
        .route("/proposals", get(proposals::list).post(proposals::create))
        .route(
            "/proposals/{id}",
            get(proposals::get)
                .patch(proposals::update)
                .delete(proposals::delete),
        )
        .route(
            "/follows",
            get(follows::list_following).post(follows::follow),
        )
        .route("/follows/{id}", axum::routing::delete(follows::unfollow))
        .route("/followers", get(follows::list_followers))
        .route("/followers/{id}/approve", post(follows::approve))
        .route("/followers/{id}/reject", post(follows::reject))
        .route("/remote-proposals", get(follows::remote_proposals))
        .route("/directory/proposals", get(directory::proposals))
        .route("/proposals/{id}/matches", get(matches::for_proposal))
        .route("/matches", get(matches::for_coop))
        .route("/circles", get(matches::circles))
        .route("/matches/notifications", get(matches::notifications))
        .route("/matches/notifications/read", post(matches::mark_read))
        .route(
            "/matches/settings",
            get(matches::get_settings).put(matches::put_settings),
        )
        .route(
            "/introductions",
            get(introductions::list).post(introductions::create),
        )
        .route("/introductions/{id}", get(introductions::get))
        .route("/introductions/{id}/accept", post(introductions::accept))
        .route("/introductions/{id}/decline", post(introductions::decline))
        .route("/directory/coops", get(directory::coops))
        .route(
            "/gatherings",
            get(gatherings::list).post(gatherings::create),
        )
        .route("/gatherings/{id}", get(gatherings::get))
        .route("/admin/gatherings", post(gatherings::create_for_node))
        .route("/gatherings/{id}/join", post(gatherings::join))
        .route(
            "/remote-gatherings",
            get(remote_gatherings::list).post(remote_gatherings::join),
        )
        .route("/remote-gatherings/{id}", get(remote_gatherings::get))
        .route(
            "/remote-gatherings/{id}/contribution",
            axum::routing::put(remote_gatherings::contribute),
        )
        .route(
            "/remote-gatherings/{id}/leave",
            post(remote_gatherings::leave),
        )
        .route("/gatherings/{id}/leave", post(gatherings::leave))
        .route("/gatherings/{id}/board", get(gatherings::board))
        .route("/gatherings/{id}/synergies", post(gatherings::decide))
        .route("/gatherings/{id}/live", post(gatherings::live))
        .route(
            "/gatherings/{id}/notes",
            get(gatherings::read_notes).put(gatherings::write_notes),
        )
        .route(
            "/gatherings/{id}/contribution",
            axum::routing::put(gatherings::contribute),
        )
        .route(
            "/gatherings/{id}/registration",
            axum::routing::put(gatherings::registration),
        )
        .route(
            "/admin/nodes",
            get(admin::nodes::list_nodes).post(admin::nodes::follow_node),
        )
        .route(
            "/admin/nodes/{domain}",
            axum::routing::delete(admin::nodes::unfollow_node),
        )
        .route(
            "/admin/nodes/{domain}/approve",
            post(admin::nodes::approve_node),
        )
        .route(
            "/admin/nodes/{domain}/remove-follower",
            post(admin::nodes::remove_follower_node),
        )
        .route(
            "/admin/settings",
            get(admin::settings::get_settings).put(admin::settings::put_settings),
        )
        .route(
            "/admin/policy",
            get(admin::policy::get_policy).put(admin::policy::put_policy),
        )
        .route(
            "/admin/blocks",
            get(admin::policy::list_blocks).post(admin::policy::add_block),
        )
        .route(
            "/admin/blocks/{domain}",
            axum::routing::delete(admin::policy::remove_block),
        )
        .route("/admin/blocks/export", get(admin::policy::export_blocks))
        .route(
            "/admin/blocks/import",
            post(admin::policy::import_blocks).layer(body_limit(limits::BLOCKLIST_BYTES_MAX)),
        )
        .route(
            "/admin/allows",
            get(admin::policy::list_allows).post(admin::policy::add_allow),
        )
        .route(
            "/admin/allows/{domain}",
            axum::routing::delete(admin::policy::remove_allow),
        )
        .route("/admin/actions", get(admin::actions::actions))
        .route(
            "/admin/coops/{handle}",
            axum::routing::delete(admin::coops::delete_coop),
        )
        .route("/openapi.json", get(openapi::serve))
        .route("/health", get(health::health))
        .fallback(|| async { HttpError::not_found("no such API endpoint") })
        .method_not_allowed_fallback(|| async {
            HttpError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not accept that method",
            )
        })
        .layer(body_limit(limits::BODY_MAX_BYTES));
    Router::new().nest(PREFIX, api)
}
