//! Notifications as Mastodon apps list them. Follows and follow requests
//! are Mastodon's own types; new matches and introductions are `mention`s
//! from the node's account, whose text says what happened and links to
//! where to act on it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::auth::Token;
use super::paging::{link, paging_url, PageParams};
use super::params::{one_or_many, Query};
use super::views::{timestamp, Account, Status};
use crate::domain::coop::Coop;
use crate::domain::introduction::{Direction, IntroductionState};
use crate::domain::notification::NotificationKind;
use crate::domain::proposal::ProposalKind;
use crate::domain::text::escape_html;
use crate::edges::http::error::HttpResult;
use crate::edges::http::state::AppState;
use crate::services::notifications::{About, NotificationItem, NotificationQuery};
use crate::services::Viewer;

const READ: &[&str] = &["read:notifications"];
const WRITE: &[&str] = &["write:notifications"];

/// The `Notification` entity.
#[derive(Serialize)]
pub struct MastodonNotification {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    group_key: String,
    created_at: String,
    account: Account,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
}

/// Mastodon's type for each of ours.
fn mastodon_type(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::Follow => "follow",
        NotificationKind::FollowRequest => "follow_request",
        NotificationKind::Match
        | NotificationKind::IntroductionRequest
        | NotificationKind::IntroductionAnswer => "mention",
    }
}

/// Ours for a Mastodon type; types we never send give none.
fn kinds_of(types: &[String]) -> Vec<NotificationKind> {
    NotificationKind::ALL
        .iter()
        .copied()
        .filter(|k| types.iter().any(|t| t == mastodon_type(*k)))
        .collect()
}

fn spanish(coop: &Coop) -> bool {
    coop.profile
        .languages
        .first()
        .is_some_and(|l| l == "es" || l.starts_with("es-"))
}

fn kind_words(kind: ProposalKind, es: bool) -> &'static str {
    match (kind, es) {
        (ProposalKind::Need, false) => "need",
        (ProposalKind::Offer, false) => "offer",
        (ProposalKind::Need, true) => "necesidad",
        (ProposalKind::Offer, true) => "oferta",
    }
}

