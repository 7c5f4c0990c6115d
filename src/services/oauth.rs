//! OAuth 2 for Mastodon apps: registering an app, the authorization-code
//! grant (with PKCE), the password and client-credentials grants,
//! revocation, and who a token speaks for. Codes live ten minutes and are
//! good once; tokens live until revoked, as Mastodon's do.

use base64::Engine as _;
use chrono::Duration;
use sha2::{Digest, Sha256};

use super::accounts::{new_token, token_hash};
use super::{new_id, ServiceError, ServiceResult, Services, Viewer};
use crate::domain::oauth::{App, Scopes, OUT_OF_BAND};
use crate::domain::time;
use crate::domain::user::User;
use crate::domain::validate;
use crate::infra::store::oauth::{self, CodeRow, TokenRow};
use crate::infra::store::users;

/// How long an authorization code may wait for its exchange.
pub const CODE_LIFETIME_MINUTES: i64 = 10;
const APP_NAME_MAX: usize = 100;
const REDIRECT_URIS_MAX: usize = 10;
const REDIRECT_URI_MAX: usize = 2000;

/// Why an OAuth request failed, in RFC 6749's terms (section 5.2); the
/// edge writes each as `{"error", "error_description"}`.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// Unknown client, or a wrong secret.
    #[error("client authentication failed: unknown client or wrong secret")]
    Client,
    /// A code, redirect or verifier that does not fit.
    #[error("{0}")]
    Grant(String),
    #[error("{0}")]
    Scope(String),
    #[error("{0}")]
    Request(String),
    #[error("the grant type '{0}' is not supported")]
    GrantType(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::infra::store::StoreError> for OAuthError {
    fn from(e: crate::infra::store::StoreError) -> Self {
        OAuthError::Service(e.into())
    }
}

pub type OAuthResult<T> = Result<T, OAuthError>;

pub struct NewApp {
    pub name: String,
    pub website: Option<String>,
    /// One or more, separated by new lines or spaces.
    pub redirect_uris: String,
    pub scopes: String,
}

/// A new app with the one copy of its secret there will ever be.
pub struct RegisteredApp {
    pub app: App,
    pub client_secret: String,
}

/// What an app asks for when it sends a person to the sign-in page.
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// A checked authorize request, ready to show and then to grant.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub app: App,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub code_challenge: Option<String>,
}

/// An issued access token.
pub struct AccessToken {
    pub token: String,
    pub scopes: Scopes,
    pub created_at: chrono::NaiveDateTime,
}

/// Who a Mastodon API request speaks for.
#[derive(Debug, Clone)]
pub struct OAuthSession {
    pub app: App,
    /// None for the app's own (client-credentials) token.
    pub user: Option<User>,
    pub scopes: Scopes,
}

impl OAuthSession {
    /// The signed-in person, as the services know viewers.
    pub fn viewer(&self) -> Option<Viewer> {
        self.user.clone().map(|user| Viewer { user })
    }
}

fn redirect_uris(text: &str) -> ServiceResult<Vec<String>> {
    let uris: Vec<String> = text
        .split([' ', '\n', '\r', '\t'])
        .filter(|u| !u.is_empty())
        .map(String::from)
        .collect();
    if uris.is_empty() {
        return Err(ServiceError::invalid(
            "redirect_uris",
            "name at least one redirect URI (or urn:ietf:wg:oauth:2.0:oob)",
        ));
    }
    if uris.len() > REDIRECT_URIS_MAX {
        return Err(ServiceError::invalid(
            "redirect_uris",
            format!("at most {REDIRECT_URIS_MAX} redirect URIs"),
        ));
    }
    for uri in &uris {
        if uri == OUT_OF_BAND {
            continue;
        }
        let parsed = url::Url::parse(uri).ok().filter(|u| {
            uri.len() <= REDIRECT_URI_MAX
                && u.fragment().is_none()
                && !matches!(u.scheme(), "javascript" | "data" | "vbscript" | "file")
        });
        if parsed.is_none() {
            return Err(ServiceError::invalid(
                "redirect_uris",
                format!(
                    "'{}' is not an absolute URI without a fragment that an app can receive",
                    crate::domain::text::truncate_chars(uri, 80)
                ),
            ));
        }
    }
    Ok(uris)
}

/// RFC 7636: BASE64URL(SHA256(verifier)) must equal the challenge.
fn pkce_matches(challenge: &str, verifier: &str) -> bool {
    let valid_verifier = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    valid_verifier
        && base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier))
            == challenge
}

