//! A member's account and sign-ins: the language of its pages, changing
//! its password (which signs out everywhere else), and the sign-ins to see
//! and revoke: browser sessions and native API tokens (one row each), and
//! the Mastodon apps the member authorised (one row per app, all its
//! tokens revoked together).

use super::accounts::token_hash;
use super::{ServiceError, ServiceResult, Services, Viewer};
use crate::domain::session::{SignIn, SignInKind};
use crate::domain::user::PAGE_LANGUAGES;
use crate::domain::{time, validate};
use crate::infra::store::{oauth, tokens, users, StoreError};

const TOKEN_PREFIX: &str = "token-";
const APP_PREFIX: &str = "app-";
/// How much of a token's hash names it: 64 bits tell a member's few
/// tokens apart and reveal nothing that signs in.
const TOKEN_ID_HEX: usize = 16;

/// The id naming a stored token (by its hash) in lists and revocations.
fn token_id(hash: &str) -> String {
    format!("{TOKEN_PREFIX}{}", &hash[..TOKEN_ID_HEX.min(hash.len())])
}

/// The id [`Services::sign_ins`] gives the session or token `token`.
pub fn sign_in_id(token: &str) -> String {
    token_id(&token_hash(token))
}

impl Services {
    /// Sets the language of the account's pages (`None`: the browser's).
    pub async fn set_account_language(
        &self,
        viewer: &Viewer,
        language: Option<&str>,
    ) -> ServiceResult<()> {
        let language = match language.map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => Some(
                PAGE_LANGUAGES
                    .into_iter()
                    .find(|known| known.eq_ignore_ascii_case(l))
                    .ok_or_else(|| ServiceError::invalid("language", "must be en or es"))?,
            ),
        };
        let id = viewer.user.id.clone();
        self.db
            .write(move |conn| users::set_language(conn, &id, language))
            .await?;
        Ok(())
    }

    /// Sets the time zone the account reads times in (`None`: none).
    /// The zone as stored, by its IANA name.
    pub async fn set_account_time_zone(
        &self,
        viewer: &Viewer,
        zone: Option<&str>,
    ) -> ServiceResult<Option<String>> {
        let zone = match zone.map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(z) => Some(crate::domain::time::time_zone(z)?.name().to_string()),
        };
        let (id, stored) = (viewer.user.id.clone(), zone.clone());
        self.db
            .write(move |conn| users::set_time_zone(conn, &id, stored.as_deref()))
            .await?;
        Ok(zone)
    }

    /// Changes the password once the current one is given (through the
    /// sign-in throttle, so a stolen session cannot guess it), and signs
    /// out everywhere but `current_token`: other sessions, API tokens and
    /// every app. How many sign-ins ended.
    pub async fn change_password(
        &self,
        viewer: &Viewer,
        current_token: &str,
        current_password: String,
        new_password: String,
        client: std::net::IpAddr,
    ) -> ServiceResult<usize> {
        validate::password(&new_password)?;
        match self
            .check_password(&viewer.user.email, current_password, client)
            .await
        {
            Ok(user) if user.id == viewer.user.id => {}
            Ok(_) | Err(ServiceError::Unauthorized(_)) => {
                return Err(ServiceError::invalid(
                    "current_password",
                    "is not the account's password",
                ))
            }
            Err(e) => return Err(e),
        }
        let hash = self.passwords.hash(new_password).await?;
        let (id, keep) = (viewer.user.id.clone(), token_hash(current_token));
        let ended =
            self.db
                .write(move |conn| -> Result<usize, StoreError> {
                    users::set_password_hash(conn, &id, &hash)?;
                    Ok(tokens::delete_others(conn, &id, &keep)?
                        + oauth::delete_user_tokens(conn, &id)?)
                })
                .await?;
        tracing::info!(user = %viewer.user.id, ended, "password changed");
        Ok(ended)
    }

    /// How the member is signed in, the `current` token's sign-in marked;
    /// sessions and tokens first (newest first), then apps.
    pub async fn sign_ins(&self, viewer: &Viewer, current: &str) -> ServiceResult<Vec<SignIn>> {
        let user_id = viewer.user.id.clone();
        let current = token_hash(current);
        let now = time::now();
        let (own, apps) = self
            .db
            .read(move |conn| {
                Ok::<_, crate::infra::store::StoreError>((
                    tokens::of_user(conn, &user_id, now)?,
                    oauth::authorised_apps(conn, &user_id)?,
                ))
            })
            .await?;
        let mut out: Vec<SignIn> = own
            .into_iter()
            .map(|t| SignIn {
                id: token_id(&t.token_hash),
                kind: SignInKind::from_stored(&t.kind),
                agent: t.agent,
                website: None,
                scopes: None,
                created_at: t.created_at,
                last_used_at: t.last_used_at,
                expires_at: Some(t.expires_at),
                current: t.token_hash == current,
            })
            .collect();
        out.extend(apps.into_iter().map(|a| SignIn {
            id: format!("{APP_PREFIX}{}", a.app.id),
            kind: SignInKind::App,
            agent: a.app.name,
            website: a.app.website,
            scopes: Some(a.scopes),
            created_at: a.since,
            last_used_at: None,
            expires_at: None,
            current: false,
        }));
        Ok(out)
    }

    /// Revokes one of the member's sign-ins by the id [`Self::sign_ins`]
    /// gave; 404 when the member has none by that id.
    pub async fn revoke_sign_in(&self, viewer: &Viewer, id: &str) -> ServiceResult<()> {
        let gone = || ServiceError::NotFound("no such session, token or app".into());
        let user_id = viewer.user.id.clone();
        if let Some(app_id) = id.strip_prefix(APP_PREFIX) {
            let app_id = app_id.to_string();
            let removed = self
                .db
                .write(move |conn| oauth::delete_user_app_tokens(conn, &user_id, &app_id))
                .await?;
            return if removed > 0 { Ok(()) } else { Err(gone()) };
        }
        let prefix = id
            .strip_prefix(TOKEN_PREFIX)
            .filter(|p| p.len() == TOKEN_ID_HEX && p.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(gone)?
            .to_string();
        let now = time::now();
        let removed = self
            .db
            .write(move |conn| -> ServiceResult<usize> {
                let mine = tokens::of_user(conn, &user_id, now)?;
                let Some(t) = mine.iter().find(|t| t.token_hash.starts_with(&prefix)) else {
                    return Ok(0);
                };
                Ok(tokens::delete_of_user(conn, &user_id, &t.token_hash)?)
            })
            .await?;
        if removed > 0 {
            Ok(())
        } else {
            Err(gone())
        }
    }
}
