//! The images accounts point at: each coop's generated avatar and header.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::domain::identicon;
use crate::domain::uploaded_image::Picture;
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::account_lookup::Someone;

fn png(bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    // Drawn from the handle alone: the same bytes for as long as it lives.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    response
}

/// What an account's pictures are drawn from: a coop's handle, another
/// server's actor's id.
async fn handle_of(state: &AppState, file: &str) -> HttpResult<String> {
    let id = file
        .strip_suffix(".png")
        .ok_or_else(|| HttpError::not_found("no such image"))?;
    match state.services.someone(id).await {
        Ok(Someone::Coop(c)) => Ok(c.handle),
        Ok(Someone::Actor(a)) => Ok(a.ap_id),
        Err(_) => Err(HttpError::not_found("no such image")),
    }
}

/// A coop's uploaded picture, served as stored.
async fn uploaded(state: &AppState, file: &str, picture: Picture) -> HttpResult<Option<Response>> {
    let Some(id) = file.strip_suffix(".png") else {
        return Ok(None);
    };
    let Some(found) = state.services.picture(id, picture).await? else {
        return Ok(None);
    };
    let mut response = found.bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&found.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // Its URL changes with each upload (`?v=`), so caches may keep it.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(Some(response))
}

pub async fn avatar(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> HttpResult<Response> {
    if let Some(r) = uploaded(&state, &file, Picture::Avatar).await? {
        return Ok(r);
    }
    let handle = handle_of(&state, &file).await?;
    let bytes = tokio::task::spawn_blocking(move || identicon::avatar_png(&handle))
        .await
        .map_err(|_| HttpError::not_found("no such image"))?;
    Ok(png(bytes))
}

pub async fn header(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> HttpResult<Response> {
    if let Some(r) = uploaded(&state, &file, Picture::Header).await? {
        return Ok(r);
    }
    let handle = handle_of(&state, &file).await?;
    let bytes = tokio::task::spawn_blocking(move || identicon::header_png(&handle))
        .await
        .map_err(|_| HttpError::not_found("no such image"))?;
    Ok(png(bytes))
}

pub async fn node(State(state): State<AppState>) -> HttpResult<Response> {
    let domain = state.services.urls.domain();
    let bytes = tokio::task::spawn_blocking(move || identicon::avatar_png(&domain))
        .await
        .map_err(|_| HttpError::not_found("no such image"))?;
    Ok(png(bytes))
}
