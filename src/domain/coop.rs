//! A cooperative: its handle, its public profile and its contact details.

use chrono::{Datelike, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::actor::ActorKeys;
use super::limits;
use super::text::markdown_to_safe_html;
use super::validate::{self, Checked, ValidationError};

/// Where a coop is in its life; the seeds call young worker-owned start-ups "start-coops".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    StartCoop,
    Established,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::StartCoop => "start-coop",
            Stage::Established => "established",
        }
    }

    pub fn parse(value: &str) -> Option<Stage> {
        match value {
            "start-coop" => Some(Stage::StartCoop),
            "established" => Some(Stage::Established),
            _ => None,
        }
    }
}

/// How to reach a coop. The public set is shown to everyone; the private set
/// only to the other coop of an accepted introduction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A chat address (Matrix, XMPP, Signal ...), free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<String>,
    /// A contact person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

impl ContactDetails {
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none() && self.chat.is_none() && self.person.is_none()
    }

    /// Another server's values: each field cut to its limit, an address
    /// that is not an email dropped. Never refused as a whole.
    pub fn lenient(
        email: Option<&str>,
        phone: Option<&str>,
        chat: Option<&str>,
        person: Option<&str>,
    ) -> Self {
        let text =
            |v: Option<&str>| v.and_then(|v| validate::received_text(v, limits::CONTACT_FIELD_MAX));
        ContactDetails {
            email: email.and_then(|e| validate::email("email", e.trim()).ok()),
            phone: text(phone),
            chat: text(chat),
            person: text(person),
        }
    }

    fn validated(&self, field: &str) -> Checked<ContactDetails> {
        let email = match self.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(validate::email(&format!("{field}.email"), e)?),
        };
        let max = limits::CONTACT_FIELD_MAX;
        Ok(ContactDetails {
            email,
            phone: validate::optional_text(&format!("{field}.phone"), self.phone.as_deref(), max)?,
            chat: validate::optional_text(&format!("{field}.chat"), self.chat.as_deref(), max)?,
            person: validate::optional_text(
                &format!("{field}.person"),
                self.person.as_deref(),
                max,
            )?,
        })
    }
}

/// Everything a coop edits about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoopProfile {
    pub display_name: String,
    /// Markdown as written.
    pub about: String,
    pub website: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Option<String>,
    pub city: Option<String>,
    /// BCP 47 language tags such as `es`, `pt-BR`.
    pub languages: Vec<String>,
    pub sectors: Vec<String>,
    pub legal_form: Option<String>,
    pub member_count: Option<i32>,
    pub founded_year: Option<i32>,
    pub stage: Option<Stage>,
    pub networks: Vec<String>,
    pub public_contact: ContactDetails,
    pub private_contact: ContactDetails,
    /// Follow requests wait for the coop's approval instead of being accepted.
    pub manually_approves_followers: bool,
}

/// A stored local coop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coop {
    pub id: String,
    pub handle: String,
    pub profile: CoopProfile,
    /// Sanitised HTML rendered from `profile.about`.
    pub about_html: String,
    /// Set when the coop is created (or, for older rows, at the next start).
    pub keys: Option<ActorKeys>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial profile update: `None` leaves a field alone; for optional
/// fields `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub display_name: Option<String>,
    pub about: Option<String>,
    pub website: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub languages: Option<Vec<String>>,
    pub sectors: Option<Vec<String>>,
    pub legal_form: Option<Option<String>>,
    pub member_count: Option<Option<i32>>,
    pub founded_year: Option<Option<i32>>,
    pub stage: Option<Option<Stage>>,
    pub networks: Option<Vec<String>>,
    pub public_contact: Option<ContactDetails>,
    pub private_contact: Option<ContactDetails>,
    pub manually_approves_followers: Option<bool>,
}

impl ProfilePatch {
    pub fn apply_to(self, current: &CoopProfile) -> CoopProfile {
        let mut p = current.clone();
        if let Some(v) = self.display_name {
            p.display_name = v;
        }
        if let Some(v) = self.about {
            p.about = v;
        }
        if let Some(v) = self.website {
            p.website = v;
        }
        if let Some(v) = self.country {
            p.country = v;
        }
        if let Some(v) = self.city {
            p.city = v;
        }
        if let Some(v) = self.languages {
            p.languages = v;
        }
        if let Some(v) = self.sectors {
            p.sectors = v;
        }
        if let Some(v) = self.legal_form {
            p.legal_form = v;
        }
        if let Some(v) = self.member_count {
            p.member_count = v;
        }
        if let Some(v) = self.founded_year {
            p.founded_year = v;
        }
        if let Some(v) = self.stage {
            p.stage = v;
        }
        if let Some(v) = self.networks {
            p.networks = v;
        }
        if let Some(v) = self.public_contact {
            p.public_contact = v;
        }
        if let Some(v) = self.private_contact {
            p.private_contact = v;
        }
        if let Some(v) = self.manually_approves_followers {
            p.manually_approves_followers = v;
        }
        p
    }
}

