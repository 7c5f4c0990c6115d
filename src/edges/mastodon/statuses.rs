//! Statuses: needs and offers read, posted, edited and closed from apps;
//! the actions that mean nothing here refused in words apps show.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::accounts::account_of;
use super::auth::{MaybeToken, Token};
use super::notifications::notice_status;
use super::params::{one_or_many, Params};
use super::views::{Account, Status};
use crate::domain::post_grammar::GRAMMAR;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::statuses::Post;
use crate::services::ServiceError;
use crate::services::Viewer;

const READ_STATUSES: &[&str] = &["read:statuses"];
const WRITE_STATUSES: &[&str] = &["write:statuses"];

fn refused(message: impl Into<String>) -> HttpError {
    HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        message,
    )
}

/// Statuses for posts, each author's `Account` built once per page.
pub async fn statuses_of(state: &AppState, posts: &[Post]) -> HttpResult<Vec<Status>> {
    let mut accounts: HashMap<String, Account> = HashMap::new();
    let mut out = Vec::with_capacity(posts.len());
    for post in posts {
        let author = post.author();
        let account = match accounts.get(author.id()) {
            Some(a) => a.clone(),
            None => {
                let a = account_of(state, &author).await?;
                accounts.insert(author.id().to_string(), a.clone());
                a
            }
        };
        out.push(Status::of(post, account, &state.services.urls));
    }
    Ok(out)
}

async fn status_of(state: &AppState, post: &Post) -> HttpResult<Status> {
    let account = account_of(state, &post.author()).await?;
    Ok(Status::of(post, account, &state.services.urls))
}

fn viewer_of(token: &MaybeToken) -> Option<Viewer> {
    token.0.as_ref().and_then(|s| s.viewer())
}

