//! The page a browser gets when there is nothing to show.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::views::Frame;
use crate::edges::http::i18n::Tr;
use crate::edges::http::page::{html, Policy};
use crate::edges::http::state::AppState;

#[derive(Template)]
#[template(path = "web/problem.html")]
struct Problem {
    frame: Frame,
    status: u16,
}

pub fn page(state: &AppState, tr: Tr, status: StatusCode, path: &str) -> Response {
    let page = Problem {
        frame: Frame::new(state, tr, path),
        status: status.as_u16(),
    };
    html(status, &page, Policy::Strict)
}
