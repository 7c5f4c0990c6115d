//! Accounts: creating coops and admins, signing in and out, bearer tokens.

use base64::Engine as _;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::{validate_handle, Coop, CoopProfile};
use crate::domain::session::{clean_agent, SignInKind};
use crate::domain::time;
use crate::domain::user::{Role, User};
use crate::domain::{limits, validate};
use crate::infra::store::{self, coops, tokens, users};

/// How long a bearer token from `login` stays valid.
pub const TOKEN_LIFETIME_DAYS: i64 = 30;

pub struct NewCoopAccount {
    pub handle: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

/// Where a sign-in comes from, kept with its token so the member can
/// recognise it before revoking it.
pub struct SignInFrom {
    /// The address the sign-in throttle counts (see login_limit.rs).
    pub client: std::net::IpAddr,
    pub kind: SignInKind,
    /// The User-Agent header, if any.
    pub agent: Option<String>,
}

/// How often a token's "last used" is refreshed: reading it on every
/// request would turn every request into a write.
const TOUCH_EVERY_MINUTES: i64 = 60;

pub struct Session {
    pub token: String,
    pub expires_at: NaiveDateTime,
    pub user: User,
    pub coop_handle: Option<String>,
}

pub(super) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn new_token() -> ServiceResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness for a token: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn ensure_email_free(conn: &mut store::AnyConnection, email: &str) -> ServiceResult<()> {
    if users::email_taken(conn, email)? {
        return Err(ServiceError::Conflict(format!(
            "email '{email}' is already registered"
        )));
    }
    Ok(())
}

impl Services {
    /// Creates a coop and its first member account in one transaction.
    pub async fn create_coop_account(&self, new: NewCoopAccount) -> ServiceResult<(Coop, User)> {
        let handle = validate_handle(&new.handle)?;
        let profile = CoopProfile {
            display_name: new.display_name,
            ..Default::default()
        }
        .validated()?;
        let email = validate::email("email", &new.email)?;
        validate::password(&new.password)?;
        let password_hash = self.passwords.hash(new.password).await?;
        let keys = super::actors::generate_keys().await?;
        let now = time::now();
        let coop = Coop {
            id: new_id(),
            handle,
            keys: Some(keys),
            about_html: profile.about_html(),
            profile,
            created_at: now,
            updated_at: now,
        };
        let user = User {
            id: new_id(),
            email,
            role: Role::Member,
            coop_id: Some(coop.id.clone()),
            created_at: now,
            language: None,
            time_zone: None,
        };
        let (c, u, urls) = (coop.clone(), user.clone(), self.urls.clone());
        let queued = self
            .db
            .write(move |conn| {
                if coops::handle_taken(conn, &c.handle)? {
                    return Err(ServiceError::Conflict(format!(
                        "handle '{}' is already taken",
                        c.handle
                    )));
                }
                ensure_email_free(conn, &u.email)?;
                coops::insert(conn, &c)?;
                users::insert(conn, &u, &password_hash)?;
                Ok(super::outbox::coop_created(conn, &urls, &c)?)
            })
            .await?;
        self.wake_delivery(queued);
        tracing::info!(handle = %coop.handle, "coop created");
        Ok((coop, user))
    }

    pub async fn create_admin(&self, email: &str, password: String) -> ServiceResult<User> {
        let email = validate::email("email", email)?;
        validate::password(&password)?;
        let password_hash = self.passwords.hash(password).await?;
        let user = User {
            id: new_id(),
            email,
            role: Role::Admin,
            coop_id: None,
            created_at: time::now(),
            language: None,
            time_zone: None,
        };
        let u = user.clone();
        self.db
            .write(move |conn| -> ServiceResult<()> {
                ensure_email_free(conn, &u.email)?;
                users::insert(conn, &u, &password_hash)?;
                Ok(())
            })
            .await?;
        tracing::info!(email = %user.email, "node admin created");
        Ok(user)
    }

