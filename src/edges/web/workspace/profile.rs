//! `/workspace/profile`: the coop's profile, with a preview of its
//! Markdown "about" rendered as others will see it (a second submit
//! button, so it works without JavaScript), and its contact details:
//! public ones for everyone, private ones only for accepted introductions.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::form::{refused, unreadable, FormError};
use super::super::session::{Posted, Session};
use super::super::views::Frame;
use crate::domain::coop::{ContactDetails, CoopProfile, ProfilePatch, Stage};
use crate::edges::http::error::HttpResult;
use crate::edges::http::i18n::Tr;
use crate::edges::http::state::AppState;

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProfileForm {
    display_name: String,
    about: String,
    website: String,
    country: String,
    city: String,
    languages: String,
    sectors: String,
    legal_form: String,
    member_count: String,
    founded_year: String,
    stage: String,
    networks: String,
    public_email: String,
    public_phone: String,
    public_chat: String,
    public_person: String,
    private_email: String,
    private_phone: String,
    private_chat: String,
    private_person: String,
    manually_approves_followers: Option<String>,
    /// `preview` or `save` (the button pressed).
    action: String,
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}

fn number(field: &str, text: &str) -> Result<Option<i32>, (StatusCode, FormError)> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| unreadable(field, "must be a whole number")),
    }
}

impl ProfileForm {
    fn of(p: &CoopProfile) -> ProfileForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        ProfileForm {
            display_name: p.display_name.clone(),
            about: p.about.clone(),
            website: text(&p.website),
            country: text(&p.country),
            city: text(&p.city),
            languages: p.languages.join(", "),
            sectors: p.sectors.join(", "),
            legal_form: text(&p.legal_form),
            member_count: p.member_count.map(|n| n.to_string()).unwrap_or_default(),
            founded_year: p.founded_year.map(|n| n.to_string()).unwrap_or_default(),
            stage: p.stage.map(|s| s.as_str().to_string()).unwrap_or_default(),
            networks: p.networks.join(", "),
            public_email: text(&p.public_contact.email),
            public_phone: text(&p.public_contact.phone),
            public_chat: text(&p.public_contact.chat),
            public_person: text(&p.public_contact.person),
            private_email: text(&p.private_contact.email),
            private_phone: text(&p.private_contact.phone),
            private_chat: text(&p.private_contact.chat),
            private_person: text(&p.private_contact.person),
            manually_approves_followers: p.manually_approves_followers.then(|| "on".into()),
            action: String::new(),
        }
    }

    /// Every field, as the services' patch takes it.
    fn patch(&self) -> Result<ProfilePatch, (StatusCode, FormError)> {
        let stage = match self.stage.as_str() {
            "" => None,
            s => Some(Stage::parse(s).ok_or_else(|| unreadable("stage", "choose a stage"))?),
        };
        let contact = |email: &str, phone: &str, chat: &str, person: &str| ContactDetails {
            email: optional(email),
            phone: optional(phone),
            chat: optional(chat),
            person: optional(person),
        };
        Ok(ProfilePatch {
            display_name: Some(self.display_name.clone()),
            about: Some(self.about.clone()),
            website: Some(optional(&self.website)),
            country: Some(optional(&self.country).map(|c| c.to_ascii_uppercase())),
            city: Some(optional(&self.city)),
            languages: Some(list(&self.languages)),
            sectors: Some(list(&self.sectors)),
            legal_form: Some(optional(&self.legal_form)),
            member_count: Some(number("member_count", &self.member_count)?),
            founded_year: Some(number("founded_year", &self.founded_year)?),
            stage: Some(stage),
            networks: Some(list(&self.networks)),
            public_contact: Some(contact(
                &self.public_email,
                &self.public_phone,
                &self.public_chat,
                &self.public_person,
            )),
            private_contact: Some(contact(
                &self.private_email,
                &self.private_phone,
                &self.private_chat,
                &self.private_person,
            )),
            manually_approves_followers: Some(self.manually_approves_followers.is_some()),
        })
    }
}

/// One input of the form.
pub struct Input {
    /// The form's name for it.
    pub name: &'static str,
    /// The services' name for it (errors name this).
    pub field: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
    /// `text`, `email`, `url` or `number`.
    pub input: &'static str,
    pub autocomplete: &'static str,
}

/// A group of inputs under one legend.
pub struct Group {
    pub legend: String,
    pub hint: Option<String>,
    pub inputs: Vec<Input>,
}

