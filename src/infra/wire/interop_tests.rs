//! Parsing payloads shaped like those Mastodon, Lemmy, GoToSocial, Mitra
//! and Epicyon send (fixtures/ holds them, trimmed from real documents).

use chrono::NaiveDate;
use serde_json::Value;

use super::activity::{object_id, object_type, referenced_follow, IncomingActivity};
use super::received_proposal::{NotAProposal, ReceivedNote};
use super::remote_actor::RemoteActorDocument;
use crate::domain::proposal::{Category, ProposalKind};
use crate::domain::urls::LinkRule;

fn now() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

fn actor(json: &str) -> crate::domain::remote::RemoteActor {
    let doc: RemoteActorDocument = serde_json::from_str(json).expect("parses");
    doc.into_domain("local".into(), now(), LinkRule::DEVELOPMENT)
        .expect("accepted")
}

#[test]
fn mastodon_person() {
    let a = actor(include_str!("fixtures/mastodon_person.json"));
    assert_eq!(a.kind, "Person");
    assert_eq!(a.address(), "ana@mastodon.example");
    assert_eq!(a.display_name, "Ana :coop:");
    assert_eq!(
        a.shared_inbox.as_deref(),
        Some("https://mastodon.example/inbox")
    );
    assert_eq!(a.delivery_inbox(), "https://mastodon.example/inbox");
    assert_eq!(a.url.as_deref(), Some("https://mastodon.example/@ana"));
    assert!(a.summary_html.contains("#<span>coop</span>"));
}

#[test]
fn lemmy_group_and_person() {
    let g = actor(include_str!("fixtures/lemmy_group.json"));
    assert_eq!(
        (g.kind.as_str(), g.username.as_str()),
        ("Group", "cooperatives")
    );
    let p = actor(include_str!("fixtures/lemmy_person.json"));
    // No `name`: the handle stands in.
    assert_eq!(p.display_name, "bea");
    assert_eq!(p.summary_html, "");
    assert_eq!(p.url, None);
}

#[test]
fn gotosocial_person_with_a_path_key_id() {
    let a = actor(include_str!("fixtures/gotosocial_person.json"));
    assert_eq!(a.address(), "carla@gts.example");
    // GoToSocial has no shared inbox in this shape: deliver to the actor's.
    assert_eq!(a.delivery_inbox(), "https://gts.example/users/carla/inbox");
}

#[test]
fn mitra_person_with_multikeys() {
    let a = actor(include_str!("fixtures/mitra_person.json"));
    assert_eq!(a.address(), "dora@mitra.example");
    assert!(a.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
}

#[test]
fn an_actor_whose_key_or_inbox_is_elsewhere_is_refused() {
    let mut doc: Value =
        serde_json::from_str(include_str!("fixtures/mastodon_person.json")).unwrap();
    doc["publicKey"]["owner"] = "https://mastodon.example/users/other".into();
    let parsed: RemoteActorDocument = serde_json::from_value(doc.clone()).unwrap();
    assert!(parsed
        .into_domain("x".into(), now(), LinkRule::DEVELOPMENT)
        .is_err());
    doc["publicKey"]["owner"] = "https://mastodon.example/users/ana".into();
    doc["inbox"] = "https://evil.example/inbox".into();
    let parsed: RemoteActorDocument = serde_json::from_value(doc.clone()).unwrap();
    assert!(parsed
        .into_domain("x".into(), now(), LinkRule::DEVELOPMENT)
        .is_err());
    doc["inbox"] = "https://mastodon.example/users/ana/inbox".into();
    doc["type"] = "Note".into();
    let parsed: RemoteActorDocument = serde_json::from_value(doc).unwrap();
    assert!(parsed
        .into_domain("x".into(), now(), LinkRule::DEVELOPMENT)
        .is_err());
}

#[test]
fn mitra_proposal_is_an_offer_of_people_time() {
    let note: ReceivedNote =
        serde_json::from_str(include_str!("fixtures/mitra_proposal.json")).unwrap();
    let p = note
        .into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT)
        .unwrap();
    assert_eq!(p.kind, ProposalKind::Offer);
    assert_eq!(p.title, "Paid subscription");
    // deliverService with a vocabulary we do not know: people's time.
    assert_eq!(p.category, Category::Human);
    let q = p.quantity.unwrap();
    assert_eq!((q.value.as_deref(), q.unit.as_str()), (Some("1"), "second"));
    assert_eq!(p.published_at, p.updated_at);
    // The price: Mitra's reciprocal Intent is kept.
    let price = p.reciprocal.clone().expect("reciprocal kept");
    assert_eq!(price.action, "transfer");
    assert_eq!(price.resource.as_deref(), Some("caip:19:monero"));
    let q = price.quantity.unwrap();
    assert_eq!(
        (q.value.as_deref(), q.unit.as_str()),
        (Some("0.0001"), "one")
    );
    assert_eq!(
        p.reciprocal.as_ref().unwrap().describe(),
        "transfer 0.0001 one (caip:19:monero)"
    );
    // Mitra does not say whether it can be done remotely, and a value that
    // is not a boolean is read as not said.
    assert_eq!(p.remote, None);
    let mut v: Value = serde_json::from_str(include_str!("fixtures/mitra_proposal.json")).unwrap();
    v["remote"] = "yes".into();
    let note: ReceivedNote = serde_json::from_value(v).unwrap();
    let p = note.into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT);
    assert_eq!(p.map(|p| p.remote), Ok(None));
}

