//! A coop's workspace: the pages a signed-in member uses to keep the
//! coop's profile, publish and close needs and offers, see matches, ask
//! for and answer introductions, follow coops on other nodes, and read
//! its notifications, and plan and register for gatherings (here and on
//! other servers). Every
//! page needs a [`Session`](super::session::Session); every form that
//! changes something is a [`Posted`](super::session::Posted) form.

mod circles;
mod follows;
pub(crate) mod gatherings;
mod introductions;
mod matches;
mod notifications;
mod overview;
mod profile;
mod proposals;
mod remote_gatherings;

use axum::routing::{get, post};
use axum::Router;

use crate::edges::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/workspace", get(overview::show))
        .route("/workspace/proposals", post(proposals::create))
        .route("/workspace/proposals/new", get(proposals::new_form))
        .route(
            "/workspace/proposals/{id}",
            get(proposals::edit_form).post(proposals::update),
        )
        .route(
            "/workspace/proposals/{id}/status",
            post(proposals::set_status),
        )
        .route("/workspace/matches", get(matches::show))
        .route("/workspace/circles", get(circles::show))
        .route(
            "/workspace/introductions",
            get(introductions::list).post(introductions::ask),
        )
        .route("/workspace/introductions/new", get(introductions::ask_form))
        .route(
            "/workspace/introductions/{id}/answer",
            post(introductions::answer),
        )
        .route("/workspace/gatherings", post(gatherings::create))
        .route("/workspace/gatherings/new", get(gatherings::new_form))
        .route(
            "/workspace/remote-gatherings",
            get(remote_gatherings::list).post(remote_gatherings::join),
        )
        .route(
            "/workspace/remote-gatherings/{id}",
            get(remote_gatherings::show),
        )
        .route(
            "/workspace/remote-gatherings/{id}/contribution",
            post(remote_gatherings::contribute),
        )
        .route(
            "/workspace/remote-gatherings/{id}/leave",
            post(remote_gatherings::leave),
        )
        .route("/workspace/gatherings/{id}", get(gatherings::show))
        .route("/workspace/gatherings/{id}/join", post(gatherings::join))
        .route("/workspace/gatherings/{id}/leave", post(gatherings::leave))
        .route("/workspace/gatherings/{id}/live", post(gatherings::live))
        .route(
            "/workspace/gatherings/{id}/notes",
            post(gatherings::write_notes),
        )
        .route(
            "/workspace/gatherings/{id}/synergies",
            post(gatherings::decide),
        )
        .route(
            "/workspace/gatherings/{id}/contribution",
            post(gatherings::contribute),
        )
        .route(
            "/workspace/gatherings/{id}/registration",
            post(gatherings::registration),
        )
        .route("/workspace/notifications", get(notifications::show))
        .route("/workspace/notifications/clear", post(notifications::clear))
        .route(
            "/workspace/notifications/{id}/dismiss",
            post(notifications::dismiss),
        )
        .route("/workspace/profile", get(profile::show).post(profile::save))
        .route(
            "/workspace/follows",
            get(follows::show).post(follows::follow),
        )
        .route("/workspace/follows/{id}/stop", post(follows::unfollow))
        .route("/workspace/followers/{id}/answer", post(follows::answer))
}