fn groups(f: &ProfileForm, tr: &Tr) -> Vec<Group> {
    let input = |name, field, value: &str, input, autocomplete| Input {
        name,
        field,
        label: tr.t(&format!("profile-{name}")),
        hint: None,
        value: value.to_string(),
        input,
        autocomplete,
    };
    let hinted = |mut i: Input| {
        i.hint = Some(tr.t(&format!("profile-{}-hint", i.name)));
        i
    };
    // The same four details on each side; errors name them `<side>_contact.<detail>`.
    let contact = |names: [(&'static str, &'static str); 4], values: [&String; 4]| -> Vec<Input> {
        let details = [
            ("email", "email", "email"),
            ("phone", "text", "tel"),
            ("chat", "text", "off"),
            ("person", "text", "name"),
        ];
        names
            .into_iter()
            .zip(details)
            .zip(values)
            .map(|(((name, field), (detail, kind, auto)), value)| Input {
                name,
                field,
                label: tr.t(&format!("profile-contact-{detail}")),
                hint: None,
                value: value.clone(),
                input: kind,
                autocomplete: auto,
            })
            .collect()
    };
    vec![
        Group {
            legend: tr.t("profile-group-coop"),
            hint: None,
            inputs: vec![
                input(
                    "display_name",
                    "display_name",
                    &f.display_name,
                    "text",
                    "organization",
                ),
                hinted(input("website", "website", &f.website, "url", "url")),
                hinted(input("country", "country", &f.country, "text", "country")),
                input("city", "city", &f.city, "text", "address-level2"),
                hinted(input("languages", "languages", &f.languages, "text", "off")),
                hinted(input("sectors", "sectors", &f.sectors, "text", "off")),
                input("legal_form", "legal_form", &f.legal_form, "text", "off"),
                input(
                    "member_count",
                    "member_count",
                    &f.member_count,
                    "number",
                    "off",
                ),
                input(
                    "founded_year",
                    "founded_year",
                    &f.founded_year,
                    "number",
                    "off",
                ),
                hinted(input("networks", "networks", &f.networks, "text", "off")),
            ],
        },
        Group {
            legend: tr.t("profile-group-public"),
            hint: Some(tr.t("profile-group-public-hint")),
            inputs: contact(
                [
                    ("public_email", "public_contact.email"),
                    ("public_phone", "public_contact.phone"),
                    ("public_chat", "public_contact.chat"),
                    ("public_person", "public_contact.person"),
                ],
                [
                    &f.public_email,
                    &f.public_phone,
                    &f.public_chat,
                    &f.public_person,
                ],
            ),
        },
        Group {
            legend: tr.t("profile-group-private"),
            hint: Some(tr.t("profile-group-private-hint")),
            inputs: contact(
                [
                    ("private_email", "private_contact.email"),
                    ("private_phone", "private_contact.phone"),
                    ("private_chat", "private_contact.chat"),
                    ("private_person", "private_contact.person"),
                ],
                [
                    &f.private_email,
                    &f.private_phone,
                    &f.private_chat,
                    &f.private_person,
                ],
            ),
        },
    ]
}

#[derive(Template)]
#[template(path = "web/workspace/profile.html")]
struct ProfilePage {
    frame: Frame,
    section: &'static str,
    groups: Vec<Group>,
    form: ProfileForm,
    error: FormError,
    /// The "about" as others will see it, after Preview.
    preview: Option<String>,
    saved: bool,
    public_url: String,
}

impl ProfilePage {
    fn shown(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = self
            .groups
            .iter()
            .flat_map(|g| g.inputs.iter().map(|i| i.field))
            .collect();
        all.extend(["about", "stage"]);
        all
    }
}

async fn page(
    state: &AppState,
    session: &Session,
    form: Option<ProfileForm>,
    error: FormError,
    preview: Option<String>,
    saved: bool,
) -> HttpResult<ProfilePage> {
    let coop = state.services.own_coop(&session.viewer).await?;
    let form = form.unwrap_or_else(|| ProfileForm::of(&coop.profile));
    Ok(ProfilePage {
        frame: Frame::signed_in(state, session, "/workspace/profile"),
        section: "profile",
        groups: groups(&form, &session.tr),
        form,
        error,
        preview,
        saved,
        public_url: state.services.urls.actor(&coop.handle).to_string(),
    })
}

#[derive(Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> HttpResult<Response> {
    let view = page(
        &state,
        &session,
        None,
        FormError::default(),
        None,
        q.saved.is_some(),
    )
    .await?;
    Ok(session.page(StatusCode::OK, &view))
}

pub async fn save(
    State(state): State<AppState>,
    Posted { session, form }: Posted<ProfileForm>,
) -> HttpResult<Response> {
    let patch = match form.patch() {
        Ok(p) => p,
        Err((status, error)) => {
            let view = page(&state, &session, Some(form), error, None, false).await?;
            return Ok(session.page(status, &view));
        }
    };
    if form.action == "preview" {
        // Checked as saving would, so the preview never shows what saving refuses.
        let current = state.services.own_coop(&session.viewer).await?;
        let (status, error, preview) = match patch.apply_to(&current.profile).validated() {
            Ok(p) => (StatusCode::OK, FormError::default(), Some(p.about_html())),
            Err(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                FormError::on(&e.field, e.message),
                None,
            ),
        };
        let view = page(&state, &session, Some(form), error, preview, false).await?;
        return Ok(session.page(status, &view));
    }
    match state
        .services
        .update_own_coop(&session.viewer, patch)
        .await
        .map_err(refused)
    {
        Ok(_) => Ok(Redirect::to("/workspace/profile?saved=1").into_response()),
        Err(Ok((status, error))) => {
            let view = page(&state, &session, Some(form), error, None, false).await?;
            Ok(session.page(status, &view))
        }
        Err(Err(e)) => Err(e),
    }
}
