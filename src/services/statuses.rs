//! Needs and offers as posts: what Mastodon apps read as statuses in
//! timelines, and what they post, edit and delete; and the gatherings this
//! node's coops organise, as their announcements.

use std::collections::HashMap;

use super::account_lookup::Someone;
use super::directory::DirectoryQuery;
use super::remote::{RemoteFailure, RemoteObject, Resolver};
use super::{ServiceError, ServiceResult, Services, Viewer};
use crate::domain::coop::Coop;
use crate::domain::gathering::Gathering;
use crate::domain::post_grammar::{self, category_of_tag, kind_of_tag};
use crate::domain::proposal::{Proposal, ProposalDraft, ProposalPatch, ProposalStatus};
use crate::domain::remote::{PostVisibility, RemoteActor, RemotePost, RemoteProposal};
use crate::domain::validate;
use crate::infra::store::timeline::{self, EntryKind, TimelineEntry, TimelineFilter};
use crate::infra::store::{
    coops, gatherings, proposals, remote_actors, remote_posts, remote_proposals, AnyConnection,
    StoreError,
};

/// A need or offer with its author, as a post.
#[derive(Debug, Clone)]
pub enum Post {
    Local {
        proposal: Box<Proposal>,
        coop: Box<Coop>,
    },
    Remote {
        proposal: Box<RemoteProposal>,
        actor: Box<RemoteActor>,
    },
    /// Another post of a followed account, shown in home timelines.
    Plain {
        post: Box<RemotePost>,
        actor: Box<RemoteActor>,
    },
    /// A gathering one of this node's coops organises, announced by it.
    Gathering {
        gathering: Box<Gathering>,
        coop: Box<Coop>,
    },
}

impl Post {
    pub fn id(&self) -> &str {
        match self {
            Post::Local { proposal, .. } => &proposal.id,
            Post::Remote { proposal, .. } => &proposal.id,
            Post::Plain { post, .. } => &post.id,
            Post::Gathering { gathering, .. } => &gathering.id,
        }
    }

    /// Who published it, as an account.
    pub fn author(&self) -> Someone {
        match self {
            Post::Local { coop, .. } | Post::Gathering { coop, .. } => Someone::Coop(coop.clone()),
            Post::Remote { actor, .. } | Post::Plain { actor, .. } => Someone::Actor(actor.clone()),
        }
    }

    /// The text that posts this proposal again (local ones only; a
    /// gathering is changed on its page).
    pub fn source(&self) -> Option<String> {
        match self {
            Post::Local { proposal, .. } => {
                let d = &proposal.draft;
                Some(post_grammar::source(
                    d.kind,
                    d.category,
                    &d.title,
                    &d.description,
                    &d.tags,
                ))
            }
            Post::Remote { .. } | Post::Plain { .. } | Post::Gathering { .. } => None,
        }
    }
}

/// Whose posts a timeline shows.
#[derive(Debug, Clone)]
pub enum TimelineSource {
    /// The coop's own node, and the accounts it follows elsewhere.
    Home,
    /// Everything listed here: this node's (`local`), other servers' (`remote`).
    Public { local: bool, remote: bool },
    /// One account's.
    Account(String),
}

/// A timeline page as apps ask for it.
#[derive(Debug, Clone)]
pub struct TimelineQuery {
    pub source: TimelineSource,
    /// A hashtag: a kind (`need`), a category (`technical`) or a tag.
    pub hashtag: Option<String>,
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    pub limit: i64,
    /// Whether the gatherings this node's coops organise are among the
    /// posts (in Mastodon apps; the web lists them on their own pages).
    pub gatherings: bool,
}

fn not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no status '{id}'"))
}

/// A paging id: ours are UUIDs, so anything else is refused, not ignored.
fn paging_id(field: &str, id: Option<String>) -> ServiceResult<Option<String>> {
    match id.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => uuid::Uuid::try_parse(v)
            .map(|u| Some(u.to_string()))
            .map_err(|_| ServiceError::invalid(field, "is not a status id of this server")),
    }
}