/// Handles are what `@handle@node` and actor URLs are made of: lower-case
/// ASCII letters, digits and `_`, so they are stable and unambiguous.
pub fn validate_handle(handle: &str) -> Checked<String> {
    let handle = handle.trim().trim_start_matches('@').to_lowercase();
    if handle.is_empty() || handle.len() > limits::HANDLE_MAX {
        return Err(ValidationError::new(
            "handle",
            format!("must be 1 to {} characters", limits::HANDLE_MAX),
        ));
    }
    if !handle
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ValidationError::new(
            "handle",
            "may contain only a-z, 0-9 and '_'",
        ));
    }
    Ok(handle)
}

/// An assigned ISO 3166-1 alpha-2 code in upper case, or None if it is
/// not one (`ZZ` and `AB` have the shape but name no country).
pub fn country_code(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    isocountry::CountryCode::for_alpha2(&code)
        .ok()
        .map(|c| c.alpha2().to_string())
}

/// A BCP 47 tag in its usual case (`pt-BR`), or None if it is not one.
/// A list of language tags, normalised and without repeats, as a profile
/// or a gathering gives them.
pub fn language_list(values: &[String]) -> Checked<Vec<String>> {
    if values.len() > limits::LANGUAGES_MAX {
        return Err(ValidationError::new(
            "languages",
            format!("must have at most {} entries", limits::LANGUAGES_MAX),
        ));
    }
    let mut languages: Vec<String> = Vec::new();
    for l in values {
        let tag = language_tag(l).ok_or_else(|| {
            ValidationError::new(
                "languages",
                format!("'{l}' is not a language tag such as es, en or pt-BR"),
            )
        })?;
        if !languages.contains(&tag) {
            languages.push(tag);
        }
    }
    Ok(languages)
}

