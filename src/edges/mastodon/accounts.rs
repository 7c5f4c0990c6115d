//! Accounts: coops of this node and actors of other servers, as Mastodon
//! apps see them; following, followers and follow requests.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;

use super::auth::Token;
use super::paging::{link, PageParams};
use super::params::{flexible_bool, ParamsWithFiles, Query};
use super::views::{Account, LocalCoop, Relationship, NODE_ACCOUNT_ID};

use crate::domain::coop::ProfilePatch;
use crate::domain::uploaded_image::{self, Picture, Processed};
use crate::edges::http::error::{HttpError, HttpResult};
use crate::edges::http::state::AppState;
use crate::services::account_lookup::Someone;
use crate::services::follows::{FollowState, Side};
use crate::services::Viewer;

const READ_ACCOUNTS: &[&str] = &["read:accounts"];
const READ_FOLLOWS: &[&str] = &["read:follows"];
const WRITE_FOLLOWS: &[&str] = &["write:follows"];

/// The `Account` of anyone, with a coop's numbers.
pub async fn account_of(state: &AppState, someone: &Someone) -> HttpResult<Account> {
    let urls = &state.services.urls;
    Ok(match someone {
        Someone::Coop(coop) => {
            let counts = state.services.account_counts(&coop.id).await?;
            let pictures = state.services.coop_pictures(&coop.id).await?;
            Account::local(
                LocalCoop {
                    coop,
                    pictures: &pictures,
                    followers: counts.followers,
                    following: counts.following,
                    statuses: counts.open_proposals,
                },
                urls,
            )
        }
        Someone::Actor(actor) => Account::remote(actor, urls),
    })
}

async fn own_account(state: &AppState, viewer: &Viewer) -> HttpResult<Account> {
    let services = &state.services;
    let coop = services.own_coop(viewer).await?;
    let counts = services.account_counts(&coop.id).await?;
    let pictures = services.coop_pictures(&coop.id).await?;
    Ok(Account::local(
        LocalCoop {
            coop: &coop,
            pictures: &pictures,
            followers: counts.followers,
            following: counts.following,
            statuses: counts.open_proposals,
        },
        &services.urls,
    )
    .with_source(&coop, counts.follow_requests))
}

/// `GET /api/v1/accounts/verify_credentials`: the signed-in coop.
pub async fn verify_credentials(
    State(state): State<AppState>,
    Token(session): Token,
) -> HttpResult<Json<Account>> {
    let (_, viewer) = session.person(&["read:accounts", "profile"])?;
    Ok(Json(own_account(&state, &viewer).await?))
}

#[derive(Deserialize, Default)]
pub struct CredentialsForm {
    display_name: Option<String>,
    note: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    locked: Option<bool>,
    /// `fields_attributes[0][name]` ... as forms send them, or a list or
    /// map of `{name, value}` in JSON.
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

/// The profile fields an app may set, by the names `fields` shows.
const FIELD_NAMES: &[&str] = &[
    "Website",
    "Location",
    "Languages",
    "Sectors",
    "Networks",
    "Legal form",
    "Members",
    "Founded",
    "Stage",
];

/// Profile fields by the names the account's `fields` show.
fn apply_field(patch: &mut ProfilePatch, name: &str, value: &str) -> Result<(), HttpError> {
    let value = value.trim();
    let text = || (!value.is_empty()).then(|| value.to_string());
    let list = || {
        value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let number = |field: &str| -> Result<Option<i32>, HttpError> {
        if value.is_empty() {
            return Ok(None);
        }
        value.parse().map(Some).map_err(|_| {
            HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("Validation failed: {field} must be a whole number"),
            )
        })
    };
    match name.trim().to_ascii_lowercase().as_str() {
        "website" => patch.website = Some(text()),
        "location" => {
            // "City, CC" or "CC".
            let parts: Vec<&str> = value.rsplitn(2, ',').map(str::trim).collect();
            match parts.as_slice() {
                [country, city] => {
                    patch.country = Some(Some(country.to_string()));
                    patch.city = Some(Some(city.to_string()));
                }
                [country] if !country.is_empty() => {
                    patch.country = Some(Some(country.to_string()));
                    patch.city = Some(None);
                }
                _ => {
                    patch.country = Some(None);
                    patch.city = Some(None);
                }
            }
        }
        "languages" => patch.languages = Some(list()),
        "sectors" => patch.sectors = Some(list()),
        "networks" => patch.networks = Some(list()),
        "legal form" => patch.legal_form = Some(text()),
        "members" => patch.member_count = Some(number("Members")?),
        "founded" => patch.founded_year = Some(number("Founded")?),
        "stage" => {
            patch.stage = Some(match value {
                "" => None,
                v => Some(crate::domain::coop::Stage::parse(v).ok_or_else(|| {
                    HttpError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        "Validation failed: Stage must be start-coop or established",
                    )
                })?),
            })
        }
        "contact" => {
            let mut contact = patch.public_contact.take().unwrap_or_default();
            contact.email = text();
            patch.public_contact = Some(contact);
        }
        other => {
            return Err(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!(
                "Validation failed: '{other}' is not a profile field here; use Website, Location, \
                     Languages, Sectors, Networks, Legal form, Members, Founded, Stage or Contact"
            ),
            ))
        }
    }
    Ok(())
}

