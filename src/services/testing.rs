//! Throw-away services for unit tests: a SQLite file in a temporary folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::accounts::NewCoopAccount;
use super::{Services, Viewer};
use crate::domain::proposal::{Category, ProposalDraft, ProposalKind};
use crate::domain::urls::Urls;
use crate::infra::store::Db;

pub async fn services() -> (tempfile::TempDir, Services) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::connect(&dir.path().join("t.db").to_string_lossy(), 2).expect("db");
    db.migrate().expect("migrate");
    let urls = Urls::new(&url::Url::parse("https://coops.test").expect("url"));
    (dir, Services::new(db, urls, false))
}

/// A coop and its signed-in user.
pub async fn coop(services: &Services, handle: &str) -> Viewer {
    let (_, user) = services
        .create_coop_account(NewCoopAccount {
            handle: handle.into(),
            display_name: handle.into(),
            email: format!("{handle}@coops.test"),
            password: "a long test password".into(),
        })
        .await
        .expect("coop");
    Viewer { user }
}

fn draft(kind: ProposalKind, title: &str) -> ProposalDraft {
    ProposalDraft {
        kind,
        category: Category::Technical,
        title: title.into(),
        description: String::new(),
        tags: Vec::new(),
        quantity: None,
        place: None,
        remote: true,
        deadline: None,
    }
}

/// Publishes a need; returns its id.
pub async fn need(services: &Services, viewer: &Viewer, title: &str) -> String {
    let (p, _) = services
        .create_proposal(viewer, draft(ProposalKind::Need, title))
        .await
        .expect("need");
    p.id
}

/// Publishes an offer; returns its id.
pub async fn offer(services: &Services, viewer: &Viewer, title: &str) -> String {
    let (p, _) = services
        .create_proposal(viewer, draft(ProposalKind::Offer, title))
        .await
        .expect("offer");
    p.id
}