pub fn language_tag(tag: &str) -> Option<String> {
    let mut parts = tag.trim().split('-');
    let primary = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut out = primary;
    for part in parts {
        if !(2..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        out.push('-');
        // Region subtags are conventionally upper case (pt-BR).
        if part.len() == 2 {
            out.push_str(&part.to_ascii_uppercase());
        } else {
            out.push_str(part);
        }
    }
    Some(out)
}

impl CoopProfile {
    /// Profile facts as (name, HTML value) fields, the way Mastodon shows
    /// profile fields: the actor's `attachment` and the client API's
    /// `fields` are both made from these.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        use super::text::escape_html;
        let mut fields = Vec::new();
        let mut text = |name: &'static str, value: &str| fields.push((name, escape_html(value)));
        let place: Vec<&str> = [self.city.as_deref(), self.country.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !place.is_empty() {
            text("Location", &place.join(", "));
        }
        if !self.languages.is_empty() {
            text("Languages", &self.languages.join(", "));
        }
        if !self.sectors.is_empty() {
            text("Sectors", &self.sectors.join(", "));
        }
        if let Some(form) = &self.legal_form {
            text("Legal form", form);
        }
        if let Some(n) = self.member_count {
            text("Members", &n.to_string());
        }
        if let Some(y) = self.founded_year {
            text("Founded", &y.to_string());
        }
        if let Some(stage) = self.stage {
            text("Stage", stage.as_str());
        }
        if !self.networks.is_empty() {
            text("Networks", &self.networks.join(", "));
        }
        if let Some(email) = &self.public_contact.email {
            text("Contact", email);
        }
        if let Some(site) = &self.website {
            let shown = site
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches('/');
            fields.insert(
                0,
                (
                    "Website",
                    format!(
                        "<a href=\"{}\" rel=\"me nofollow noopener noreferrer\" target=\"_blank\">{}</a>",
                        escape_html(site),
                        escape_html(shown)
                    ),
                ),
            );
        }
        fields
    }

    /// Checks and normalises every field; the result is what gets stored.
    pub fn validated(&self) -> Checked<CoopProfile> {
        let country = match self.country.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) if country_code(c).is_some() => country_code(c),
            Some(_) => {
                return Err(ValidationError::new(
                    "country",
                    "must be a two-letter ISO 3166-1 code such as AR or GB",
                ))
            }
        };
        let languages = language_list(&self.languages)?;
        if let Some(n) = self.member_count {
            if !(1..=limits::MEMBER_COUNT_MAX).contains(&n) {
                return Err(ValidationError::new(
                    "member_count",
                    format!("must be between 1 and {}", limits::MEMBER_COUNT_MAX),
                ));
            }
        }
        if let Some(y) = self.founded_year {
            let this_year = Utc::now().year();
            if !(limits::FOUNDED_YEAR_MIN..=this_year).contains(&y) {
                return Err(ValidationError::new(
                    "founded_year",
                    format!(
                        "must be between {} and {this_year}",
                        limits::FOUNDED_YEAR_MIN
                    ),
                ));
            }
        }
        Ok(CoopProfile {
            display_name: validate::required_text(
                "display_name",
                &self.display_name,
                limits::DISPLAY_NAME_MAX,
            )?,
            about: validate::text("about", &self.about, limits::ABOUT_MAX)?,
            website: validate::http_url("website", self.website.as_deref())?,
            country,
            city: validate::optional_text("city", self.city.as_deref(), limits::CITY_MAX)?,
            languages,
            sectors: validate::tags("sectors", &self.sectors, limits::TAGS_MAX)?,
            legal_form: validate::optional_text(
                "legal_form",
                self.legal_form.as_deref(),
                limits::LEGAL_FORM_MAX,
            )?,
            member_count: self.member_count,
            founded_year: self.founded_year,
            stage: self.stage,
            networks: validate::text_list(
                "networks",
                &self.networks,
                limits::NETWORK_MAX,
                limits::NETWORKS_MAX,
            )?,
            public_contact: self.public_contact.validated("public_contact")?,
            private_contact: self.private_contact.validated("private_contact")?,
            manually_approves_followers: self.manually_approves_followers,
        })
    }

    pub fn about_html(&self) -> String {
        markdown_to_safe_html(&self.about)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        assert_eq!(validate_handle("@Fiqus").unwrap(), "fiqus");
        assert_eq!(validate_handle("coop_42").unwrap(), "coop_42");
        assert!(validate_handle("").is_err());
        assert!(validate_handle("with space").is_err());
        assert!(validate_handle("cooperativa-a").is_err());
        assert!(validate_handle("ñandu").is_err());
        assert!(validate_handle(&"a".repeat(31)).is_err());
    }

    fn base() -> CoopProfile {
        CoopProfile {
            display_name: "Fiqus".into(),
            ..Default::default()
        }
    }

    #[test]
    fn profile_normalises() {
        let p = CoopProfile {
            country: Some("ar".into()),
            languages: vec!["ES".into(), "pt-br".into(), "es".into()],
            sectors: vec!["#Software".into()],
            ..base()
        }
        .validated()
        .unwrap();
        assert_eq!(p.country.as_deref(), Some("AR"));
        assert_eq!(p.languages, vec!["es", "pt-BR"]);
        assert_eq!(p.sectors, vec!["software"]);
    }

    #[test]
    fn profile_rejects_bad_fields_by_name() {
        let cases: Vec<(CoopProfile, &str)> = vec![
            (
                CoopProfile {
                    display_name: " ".into(),
                    ..base()
                },
                "display_name",
            ),
            (
                CoopProfile {
                    country: Some("ARG".into()),
                    ..base()
                },
                "country",
            ),
            (
                CoopProfile {
                    country: Some("ZZ".into()),
                    ..base()
                },
                "country",
            ),
            (
                CoopProfile {
                    country: Some("AB".into()),
                    ..base()
                },
                "country",
            ),
            (
                CoopProfile {
                    display_name: "\u{200B}\u{FEFF}".into(),
                    ..base()
                },
                "display_name",
            ),
            (
                CoopProfile {
                    languages: vec!["spanish!".into()],
                    ..base()
                },
                "languages",
            ),
            (
                CoopProfile {
                    member_count: Some(0),
                    ..base()
                },
                "member_count",
            ),
            (
                CoopProfile {
                    founded_year: Some(3000),
                    ..base()
                },
                "founded_year",
            ),
            (
                CoopProfile {
                    website: Some("javascript:alert(1)".into()),
                    ..base()
                },
                "website",
            ),
            (
                CoopProfile {
                    private_contact: ContactDetails {
                        email: Some("nope".into()),
                        ..Default::default()
                    },
                    ..base()
                },
                "private_contact.email",
            ),
        ];
        for (profile, field) in cases {
            assert_eq!(profile.validated().unwrap_err().field, field);
        }
    }

    #[test]
    fn patch_sets_and_clears() {
        let current = CoopProfile {
            city: Some("Rosario".into()),
            ..base()
        };
        let patched = ProfilePatch {
            city: Some(None),
            display_name: Some("Fiqus Coop".into()),
            ..Default::default()
        }
        .apply_to(&current);
        assert_eq!(patched.city, None);
        assert_eq!(patched.display_name, "Fiqus Coop");
    }
}

#[cfg(test)]
mod received_contact_tests {
    use super::ContactDetails;

    #[test]
    fn received_contacts_obey_the_local_text_rule() {
        let c = ContactDetails::lenient(
            Some("ana@coop.example"),
            Some("+54\u{0}11"),
            Some("matrix\u{202E}gro.xirtam"),
            Some("  Ana  "),
        );
        assert_eq!(c.email.as_deref(), Some("ana@coop.example"));
        assert_eq!(c.phone, None, "a NUL drops the field");
        assert_eq!(c.chat, None, "a bidi override drops the field");
        assert_eq!(c.person.as_deref(), Some("Ana"));
    }
}
