//! `GET` and `POST /api/v1/markers`: where a coop stopped reading its home
//! timeline and notifications; and the notifications' unread count.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::Token;
use super::params::{flexible_u64, one_or_many, Params, Query};
use super::views::timestamp;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::markers::{ReadingPosition, TIMELINES};

fn view(positions: &[ReadingPosition]) -> Value {
    let mut out = Map::new();
    for p in positions {
        out.insert(
            p.timeline.clone(),
            json!({
                "last_read_id": p.last_read_id,
                "version": p.version,
                "updated_at": timestamp(p.updated_at),
            }),
        );
    }
    Value::Object(out)
}

#[derive(Deserialize)]
pub struct MarkerQuery {
    #[serde(default, deserialize_with = "one_or_many")]
    timeline: Option<Vec<String>>,
}

/// `GET /api/v1/markers?timeline[]=home&timeline[]=notifications`.
pub async fn get(
    State(state): State<AppState>,
    Token(session): Token,
    Query(q): Query<MarkerQuery>,
) -> HttpResult<Json<Value>> {
    let (_, viewer) = session.person(&["read:statuses"])?;
    let positions = state
        .services
        .reading_positions(&viewer, q.timeline.unwrap_or_default())
        .await?;
    Ok(Json(view(&positions)))
}

/// `POST /api/v1/markers`: `home[last_read_id]=...` as forms send it, or
/// `{"home": {"last_read_id": ...}}` in JSON.
pub async fn save(
    State(state): State<AppState>,
    Token(session): Token,
    Params(body): Params<Map<String, Value>>,
) -> HttpResult<Json<Value>> {
    let (_, viewer) = session.person(&["write:statuses"])?;
    let mut positions = Vec::new();
    for timeline in TIMELINES {
        let id = body
            .get(&format!("{timeline}[last_read_id]"))
            .or_else(|| body.get(*timeline).and_then(|v| v.get("last_read_id")))
            .and_then(Value::as_str);
        if let Some(id) = id {
            positions.push((timeline.to_string(), id.to_string()));
        }
    }
    let saved = state
        .services
        .save_reading_positions(&viewer, positions)
        .await?;
    Ok(Json(view(&saved)))
}

#[derive(Deserialize)]
pub struct UnreadQuery {
    #[serde(default, deserialize_with = "flexible_u64")]
    limit: Option<u64>,
}

/// `GET /api/v1/notifications/unread_count`: those newer than the
/// notifications marker, counted up to `limit` (100, at most 1,000).
pub async fn unread_count(
    State(state): State<AppState>,
    Token(session): Token,
    Query(q): Query<UnreadQuery>,
) -> HttpResult<Json<Value>> {
    let (_, viewer) = session.person(&["read:notifications"])?;
    let cap = q.limit.unwrap_or(100).clamp(1, 1_000) as i64;
    let count = state.services.unread_notifications(&viewer, cap).await?;
    Ok(Json(json!({"count": count})))
}
