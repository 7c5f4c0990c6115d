//! The web face: server-rendered pages for people, in English and Spanish,
//! beside the APIs. A coop's and a proposal's ActivityPub URLs answer
//! browsers with their page (see [`negotiate`]); the rest lives under
//! plain paths. No JavaScript: everything works with HTML and one
//! stylesheet, both served from the binary.

mod assets;
mod coop;
mod directory;
mod feeds;
mod landing;
mod language;
pub mod negotiate;
mod problem;
mod proposal;
mod views;

use axum::routing::get;
use axum::Router;

use crate::edges::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(landing::show))
        .route("/directory", get(directory::show))
        .route("/assets/intercoop.css", get(assets::stylesheet))
        .route("/feed.atom", get(feeds::node))
        .route("/actors/{handle}/feed.atom", get(feeds::coop))
}
