//! The ways a member is signed in, as the member sees them to revoke one:
//! browser sessions and native API tokens, and the Mastodon apps they
//! authorised.

use chrono::NaiveDateTime;

use super::validate::{is_bidi_control, is_invisible};

/// How a sign-in was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInKind {
    /// A browser's session cookie, from the sign-in page.
    Web,
    /// A bearer token from the native API's `POST /auth/login`.
    Api,
    /// A Mastodon app authorised over OAuth (all its tokens together).
    App,
}

impl SignInKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInKind::Web => "web",
            SignInKind::Api => "api",
            SignInKind::App => "app",
        }
    }

    /// The kind stored with a token; unknown text reads as `api`, the
    /// kind tokens had before it was recorded.
    pub fn from_stored(s: &str) -> SignInKind {
        match s {
            "web" => SignInKind::Web,
            _ => SignInKind::Api,
        }
    }
}

/// One way the member is signed in.
#[derive(Debug, Clone, PartialEq)]
pub struct SignIn {
    /// What names it when revoking: `token-…` or `app-…`.
    pub id: String,
    pub kind: SignInKind,
    /// The browser or program (its User-Agent), or the app's name.
    pub agent: String,
    /// An app's website, as it registered it.
    pub website: Option<String>,
    /// An app's scopes, space-separated.
    pub scopes: Option<String>,
    pub created_at: NaiveDateTime,
    /// To the hour; `None` when not known (apps, tokens from before).
    pub last_used_at: Option<NaiveDateTime>,
    /// When a session or token stops working; apps last until revoked.
    pub expires_at: Option<NaiveDateTime>,
    /// Whether this is the session or token asking.
    pub current: bool,
}

/// How much of a User-Agent is kept: enough to tell browsers apart.
pub const AGENT_MAX_CHARS: usize = 160;

/// A User-Agent as kept: control and invisible characters dropped,
/// spaces folded, cut to [`AGENT_MAX_CHARS`].
pub fn clean_agent(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !is_invisible(*c) && !is_bidi_control(*c))
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(AGENT_MAX_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_are_cleaned_and_cut() {
        assert_eq!(
            clean_agent("Mozilla/5.0\u{0}  (X11;\u{202e} Linux)\n"),
            "Mozilla/5.0 (X11; Linux)"
        );
        assert_eq!(
            clean_agent(&"a".repeat(500)).chars().count(),
            AGENT_MAX_CHARS
        );
        assert_eq!(SignInKind::from_stored("web"), SignInKind::Web);
        assert_eq!(SignInKind::from_stored("anything"), SignInKind::Api);
    }
}
