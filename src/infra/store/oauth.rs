//! The `oauth_apps`, `oauth_codes` and `oauth_tokens` tables. Secrets,
//! codes and tokens arrive here already hashed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{oauth_apps, oauth_codes, oauth_tokens};
use super::{AnyConnection, StoreResult};
use crate::domain::oauth::{App, Scopes};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_apps)]
struct AppRow {
    id: String,
    client_id: String,
    client_secret_hash: String,
    name: String,
    website: Option<String>,
    redirect_uris: String,
    scopes: String,
    created_at: NaiveDateTime,
}

impl AppRow {
    fn into_domain(self) -> (App, String) {
        (
            App {
                id: self.id,
                client_id: self.client_id,
                name: self.name,
                website: self.website,
                redirect_uris: self.redirect_uris.lines().map(String::from).collect(),
                scopes: Scopes::from_stored(&self.scopes),
                created_at: self.created_at,
            },
            self.client_secret_hash,
        )
    }
}

pub fn insert_app(conn: &mut AnyConnection, app: &App, secret_hash: &str) -> StoreResult<()> {
    diesel::insert_into(oauth_apps::table)
        .values(AppRow {
            id: app.id.clone(),
            client_id: app.client_id.clone(),
            client_secret_hash: secret_hash.to_string(),
            name: app.name.clone(),
            website: app.website.clone(),
            redirect_uris: app.redirect_uris.join("\n"),
            scopes: app.scopes.as_text(),
            created_at: app.created_at,
        })
        .execute(conn)?;
    Ok(())
}

/// The app and its secret's hash.
pub fn app_by_client_id(
    conn: &mut AnyConnection,
    client_id: &str,
) -> StoreResult<Option<(App, String)>> {
    Ok(oauth_apps::table
        .filter(oauth_apps::client_id.eq(client_id))
        .select(AppRow::as_select())
        .get_result(conn)
        .optional()?
        .map(AppRow::into_domain))
}

pub fn app_by_id(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<App>> {
    Ok(oauth_apps::table
        .find(id)
        .select(AppRow::as_select())
        .get_result(conn)
        .optional()?
        .map(|row| row.into_domain().0))
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_codes)]
pub struct CodeRow {
    pub code_hash: String,
    pub app_id: String,
    pub user_id: String,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub expires_at: NaiveDateTime,
}

pub fn insert_code(conn: &mut AnyConnection, code: &CodeRow) -> StoreResult<()> {
    diesel::insert_into(oauth_codes::table)
        .values(code)
        .execute(conn)?;
    Ok(())
}

/// Removes and returns a code: a code is good for one exchange, whether
/// that exchange then succeeds or not.
pub fn take_code(conn: &mut AnyConnection, code_hash: &str) -> StoreResult<Option<CodeRow>> {
    let found = oauth_codes::table
        .find(code_hash)
        .select(CodeRow::as_select())
        .get_result(conn)
        .optional()?;
    if found.is_some() {
        diesel::delete(oauth_codes::table.find(code_hash)).execute(conn)?;
    }
    Ok(found)
}

pub fn delete_expired_codes(conn: &mut AnyConnection, now: NaiveDateTime) -> StoreResult<usize> {
    Ok(diesel::delete(oauth_codes::table.filter(oauth_codes::expires_at.le(now))).execute(conn)?)
}

/// An access token: whose (none for an app's own token), for which app,
/// with which scopes.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_tokens)]
pub struct TokenRow {
    pub token_hash: String,
    pub app_id: String,
    pub user_id: Option<String>,
    pub scopes: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_token(conn: &mut AnyConnection, token: &TokenRow) -> StoreResult<()> {
    diesel::insert_into(oauth_tokens::table)
        .values(token)
        .execute(conn)?;
    Ok(())
}

pub fn token(conn: &mut AnyConnection, token_hash: &str) -> StoreResult<Option<TokenRow>> {
    Ok(oauth_tokens::table
        .find(token_hash)
        .select(TokenRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Revokes a token if it belongs to `app_id`; how many were removed.
pub fn delete_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    app_id: &str,
) -> StoreResult<usize> {
    Ok(diesel::delete(
        oauth_tokens::table
            .filter(oauth_tokens::token_hash.eq(token_hash))
            .filter(oauth_tokens::app_id.eq(app_id)),
    )
    .execute(conn)?)
}

/// An app a user authorised: the app, when first and how it was granted.
pub struct Authorised {
    pub app: App,
    /// Every scope its tokens for the user hold, space-separated.
    pub scopes: String,
    /// When its first token for the user was made.
    pub since: NaiveDateTime,
}

/// The apps a user holds tokens for, most recently authorised first.
pub fn authorised_apps(conn: &mut AnyConnection, user_id: &str) -> StoreResult<Vec<Authorised>> {
    let rows: Vec<(TokenRow, AppRow)> = oauth_tokens::table
        .inner_join(oauth_apps::table)
        .filter(oauth_tokens::user_id.eq(user_id))
        .order(oauth_tokens::created_at)
        .select((TokenRow::as_select(), AppRow::as_select()))
        .load(conn)?;
    let mut out: Vec<Authorised> = Vec::new();
    for (token, app) in rows {
        match out.iter_mut().find(|a| a.app.id == token.app_id) {
            Some(seen) => {
                for scope in token.scopes.split_whitespace() {
                    if !seen.scopes.split_whitespace().any(|s| s == scope) {
                        seen.scopes.push(' ');
                        seen.scopes.push_str(scope);
                    }
                }
            }
            None => out.push(Authorised {
                app: app.into_domain().0,
                scopes: token.scopes,
                since: token.created_at,
            }),
        }
    }
    out.reverse();
    Ok(out)
}

/// Revokes every token a user holds for an app; how many were removed.
pub fn delete_user_app_tokens(
    conn: &mut AnyConnection,
    user_id: &str,
    app_id: &str,
) -> StoreResult<usize> {
    Ok(diesel::delete(
        oauth_tokens::table
            .filter(oauth_tokens::user_id.eq(user_id))
            .filter(oauth_tokens::app_id.eq(app_id)),
    )
    .execute(conn)?)
}

/// Revokes every app token of a user (after a password change).
pub fn delete_user_tokens(conn: &mut AnyConnection, user_id: &str) -> StoreResult<usize> {
    Ok(
        diesel::delete(oauth_tokens::table.filter(oauth_tokens::user_id.eq(user_id)))
            .execute(conn)?,
    )
}
