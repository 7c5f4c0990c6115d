//! A signed-in person's own account, for coop members and node admins
//! alike: the language of the pages, the password, and where the account
//! is signed in (sessions, API tokens and Mastodon apps, each revocable).

mod overview;
mod sessions;

use axum::routing::{get, post};
use axum::Router;

use crate::edges::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(overview::show))
        .route("/account/language", post(overview::set_language))
        .route("/account/time-zone", post(overview::set_time_zone))
        .route("/account/password", post(overview::change_password))
        .route("/account/sessions", get(sessions::show))
        .route("/account/sessions/{id}/revoke", post(sessions::revoke))
}
