//! Arbitrary input to the readers of other servers' documents: received
//! proposals and actor documents never panic the node, what they accept
//! keeps our limits, and what we write ourselves reads back as written.

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::actor::ActorDocument;
use super::proposal::ProposalNote;
use super::received_proposal::ReceivedNote;
use super::remote_actor::RemoteActorDocument;
use crate::domain::actor::ActorKeys;
use crate::domain::coop::{ContactDetails, Coop, CoopProfile, Stage};
use crate::domain::limits;
use crate::domain::proposal::{Category, Proposal, ProposalDraft, ProposalKind, ProposalStatus};
use crate::domain::urls::{LinkRule, Urls};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .unwrap_or_default()
}

fn urls() -> Urls {
    Urls::new(&url::Url::parse("https://coops.example").unwrap_or_else(|_| unreachable!()))
}

/// Any JSON, a few levels deep, with any text (NUL and bidi controls too).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        "https?://[a-z.]{1,12}(:[0-9]{1,5})?/[a-z/]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z@#]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// A Mitra-shaped FEP-0837 proposal.
fn valid_note() -> Value {
    json!({
        "id": "https://mitra.example/objects/1",
        "type": "Note",
        "attributedTo": "https://mitra.example/users/ana",
        "purpose": "offer",
        "name": "Nextcloud hosting",
        "content": "<p>We host <b>Nextcloud</b></p>",
        "published": "2026-11-20T10:00:00Z",
        "tag": [{"type": "Hashtag", "name": "#hosting"}],
        "publishes": {"type": "Intent", "action": "transfer",
            "resourceClassifiedAs": ["https://x.example/ns#technical"],
            "resourceQuantity": {"hasUnit": "one", "hasNumericalValue": 5}},
        "location": {"type": "Place", "name": "Leeds"},
        "remote": true
    })
}

/// A valid actor document (Mastodon's shape and our extensions).
fn valid_actor() -> Value {
    json!({
        "id": "https://social.example/users/ana",
        "type": "Person",
        "preferredUsername": "ana",
        "name": "Ana",
        "summary": "<p>Worker-owned</p>",
        "url": "https://social.example/@ana",
        "inbox": "https://social.example/users/ana/inbox",
        "endpoints": {"sharedInbox": "https://social.example/inbox"},
        "publicKey": {"id": "https://social.example/users/ana#main-key",
            "owner": "https://social.example/users/ana", "publicKeyPem": "key"},
        "addressCountry": "AR",
        "knowsLanguage": ["es"],
        "stage": "established"
    })
}

/// `doc` with one of its fields (or a field inside one) set to `value`.
fn mutated(doc: Value, paths: &'static [&'static str]) -> impl Strategy<Value = Value> {
    (0..paths.len(), any_json()).prop_map(move |(i, value)| {
        let mut doc = doc.clone();
        let mut at = &mut doc;
        let parts: Vec<&str> = paths[i].split('/').collect();
        for (n, part) in parts.iter().enumerate() {
            if n + 1 == parts.len() {
                if let Some(map) = at.as_object_mut() {
                    map.insert(part.to_string(), value.clone());
                }
            } else {
                at = match at.get_mut(*part) {
                    Some(inner) if inner.is_object() => inner,
                    _ => break,
                };
            }
        }
        doc
    })
}

const NOTE_FIELDS: &[&str] = &[
    "id",
    "type",
    "attributedTo",
    "purpose",
    "name",
    "content",
    "published",
    "updated",
    "endTime",
    "url",
    "tag",
    "publishes",
    "publishes/resourceClassifiedAs",
    "publishes/resourceQuantity",
    "location",
    "location/name",
    "remote",
];

const ACTOR_FIELDS: &[&str] = &[
    "id",
    "type",
    "preferredUsername",
    "name",
    "summary",
    "url",
    "inbox",
    "endpoints",
    "endpoints/sharedInbox",
    "publicKey",
    "publicKey/owner",
    "publicKey/id",
    "addressCountry",
    "knowsLanguage",
    "stage",
];

/// Reads a note as the inbox does; checks what is accepted keeps our limits.
fn read_note(doc: Value) -> Result<(), TestCaseError> {
    let Ok(note) = serde_json::from_value::<ReceivedNote>(doc) else {
        return Ok(());
    };
    if let Ok(p) = note.into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT) {
        prop_assert!(p.title.chars().count() <= limits::TITLE_MAX);
        prop_assert!(p.tags.len() <= limits::TAGS_MAX);
        prop_assert!(p.tags.iter().all(|t| t.chars().count() <= limits::TAG_MAX));
        prop_assert!(p
            .place
            .as_ref()
            .is_none_or(|s| s.chars().count() <= limits::PLACE_MAX));
        prop_assert!(!p.content_html.contains("<script"));
    }
    Ok(())
}

/// Reads an actor as a fetch does; checks what is accepted is from its own origin.
fn read_actor(doc: Value) -> Result<(), TestCaseError> {
    let Ok(actor) = serde_json::from_value::<RemoteActorDocument>(doc) else {
        return Ok(());
    };
    if let Ok(a) = actor.into_domain("local".into(), now(), LinkRule::DEVELOPMENT) {
        let inbox = url::Url::parse(&a.inbox).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(crate::domain::urls::origin_of(&inbox), Some(a.host.clone()));
        prop_assert!(!a.summary_html.contains("<script"));
        prop_assert!(a.country.as_ref().is_none_or(|c| c.len() == 2));
    }
    Ok(())
}