impl Services {
    pub async fn register_app(&self, new: NewApp) -> ServiceResult<RegisteredApp> {
        let name = validate::required_text("client_name", &new.name, APP_NAME_MAX)?;
        let website =
            validate::http_url("website", new.website.as_deref().filter(|w| !w.is_empty()))?;
        let redirect_uris = redirect_uris(&new.redirect_uris)?;
        let scopes = Scopes::parse(&new.scopes)?;
        let client_secret = new_token()?;
        let app = App {
            id: new_id(),
            client_id: new_token()?,
            name,
            website,
            redirect_uris,
            scopes,
            created_at: time::now(),
        };
        let (a, hash) = (app.clone(), token_hash(&client_secret));
        self.db
            .write(move |conn| oauth::insert_app(conn, &a, &hash))
            .await
            .map_err(ServiceError::from)?;
        tracing::info!(app = %app.name, "OAuth app registered");
        Ok(RegisteredApp { app, client_secret })
    }

    /// The app a client id names, checking its secret.
    async fn client(&self, client_id: &str, client_secret: &str) -> OAuthResult<App> {
        let id = client_id.to_string();
        let found = self
            .db
            .read(move |conn| oauth::app_by_client_id(conn, &id))
            .await?;
        match found {
            Some((app, hash)) if hash == token_hash(client_secret) => Ok(app),
            _ => Err(OAuthError::Client),
        }
    }

    /// Checks what an app asks for before the sign-in page is shown; an
    /// unknown client or unregistered redirect is shown as an error, never
    /// redirected to.
    pub async fn authorization(&self, req: AuthorizeRequest) -> OAuthResult<Authorization> {
        let id = req.client_id.clone();
        let app = self
            .db
            .read(move |conn| oauth::app_by_client_id(conn, &id))
            .await?
            .map(|(app, _)| app)
            .ok_or(OAuthError::Client)?;
        if !app.redirect_uris.contains(&req.redirect_uri) {
            return Err(OAuthError::Grant(
                "the redirect_uri is not one this app registered".into(),
            ));
        }
        let scopes = match req.scope.as_deref() {
            Some(s) if !s.trim().is_empty() => {
                Scopes::parse(s).map_err(|e| OAuthError::Scope(e.to_string()))?
            }
            _ => app.scopes.clone(),
        };
        if !app.scopes.contains_all(&scopes) {
            return Err(OAuthError::Scope(format!(
                "the app registered the scopes '{}'; it cannot ask for '{}'",
                app.scopes.as_text(),
                scopes.as_text()
            )));
        }
        let code_challenge = match (req.code_challenge, req.code_challenge_method.as_deref()) {
            (None, _) => None,
            (Some(c), Some("S256")) if !c.is_empty() && c.len() <= 128 => Some(c),
            (Some(_), _) => {
                return Err(OAuthError::Request(
                    "code_challenge_method must be S256 (the only PKCE method supported)".into(),
                ))
            }
        };
        Ok(Authorization {
            app,
            redirect_uri: req.redirect_uri,
            scopes,
            code_challenge,
        })
    }

    /// A person signed in on the authorize page and agreed: a code for
    /// the app, good once, for ten minutes.
    pub async fn grant_code(
        &self,
        authorization: &Authorization,
        email: &str,
        password: String,
        client: std::net::IpAddr,
    ) -> ServiceResult<String> {
        let user = self.check_password(email, password, client).await?;
        let code = new_token()?;
        let now = time::now();
        let row = CodeRow {
            code_hash: token_hash(&code),
            app_id: authorization.app.id.clone(),
            user_id: user.id,
            redirect_uri: authorization.redirect_uri.clone(),
            scopes: authorization.scopes.as_text(),
            code_challenge: authorization.code_challenge.clone(),
            expires_at: now + Duration::minutes(CODE_LIFETIME_MINUTES),
        };
        self.db
            .write(move |conn| -> ServiceResult<()> {
                oauth::delete_expired_codes(conn, now)?;
                Ok(oauth::insert_code(conn, &row)?)
            })
            .await?;
        Ok(code)
    }

    async fn issue(
        &self,
        app: &App,
        user_id: Option<String>,
        scopes: Scopes,
    ) -> ServiceResult<AccessToken> {
        let token = new_token()?;
        let row = TokenRow {
            token_hash: token_hash(&token),
            app_id: app.id.clone(),
            user_id,
            scopes: scopes.as_text(),
            created_at: time::now(),
        };
        let created_at = row.created_at;
        self.db
            .write(move |conn| oauth::insert_token(conn, &row))
            .await
            .map_err(ServiceError::from)?;
        Ok(AccessToken {
            token,
            scopes,
            created_at,
        })
    }