fn anchor(url: &str) -> String {
    let url = escape_html(url);
    format!("<a href=\"{url}\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">{url}</a>")
}

/// The words of a match or introduction notice, as HTML.
async fn text_of(
    state: &AppState,
    viewer: &Viewer,
    coop: &Coop,
    about: &About,
) -> HttpResult<String> {
    let es = spanish(coop);
    let urls = &state.services.urls;
    Ok(match about {
        About::Follower(_) => String::new(),
        About::Match(m) => {
            let ours = state
                .services
                .proposal(Some(viewer), &m.for_proposal)
                .await
                .map(|(p, _)| p.draft.title)
                .unwrap_or_default();
            let other = &m.proposal;
            let link = other
                .ap_id
                .clone()
                .unwrap_or_else(|| urls.proposal(&other.id).to_string());
            let who = match &other.node {
                Some(node) => format!("@{}@{node}", other.handle),
                None => format!("@{}", other.handle),
            };
            let (name, title, score) = (
                escape_html(&other.coop_name),
                escape_html(&other.title),
                m.score,
            );
            let their = kind_words(other.kind, es);
            if es {
                format!(
                    "<p>Nueva coincidencia para tu {} «{}»: {name} ({who}) publicó la {their} «{title}» (puntaje {score:.2}). Ábrela para pedir una presentación: {}</p>",
                    kind_words(other.kind.opposite(), true),
                    escape_html(&ours),
                    anchor(&link)
                )
            } else {
                format!(
                    "<p>New match for your {} “{}”: {name} ({who}) published the {their} “{title}” (score {score:.2}). Open it to ask for an introduction: {}</p>",
                    kind_words(other.kind.opposite(), false),
                    escape_html(&ours),
                    anchor(&link)
                )
            }
        }
        About::Introduction(entry) => {
            let i = &entry.introduction;
            let (name, account) = (
                escape_html(&entry.other.name),
                escape_html(&entry.other.account),
            );
            let title = escape_html(&i.proposal_title);
            let kind = kind_words(i.proposal_kind, es);
            let link = anchor(urls.introduction(&i.id).as_str());
            let proposed = i.gathering_id.is_some() && i.state == IntroductionState::Pending;
            match (entry.direction, i.state, es) {
                // A gathering's facilitator proposed it: both coops answer.
                (_, _, false) if proposed => format!(
                    "<p>A gathering's facilitator proposes introducing your coop to {name} (@{account}): “{}”. Accept or decline it: {link}</p>",
                    escape_html(&i.message)
                ),
                (_, _, true) if proposed => format!(
                    "<p>Quien facilita un encuentro propone presentar tu cooperativa a {name} (@{account}): «{}». Acéptala o recházala: {link}</p>",
                    escape_html(&i.message)
                ),
                (Direction::Received, _, false) => format!(
                    "<p>{name} (@{account}) asks for an introduction about your {kind} “{title}”: “{}”. Accept or decline it: {link}</p>",
                    escape_html(&i.message)
                ),
                (Direction::Received, _, true) => format!(
                    "<p>{name} (@{account}) pide una presentación por tu {kind} «{title}»: «{}». Acéptala o recházala: {link}</p>",
                    escape_html(&i.message)
                ),
                (Direction::Sent, IntroductionState::Accepted, false) => format!(
                    "<p>{name} (@{account}) accepted your introduction about the {kind} “{title}”.{} {link}</p>",
                    contacts(entry, false)
                ),
                (Direction::Sent, IntroductionState::Accepted, true) => format!(
                    "<p>{name} (@{account}) aceptó tu presentación por la {kind} «{title}».{} {link}</p>",
                    contacts(entry, true)
                ),
                (Direction::Sent, _, false) => format!(
                    "<p>{name} (@{account}) declined your introduction about the {kind} “{title}”. {link}</p>"
                ),
                (Direction::Sent, _, true) => format!(
                    "<p>{name} (@{account}) rechazó tu presentación por la {kind} «{title}». {link}</p>"
                ),
            }
        }
    })
}

fn contacts(entry: &crate::services::introductions::IntroductionEntry, es: bool) -> String {
    let Some(c) = &entry.contacts else {
        return String::new();
    };
    let parts: Vec<String> = [&c.person, &c.email, &c.phone, &c.chat]
        .into_iter()
        .flatten()
        .map(|v| escape_html(v))
        .collect();
    if parts.is_empty() {
        return String::new();
    }
    let label = if es { "Contacto" } else { "Contact" };
    format!(" {label}: {}.", parts.join(", "))
}

/// A match or introduction notice as a direct `Status` from the node,
/// under the notification's id.
pub async fn notice_status(
    state: &AppState,
    viewer: &Viewer,
    item: &NotificationItem,
) -> HttpResult<Option<Status>> {
    if matches!(item.about, About::Follower(_)) {
        return Ok(None);
    }
    let coop = state.services.own_coop(viewer).await?;
    let content = text_of(state, viewer, &coop, &item.about).await?;
    let urls = &state.services.urls;
    let node = Account::node(&state.config.node_name, urls);
    let mut status = Status::notice(
        &item.notification.id,
        item.notification.created_at,
        node,
        content,
        urls,
    );
    status.mentions = vec![json!({
        "id": coop.id,
        "username": coop.handle,
        "acct": coop.handle,
        "url": urls.actor(&coop.handle).to_string(),
    })];
    Ok(Some(status))
}

pub async fn view(
    state: &AppState,
    viewer: &Viewer,
    item: &NotificationItem,
) -> HttpResult<MastodonNotification> {
    let n = &item.notification;
    let account = match &item.about {
        About::Follower(actor) => Account::remote(actor, &state.services.urls),
        _ => Account::node(&state.config.node_name, &state.services.urls),
    };
    Ok(MastodonNotification {
        id: n.id.clone(),
        kind: mastodon_type(n.kind),
        group_key: format!("ungrouped-{}", n.id),
        created_at: timestamp(n.created_at),
        account,
        status: notice_status(state, viewer, item).await?,
    })
}

#[derive(Deserialize)]
pub struct NotificationParams {
    #[serde(flatten)]
    page: PageParams,
    #[serde(default, deserialize_with = "one_or_many")]
    types: Option<Vec<String>>,
    #[serde(default, deserialize_with = "one_or_many")]
    exclude_types: Option<Vec<String>>,
    account_id: Option<String>,
}

/// `GET /api/v1/notifications`.
pub async fn list(
    State(state): State<AppState>,
    Token(session): Token,
    uri: Uri,
    Query(params): Query<NotificationParams>,
) -> HttpResult<(HeaderMap, Json<Vec<MastodonNotification>>)> {
    let (_, viewer) = session.person(READ)?;
    let types = params.types.unwrap_or_default();
    let kinds = kinds_of(&types);
    if !types.is_empty() && kinds.is_empty() {
        // Only types this node never sends (favourite, reblog, poll ...).
        return Ok((HeaderMap::new(), Json(Vec::new())));
    }
    let p = params.page;
    let query = NotificationQuery {
        kinds,
        exclude_kinds: kinds_of(&params.exclude_types.unwrap_or_default()),
        account_id: params.account_id,
        limit: p.size(40, 80),
        max_id: p.max_id,
        since_id: p.since_id,
        min_id: p.min_id,
    };
    let items = state.services.notifications(&viewer, query).await?;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        out.push(view(&state, &viewer, item).await?);
    }
    let url = paging_url(&state, &uri);
    let headers = match (out.first(), out.last()) {
        (Some(first), Some(last)) => link(&url, Some(&last.id), Some(&first.id)),
        _ => HeaderMap::new(),
    };
    Ok((headers, Json(out)))
}

/// `GET /api/v1/notifications/:id`.
pub async fn get(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<MastodonNotification>> {
    let (_, viewer) = session.person(READ)?;
    let item = state.services.notification(&viewer, &id).await?;
    Ok(Json(view(&state, &viewer, &item).await?))
}

/// `POST /api/v1/notifications/:id/dismiss` (and the older
/// `POST /api/v1/notifications/dismiss` with `id`).
pub async fn dismiss(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let (_, viewer) = session.person(WRITE)?;
    state.services.dismiss_notification(&viewer, &id).await?;
    Ok(Json(json!({})))
}

/// `POST /api/v1/notifications/clear`.
pub async fn clear(
    State(state): State<AppState>,
    Token(session): Token,
) -> HttpResult<Json<Value>> {
    let (_, viewer) = session.person(WRITE)?;
    state.services.clear_notifications(&viewer).await?;
    Ok(Json(json!({})))
}
