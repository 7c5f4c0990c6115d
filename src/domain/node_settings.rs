//! The node's settings an admin may change while it runs (from the desk or
//! the API): what the node says about itself, a contact address, and
//! switches that take effect on the next request. The configuration file
//! gives their first values; once an admin saves them, the saved ones win.

use super::coop::language_tag;
use super::validate::{self, Checked};
use super::ValidationError;

/// Longest "about this node" text.
pub const NODE_ABOUT_MAX: usize = 1_000;
/// Bounds of `home_posts_days` (as in the configuration file).
pub const HOME_POSTS_DAYS: std::ops::RangeInclusive<u32> = 1..=365;

#[derive(Debug, Clone, PartialEq)]
pub struct NodeSettings {
    /// What the node is, for its landing page and the Mastodon instance
    /// API; plain text. `None`: the standard sentence.
    pub about: Option<String>,
    /// The language `about` is written in.
    pub about_language: Option<String>,
    /// Where people reach the node's admins.
    pub contact_email: Option<String>,
    /// Whether Mastodon apps may use OAuth's password grant.
    pub oauth_password_grant: bool,
    /// Whether documents are served only to signed fetches.
    pub authorized_fetch: bool,
    /// How many days posts of followed accounts stay for home timelines.
    pub home_posts_days: u32,
}

impl Default for NodeSettings {
    /// The configuration's defaults (docs/configuration.md).
    fn default() -> Self {
        NodeSettings {
            about: None,
            about_language: None,
            contact_email: None,
            oauth_password_grant: true,
            authorized_fetch: false,
            home_posts_days: 14,
        }
    }
}

/// The settings as stored, one text value a name.
pub const KEYS: [&str; 6] = [
    "about",
    "about_language",
    "contact_email",
    "oauth_password_grant",
    "authorized_fetch",
    "home_posts_days",
];

impl NodeSettings {
    /// `defaults` with the stored values that parse laid over it (a value
    /// that does not parse, written by hand, is ignored).
    pub fn with_stored(defaults: &NodeSettings, stored: &[(String, String)]) -> NodeSettings {
        let mut s = defaults.clone();
        for (name, value) in stored {
            match name.as_str() {
                "about" => s.about = Some(value.clone()).filter(|v| !v.is_empty()),
                "about_language" => s.about_language = language_tag(value),
                "contact_email" => s.contact_email = Some(value.clone()).filter(|v| !v.is_empty()),
                "oauth_password_grant" => {
                    s.oauth_password_grant = value.parse().unwrap_or(s.oauth_password_grant)
                }
                "authorized_fetch" => {
                    s.authorized_fetch = value.parse().unwrap_or(s.authorized_fetch)
                }
                "home_posts_days" => {
                    s.home_posts_days = value
                        .parse()
                        .ok()
                        .filter(|d| HOME_POSTS_DAYS.contains(d))
                        .unwrap_or(s.home_posts_days)
                }
                _ => {}
            }
        }
        s
    }

    /// The settings as stored.
    pub fn stored(&self) -> Vec<(&'static str, String)> {
        vec![
            ("about", self.about.clone().unwrap_or_default()),
            (
                "about_language",
                self.about_language.clone().unwrap_or_default(),
            ),
            (
                "contact_email",
                self.contact_email.clone().unwrap_or_default(),
            ),
            (
                "oauth_password_grant",
                self.oauth_password_grant.to_string(),
            ),
            ("authorized_fetch", self.authorized_fetch.to_string()),
            ("home_posts_days", self.home_posts_days.to_string()),
        ]
    }
}

/// A change an admin asks for; fields left `None` stay as they are.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// Blank clears it.
    pub about: Option<String>,
    /// Blank clears it.
    pub about_language: Option<String>,
    /// Blank clears it.
    pub contact_email: Option<String>,
    pub oauth_password_grant: Option<bool>,
    pub authorized_fetch: Option<bool>,
    pub home_posts_days: Option<i64>,
}

impl SettingsChange {
    /// `current` with the change applied, every field checked.
    pub fn apply(self, current: &NodeSettings) -> Checked<NodeSettings> {
        let mut s = current.clone();
        if let Some(about) = self.about {
            s.about = validate::optional_text("about", Some(&about), NODE_ABOUT_MAX)?;
        }
        if let Some(lang) = self.about_language {
            s.about_language = match lang.trim() {
                "" => None,
                tag => Some(language_tag(tag).ok_or_else(|| {
                    ValidationError::new(
                        "about_language",
                        "must be a language code such as en or es",
                    )
                })?),
            };
        }
        if let Some(email) = self.contact_email {
            s.contact_email = match email.trim() {
                "" => None,
                e => Some(validate::email("contact_email", e)?),
            };
        }
        if let Some(on) = self.oauth_password_grant {
            s.oauth_password_grant = on;
        }
        if let Some(on) = self.authorized_fetch {
            s.authorized_fetch = on;
        }
        if let Some(days) = self.home_posts_days {
            s.home_posts_days = u32::try_from(days)
                .ok()
                .filter(|d| HOME_POSTS_DAYS.contains(d))
                .ok_or_else(|| {
                    ValidationError::new("home_posts_days", "must be between 1 and 365")
                })?;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> NodeSettings {
        NodeSettings::default()
    }

    #[test]
    fn stored_values_win_over_defaults_and_bad_ones_are_ignored() {
        let stored = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let s = NodeSettings::with_stored(
            &defaults(),
            &stored(&[
                ("about", "Coops of Rosario"),
                ("authorized_fetch", "true"),
                ("home_posts_days", "400"),
                ("oauth_password_grant", "maybe"),
            ]),
        );
        assert_eq!(s.about.as_deref(), Some("Coops of Rosario"));
        assert!(s.authorized_fetch);
        assert_eq!(s.home_posts_days, 14);
        assert!(s.oauth_password_grant);
        // What is stored reads back the same.
        let again: Vec<(String, String)> = s
            .stored()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(NodeSettings::with_stored(&defaults(), &again), s);
    }

    #[test]
    fn changes_are_checked_field_by_field() {
        let bad = |c: SettingsChange| c.apply(&defaults()).unwrap_err().field;
        assert_eq!(
            bad(SettingsChange {
                home_posts_days: Some(0),
                ..Default::default()
            }),
            "home_posts_days"
        );
        assert_eq!(
            bad(SettingsChange {
                contact_email: Some("nope".into()),
                ..Default::default()
            }),
            "contact_email"
        );
        assert_eq!(
            bad(SettingsChange {
                about: Some("a\u{202e}b".into()),
                ..Default::default()
            }),
            "about"
        );
        assert_eq!(
            bad(SettingsChange {
                about_language: Some("not a tag!".into()),
                ..Default::default()
            }),
            "about_language"
        );
        let ok = SettingsChange {
            about: Some("  ".into()),
            contact_email: Some("Admins@Rosario.coop".into()),
            home_posts_days: Some(30),
            authorized_fetch: Some(true),
            ..Default::default()
        }
        .apply(&defaults())
        .unwrap();
        assert_eq!(ok.about, None);
        assert_eq!(ok.contact_email.as_deref(), Some("admins@rosario.coop"));
        assert_eq!(ok.home_posts_days, 30);
        assert!(ok.authorized_fetch);
    }
}
