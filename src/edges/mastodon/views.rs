//! Mastodon's entities as we serve them (docs.joinmastodon.org/entities),
//! built from the services' types in one place each.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serialize;

use crate::domain::oauth::{App, OUT_OF_BAND};
use crate::domain::uploaded_image::Picture;

/// Mastodon's timestamps: RFC 3339 in UTC with milliseconds.
pub fn timestamp(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The `Application` entity. The client id and secret appear only in the
/// answer to the registration.
#[derive(Serialize)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub redirect_uris: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_expires_at: Option<i64>,
}

impl Application {
    pub fn of(app: &App) -> Application {
        Application {
            id: app.id.clone(),
            name: app.name.clone(),
            website: app.website.clone(),
            scopes: app.scopes.iter().map(String::from).collect(),
            redirect_uri: app.redirect_uris.join("\n"),
            redirect_uris: app.redirect_uris.clone(),
            client_id: None,
            client_secret: None,
            client_secret_expires_at: None,
        }
    }

    /// With the credentials, once, at registration.
    pub fn registered(app: &App, client_secret: String) -> Application {
        Application {
            client_id: Some(app.client_id.clone()),
            client_secret: Some(client_secret),
            // Never expires.
            client_secret_expires_at: Some(0),
            ..Application::of(app)
        }
    }
}

/// Whether a redirect shows the code on our page instead.
pub fn is_out_of_band(redirect_uri: &str) -> bool {
    redirect_uri == OUT_OF_BAND
}

/// A profile field of an `Account`.
#[derive(Serialize, Clone)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub verified_at: Option<String>,
}

/// The `source` of the signed-in coop's own `Account`: what it wrote.
#[derive(Serialize, Clone)]
pub struct Source {
    pub privacy: &'static str,
    pub sensitive: bool,
    pub language: String,
    pub note: String,
    pub fields: Vec<SourceField>,
    pub follow_requests_count: i64,
}

#[derive(Serialize, Clone)]
pub struct SourceField {
    pub name: String,
    pub value: String,
    pub verified_at: Option<String>,
}

/// The `Account` entity.
#[derive(Serialize, Clone)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub group: bool,
    pub noindex: bool,
    pub hide_collections: bool,
    pub created_at: String,
    pub note: String,
    pub url: String,
    pub uri: String,
    pub avatar: String,
    pub avatar_static: String,
    pub header: String,
    pub header_static: String,
    pub followers_count: i64,
    pub following_count: i64,
    pub statuses_count: i64,
    pub last_status_at: Option<String>,
    pub emojis: Vec<serde_json::Value>,
    pub roles: Vec<serde_json::Value>,
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Who an `Account` is: what every kind of account sets for itself.
pub struct Identity {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub url: String,
    pub uri: String,
}

/// What an `Account` of a local coop is made of.
pub struct LocalCoop<'a> {
    pub coop: &'a crate::domain::coop::Coop,
    /// Its uploaded avatar and header, if any (else the generated ones).
    pub pictures: &'a crate::domain::uploaded_image::CoopPictures,
    pub followers: i64,
    pub following: i64,
    pub statuses: i64,
}

impl Account {
    /// An account with nothing but who it is and its pictures: no counters,
    /// fields or note, discoverable, not locked (each kind sets the rest).
    fn blank(who: Identity, avatar: String, header: String) -> Account {
        Account {
            id: who.id,
            username: who.username,
            acct: who.acct,
            display_name: who.display_name,
            locked: false,
            bot: false,
            discoverable: true,
            indexable: false,
            group: false,
            noindex: false,
            hide_collections: false,
            created_at: timestamp(chrono::DateTime::UNIX_EPOCH.naive_utc()),
            note: String::new(),
            url: who.url,
            uri: who.uri,
            avatar: avatar.clone(),
            avatar_static: avatar,
            header: header.clone(),
            header_static: header,
            followers_count: 0,
            following_count: 0,
            statuses_count: 0,
            last_status_at: None,
            emojis: Vec::new(),
            roles: Vec::new(),
            fields: Vec::new(),
            source: None,
        }
    }

    pub fn local(c: LocalCoop<'_>, urls: &crate::domain::urls::Urls) -> Account {
        let coop = c.coop;
        let actor = urls.actor(&coop.handle).to_string();
        let picture = |p: Picture| urls.picture(&coop.id, p, c.pictures.get(p)).to_string();
        let (avatar, header) = (picture(Picture::Avatar), picture(Picture::Header));
        Account {
            locked: coop.profile.manually_approves_followers,
            indexable: true,
            // Mastodon gives the day an account was made, at midnight.
            created_at: timestamp(coop.created_at.date().and_time(chrono::NaiveTime::MIN)),
            note: coop.about_html.clone(),
            followers_count: c.followers,
            following_count: c.following,
            statuses_count: c.statuses,
            fields: coop
                .profile
                .fields()
                .into_iter()
                .map(|(name, value)| Field {
                    name: name.into(),
                    value,
                    verified_at: None,
                })
                .collect(),
            ..Account::blank(
                Identity {
                    id: coop.id.clone(),
                    username: coop.handle.clone(),
                    acct: coop.handle.clone(),
                    display_name: coop.profile.display_name.clone(),
                    url: actor.clone(),
                    uri: actor,
                },
                avatar,
                header,
            )
        }
    }

