//! `/api/v1/streaming` over WebSocket, as Mastodon serves it: `user`,
//! `user:notification`, `public`, `public:local`, `public:remote`,
//! `hashtag` and `hashtag:local`, chosen in the query string or by
//! `subscribe`/`unsubscribe` messages; `update`, `status.update`, `delete`
//! and `notification` events whose payload is JSON in a string.
//!
//! Bounded for strangers: a token with `read:statuses` is required, at most
//! [`STREAMS_MAX`] connections per process, [`SUBSCRIPTIONS_MAX`] streams
//! per connection, client messages of at most 4 KiB, and a ping often
//! enough that idle connections are noticed.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{broadcast, Semaphore};

use super::notifications::view as notification_view;
use super::params::Query;
use super::statuses::statuses_of;
use crate::edges::http::error::HttpError;
use crate::edges::http::state::AppState;
use crate::services::oauth::OAuthSession;
use crate::services::statuses::Post;
use crate::services::streaming::StreamEvent;
use crate::services::{ServiceError, Viewer};

/// Streaming connections one process serves at once.
pub const STREAMS_MAX: usize = 512;
/// Streams one connection may follow.
const SUBSCRIPTIONS_MAX: usize = 16;
/// The largest message a client may send.
const CLIENT_MESSAGE_MAX: usize = 4 * 1024;

fn slots() -> &'static Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS.get_or_init(|| Arc::new(Semaphore::new(STREAMS_MAX)))
}

/// A stream a connection follows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stream {
    User,
    UserNotification,
    Public,
    PublicLocal,
    PublicRemote,
    Hashtag(String),
    HashtagLocal(String),
}

impl Stream {
    fn parse(name: &str, tag: Option<&str>) -> Result<Stream, String> {
        let tag = || {
            tag.map(|t| t.trim().trim_start_matches('#').to_lowercase())
                .filter(|t| !t.is_empty() && t.chars().count() <= 100)
                .ok_or_else(|| "a hashtag stream needs a tag".to_string())
        };
        Ok(match name {
            "user" => Stream::User,
            "user:notification" => Stream::UserNotification,
            "public" | "public:allow_local_only" => Stream::Public,
            "public:local" => Stream::PublicLocal,
            "public:remote" => Stream::PublicRemote,
            "hashtag" => Stream::Hashtag(tag()?),
            "hashtag:local" => Stream::HashtagLocal(tag()?),
            other => return Err(format!("unknown stream '{other}'")),
        })
    }

    /// The `stream` field of events: the name, and the tag of hashtag streams.
    fn names(&self) -> Value {
        match self {
            Stream::User => json!(["user"]),
            Stream::UserNotification => json!(["user:notification"]),
            Stream::Public => json!(["public"]),
            Stream::PublicLocal => json!(["public:local"]),
            Stream::PublicRemote => json!(["public:remote"]),
            Stream::Hashtag(t) => json!(["hashtag", t]),
            Stream::HashtagLocal(t) => json!(["hashtag:local", t]),
        }
    }

    fn shows_posts(&self) -> bool {
        !matches!(self, Stream::UserNotification)
    }
}

#[derive(Deserialize, Default)]
pub struct StreamParams {
    stream: Option<String>,
    tag: Option<String>,
    access_token: Option<String>,
}

/// The token: `Authorization`, the `access_token` parameter, or the
/// `Sec-WebSocket-Protocol` header (browsers cannot set the others).
fn token_of(headers: &HeaderMap, params: &StreamParams) -> Option<(String, bool)> {
    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| (t.trim().to_string(), false));
    let from_protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .map(|t| (t.trim().to_string(), true));
    from_header
        .or_else(|| params.access_token.clone().map(|t| (t, false)))
        .or(from_protocol)
        .filter(|(t, _)| !t.is_empty())
}

/// `GET /api/v1/streaming/health`.
pub async fn health() -> &'static str {
    "OK"
}

