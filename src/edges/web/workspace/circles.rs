//! `/workspace/circles`: solidarity circles through the coop, rings of
//! three or four coops where each offers what the next needs, so help goes
//! round even when no two of them answer each other directly.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::super::session::Session;
use super::super::views::{entry_links, Frame};
use crate::domain::directory::ProposalEntry;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::matching::FoundCircle;
use crate::services::ServiceError;

/// How many rings a page shows.
const SHOWN: i64 = 20;

/// One side of an exchange: a proposal and its coop, with links.
pub struct Side {
    pub title: String,
    pub href: String,
    pub coop: String,
    pub coop_href: String,
    /// The other node, when not this one.
    pub host: Option<String>,
}

impl Side {
    fn of(e: &ProposalEntry, state: &AppState) -> Side {
        let (href, coop_href) = entry_links(e, state);
        Side {
            title: e.title.clone(),
            href,
            coop: e.coop_name.clone(),
            coop_href,
            host: e.node.clone(),
        }
    }
}

pub struct Step {
    pub offer: Side,
    pub need: Side,
    /// Whether the giving coop is the signed-in one.
    pub gives_ours: bool,
    /// Whether the receiving coop is the signed-in one.
    pub gets_ours: bool,
}

pub struct Ring {
    /// The weakest exchange's score, in percent.
    pub percent: u32,
    pub steps: Vec<Step>,
}

impl Ring {
    fn of(c: &FoundCircle, state: &AppState) -> Ring {
        let last = c.exchanges.len().saturating_sub(1);
        Ring {
            percent: (c.score * 100.0).round().max(0.0) as u32,
            steps: c
                .exchanges
                .iter()
                .enumerate()
                .map(|(i, e)| Step {
                    offer: Side::of(&e.offer, state),
                    need: Side::of(&e.need, state),
                    // Rings start and end with the asking coop.
                    gives_ours: i == 0,
                    gets_ours: i == last,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/workspace/circles.html")]
struct CirclesPage {
    frame: Frame,
    section: &'static str,
    rings: Vec<Ring>,
    /// Matching is still being prepared after a restart.
    later: bool,
}

pub async fn show(State(state): State<AppState>, session: Session) -> HttpResult<Response> {
    let (rings, later) = match state
        .services
        .coop_circles(&session.viewer, Some(SHOWN))
        .await
    {
        Ok(found) => (found.iter().map(|c| Ring::of(c, &state)).collect(), false),
        Err(ServiceError::Unavailable(_)) => (Vec::new(), true),
        Err(e) => return Err(e.into()),
    };
    let view = CirclesPage {
        frame: Frame::signed_in(&state, &session, "/workspace/circles"),
        section: "circles",
        rings,
        later,
    };
    Ok(session.page(StatusCode::OK, &view))
}