    /// With the `source` only its own coop sees.
    pub fn with_source(
        mut self,
        coop: &crate::domain::coop::Coop,
        follow_requests: i64,
    ) -> Account {
        self.source = Some(Source {
            privacy: "public",
            sensitive: false,
            language: coop.profile.languages.first().cloned().unwrap_or_default(),
            note: coop.profile.about.clone(),
            fields: self
                .fields
                .iter()
                .map(|f| SourceField {
                    name: f.name.clone(),
                    value: crate::domain::text::html_to_text(&f.value),
                    verified_at: None,
                })
                .collect(),
            follow_requests_count: follow_requests,
        });
        self
    }
}

/// The id of the node's own account, which tells coops of matches and
/// introductions.
pub const NODE_ACCOUNT_ID: &str = "00000000-0000-0000-0000-000000000000";

impl Account {
    /// The node itself (its `Application` actor), as the sender of notices.
    pub fn node(node_name: &str, urls: &crate::domain::urls::Urls) -> Account {
        let actor = urls.node_actor().to_string();
        let image = urls.node_image().to_string();
        let domain = urls.domain();
        Account {
            locked: true,
            bot: true,
            discoverable: false,
            noindex: true,
            hide_collections: true,
            note: "<p>This node tells its coops of new matches and introductions.</p>".into(),
            ..Account::blank(
                Identity {
                    id: NODE_ACCOUNT_ID.into(),
                    username: domain.clone(),
                    acct: domain,
                    display_name: node_name.to_string(),
                    url: actor.clone(),
                    uri: actor,
                },
                image.clone(),
                image,
            )
        }
    }
}

impl Account {
    /// An actor of another server, as this node knows it.
    pub fn remote(
        actor: &crate::domain::remote::RemoteActor,
        urls: &crate::domain::urls::Urls,
    ) -> Account {
        let avatar = urls.avatar(&actor.id).to_string();
        let header = urls.header(&actor.id).to_string();
        Account {
            bot: matches!(actor.kind.as_str(), "Application" | "Service"),
            group: actor.kind == "Group",
            created_at: timestamp(actor.fetched_at.date().and_time(chrono::NaiveTime::MIN)),
            note: actor.summary_html.clone(),
            ..Account::blank(
                Identity {
                    id: actor.id.clone(),
                    username: actor.username.clone(),
                    acct: format!("{}@{}", actor.username, actor.host),
                    display_name: actor.display_name.clone(),
                    url: actor.url.clone().unwrap_or_else(|| actor.ap_id.clone()),
                    uri: actor.ap_id.clone(),
                },
                avatar,
                header,
            )
        }
    }
}

/// The `Relationship` entity.
#[derive(Serialize)]
pub struct Relationship {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

impl Relationship {
    pub fn of(s: &crate::services::account_lookup::Standing) -> Relationship {
        Relationship {
            id: s.id.clone(),
            following: s.following,
            showing_reblogs: s.following,
            notifying: false,
            languages: None,
            followed_by: s.followed_by,
            blocking: false,
            blocked_by: false,
            muting: false,
            muting_notifications: false,
            requested: s.requested,
            requested_by: s.requested_by,
            domain_blocking: false,
            endorsed: false,
            note: String::new(),
        }
    }
}

/// A hashtag as a `Status` lists it.
#[derive(Serialize)]
pub struct Tag {
    pub name: String,
    pub url: String,
}

/// The `Status` entity: a need or offer. Counters are 0 and the actions
/// apps show (favourite, boost, bookmark) are off: they mean nothing here.
#[derive(Serialize)]
pub struct Status {
    pub id: String,
    pub uri: String,
    pub url: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub account: Account,
    pub content: String,
    pub visibility: &'static str,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub media_attachments: Vec<serde_json::Value>,
    pub application: Option<serde_json::Value>,
    pub mentions: Vec<serde_json::Value>,
    pub tags: Vec<Tag>,
    pub emojis: Vec<serde_json::Value>,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub replies_count: i64,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub reblog: Option<serde_json::Value>,
    pub poll: Option<serde_json::Value>,
    pub card: Option<serde_json::Value>,
    pub language: Option<String>,
    pub favourited: bool,
    pub reblogged: bool,
    pub muted: bool,
    pub bookmarked: bool,
    pub pinned: bool,
    pub filtered: Vec<serde_json::Value>,
    /// The text that posts it again: only in the answer to a delete, as
    /// Mastodon sends it for "delete and redraft".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Status {
    /// A notice from the node to one coop (a match, an introduction), as a
    /// direct message under the notification's id.
    pub fn notice(
        id: &str,
        at: NaiveDateTime,
        node: Account,
        content: String,
        urls: &crate::domain::urls::Urls,
    ) -> Status {
        let uri = format!("{}notifications/{id}", urls.root());
        let mut status = Status::blank(id.to_string(), uri.clone(), uri, timestamp(at), node);
        status.content = content;
        status.visibility = "direct";
        status
    }