/// `GET /api/v1/streaming` (WebSocket).
pub async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<StreamParams>,
    ws: WebSocketUpgrade,
) -> Result<Response, HttpError> {
    let (token, via_protocol) = token_of(&headers, &params)
        .ok_or_else(|| HttpError::unauthorized("The streaming API needs an access token"))?;
    let session = state
        .services
        .oauth_session(&token)
        .await
        .map_err(|e| match e {
            ServiceError::Unauthorized(_) => HttpError::unauthorized("The access token is invalid"),
            other => other.into(),
        })?;
    session.require(&["read:statuses", "read:notifications"])?;
    let mut streams = Vec::new();
    if let Some(name) = &params.stream {
        let stream = Stream::parse(name, params.tag.as_deref())
            .map_err(|m| HttpError::new(StatusCode::BAD_REQUEST, "invalid_request", m))?;
        if matches!(stream, Stream::User | Stream::UserNotification) && session.viewer().is_none() {
            return Err(HttpError::unauthorized(
                "The user stream needs a coop's token",
            ));
        }
        streams.push(stream);
    }
    let permit = Arc::clone(slots()).try_acquire_owned().map_err(|_| {
        let mut e = HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Too many streaming connections; try again later",
        );
        e.retry_after = Some(30);
        e
    })?;
    let events = state.services.subscribe_stream();
    let ping = (state.config.limits.idle_timeout / 2)
        .clamp(Duration::from_secs(1), Duration::from_secs(30));
    let mut response = ws
        .max_message_size(CLIENT_MESSAGE_MAX)
        .max_frame_size(CLIENT_MESSAGE_MAX)
        .on_upgrade(move |socket| async move {
            let _permit = permit;
            let connection = Connection {
                state,
                viewer: session.viewer(),
                session,
                streams,
            };
            connection.run(socket, events, ping).await;
        });
    if via_protocol {
        // The browser offered the token as the protocol; the answer names it.
        if let Ok(v) = HeaderValue::from_str(&token) {
            response
                .headers_mut()
                .insert(header::SEC_WEBSOCKET_PROTOCOL, v);
        }
    }
    Ok(response.into_response())
}

#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    stream: String,
    tag: Option<String>,
}

struct Connection {
    state: AppState,
    session: OAuthSession,
    viewer: Option<Viewer>,
    streams: Vec<Stream>,
}

