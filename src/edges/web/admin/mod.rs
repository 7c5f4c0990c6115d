//! The admin desk: the pages node admins use to run the node. Other nodes
//! (follow, approve, unfollow, backfill), the federation policy (mode,
//! follow approval, domain blocks with Mastodon CSV import and export,
//! allows), the delivery queue per host, coop accounts, the run-time
//! settings, and the audit log.
//! Every page needs an admin's session; every change is a
//! [`Posted`](super::session::Posted) form and is recorded in the log by
//! the services.

mod coops;
mod domains;
mod gatherings;
mod log;
mod nodes;
mod overview;
mod settings;

use axum::routing::{get, post};
use axum::Router;

use super::session::Session;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::nodes::Admin;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview::show))
        .route("/admin/policy", post(overview::set_policy))
        .route("/admin/deliveries/retry", post(overview::retry))
        .route("/admin/nodes", get(nodes::show).post(nodes::follow))
        .route("/admin/nodes/{domain}/{action}", post(nodes::act))
        .route("/admin/domains", get(domains::show))
        .route("/admin/domains/blocks", post(domains::block))
        .route("/admin/domains/blocks.csv", get(domains::export))
        .route("/admin/domains/import", post(domains::import))
        .route(
            "/admin/domains/upload",
            // A whole block list, as the API takes it, and the form around it.
            post(domains::upload).layer(crate::edges::http::limits::body_limit(
                crate::domain::limits::BLOCKLIST_BYTES_MAX + 16 * 1024,
            )),
        )
        .route("/admin/domains/allows", post(domains::allow))
        .route(
            "/admin/domains/{list}/{domain}/remove",
            post(domains::remove),
        )
        .route("/admin/coops", get(coops::show).post(coops::create))
        .route("/admin/coops/{handle}/delete", post(coops::delete))
        .route("/admin/gatherings", post(gatherings::create))
        .route("/admin/gatherings/new", get(gatherings::new_form))
        .route("/admin/log", get(log::show))
        .route("/admin/settings", get(settings::show).post(settings::save))
}

/// The session's admin, or 403 for a coop's member.
fn admin_of(session: &Session) -> HttpResult<Admin> {
    Ok(Admin::of(&session.viewer)?)
}

/// A time as admins read it: UTC, to the minute.
fn when(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}