    /// Signs in: a new session (for a browser) or bearer token.
    pub async fn login(
        &self,
        email: &str,
        password: String,
        from: SignInFrom,
    ) -> ServiceResult<Session> {
        let user = self.check_password(email, password, from.client).await?;
        let token = new_token()?;
        let now = time::now();
        let expires_at = now + Duration::days(TOKEN_LIFETIME_DAYS);
        let (hash, user_id, coop_id) = (token_hash(&token), user.id.clone(), user.coop_id.clone());
        let agent = clean_agent(from.agent.as_deref().unwrap_or_default());
        let kind = from.kind.as_str();
        let coop_handle = self
            .db
            .write(move |conn| -> ServiceResult<_> {
                tokens::delete_expired(conn, now)?;
                tokens::insert(
                    conn,
                    tokens::NewToken {
                        token_hash: &hash,
                        user_id: &user_id,
                        kind,
                        agent: &agent,
                        created_at: now,
                        expires_at,
                    },
                )?;
                match coop_id {
                    Some(id) => Ok(coops::by_id(conn, &id)?.map(|c| c.handle)),
                    None => Ok(None),
                }
            })
            .await?;
        Ok(Session {
            token,
            expires_at,
            user,
            coop_handle,
        })
    }

    /// The account an email and password name, through the sign-in
    /// throttle and the bounded password checks; every way of signing in
    /// (the native API, OAuth's password grant and its sign-in page) goes
    /// through here.
    pub async fn check_password(
        &self,
        email: &str,
        password: String,
        client: std::net::IpAddr,
    ) -> ServiceResult<User> {
        let refused = || ServiceError::Unauthorized("wrong email or password".into());
        if password.chars().count() > limits::PASSWORD_MAX {
            return Err(refused());
        }
        let email = email.trim().to_lowercase();
        // No stored email holds such characters; refusing them here keeps
        // them away from the database (PostgreSQL rejects NUL outright).
        if validate::text_problem(&email).is_some() {
            return Err(refused());
        }
        let attempt = self
            .login_limiter
            .attempt(&email, client)
            .map_err(|retry_after| ServiceError::RateLimited { retry_after })?;
        let found = {
            let email = email.clone();
            self.db
                .read(move |conn| users::by_email(conn, &email))
                .await
                .map_err(ServiceError::from)?
        };
        let (user, hash) = match found {
            Some((u, h)) => (Some(u), Some(h)),
            None => (None, None),
        };
        match self.passwords.verify(password, hash).await {
            Ok(true) => {}
            Ok(false) => return Err(refused()),
            Err(busy) => {
                attempt.not_checked();
                return Err(busy);
            }
        }
        attempt.succeeded();
        user.ok_or_else(refused)
    }

    /// Who a bearer token belongs to.
    pub async fn authenticate(&self, token: &str) -> ServiceResult<Viewer> {
        let hash = token_hash(token);
        let now = time::now();
        let found = {
            let hash = hash.clone();
            self.db
                .read(move |conn| -> ServiceResult<_> {
                    match tokens::user_for(conn, &hash, now)? {
                        Some((id, used)) => Ok(users::by_id(conn, &id)?.map(|u| (u, used))),
                        None => Ok(None),
                    }
                })
                .await?
        };
        let Some((user, used)) = found else {
            return Err(ServiceError::Unauthorized(
                "the token is unknown or expired".into(),
            ));
        };
        let stale = used.is_none_or(|at| now - at >= Duration::minutes(TOUCH_EVERY_MINUTES));
        if stale {
            // Best effort: a busy database must not refuse the request.
            if let Err(e) = self
                .db
                .write(move |conn| tokens::touch(conn, &hash, now))
                .await
            {
                tracing::debug!(error = %e, "could not mark a token used");
            }
        }
        Ok(Viewer { user })
    }

    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        let hash = token_hash(token);
        self.db
            .write(move |conn| tokens::delete(conn, &hash))
            .await
            .map_err(ServiceError::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
