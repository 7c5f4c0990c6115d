//! OAuth 2 as Mastodon speaks it: registered apps and the scopes they ask
//! for. Plain types and rules; the flows are in services/oauth.rs.

use chrono::NaiveDateTime;

use super::ValidationError;

/// The redirect that shows the code on a page instead of redirecting.
pub const OUT_OF_BAND: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Every scope Mastodon defines, so apps asking for any of them register;
/// endpoints we do not serve simply never require theirs.
pub const KNOWN_SCOPES: &[&str] = &[
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "admin:read",
    "admin:write",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
];

/// What the old `follow` scope still grants in Mastodon.
const FOLLOW_COVERS: &[&str] = &[
    "read:follows",
    "write:follows",
    "read:blocks",
    "write:blocks",
    "read:mutes",
    "write:mutes",
];

/// A set of scopes, in the order given, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Parses a space-separated list (`+` too, as some apps send it in a
    /// query); empty means Mastodon's default, `read`. Unknown scopes are
    /// refused so a typo does not silently grant less.
    pub fn parse(text: &str) -> Result<Scopes, ValidationError> {
        let mut scopes: Vec<String> = Vec::new();
        for scope in text.split([' ', '+', ',']).filter(|s| !s.is_empty()) {
            if !KNOWN_SCOPES.contains(&scope) {
                return Err(ValidationError::new(
                    "scope",
                    format!("'{scope}' is not a scope this server knows"),
                ));
            }
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_string());
            }
        }
        if scopes.is_empty() {
            scopes.push("read".into());
        }
        Ok(Scopes(scopes))
    }

    /// The stored form of scopes this server wrote itself.
    pub fn from_stored(text: &str) -> Scopes {
        Scopes(
            text.split(' ')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        )
    }

    pub fn as_text(&self) -> String {
        self.0.join(" ")
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether one granted scope covers `required`: itself, a broader one
    /// (`read` covers `read:statuses`, `admin:read` covers
    /// `admin:read:domain_blocks`), or the old `follow`.
    fn covers(granted: &str, required: &str) -> bool {
        granted == required
            || required
                .strip_prefix(granted)
                .is_some_and(|rest| rest.starts_with(':'))
            || (granted == "follow" && FOLLOW_COVERS.contains(&required))
    }

    /// Whether these scopes allow what needs any one of `required`.
    pub fn allow_any(&self, required: &[&str]) -> bool {
        required
            .iter()
            .any(|r| self.0.iter().any(|g| Scopes::covers(g, r)))
    }

    /// Whether every scope of `asked` is covered by these (an app may ask
    /// at sign-in for no more than it registered).
    pub fn contains_all(&self, asked: &Scopes) -> bool {
        asked.iter().all(|a| self.allow_any(&[a]))
    }
}

/// A registered client application.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub website: Option<String>,
    pub redirect_uris: Vec<String>,
    pub scopes: Scopes,
    pub created_at: NaiveDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_scopes_cover_narrow_ones_and_not_the_reverse() {
        let s = Scopes::parse("read write:statuses follow").unwrap();
        assert!(s.allow_any(&["read:accounts"]));
        assert!(s.allow_any(&["write:statuses"]));
        assert!(!s.allow_any(&["write:accounts"]));
        assert!(s.allow_any(&["write:follows"]));
        assert!(!s.allow_any(&["admin:read:domain_blocks"]));
        let narrow = Scopes::parse("read:statuses").unwrap();
        assert!(!narrow.allow_any(&["read"]));
        assert!(Scopes::parse("readx").is_err());
        // "read" is not a prefix match of "readers:..." style scopes.
        assert!(!Scopes::covers("read", "reader"));
        let admin = Scopes::parse("admin:read").unwrap();
        assert!(admin.allow_any(&["admin:read:domain_blocks"]));
        assert!(!admin.allow_any(&["admin:write:domain_blocks"]));
    }

    #[test]
    fn empty_means_read_and_repeats_collapse() {
        assert_eq!(Scopes::parse("").unwrap().as_text(), "read");
        assert_eq!(
            Scopes::parse("read+write read").unwrap().as_text(),
            "read write"
        );
        let app = Scopes::parse("read write").unwrap();
        assert!(app.contains_all(&Scopes::parse("read:accounts write").unwrap()));
        assert!(!app.contains_all(&Scopes::parse("read follow").unwrap()));
    }
}
