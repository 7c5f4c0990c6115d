//! The web face: server-rendered pages for people, in English and Spanish,
//! beside the APIs. A coop's and a proposal's ActivityPub URLs answer
//! browsers with their page (see [`negotiate`]); the rest lives under
//! plain paths: the public pages, signing in and out, and a coop's
//! [`workspace`]. No JavaScript: everything works with HTML forms and one
//! stylesheet, both served from the binary.

mod account;
mod admin;
mod assets;
mod coop;
mod coops;
mod directory;
mod feeds;
mod form;
mod gatherings;
mod landing;
mod language;
mod listing;
mod messages;
pub mod negotiate;
mod network;
mod problem;
mod proposal;
mod session;
mod sign_in;
mod time_zone;
mod views;
mod workspace;

use axum::routing::{get, post};
use axum::Router;

use crate::edges::http::state::AppState;

pub fn router(state: AppState) -> Router<AppState> {
    // Public pages hold no secret, so they are compressed; pages of a
    // signed-in browser carry a CSRF token beside text the visitor typed,
    // and stay uncompressed (BREACH).
    let public = Router::new()
        .route("/", get(landing::show))
        .route("/directory", get(directory::show))
        .route("/coops", get(coops::show))
        .route("/gatherings", get(gatherings::list))
        .route("/gatherings/calendar.ics", get(gatherings::node_calendar))
        .route("/gatherings/{id}/calendar.ics", get(gatherings::calendar))
        .route("/gatherings/{id}/live", get(gatherings::live))
        .route("/assets/intercoop.css", get(assets::stylesheet))
        .route("/feed.atom", get(feeds::node))
        .route("/actors/{handle}/feed.atom", get(feeds::coop))
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                // Most of the gain for a fraction of the time of the default.
                .quality(tower_http::CompressionLevel::Fastest),
        );
    Router::new()
        .merge(public)
        .route("/sign-in", get(sign_in::show).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .merge(workspace::router())
        .merge(account::router())
        .merge(admin::router())
        // Forms are small: the API's cap on bodies holds for them too.
        .layer(crate::edges::http::limits::body_limit(
            crate::domain::limits::BODY_MAX_BYTES,
        ))
        // Errors of these routes are pages, in the visitor's language.
        .layer(axum::middleware::from_fn_with_state(
            state,
            problem::as_pages,
        ))
}