/// Rows by their id.
fn keyed<T>(rows: Vec<T>, id: impl Fn(&T) -> &String) -> HashMap<String, T> {
    rows.into_iter().map(|r| (id(&r).clone(), r)).collect()
}

/// Each id once.
fn distinct<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<String> {
    let set: std::collections::BTreeSet<&String> = ids.collect();
    set.into_iter().cloned().collect()
}

/// Posts by id, in the order given, with their authors: one query per
/// table for the whole page (a query each took most of a page's time on
/// PostgreSQL, where every query is a round trip). Entries gone since the
/// page was read are left out.
fn load(conn: &mut AnyConnection, entries: Vec<TimelineEntry>) -> Result<Vec<Post>, StoreError> {
    let ids = |kind: EntryKind| -> Vec<String> {
        entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.id.clone())
            .collect()
    };
    let mut local = keyed(proposals::by_ids(conn, &ids(EntryKind::Local))?, |p| &p.id);
    let mut remote = keyed(
        remote_proposals::by_ids(conn, &ids(EntryKind::Remote))?,
        |p| &p.id,
    );
    let mut plain = keyed(remote_posts::by_ids(conn, &ids(EntryKind::Post))?, |p| {
        &p.id
    });
    let mut gathered = keyed(gatherings::by_ids(conn, &ids(EntryKind::Gathering))?, |g| {
        &g.id
    });
    let coop_ids = distinct(
        local.values().map(|p| &p.coop_id).chain(
            gathered
                .values()
                .filter_map(|g| g.organiser_coop_id.as_ref()),
        ),
    );
    let coops_by_id = keyed(coops::by_ids(conn, &coop_ids)?, |c| &c.id);
    let actor_ids = distinct(
        remote
            .values()
            .map(|p| &p.actor_id)
            .chain(plain.values().map(|p| &p.actor_id)),
    );
    let actors = keyed(remote_actors::by_ids(conn, &actor_ids)?, |a| &a.id);
    let mut out = Vec::with_capacity(entries.len());
    for e in &entries {
        let post = match e.kind {
            EntryKind::Local => local.remove(&e.id).and_then(|p| {
                let coop = coops_by_id.get(&p.coop_id)?.clone();
                Some(Post::Local {
                    proposal: Box::new(p),
                    coop: Box::new(coop),
                })
            }),
            EntryKind::Remote => remote.remove(&e.id).and_then(|p| {
                let actor = actors.get(&p.actor_id)?.clone();
                Some(Post::Remote {
                    proposal: Box::new(p),
                    actor: Box::new(actor),
                })
            }),
            EntryKind::Post => plain.remove(&e.id).and_then(|p| {
                let actor = actors.get(&p.actor_id)?.clone();
                Some(Post::Plain {
                    post: Box::new(p),
                    actor: Box::new(actor),
                })
            }),
            EntryKind::Gathering => gathered.remove(&e.id).and_then(|g| {
                let coop = coops_by_id.get(g.organiser_coop_id.as_ref()?)?.clone();
                Some(Post::Gathering {
                    gathering: Box::new(g),
                    coop: Box::new(coop),
                })
            }),
        };
        out.extend(post);
    }
    Ok(out)
}

/// How long the newest public needs and offers are shared (see
/// [`Services::public_front`]).
pub const FRONT_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(5);

