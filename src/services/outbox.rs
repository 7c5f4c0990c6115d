//! What a local coop announces to its followers: activities are queued in
//! the caller's transaction, so a change and its announcement commit
//! together (and a crash loses neither).

use url::Url;

use crate::domain::coop::Coop;
use crate::domain::proposal::Proposal;
use crate::domain::remote::RemoteActor;
use crate::domain::time;
use crate::domain::urls::Urls;
use crate::infra::delivery;
use crate::infra::delivery::NODE_SIGNER;
use crate::infra::store::{
    account_pictures, follows::followers, nodes, AnyConnection, StoreResult,
};
use crate::infra::wire::activity;
use crate::infra::wire::actor::ActorDocument;
use crate::infra::wire::proposal::ProposalNote;

fn inboxes_of(actors: &[RemoteActor]) -> Vec<Url> {
    actors
        .iter()
        .filter_map(|a| Url::parse(a.delivery_inbox()).ok())
        .collect()
}

/// Queues `activity` for the shared inboxes of a coop's accepted followers,
/// and forwards it to the nodes following ours.
pub(super) fn to_followers(
    conn: &mut AnyConnection,
    urls: &Urls,
    coop_id: &str,
    handle: &str,
    activity: &serde_json::Value,
) -> StoreResult<usize> {
    let inboxes = inboxes_of(&followers::accepted_actors(conn, coop_id)?);
    let mut queued = 0;
    if !inboxes.is_empty() {
        queued += delivery::enqueue(conn, handle, activity, &inboxes)?;
    }
    Ok(queued + to_follower_nodes(conn, urls, activity)?)
}

/// Forwards a local coop's public activity to the nodes following ours, as
/// FEP-1b12 groups do: `Announce` by the node actor, the activity unchanged
/// inside. Receivers check it against its origin before using it.
pub(super) fn to_follower_nodes(
    conn: &mut AnyConnection,
    urls: &Urls,
    activity: &serde_json::Value,
) -> StoreResult<usize> {
    let inboxes = inboxes_of(&nodes::followers::accepted_actors(conn)?);
    if inboxes.is_empty() {
        return Ok(0);
    }
    let me = urls.node_actor();
    let announce = activity::public(
        "Announce",
        urls.activity_of(&me, "announces"),
        me,
        &urls.node_followers(),
        activity,
        time::now(),
    );
    delivery::enqueue(conn, NODE_SIGNER, &announce.to_value(), &inboxes)
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    // Serialising plain derive(Serialize) data cannot fail.
    serde_json::to_value(value).unwrap_or_default()
}

/// `kind` (`Update`, `Create`) of a coop's whole actor document, or None
/// if the coop has no keys yet (never served as an actor: nobody knows it).
fn about_the_coop(
    conn: &mut AnyConnection,
    urls: &Urls,
    coop: &Coop,
    kind: &'static str,
    fragment: &str,
    at: chrono::NaiveDateTime,
) -> StoreResult<Option<serde_json::Value>> {
    let Some(keys) = coop.keys.as_ref() else {
        return Ok(None);
    };
    let pictures = account_pictures::of_coop(conn, &coop.id)?;
    let doc = ActorDocument::from_coop(coop, keys, urls, &pictures);
    let id = urls.activity_of(&doc.id, fragment);
    let actor = doc.id.clone();
    let followers = urls.actor_part(&coop.handle, "followers");
    Ok(Some(
        activity::public(kind, id, actor, &followers, doc, at).to_value(),
    ))
}

/// A coop's profile changed: its followers get `Update` of its actor, as
/// Mastodon sends, so they show the new name, bio and fields at once.
pub(super) fn profile_changed(
    conn: &mut AnyConnection,
    urls: &Urls,
    coop: &Coop,
) -> StoreResult<usize> {
    match about_the_coop(conn, urls, coop, "Update", "updates", coop.updated_at)? {
        Some(update) => to_followers(conn, urls, &coop.id, &coop.handle, &update),
        None => Ok(0),
    }
}

/// A new coop: follower nodes hear of it at once (`Create` of its actor,
/// forwarded), rather than with its first proposal or the next backfill.
/// Nobody follows a coop yet when it is created.
pub(super) fn coop_created(
    conn: &mut AnyConnection,
    urls: &Urls,
    coop: &Coop,
) -> StoreResult<usize> {
    match about_the_coop(conn, urls, coop, "Create", "create", coop.created_at)? {
        Some(create) => to_follower_nodes(conn, urls, &create),
        None => Ok(0),
    }
}

/// A coop is being deleted: `Delete` of its actor goes to every server it
/// had a relation with (followers and followed, as Mastodon does), signed
/// by the coop, and to follower nodes. Queue it before the coop's rows go.
pub(super) fn coop_deleted(
    conn: &mut AnyConnection,
    urls: &Urls,
    coop: &Coop,
) -> StoreResult<usize> {
    let actor = urls.actor(&coop.handle);
    let followers = urls.actor_part(&coop.handle, "followers");
    let id = urls.activity_of(&actor, "delete");
    let delete = activity::delete(id, actor.clone(), &followers, actor, time::now());
    let value = delete.to_value();
    let mut known = followers::accepted_actors(conn, &coop.id)?;
    known.extend(crate::infra::store::follows::following::accepted_actors(
        conn, &coop.id,
    )?);
    let inboxes = inboxes_of(&known);
    let mut queued = 0;
    if !inboxes.is_empty() {
        queued += delivery::enqueue(conn, &coop.handle, &value, &inboxes)?;
    }
    Ok(queued + to_follower_nodes(conn, urls, &value)?)
}

/// What happened to a proposal, as its followers must hear it.
pub(super) enum Change {
    Published,
    Reopened,
    Edited,
    Withdrawn,
}

pub(super) fn proposal_changed(
    conn: &mut AnyConnection,
    urls: &Urls,
    p: &Proposal,
    handle: &str,
    change: Change,
) -> StoreResult<usize> {
    let actor = urls.actor(handle);
    let followers = urls.actor_part(handle, "followers");
    let mut note = ProposalNote::from_proposal(p, handle, urls);
    let value = match change {
        Change::Published => json(&note.into_create(&p.id, urls)),
        Change::Reopened => {
            // A fresh id: receivers dropped the first Create's id as seen.
            let mut create = note.into_create(&p.id, urls);
            create.id = urls.activity_of(&create.object.id, "create");
            json(&create)
        }
        Change::Edited => {
            note.context = None;
            let id = urls.activity_of(&note.id, "update");
            activity::public("Update", id, actor, &followers, note, p.updated_at).to_value()
        }
        Change::Withdrawn => {
            let object = urls.proposal(&p.id);
            let id = urls.activity_of(&object, "delete");
            activity::delete(id, actor, &followers, object, time::now()).to_value()
        }
    };
    to_followers(conn, urls, &p.coop_id, handle, &value)
}
