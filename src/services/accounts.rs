//! Accounts: creating coops and admins, signing in and out, bearer tokens.

use base64::Engine as _;
use chrono::{Duration, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::{validate_handle, Coop, CoopProfile};
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

    /// Signs in from `client` (the address the throttle counts; see
    /// login_limit.rs).
    pub async fn login(
        &self,
        email: &str,
        password: String,
        client: std::net::IpAddr,
    ) -> ServiceResult<Session> {
        let user = self.check_password(email, password, client).await?;
        let token = new_token()?;
        let now = time::now();
        let expires_at = now + Duration::days(TOKEN_LIFETIME_DAYS);
        let (hash, user_id, coop_id) = (token_hash(&token), user.id.clone(), user.coop_id.clone());
        let coop_handle = self
            .db
            .write(move |conn| -> ServiceResult<_> {
                tokens::delete_expired(conn, now)?;
                tokens::insert(conn, &hash, &user_id, now, expires_at)?;
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
        let user = self
            .db
            .read(move |conn| match tokens::user_for(conn, &hash, now)? {
                Some(id) => users::by_id(conn, &id),
                None => Ok(None),
            })
            .await
            .map_err(ServiceError::from)?;
        user.map(|user| Viewer { user })
            .ok_or_else(|| ServiceError::Unauthorized("the token is unknown or expired".into()))
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