/// The (name, value) pairs of `fields_attributes` in any of its encodings.
fn fields_of(rest: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, String)> {
    use serde_json::Value;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let mut out: std::collections::BTreeMap<String, (String, String)> = Default::default();
    for (key, value) in rest {
        // Form: fields_attributes[0][name]=...
        if let Some(inner) = key.strip_prefix("fields_attributes[") {
            if let Some((index, part)) = inner.split_once("][") {
                let entry = out.entry(format!("{index:0>4}")).or_default();
                let v = value.as_str().unwrap_or_default().to_string();
                match part.trim_end_matches(']') {
                    "name" => entry.0 = v,
                    "value" => entry.1 = v,
                    _ => {}
                }
            }
        }
    }
    match rest.get("fields_attributes") {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                out.insert(
                    format!("{i:0>4}"),
                    (text(item.get("name")), text(item.get("value"))),
                );
            }
        }
        Some(Value::Object(map)) => {
            for (i, item) in map {
                out.insert(
                    format!("{i:0>4}"),
                    (text(item.get("name")), text(item.get("value"))),
                );
            }
        }
        _ => {}
    }
    out.into_values()
        .filter(|(n, _)| !n.trim().is_empty())
        .collect()
}

/// `PATCH /api/v1/accounts/update_credentials`.
pub async fn update_credentials(
    State(state): State<AppState>,
    Token(session): Token,
    ParamsWithFiles(form, files): ParamsWithFiles<CredentialsForm>,
) -> HttpResult<Json<Account>> {
    let (_, viewer) = session.person(&["write:accounts"])?;
    // Pictures are checked first, and kept only once the profile is: a
    // refusal of either changes nothing.
    let mut pictures: Vec<(Picture, Processed)> = Vec::new();
    for (name, bytes) in files {
        let picture = match name.as_str() {
            "avatar" => Picture::Avatar,
            "header" => Picture::Header,
            _ => continue,
        };
        let processed =
            tokio::task::spawn_blocking(move || uploaded_image::process(picture, &bytes))
                .await
                .map_err(|_| {
                    HttpError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        "the image could not be read",
                    )
                })?
                .map_err(crate::services::ServiceError::from)?;
        pictures.push((picture, processed));
    }
    let mut patch = ProfilePatch {
        display_name: form.display_name,
        about: form.note,
        manually_approves_followers: form.locked,
        ..Default::default()
    };
    let fields = fields_of(&form.rest);
    if !fields.is_empty() || form.rest.contains_key("fields_attributes") {
        // As in Mastodon, the fields sent are all the fields: the others
        // are cleared (contact details other than the email stay).
        let current = state.services.own_coop(&viewer).await?.profile;
        for name in FIELD_NAMES {
            apply_field(&mut patch, name, "")?;
        }
        let mut contact = current.public_contact;
        contact.email = None;
        patch.public_contact = Some(contact);
        for (name, value) in fields {
            apply_field(&mut patch, &name, &value)?;
        }
    }
    state.services.update_own_coop(&viewer, patch).await?;
    for (picture, processed) in pictures {
        state
            .services
            .set_picture(&viewer, picture, processed)
            .await?;
    }
    Ok(Json(own_account(&state, &viewer).await?))
}

/// `GET /api/v1/accounts/:id`.
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> HttpResult<Json<Account>> {
    if id == NODE_ACCOUNT_ID {
        let node = Account::node(&state.config.node_name, &state.services.urls);
        return Ok(Json(node));
    }
    let someone = state.services.someone(&id).await?;
    Ok(Json(account_of(&state, &someone).await?))
}

#[derive(Deserialize)]
pub struct LookupParams {
    acct: Option<String>,
}

/// `GET /api/v1/accounts/lookup?acct=`: known accounts only, as Mastodon.
pub async fn lookup(
    State(state): State<AppState>,
    Query(params): Query<LookupParams>,
) -> HttpResult<Json<Account>> {
    let acct = params.acct.unwrap_or_default();
    let someone = state
        .services
        .someone_by_acct(&*state.resolver, &acct, false)
        .await?;
    Ok(Json(account_of(&state, &someone).await?))
}

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    resolve: Option<bool>,
    #[serde(default, deserialize_with = "super::params::flexible_u64")]
    limit: Option<u64>,
}