fn draft() -> impl Strategy<Value = ProposalDraft> {
    (
        prop_oneof![Just(ProposalKind::Need), Just(ProposalKind::Offer)],
        prop_oneof![
            Just(Category::Financial),
            Just(Category::Human),
            Just(Category::Technical),
            Just(Category::Knowledge),
            Just(Category::Work),
        ],
        "[A-Za-zÀ-ÿ0-9 ,.<>&'\"-]{1,80}",
        prop::collection::vec("[a-z][a-z0-9]{0,20}", 0..5),
        prop::option::of("[A-Za-z ,]{1,30}"),
        any::<bool>(),
        prop::option::of((2026i32..2030, 1u32..13, 1u32..29)),
    )
        .prop_map(
            |(kind, category, title, tags, place, remote, deadline)| ProposalDraft {
                kind,
                category,
                title,
                description: String::new(),
                tags,
                quantity: None,
                place,
                remote,
                deadline: deadline.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            },
        )
}

fn profile() -> impl Strategy<Value = (String, CoopProfile)> {
    (
        "[a-z][a-z0-9_]{0,20}",
        "[A-Za-zÀ-ÿ0-9 .&-]{1,60}",
        prop::option::of(prop_oneof![Just("AR"), Just("GB"), Just("ES"), Just("BR")]),
        prop::collection::vec(prop_oneof![Just("es"), Just("en"), Just("pt-BR")], 0..3),
        prop::option::of(prop_oneof![
            Just(Stage::StartCoop),
            Just(Stage::Established)
        ]),
    )
        .prop_map(|(handle, name, country, languages, stage)| {
            let mut languages: Vec<String> = languages.into_iter().map(str::to_string).collect();
            languages.dedup();
            (
                handle,
                CoopProfile {
                    display_name: name.trim().to_string(),
                    about: String::new(),
                    website: None,
                    country: country.map(str::to_string),
                    city: None,
                    languages,
                    sectors: vec![],
                    legal_form: None,
                    member_count: None,
                    founded_year: None,
                    stage,
                    networks: vec![],
                    public_contact: ContactDetails::default(),
                    private_contact: ContactDetails::default(),
                    manually_approves_followers: false,
                },
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_json_read_as_a_proposal_never_panics(doc in any_json()) {
        read_note(doc)?;
    }

    #[test]
    fn a_proposal_with_any_field_changed_never_panics(doc in mutated(valid_note(), NOTE_FIELDS)) {
        read_note(doc)?;
    }

    #[test]
    fn any_json_read_as_an_actor_never_panics(doc in any_json()) {
        read_actor(doc)?;
    }

    #[test]
    fn an_actor_with_any_field_changed_never_panics(doc in mutated(valid_actor(), ACTOR_FIELDS)) {
        read_actor(doc)?;
    }

    #[test]
    fn our_proposals_read_back_as_written(draft in draft()) {
        let draft = draft.validated(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(), true);
        // Mostly valid by construction; too many refusals fail the test.
        prop_assume!(draft.is_ok());
        let Ok(draft) = draft else { return Ok(()) };
        let proposal = Proposal {
            id: "01a2".into(),
            coop_id: "c".into(),
            description_html: String::new(),
            status: ProposalStatus::Open,
            created_at: now(),
            updated_at: now(),
            closed_at: None,
            draft: draft.clone(),
        };
        let note = ProposalNote::from_proposal(&proposal, "fiqus", &urls());
        let sent = serde_json::to_value(&note).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: ReceivedNote = serde_json::from_value(sent).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let p = back
            .into_proposal("id".into(), "actor".into(), now(), LinkRule::DEVELOPMENT)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(p.kind, draft.kind);
        prop_assert_eq!(p.category, draft.category);
        prop_assert_eq!(&p.title, &draft.title);
        let tags: Vec<String> = draft.tags.iter().map(|t| t.to_lowercase()).collect();
        prop_assert_eq!(&p.tags, &tags);
        prop_assert_eq!(&p.place, &draft.place);
        prop_assert_eq!(p.remote, Some(draft.remote));
        prop_assert_eq!(p.deadline.map(|d| d.date()), draft.deadline);
    }

    #[test]
    fn our_actors_read_back_as_written((handle, profile) in profile()) {
        prop_assume!(!profile.display_name.is_empty());
        let coop = Coop {
            id: "c".into(),
            handle: handle.clone(),
            about_html: String::new(),
            keys: None,
            created_at: now(),
            updated_at: now(),
            profile: profile.clone(),
        };
        let keys = ActorKeys { public_key_pem: "key".into(), private_key_pem: String::new() };
        let doc = ActorDocument::from_coop(&coop, &keys, &urls(), &Default::default());
        let sent = serde_json::to_value(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: RemoteActorDocument = serde_json::from_value(sent).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let a = back.into_domain("local".into(), now(), LinkRule::DEVELOPMENT).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&a.username, &handle);
        prop_assert_eq!(&a.display_name, &profile.display_name);
        prop_assert_eq!(&a.country, &profile.country);
        prop_assert_eq!(&a.languages, &profile.languages);
        prop_assert_eq!(a.stage, profile.stage);
        prop_assert_eq!(a.kind.as_str(), "Organization");
        prop_assert_eq!(a.host.as_str(), "coops.example");
    }
}