#[test]
fn a_reciprocal_obeys_the_local_text_and_number_rules() {
    let mut v: Value = serde_json::from_str(include_str!("fixtures/mitra_proposal.json")).unwrap();
    let read = |v: &Value| {
        let note: ReceivedNote = serde_json::from_value(v.clone()).unwrap();
        note.into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT)
            .unwrap()
            .reciprocal
    };
    v["reciprocal"]["resourceQuantity"]["hasNumericalValue"] = "-5".into();
    v["reciprocal"]["resourceConformsTo"] = "\u{202e}evil".into();
    let r = read(&v).unwrap();
    assert_eq!(r.quantity, None, "a negative amount is dropped");
    assert_eq!(r.resource, None, "a bidi override is dropped");
    v["reciprocal"]["action"] = "\u{0}".into();
    assert_eq!(read(&v), None, "no readable action, no reciprocal");
    v["reciprocal"] = serde_json::json!([{"type": "Intent", "action": "transfer"}]);
    assert_eq!(read(&v).unwrap().action, "transfer", "the first of a list");
    v["reciprocal"] = "free".into();
    assert_eq!(read(&v), None);
}

#[test]
fn epicyon_wanted_item_is_a_need() {
    let note: ReceivedNote =
        serde_json::from_str(include_str!("fixtures/epicyon_wanted.json")).unwrap();
    let p = note
        .into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT)
        .unwrap();
    assert_eq!(p.kind, ProposalKind::Need);
    assert_eq!(p.category, Category::Technical);
    assert_eq!(p.place.as_deref(), Some("Lisbon"));
    assert_eq!(p.content_html, "A cargo bike for deliveries");
}

#[test]
fn a_mastodon_status_is_not_a_proposal() {
    let note: ReceivedNote =
        serde_json::from_str(include_str!("fixtures/mastodon_status.json")).unwrap();
    assert_eq!(
        note.into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT)
            .unwrap_err(),
        NotAProposal::Ignored
    );
}

#[test]
fn an_unknown_purpose_is_invalid() {
    let mut v: Value = serde_json::from_str(include_str!("fixtures/mitra_proposal.json")).unwrap();
    v["purpose"] = "gift".into();
    let note: ReceivedNote = serde_json::from_value(v).unwrap();
    assert!(matches!(
        note.into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT),
        Err(NotAProposal::Invalid(_))
    ));
}