/// `GET /api/v1/accounts/search`.
pub async fn search(
    State(state): State<AppState>,
    Token(session): Token,
    Query(params): Query<SearchParams>,
) -> HttpResult<Json<Vec<Account>>> {
    session.require(READ_ACCOUNTS)?;
    let found = state
        .services
        .search_someone(
            &*state.resolver,
            &params.q.unwrap_or_default(),
            params.resolve.unwrap_or(false) && session.user.is_some(),
            params.limit.unwrap_or(40).clamp(1, 80) as i64,
        )
        .await?;
    let mut out = Vec::new();
    for someone in &found {
        out.push(account_of(&state, someone).await?);
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
pub struct IdsParams {
    #[serde(default, deserialize_with = "super::params::one_or_many")]
    id: Option<Vec<String>>,
}

/// `GET /api/v1/accounts/relationships?id[]=`.
pub async fn relationships(
    State(state): State<AppState>,
    Token(session): Token,
    Query(params): Query<IdsParams>,
) -> HttpResult<Json<Vec<Relationship>>> {
    let (_, viewer) = session.person(READ_FOLLOWS)?;
    let standings = state
        .services
        .standings(&viewer, params.id.unwrap_or_default())
        .await?;
    Ok(Json(standings.iter().map(Relationship::of).collect()))
}

async fn relationship(state: &AppState, viewer: &Viewer, id: &str) -> HttpResult<Relationship> {
    let standings = state
        .services
        .standings(viewer, vec![id.to_string()])
        .await?;
    Ok(standings
        .first()
        .map(Relationship::of)
        .unwrap_or_else(|| Relationship::of(&Default::default())))
}

fn local_follow_refused() -> HttpError {
    HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        "Coops on this node already see each other's needs and offers; follow coops on other nodes",
    )
}

/// `POST /api/v1/accounts/:id/follow`.
pub async fn follow(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Relationship>> {
    let (_, viewer) = session.person(WRITE_FOLLOWS)?;
    match state.services.someone(&id).await? {
        Someone::Coop(_) => return Err(local_follow_refused()),
        Someone::Actor(actor) => {
            state.services.follow(&viewer, *actor).await?;
        }
    }
    Ok(Json(relationship(&state, &viewer, &id).await?))
}

/// `POST /api/v1/accounts/:id/unfollow`.
pub async fn unfollow(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Relationship>> {
    let (_, viewer) = session.person(WRITE_FOLLOWS)?;
    state.services.someone(&id).await?;
    match state.services.unfollow(&viewer, &id).await {
        // Not following is what was asked for.
        Ok(()) | Err(crate::services::ServiceError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Json(relationship(&state, &viewer, &id).await?))
}

type AccountPage = (HeaderMap, Json<Vec<Account>>);

/// A page of a coop's followers, followed accounts or follow requests, with
/// the `Link` to the next one at `path`.
async fn relations_page(
    state: &AppState,
    coop_id: &str,
    side: Side,
    follow_state: FollowState,
    path: &str,
    params: PageParams,
) -> HttpResult<AccountPage> {
    let size = params.size(40, 80);
    let page = state
        .services
        .relations_of(coop_id, side, follow_state, params.max_id, Some(size))
        .await?;
    let urls = &state.services.urls;
    let accounts = page
        .items
        .iter()
        .map(|(_, a)| Account::remote(a, urls))
        .collect();
    let url = format!("{}{path}", urls.root());
    Ok((
        link(&url, page.next_cursor.as_deref(), None),
        Json(accounts),
    ))
}

async fn relation_list(
    state: &AppState,
    id: &str,
    side: Side,
    which: &str,
    params: PageParams,
) -> HttpResult<AccountPage> {
    let Someone::Coop(coop) = state.services.someone(id).await? else {
        // Another server's lists are its own to show.
        return Ok((HeaderMap::new(), Json(Vec::new())));
    };
    let path = format!("api/v1/accounts/{id}/{which}");
    relations_page(state, &coop.id, side, FollowState::Accepted, &path, params).await
}

/// `GET /api/v1/accounts/:id/followers`.
pub async fn followers(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
) -> HttpResult<AccountPage> {
    relation_list(&state, &id, Side::Followers, "followers", params).await
}

/// `GET /api/v1/accounts/:id/following`.
pub async fn following(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<PageParams>,
) -> HttpResult<AccountPage> {
    relation_list(&state, &id, Side::Following, "following", params).await
}

/// `GET /api/v1/follow_requests`: who waits for the coop's approval.
pub async fn follow_requests(
    State(state): State<AppState>,
    Token(session): Token,
    Query(params): Query<PageParams>,
) -> HttpResult<AccountPage> {
    let (_, viewer) = session.person(READ_FOLLOWS)?;
    let coop_id = viewer.coop_id()?.to_string();
    let path = "api/v1/follow_requests";
    relations_page(
        &state,
        &coop_id,
        Side::Followers,
        FollowState::Pending,
        path,
        params,
    )
    .await
}

/// `POST /api/v1/follow_requests/:id/authorize`.
pub async fn authorize_follow(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Relationship>> {
    let (_, viewer) = session.person(WRITE_FOLLOWS)?;
    state.services.approve_follower(&viewer, &id).await?;
    Ok(Json(relationship(&state, &viewer, &id).await?))
}

/// `POST /api/v1/follow_requests/:id/reject`.
pub async fn reject_follow(
    State(state): State<AppState>,
    Token(session): Token,
    Path(id): Path<String>,
) -> HttpResult<Json<Relationship>> {
    let (_, viewer) = session.person(WRITE_FOLLOWS)?;
    state.services.reject_follower(&viewer, &id).await?;
    Ok(Json(relationship(&state, &viewer, &id).await?))
}