impl Connection {
    async fn run(
        mut self,
        mut socket: WebSocket,
        mut events: broadcast::Receiver<Arc<StreamEvent>>,
        ping: Duration,
    ) {
        let mut ticker = tokio::time::interval(ping);
        ticker.tick().await;
        let mut unanswered = 0u32;
        loop {
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        if let Some(reply) = self.on_message(text.as_str()) {
                            if socket.send(reply).await.is_err() {
                                return;
                            }
                        }
                    }
                    Some(Ok(Message::Pong(_))) => unanswered = 0,
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => {}
                },
                event = events.recv() => match event {
                    Ok(event) => {
                        for message in self.messages_for(&event).await {
                            if socket.send(message).await.is_err() {
                                return;
                            }
                        }
                    }
                    // Too slow: some events were missed; go on with the next.
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = ticker.tick() => {
                    // Two pings without an answer: the other side is gone.
                    if unanswered >= 2 || socket.send(Message::Ping(Default::default())).await.is_err() {
                        return;
                    }
                    unanswered += 1;
                }
            }
        }
    }

    /// `subscribe` and `unsubscribe`; an error message back for a bad one.
    fn on_message(&mut self, text: &str) -> Option<Message> {
        let error = |m: String| {
            Some(Message::Text(Utf8Bytes::from(
                json!({"error": m}).to_string(),
            )))
        };
        let msg: ClientMessage = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(_) => {
                return error(
                    "messages are {\"type\": \"subscribe\"|\"unsubscribe\", \"stream\": ...}"
                        .into(),
                )
            }
        };
        let stream = match Stream::parse(&msg.stream, msg.tag.as_deref()) {
            Ok(s) => s,
            Err(m) => return error(m),
        };
        match msg.kind.as_str() {
            "subscribe" => {
                if matches!(stream, Stream::User | Stream::UserNotification)
                    && self.viewer.is_none()
                {
                    return error("the user stream needs a coop's token".into());
                }
                if self.streams.contains(&stream) {
                    return None;
                }
                if self.streams.len() >= SUBSCRIPTIONS_MAX {
                    return error(format!(
                        "at most {SUBSCRIPTIONS_MAX} streams per connection"
                    ));
                }
                self.streams.push(stream);
                None
            }
            "unsubscribe" => {
                self.streams.retain(|s| *s != stream);
                None
            }
            other => error(format!("unknown message type '{other}'")),
        }
    }

    /// Whether `stream` shows `post`.
    async fn shows(&self, stream: &Stream, post: &Post) -> bool {
        match stream {
            Stream::User => match (post, &self.viewer) {
                (Post::Local { .. } | Post::Gathering { .. }, Some(_)) => true,
                (Post::Remote { actor, .. } | Post::Plain { actor, .. }, Some(viewer)) => {
                    match viewer.coop_id() {
                        Ok(coop) => self
                            .state
                            .services
                            .follows_actor(coop, &actor.id)
                            .await
                            .unwrap_or(false),
                        Err(_) => false,
                    }
                }
                (_, None) => false,
            },
            Stream::UserNotification => false,
            Stream::Public => post.is_public(),
            Stream::PublicLocal => post.is_local(),
            Stream::PublicRemote => post.is_public() && !post.is_local(),
            Stream::Hashtag(tag) => post.has_hashtag(tag),
            Stream::HashtagLocal(tag) => post.is_local() && post.has_hashtag(tag),
        }
    }

    async fn messages_for(&self, event: &StreamEvent) -> Vec<Message> {
        let mut out = Vec::new();
        let text = |stream: &Stream, event: &str, payload: String| {
            Message::Text(Utf8Bytes::from(
                json!({"stream": stream.names(), "event": event, "payload": payload}).to_string(),
            ))
        };
        match event {
            StreamEvent::Post { post, edited } => {
                let mut rendered: Option<String> = None;
                for stream in &self.streams {
                    if !stream.shows_posts() || !self.shows(stream, post).await {
                        continue;
                    }
                    if rendered.is_none() {
                        let Ok(mut statuses) =
                            statuses_of(&self.state, std::slice::from_ref(post)).await
                        else {
                            return out;
                        };
                        let Some(status) = statuses.pop() else {
                            return out;
                        };
                        rendered = serde_json::to_string(&status).ok();
                    }
                    if let Some(payload) = &rendered {
                        let name = if *edited { "status.update" } else { "update" };
                        out.push(text(stream, name, payload.clone()));
                    }
                }
            }
            StreamEvent::Removed { id } => {
                for stream in self.streams.iter().filter(|s| s.shows_posts()) {
                    out.push(text(stream, "delete", id.clone()));
                }
            }
            StreamEvent::Notified { coop_id, id } => {
                let Some(viewer) = &self.viewer else {
                    return out;
                };
                if viewer.coop_id().ok() != Some(coop_id.as_str())
                    || !self.session.scopes.allow_any(&["read:notifications"])
                {
                    return out;
                }
                let wants = |s: &&Stream| matches!(s, Stream::User | Stream::UserNotification);
                if !self.streams.iter().any(|s| wants(&s)) {
                    return out;
                }
                let Ok(item) = self.state.services.notification(viewer, id).await else {
                    return out;
                };
                let Ok(view) = notification_view(&self.state, viewer, &item).await else {
                    return out;
                };
                let Ok(payload) = serde_json::to_string(&view) else {
                    return out;
                };
                for stream in self.streams.iter().filter(wants) {
                    out.push(text(stream, "notification", payload.clone()));
                }
            }
        }
        out
    }
}