    /// A status with nothing but its identity and author: what every
    /// status here leaves empty (no media, polls, replies or counters).
    fn blank(id: String, uri: String, url: String, created_at: String, account: Account) -> Status {
        Status {
            id,
            uri,
            url,
            created_at,
            edited_at: None,
            account,
            content: String::new(),
            visibility: "public",
            sensitive: false,
            spoiler_text: String::new(),
            media_attachments: Vec::new(),
            application: None,
            mentions: Vec::new(),
            tags: Vec::new(),
            emojis: Vec::new(),
            reblogs_count: 0,
            favourites_count: 0,
            replies_count: 0,
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            reblog: None,
            poll: None,
            card: None,
            language: None,
            favourited: false,
            reblogged: false,
            muted: false,
            bookmarked: false,
            pinned: false,
            filtered: Vec::new(),
            text: None,
        }
    }

    /// Another post of a followed account, with its content warning.
    fn of_plain(p: &crate::domain::remote::RemotePost, account: Account) -> Status {
        let url = p.url.clone().unwrap_or_else(|| p.ap_id.clone());
        let created = timestamp(p.published_at);
        let mut status = Status::blank(p.id.clone(), p.ap_id.clone(), url, created, account);
        status.edited_at = (p.updated_at > p.published_at).then(|| timestamp(p.updated_at));
        status.content = p.content_html.clone();
        status.visibility = p.visibility.as_str();
        status.sensitive = p.sensitive || p.summary.is_some();
        status.spoiler_text = p.summary.clone().unwrap_or_default();
        status.language = p.language.clone();
        status
    }

    /// A gathering's announcement: its title, then what its `Event` says.
    fn of_gathering(
        g: &crate::domain::gathering::Gathering,
        account: Account,
        urls: &crate::domain::urls::Urls,
    ) -> Status {
        let page = urls.gathering(&g.id).to_string();
        let created = timestamp(g.created_at);
        let mut status = Status::blank(g.id.clone(), page.clone(), page.clone(), created, account);
        status.edited_at = (g.updated_at > g.created_at).then(|| timestamp(g.updated_at));
        status.content = format!(
            "<p><strong>{}</strong></p>{}",
            crate::domain::text::escape_html(&g.draft.title),
            g.announcement_html(&page)
        );
        status.language = g.draft.languages.first().cloned();
        status
    }

    /// A post with its author's `Account` (built by the caller, who
    /// knows the author's counters).
    pub fn of(
        post: &crate::services::statuses::Post,
        account: Account,
        urls: &crate::domain::urls::Urls,
    ) -> Status {
        use crate::domain::proposal_note;
        use crate::services::statuses::Post;
        let (id, uri, url, created, updated, content, tags) = match post {
            Post::Local { proposal: p, .. } => {
                let hashtags = proposal_note::hashtags(&p.draft, urls);
                let uri = urls.proposal(&p.id).to_string();
                (
                    p.id.clone(),
                    uri.clone(),
                    uri,
                    p.created_at,
                    p.updated_at,
                    proposal_note::html(p, &hashtags),
                    hashtags
                        .into_iter()
                        .map(|(name, href)| Tag {
                            name: name.to_lowercase(),
                            url: href.to_string(),
                        })
                        .collect::<Vec<_>>(),
                )
            }
            Post::Remote { proposal: p, .. } => (
                p.id.clone(),
                p.ap_id.clone(),
                p.url.clone().unwrap_or_else(|| p.ap_id.clone()),
                p.published_at,
                p.updated_at,
                p.content_html.clone(),
                p.tags
                    .iter()
                    .map(|t| Tag {
                        name: t.clone(),
                        url: urls.tag(t).to_string(),
                    })
                    .collect(),
            ),
            Post::Plain { post: p, .. } => return Status::of_plain(p, account),
            Post::Gathering { gathering: g, .. } => return Status::of_gathering(g, account, urls),
        };
        let mut status = Status::blank(id, uri, url, timestamp(created), account);
        status.edited_at = (updated > created).then(|| timestamp(updated));
        status.content = content;
        status.tags = tags;
        status
    }
}