    /// The authorization-code grant.
    pub async fn exchange_code(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        code: &str,
        redirect_uri: &str,
        code_verifier: Option<&str>,
    ) -> OAuthResult<AccessToken> {
        let hash = token_hash(code);
        let found = self
            .db
            .write(move |conn| oauth::take_code(conn, &hash))
            .await?;
        let expired = || OAuthError::Grant("the code is unknown, already used or expired".into());
        let code = found
            .filter(|c| c.expires_at > time::now())
            .ok_or_else(expired)?;
        // A public client proves itself with PKCE instead of a secret.
        let app = match (client_secret, &code.code_challenge) {
            (Some(secret), _) => self.client(client_id, secret).await?,
            (None, Some(_)) => {
                let id = client_id.to_string();
                self.db
                    .read(move |conn| oauth::app_by_client_id(conn, &id))
                    .await?
                    .map(|(app, _)| app)
                    .ok_or(OAuthError::Client)?
            }
            (None, None) => return Err(OAuthError::Client),
        };
        if app.id != code.app_id {
            return Err(expired());
        }
        if code.redirect_uri != redirect_uri {
            return Err(OAuthError::Grant(
                "the redirect_uri differs from the one the code was given for".into(),
            ));
        }
        if let Some(challenge) = &code.code_challenge {
            let verifier = code_verifier.ok_or_else(|| {
                OAuthError::Grant("this code needs its PKCE code_verifier".into())
            })?;
            if !pkce_matches(challenge, verifier) {
                return Err(OAuthError::Grant(
                    "the code_verifier does not match the code_challenge".into(),
                ));
            }
        }
        Ok(self
            .issue(&app, Some(code.user_id), Scopes::from_stored(&code.scopes))
            .await?)
    }

    /// The password grant (off when the node's `oauth_password_grant` is).
    pub async fn password_grant(
        &self,
        client_id: &str,
        client_secret: &str,
        email: &str,
        password: String,
        scope: Option<&str>,
        client: std::net::IpAddr,
    ) -> OAuthResult<AccessToken> {
        let app = self.client(client_id, client_secret).await?;
        let scopes = self.granted_scopes(&app, scope)?;
        let user = self
            .check_password(email, password, client)
            .await
            .map_err(|e| match e {
                ServiceError::Unauthorized(m) => OAuthError::Grant(m),
                other => OAuthError::Service(other),
            })?;
        Ok(self.issue(&app, Some(user.id), scopes).await?)
    }

    /// The client-credentials grant: a token for the app itself.
    pub async fn client_credentials(
        &self,
        client_id: &str,
        client_secret: &str,
        scope: Option<&str>,
    ) -> OAuthResult<AccessToken> {
        let app = self.client(client_id, client_secret).await?;
        let scopes = self.granted_scopes(&app, scope)?;
        Ok(self.issue(&app, None, scopes).await?)
    }

    fn granted_scopes(&self, app: &App, scope: Option<&str>) -> OAuthResult<Scopes> {
        let scopes = match scope.filter(|s| !s.trim().is_empty()) {
            Some(s) => Scopes::parse(s).map_err(|e| OAuthError::Scope(e.to_string()))?,
            None => app.scopes.clone(),
        };
        if !app.scopes.contains_all(&scopes) {
            return Err(OAuthError::Scope(format!(
                "the app registered the scopes '{}'; it cannot ask for '{}'",
                app.scopes.as_text(),
                scopes.as_text()
            )));
        }
        Ok(scopes)
    }

    /// Revokes one of the app's tokens. As RFC 7009 asks, a token that is
    /// unknown (or already revoked) is not an error.
    pub async fn revoke(
        &self,
        client_id: &str,
        client_secret: &str,
        token: &str,
    ) -> OAuthResult<()> {
        let app = self.client(client_id, client_secret).await?;
        let hash = token_hash(token);
        self.db
            .write(move |conn| oauth::delete_token(conn, &hash, &app.id))
            .await?;
        Ok(())
    }

    /// Who an access token speaks for.
    pub async fn oauth_session(&self, token: &str) -> ServiceResult<OAuthSession> {
        let hash = token_hash(token);
        let found = self
            .db
            .read(move |conn| -> crate::infra::store::StoreResult<_> {
                let Some(row) = oauth::token(conn, &hash)? else {
                    return Ok(None);
                };
                let Some(app) = oauth::app_by_id(conn, &row.app_id)? else {
                    return Ok(None);
                };
                let user = match &row.user_id {
                    Some(id) => match users::by_id(conn, id)? {
                        Some(u) => Some(u),
                        None => return Ok(None),
                    },
                    None => None,
                };
                Ok(Some(OAuthSession {
                    app,
                    user,
                    scopes: Scopes::from_stored(&row.scopes),
                }))
            })
            .await
            .map_err(ServiceError::from)?;
        found.ok_or_else(|| ServiceError::Unauthorized("The access token is invalid".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_as_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(challenge, verifier));
        assert!(!pkce_matches(
            challenge,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx"
        ));
        assert!(!pkce_matches(challenge, "short"));
    }

    #[test]
    fn redirect_uris_must_be_absolute_and_receivable() {
        assert!(redirect_uris("urn:ietf:wg:oauth:2.0:oob").is_ok());
        assert_eq!(
            redirect_uris("https://app.example/cb\nmyapp://oauth")
                .unwrap()
                .len(),
            2
        );
        assert!(redirect_uris("").is_err());
        assert!(redirect_uris("/relative").is_err());
        assert!(redirect_uris("javascript:alert(1)").is_err());
        assert!(redirect_uris("https://app.example/cb#frag").is_err());
    }
}