impl Services {
    /// A post by id: open local proposals (closed ones to their own coop),
    /// gatherings coops organise here, and listed remote proposals.
    pub async fn post(&self, viewer: Option<&Viewer>, id: &str) -> ServiceResult<Post> {
        if uuid::Uuid::try_parse(id).is_err() {
            return Err(not_found(id));
        }
        match self.proposal(viewer, id).await {
            Ok((p, _)) => {
                let coop_id = p.coop_id.clone();
                let coop = self
                    .db
                    .read(move |conn| coops::by_id(conn, &coop_id))
                    .await?
                    .ok_or_else(|| not_found(id))?;
                return Ok(Post::Local {
                    proposal: Box::new(p),
                    coop: Box::new(coop),
                });
            }
            Err(ServiceError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        // A gathering (one a coop organises), or a remote proposal while
        // it is listed.
        let key = id.to_string();
        let posts = self
            .db
            .read(move |conn| -> Result<_, StoreError> {
                let gathering = load(
                    conn,
                    vec![TimelineEntry::new(key.clone(), EntryKind::Gathering)],
                )?;
                if !gathering.is_empty() {
                    return Ok(gathering);
                }
                let Some(p) = remote_proposals::by_id(conn, &key)? else {
                    return Ok(Vec::new());
                };
                if !timeline::is_listed(conn, &p.actor_id)? {
                    return Ok(Vec::new());
                }
                load(conn, vec![TimelineEntry::new(key, EntryKind::Remote)])
            })
            .await?;
        if let Some(post) = posts.into_iter().next() {
            return Ok(post);
        }
        // Another post: a followers-only one to its author's followers here.
        match self.plain_post(id).await? {
            Some(Post::Plain { post, actor }) => {
                let shown = post.visibility != PostVisibility::Private
                    || match viewer.map(Viewer::coop_id) {
                        Some(Ok(coop)) => self.follows_actor(coop, &actor.id).await?,
                        _ => false,
                    };
                if shown {
                    return Ok(Post::Plain { post, actor });
                }
                Err(not_found(id))
            }
            _ => Err(not_found(id)),
        }
    }

    /// A received post that is not a proposal, while its author is listed,
    /// whoever may see it (the caller checks).
    pub async fn plain_post(&self, id: &str) -> ServiceResult<Option<Post>> {
        let key = id.to_string();
        let posts = self
            .db
            .read(move |conn| -> Result<_, StoreError> {
                let Some(p) = remote_posts::by_id(conn, &key)? else {
                    return Ok(Vec::new());
                };
                if !timeline::is_listed(conn, &p.actor_id)? {
                    return Ok(Vec::new());
                }
                load(conn, vec![TimelineEntry::new(key, EntryKind::Post)])
            })
            .await?;
        Ok(posts.into_iter().next())
    }

    /// Posts a proposal written in the hashtag grammar.
    pub async fn post_text(&self, viewer: &Viewer, text: &str) -> ServiceResult<Post> {
        let posted = post_grammar::parse(text)?;
        let draft = ProposalDraft {
            kind: posted.kind,
            category: posted.category,
            title: posted.title,
            description: posted.description,
            tags: posted.tags,
            quantity: None,
            place: None,
            remote: false,
            deadline: None,
        };
        let (p, _) = self.create_proposal(viewer, draft).await?;
        self.post(Some(viewer), &p.id).await
    }

    /// Edits a proposal from a post's new text (its other facts stay).
    pub async fn edit_text(&self, viewer: &Viewer, id: &str, text: &str) -> ServiceResult<Post> {
        self.own_post(viewer, id).await?;
        let posted = post_grammar::parse(text)?;
        let patch = ProposalPatch {
            kind: Some(posted.kind),
            category: Some(posted.category),
            title: Some(posted.title),
            description: Some(posted.description),
            tags: Some(posted.tags),
            ..Default::default()
        };
        self.update_proposal(viewer, id, patch).await?;
        self.post(Some(viewer), id).await
    }

    /// Closes a proposal (what deleting a post means here).
    pub async fn close_post(&self, viewer: &Viewer, id: &str) -> ServiceResult<Post> {
        let post = self.own_post(viewer, id).await?;
        let patch = ProposalPatch {
            status: Some(ProposalStatus::Closed),
            ..Default::default()
        };
        self.update_proposal(viewer, id, patch).await?;
        Ok(post)
    }

    /// The viewer's own open proposal; another's is refused, a remote one
    /// or an unknown one is not found.
    async fn own_post(&self, viewer: &Viewer, id: &str) -> ServiceResult<Post> {
        let coop_id = viewer.coop_id()?.to_string();
        match self.post(Some(viewer), id).await? {
            Post::Local { proposal, .. } if proposal.status != ProposalStatus::Open => {
                Err(not_found(id))
            }
            post @ Post::Local { .. } => match &post {
                Post::Local { proposal, .. } if proposal.coop_id == coop_id => Ok(post),
                _ => Err(ServiceError::Forbidden(
                    "this status belongs to another coop".into(),
                )),
            },
            Post::Gathering { coop, gathering } => {
                if coop.id == coop_id {
                    Err(ServiceError::invalid(
                        "status",
                        format!(
                            "this status announces a gathering: change it on its page, {}",
                            self.urls.gathering(&gathering.id)
                        ),
                    ))
                } else {
                    Err(ServiceError::Forbidden(
                        "this status belongs to another coop".into(),
                    ))
                }
            }
            Post::Remote { .. } | Post::Plain { .. } => Err(ServiceError::Forbidden(
                "this status belongs to another server".into(),
            )),
        }
    }

    /// The newest public needs and offers (here, received, or both) as
    /// pages for everyone show them: shared for [`FRONT_FRESH_FOR`], so a
    /// busy landing page or feed reads the timeline once a few seconds.
    pub async fn public_front(
        &self,
        local: bool,
        remote: bool,
        limit: i64,
    ) -> ServiceResult<std::sync::Arc<Vec<Post>>> {
        let key = (local, remote, limit);
        if let Some(kept) = self.front.get(&key) {
            return Ok(kept);
        }
        let posts = self
            .timeline(
                None,
                TimelineQuery {
                    source: TimelineSource::Public { local, remote },
                    hashtag: None,
                    max_id: None,
                    since_id: None,
                    min_id: None,
                    limit,
                    gatherings: false,
                },
            )
            .await?;
        Ok(self.front.put(key, posts))
    }

    /// A page of a timeline, newest first.
    pub async fn timeline(
        &self,
        viewer: Option<&Viewer>,
        q: TimelineQuery,
    ) -> ServiceResult<Vec<Post>> {
        let mut f = TimelineFilter {
            max_id: paging_id("max_id", q.max_id)?,
            since_id: paging_id("since_id", q.since_id)?,
            min_id: paging_id("min_id", q.min_id)?,
            limit: q.limit.clamp(1, 40),
            gatherings: q.gatherings,
            ..Default::default()
        };
        if let Some(tag) = &q.hashtag {
            let tag = tag.trim().trim_start_matches('#');
            if let Some(kind) = kind_of_tag(tag) {
                f.kind = Some(kind.as_str().to_string());
            } else if let Some(category) = category_of_tag(tag) {
                f.category = Some(category.as_str().to_string());
            } else {
                let mut tags = validate::tags("hashtag", &[tag.to_string()], 1)?;
                f.tag = tags.pop();
            }
        }
        match q.source {
            TimelineSource::Home => {
                let viewer = viewer.ok_or_else(|| {
                    ServiceError::Unauthorized("the home timeline needs a signed-in coop".into())
                })?;
                f.local = true;
                f.remote = true;
                f.followed_by = Some(viewer.coop_id()?.to_string());
            }
            TimelineSource::Public { local, remote } => {
                f.local = local;
                f.remote = remote;
            }
            TimelineSource::Account(id) => match self.someone(&id).await? {
                Someone::Coop(c) => {
                    f.local = true;
                    f.coop_id = Some(c.id.clone());
                }
                Someone::Actor(a) => {
                    f.remote = true;
                    f.actor_id = Some(a.id.clone());
                }
            },
        }
        Ok(self
            .db
            .read(move |conn| -> Result<_, StoreError> {
                let entries = timeline::entries(conn, &f)?;
                load(conn, entries)
            })
            .await?)
    }

    /// Open needs and offers, here and listed from elsewhere, whose title
    /// holds every word of `text`, newest first.
    pub async fn search_posts(
        &self,
        text: &str,
        offset: i64,
        limit: i64,
    ) -> ServiceResult<Vec<Post>> {
        let found = self
            .directory_proposals(DirectoryQuery {
                text: Some(text.to_string()),
                offset: Some(offset),
                limit: Some(limit),
                ..Default::default()
            })
            .await?;
        let entries: Vec<timeline::TimelineEntry> = found
            .items
            .iter()
            .map(|e| {
                let kind = if e.is_local() {
                    EntryKind::Local
                } else {
                    EntryKind::Remote
                };
                TimelineEntry::new(e.id.clone(), kind)
            })
            .collect();
        Ok(self.db.read(move |conn| load(conn, entries)).await?)
    }

    /// What a URL names: what this node knows (see [`Services::find_by_url`]),
    /// else, with `resolve`, what its origin serves. An actor is stored and
    /// found; an object is kept (and found) on the rules of a received one,
    /// as a need or offer or a post of a followed account; one not kept
    /// here (nobody follows its author) is answered with its author, whom
    /// the coop may follow.
    pub async fn resolve_url(
        &self,
        resolver: &dyn Resolver,
        viewer: Option<&Viewer>,
        url: &str,
        resolve: bool,
    ) -> ServiceResult<Option<Found>> {
        if let Some(found) = self.find_by_url(viewer, url).await? {
            return Ok(Some(found));
        }
        let Ok(parsed) = url::Url::parse(url.trim()) else {
            return Ok(None);
        };
        if !resolve || self.urls.is_local(&parsed) {
            return Ok(None);
        }
        let fetched = match resolver.object(&parsed).await {
            Ok(fetched) => fetched,
            // Nothing there: an empty answer, as Mastodon gives.
            Err(RemoteFailure::NotFound(_) | RemoteFailure::Gone(_)) => return Ok(None),
            Err(failure) => {
                tracing::info!(url = %parsed, error = %failure, code = failure.code(), "search by URL failed");
                return Err(ServiceError::Remote(failure));
            }
        };
        match fetched {
            RemoteObject::Actor(actor) => Ok(Some(Found::Account(Someone::Actor(Box::new(actor))))),
            RemoteObject::Note { note, author } => {
                self.keep_fetched_note(&author, *note).await?;
                Ok(Some(match self.find_by_url(viewer, url).await? {
                    Some(found) => found,
                    None => Found::Account(Someone::Actor(Box::new(author))),
                }))
            }
            // A gathering is joined from the gatherings page; search finds
            // its organiser.
            RemoteObject::Event { organiser, .. } => {
                Ok(Some(Found::Account(Someone::Actor(Box::new(organiser)))))
            }
        }
    }

    /// What a URL names, among what this node knows: one of its proposals
    /// or coops, or a received proposal or post, or a known actor (by its
    /// ActivityPub id).
    pub async fn find_by_url(
        &self,
        viewer: Option<&Viewer>,
        url: &str,
    ) -> ServiceResult<Option<Found>> {
        let Ok(parsed) = url::Url::parse(url.trim()) else {
            return Ok(None);
        };
        let ours = self
            .urls
            .proposal_of(&parsed)
            .or_else(|| self.urls.gathering_of(&parsed));
        if let Some(id) = ours {
            return match self.post(None, &id).await {
                Ok(p) => Ok(Some(Found::Post(Box::new(p)))),
                Err(ServiceError::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            };
        }
        if let Some(handle) = self.urls.handle_of(&parsed) {
            let coop = self
                .db
                .read(move |conn| coops::by_handle(conn, &handle))
                .await?;
            return Ok(coop.map(|c| Found::Account(Someone::Coop(Box::new(c)))));
        }
        let key = parsed.to_string();
        let (local_id, actor) = self
            .db
            .read(move |conn| -> Result<_, StoreError> {
                let id = match remote_proposals::by_ap_id(conn, &key)? {
                    Some(p) => Some(p.id),
                    None => remote_posts::by_ap_id(conn, &key)?.map(|p| p.id),
                };
                Ok((id, remote_actors::by_ap_id(conn, &key)?))
            })
            .await?;
        if let Some(id) = local_id {
            return match self.post(viewer, &id).await {
                Ok(p) => Ok(Some(Found::Post(Box::new(p)))),
                Err(ServiceError::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            };
        }
        Ok(actor.map(|a| Found::Account(Someone::Actor(Box::new(a)))))
    }
}

/// What a URL names.
#[derive(Debug, Clone)]
pub enum Found {
    Post(Box<Post>),
    Account(Someone),
}