#[test]
fn our_own_note_reads_back_as_it_was_written() {
    use crate::domain::proposal::{Proposal, ProposalDraft, ProposalStatus, Quantity};
    use crate::domain::urls::Urls;
    let t = now();
    let proposal = Proposal {
        id: "01a2".into(),
        coop_id: "c".into(),
        draft: ProposalDraft {
            kind: ProposalKind::Need,
            category: Category::Knowledge,
            title: "Statutes <review>".into(),
            description: "x".into(),
            tags: vec!["legal".into(), "Statutes".into()],
            quantity: Some(Quantity {
                value: Some("2.5".into()),
                unit: "hour".into(),
            }),
            place: Some("Rosario".into()),
            remote: true,
            deadline: NaiveDate::from_ymd_opt(2027, 1, 31),
        },
        description_html: "<p>x</p>".into(),
        status: ProposalStatus::Open,
        created_at: t,
        updated_at: t,
        closed_at: None,
    };
    let urls = Urls::new(&url::Url::parse("https://coops.example").unwrap());
    let note = super::proposal::ProposalNote::from_proposal(&proposal, "fiqus", &urls);
    let json = serde_json::to_value(&note).unwrap();
    let back: ReceivedNote = serde_json::from_value(json).unwrap();
    let p = back
        .into_proposal("id".into(), "actor".into(), t, LinkRule::DEVELOPMENT)
        .unwrap();
    assert_eq!(p.kind, ProposalKind::Need);
    assert_eq!(p.category, Category::Knowledge);
    assert_eq!(p.title, "Statutes <review>");
    assert_eq!(p.tags, ["legal", "statutes"]);
    assert_eq!(p.quantity.unwrap().value.as_deref(), Some("2.5"));
    assert_eq!(p.place.as_deref(), Some("Rosario"));
    assert_eq!(p.remote, Some(true));
    assert_eq!(
        p.deadline.map(|d| d.date()),
        NaiveDate::from_ymd_opt(2027, 1, 31)
    );
    assert_eq!(
        p.url.as_deref(),
        Some("https://coops.example/proposals/01a2")
    );
}

#[test]
fn activity_envelopes_of_other_servers() {
    let accept: IncomingActivity =
        serde_json::from_str(include_str!("fixtures/gotosocial_accept.json")).unwrap();
    let (id, embedded) = referenced_follow(&accept.object).unwrap();
    assert_eq!(
        id.as_str(),
        "https://coops.example/actors/fiqus#follows/0193"
    );
    assert_eq!(
        embedded.unwrap().actor.as_str(),
        "https://coops.example/actors/fiqus"
    );

    let undo: IncomingActivity =
        serde_json::from_str(include_str!("fixtures/lemmy_undo_follow.json")).unwrap();
    assert_eq!(object_type(&undo.object), Some("Follow"));
    let (_, follow) = referenced_follow(&undo.object).unwrap();
    assert_eq!(
        follow.unwrap().object.as_str(),
        "https://coops.example/actors/fiqus"
    );

    let delete: IncomingActivity =
        serde_json::from_str(include_str!("fixtures/mastodon_delete_actor.json")).unwrap();
    assert_eq!(object_id(&delete.object), Some(delete.actor.clone()));
    assert_eq!(object_type(&delete.object), None);
}

#[test]
fn our_coop_actor_reads_back_with_its_country_and_languages() {
    use crate::domain::actor::ActorKeys;
    use crate::domain::coop::{Coop, CoopProfile};
    use crate::domain::urls::Urls;
    let coop = Coop {
        id: "c".into(),
        handle: "fiqus".into(),
        profile: CoopProfile {
            display_name: "Fiqus".into(),
            country: Some("AR".into()),
            languages: vec!["es".into(), "pt-BR".into()],
            stage: Some(crate::domain::coop::Stage::StartCoop),
            ..Default::default()
        },
        about_html: String::new(),
        keys: None,
        created_at: now(),
        updated_at: now(),
    };
    let keys = ActorKeys {
        public_key_pem: "k".into(),
        private_key_pem: "p".into(),
    };
    let urls = Urls::new(&url::Url::parse("https://coops.example").unwrap());
    let doc = super::actor::ActorDocument::from_coop(&coop, &keys, &urls, &Default::default());
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["addressCountry"], "AR");
    assert_eq!(json["knowsLanguage"], serde_json::json!(["es", "pt-BR"]));
    assert_eq!(json["stage"], "start-coop");
    let a = actor(&json.to_string());
    assert_eq!(a.country.as_deref(), Some("AR"));
    assert_eq!(a.languages, ["es", "pt-BR"]);
    assert_eq!(a.stage, Some(crate::domain::coop::Stage::StartCoop));
    // Other servers' odd values are dropped, not trusted.
    let mut odd = json.clone();
    odd["addressCountry"] = "Argentina".into();
    odd["knowsLanguage"] = serde_json::json!(["es", "not a tag", 3, "ES"]);
    odd["stage"] = "unicorn".into();
    let a = actor(&odd.to_string());
    assert_eq!((a.country, a.languages), (None, vec!["es".to_string()]));
    assert_eq!(a.stage, None);
    // Mastodon sends none of them.
    let m = actor(include_str!("fixtures/mastodon_person.json"));
    assert_eq!((m.country, m.languages.len(), m.stage), (None, 0, None));
}