/// `GET /api/v1/statuses/:id`.
pub async fn get(
    State(state): State<AppState>,
    token: MaybeToken,
    Path(id): Path<String>,
) -> HttpResult<Json<Status>> {
    let viewer = viewer_of(&token);
    match state.services.post(viewer.as_ref(), &id).await {
        Ok(post) => Ok(Json(status_of(&state, &post).await?)),
        // A notice from the node, to the coop it was for.
        Err(ServiceError::NotFound(m)) => {
            let Some(viewer) = viewer else {
                return Err(HttpError::not_found(m));
            };
            let item = match state.services.notification(&viewer, &id).await {
                Ok(item) => item,
                Err(ServiceError::NotFound(_)) => return Err(HttpError::not_found(m)),
                Err(e) => return Err(e.into()),
            };
            notice_status(&state, &viewer, &item)
                .await?
                .map(Json)
                .ok_or_else(|| HttpError::not_found(m))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    status: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    media_ids: Option<Vec<String>>,
    poll: Option<Value>,
    in_reply_to_id: Option<String>,
    spoiler_text: Option<String>,
    visibility: Option<String>,
    scheduled_at: Option<String>,
    quoted_status_id: Option<String>,
    /// Forms send a poll as `poll[options][]=...`, `poll[expires_in]=...`.
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

impl StatusForm {
    /// What a post here cannot carry, refused rather than dropped.
    fn check(&self) -> Result<String, HttpError> {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
        if self.media_ids.as_ref().is_some_and(|m| !m.is_empty()) {
            return Err(refused("Needs and offers take no media attachments"));
        }
        let form_poll = self.rest.keys().any(|k| k.starts_with("poll["));
        if form_poll || self.poll.as_ref().is_some_and(|p| !p.is_null()) {
            return Err(refused("Needs and offers take no polls"));
        }
        if present(&self.in_reply_to_id) || present(&self.quoted_status_id) {
            return Err(refused(
                "Replies and quotes are not taken here; to answer a need or offer, ask for an introduction on the node's web pages",
            ));
        }
        if present(&self.spoiler_text) {
            return Err(refused("Needs and offers take no content warning"));
        }
        if present(&self.scheduled_at) {
            return Err(refused("Scheduled posts are not taken here"));
        }
        match self.visibility.as_deref().map(str::trim) {
            None | Some("") | Some("public") | Some("unlisted") => {}
            Some(_) => {
                return Err(refused(
                    "Needs and offers are public: use the public visibility",
                ))
            }
        }
        match self.status.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => Ok(text.to_string()),
            _ => Err(refused(format!("The post is empty. {GRAMMAR}"))),
        }
    }
}

/// `POST /api/v1/statuses`: a need or an offer, in the hashtag grammar.
pub async fn create(
    State(state): State<AppState>,
    Token(session): Token,
    Params(form): Params<StatusForm>,
) -> HttpResult<Json<Status>> {
    let (_, viewer) = session.person(WRITE_STATUSES)?;
    let text = form.check()?;
    let post = state.services.post_text(&viewer, &text).await?;
    Ok(Json(status_of(&state, &post).await?))
}

/// `PUT /api/v1/statuses/:id`: edits the need or offer from new text.
pub async fn edit(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
    Params(form): Params<StatusForm>,
) -> HttpResult<Json<Status>> {
    let (_, viewer) = session.person(WRITE_STATUSES)?;
    let text = form.check()?;
    let post = state.services.edit_text(&viewer, &id, &text).await?;
    Ok(Json(status_of(&state, &post).await?))
}

/// `DELETE /api/v1/statuses/:id`: closes the need or offer; the answer
/// carries its text, for "delete and redraft".
pub async fn delete(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Status>> {
    let (_, viewer) = session.person(WRITE_STATUSES)?;
    let post = state.services.close_post(&viewer, &id).await?;
    let mut status = status_of(&state, &post).await?;
    status.text = post.source();
    Ok(Json(status))
}

/// `GET /api/v1/statuses/:id/source`: the text to edit.
pub async fn source(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let (_, viewer) = session.person(READ_STATUSES)?;
    let post = state.services.post(Some(&viewer), &id).await?;
    let text = post
        .source()
        .ok_or_else(|| HttpError::not_found("Only this node's statuses have a source here"))?;
    Ok(Json(
        json!({"id": post.id(), "text": text, "spoiler_text": ""}),
    ))
}

/// `GET /api/v1/statuses/:id/context`: needs and offers stand alone.
pub async fn context(
    State(state): State<AppState>,
    token: MaybeToken,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    state.services.post(viewer_of(&token).as_ref(), &id).await?;
    Ok(Json(json!({"ancestors": [], "descendants": []})))
}

/// `GET /api/v1/statuses/:id/history`: the current version (earlier ones
/// are not kept).
pub async fn history(
    State(state): State<AppState>,
    token: MaybeToken,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let post = state.services.post(viewer_of(&token).as_ref(), &id).await?;
    let status = status_of(&state, &post).await?;
    Ok(Json(json!([{
        "content": status.content,
        "spoiler_text": "",
        "sensitive": false,
        "created_at": status.edited_at.clone().unwrap_or_else(|| status.created_at.clone()),
        "account": status.account,
        "poll": null,
        "media_attachments": [],
        "emojis": []
    }])))
}

/// `GET /api/v1/statuses/:id/favourited_by` and `reblogged_by`: nobody.
pub async fn nobody(
    State(state): State<AppState>,
    token: MaybeToken,
    Path(id): Path<String>,
) -> HttpResult<Json<Vec<Value>>> {
    state.services.post(viewer_of(&token).as_ref(), &id).await?;
    Ok(Json(Vec::new()))
}

/// Favourite, boost, bookmark, pin, mute: refused in words apps show.
pub async fn action_refused(
    State(state): State<AppState>,
    Token(session): Token,
    Path((id, action)): Path<(String, String)>,
) -> HttpResult<Json<Status>> {
    let (_, viewer) = session.person(&[
        "write:favourites",
        "write:bookmarks",
        "write:statuses",
        "write:mutes",
        "write:accounts",
    ])?;
    let post = state.services.post(Some(&viewer), &id).await?;
    let why = match action.as_str() {
        "favourite" => "Favourites are not kept here: to act on a need or offer, ask for an introduction",
        "reblog" => "Boosts are not taken here: needs and offers already reach every coop that follows their coop or node",
        "bookmark" => "Bookmarks are not kept here",
        "pin" => "Pinning is not taken here: every open need and offer is already on the coop's profile",
        "mute" => "Muting conversations is not taken here: needs and offers have no replies",
        // Undoing what was never done leaves the status as it is.
        "unfavourite" | "unreblog" | "unbookmark" | "unpin" | "unmute" => {
            return Ok(Json(status_of(&state, &post).await?));
        }
        _ => return Err(HttpError::not_found("This endpoint is not served by this server")),
    };
    Err(refused(why))
}

/// Media uploads and poll votes: refused, since posts carry neither.
pub async fn media_refused() -> HttpError {
    refused("Media attachments are not taken here: needs and offers are text")
}

pub async fn poll_refused() -> HttpError {
    refused("Polls are not taken here")
}
