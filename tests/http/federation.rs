//! What other servers read: WebFinger, NodeInfo, actors, proposals as
//! FEP-0837 Notes, collections.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{assert_error, need, TestServer};

const AP: &str = "application/activity+json";

#[tokio::test(flavor = "multi_thread")]
async fn webfinger_finds_coops_and_the_node() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    let (st, ct, b) = s
        .fetch("/.well-known/webfinger?resource=acct:FIQUS@coops.test")
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(ct, "application/jrd+json");
    assert_eq!(b["subject"], "acct:fiqus@coops.test");
    let link = b["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert_eq!(link["type"], AP);
    assert_eq!(link["href"], "https://coops.test/actors/fiqus");

    let (st, _, b) = s
        .fetch("/.well-known/webfinger?resource=https://coops.test/actors/fiqus")
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(b["subject"], "acct:fiqus@coops.test");

    for node in ["acct:coops.test@coops.test", "https://coops.test/"] {
        let (st, _, b) = s
            .fetch(&format!("/.well-known/webfinger?resource={node}"))
            .await;
        assert_eq!(st, StatusCode::OK, "{node}: {b}");
        let rels: Vec<&str> = b["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["rel"].as_str().unwrap())
            .collect();
        assert!(
            rels.contains(&"https://www.w3.org/ns/activitystreams#Service"),
            "FEP-d556: {b}"
        );
        assert!(b["links"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["href"] == "https://coops.test/actor"));
    }

    for missing in [
        "acct:nobody@coops.test",
        "acct:fiqus@elsewhere.example",
        "https://elsewhere.example/actors/fiqus",
    ] {
        let (st, _, b) = s
            .fetch(&format!("/.well-known/webfinger?resource={missing}"))
            .await;
        assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    }
    let (st, _, b) = s.fetch("/.well-known/webfinger").await;
    assert_error(st, &b, StatusCode::BAD_REQUEST, "invalid_query");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nodeinfo_describes_the_node() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    s.coop("cotech").await;
    s.publish(&token, need("Open")).await;
    let closed = s.publish(&token, need("Closed")).await;
    s.patch(
        &format!("/proposals/{}", closed["id"].as_str().unwrap()),
        &token,
        json!({"status": "closed"}),
    )
    .await;

    let (st, _, links) = s.fetch("/.well-known/nodeinfo").await;
    assert_eq!(st, StatusCode::OK);
    let find = |rel: &str| {
        links["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == rel)
            .map(|l| l["href"].clone())
    };
    assert_eq!(
        find("http://nodeinfo.diaspora.software/ns/schema/2.1"),
        Some(json!("https://coops.test/nodeinfo/2.1"))
    );
    assert_eq!(
        find("https://www.w3.org/ns/activitystreams#Application"),
        Some(json!("https://coops.test/actor")),
        "FEP-2677"
    );

    let (st, ct, doc) = s.fetch("/nodeinfo/2.1").await;
    assert_eq!(st, StatusCode::OK);
    assert!(ct.starts_with("application/json; profile="), "{ct}");
    assert_eq!(doc["version"], "2.1");
    assert_eq!(doc["software"]["name"], "intercoop");
    assert_eq!(doc["protocols"], json!(["activitypub"]));
    assert_eq!(doc["openRegistrations"], false);
    assert_eq!(doc["usage"]["users"]["total"], 2);
    assert_eq!(
        doc["usage"]["localPosts"], 1,
        "closed proposals are not counted"
    );
    let mut keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "metadata",
            "openRegistrations",
            "protocols",
            "services",
            "software",
            "usage",
            "version"
        ],
        "schema 2.1 allows no other keys"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coop_is_an_organization_actor_with_its_own_key() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    s.coop("cotech").await;
    s.patch(
        "/coop",
        &token,
        json!({"about": "We build **software**.", "country": "AR", "city": "Rosario", "languages": ["es"],
               "website": "https://fiqus.coop", "manually_approves_followers": true}),
    )
    .await;
    let (st, ct, a) = s.fetch("/actors/fiqus").await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(ct, AP);
    assert_eq!(a["@context"][0], "https://www.w3.org/ns/activitystreams");
    assert_eq!(a["type"], "Organization");
    assert_eq!(a["id"], "https://coops.test/actors/fiqus");
    assert_eq!(a["preferredUsername"], "fiqus");
    assert_eq!(a["name"], "Coop fiqus");
    assert!(a["summary"]
        .as_str()
        .unwrap()
        .contains("<strong>software</strong>"));
    for (key, path) in [
        ("inbox", "inbox"),
        ("outbox", "outbox"),
        ("followers", "followers"),
        ("following", "following"),
        ("featured", "featured"),
    ] {
        assert_eq!(a[key], format!("https://coops.test/actors/fiqus/{path}"));
    }
    assert_eq!(a["endpoints"]["sharedInbox"], "https://coops.test/inbox");
    assert_eq!(a["manuallyApprovesFollowers"], true);
    assert_eq!(a["discoverable"], true);
    assert_eq!(a["webfinger"], "acct:fiqus@coops.test");
    assert_eq!(
        a["publicKey"]["id"],
        "https://coops.test/actors/fiqus#main-key"
    );
    assert_eq!(a["publicKey"]["owner"], "https://coops.test/actors/fiqus");
    let pem = a["publicKey"]["publicKeyPem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"), "{pem}");
    assert!(!a.to_string().contains("PRIVATE KEY"));
    let fields: Vec<(String, String)> = a["attachment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        fields.contains(&("Location".into(), "Rosario, AR".into())),
        "{fields:?}"
    );
    assert!(
        fields
            .iter()
            .any(|(n, v)| n == "Website" && v.contains("href=\"https://fiqus.coop/\"")),
        "{fields:?}"
    );

    let (_, _, other) = s.fetch("/actors/cotech").await;
    assert_ne!(
        other["publicKey"]["publicKeyPem"], a["publicKey"]["publicKeyPem"],
        "each coop has its own key"
    );
    let (st, _, b) = s.fetch("/actors/nobody").await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_node_actor_is_an_application_whose_key_survives_restarts() {
    let s = TestServer::start().await;
    let (st, ct, a) = s.fetch("/actor").await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(ct, AP);
    assert_eq!(a["type"], "Application");
    assert_eq!(a["id"], "https://coops.test/actor");
    assert_eq!(a["preferredUsername"], "coops.test");
    assert_eq!(a["inbox"], "https://coops.test/inbox");
    assert_eq!(a["publicKey"]["owner"], "https://coops.test/actor");
    // Start-up runs this again; it must not replace the key peers cached.
    s.state.services.ensure_actor_keys().await.unwrap();
    let (_, _, again) = s.fetch("/actor").await;
    assert_eq!(again["publicKey"], a["publicKey"]);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn proposals_are_fep_0837_notes_and_closed_ones_are_tombstones() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let p = s
        .publish(
            &token,
            json!({"kind": "offer", "category": "technical", "title": "Hosting <in> Spanish", "tags": ["hosting"],
                   "quantity": {"value": "2.5", "unit": "TB"}, "place": "Rosario, AR", "remote": true}),
        )
        .await;
    let id = p["id"].as_str().unwrap();
    let (st, ct, note) = s.fetch(&format!("/proposals/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{note}");
    assert_eq!(ct, AP);
    assert_eq!(note["type"], "Note");
    assert_eq!(note["id"], format!("https://coops.test/proposals/{id}"));
    assert_eq!(note["purpose"], "offer");
    assert_eq!(note["attributedTo"], "https://coops.test/actors/fiqus");
    assert_eq!(note["name"], "Hosting <in> Spanish");
    assert!(note["content"]
        .as_str()
        .unwrap()
        .contains("Hosting &lt;in&gt; Spanish"));
    assert_eq!(
        note["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert_eq!(
        note["cc"],
        json!(["https://coops.test/actors/fiqus/followers"])
    );
    assert_eq!(note["publishes"]["type"], "Intent");
    assert_eq!(note["publishes"]["action"], "transfer");
    assert_eq!(
        note["publishes"]["provider"],
        "https://coops.test/actors/fiqus"
    );
    assert_eq!(
        note["publishes"]["resourceQuantity"],
        json!({"hasUnit": "TB", "hasNumericalValue": "2.5"})
    );
    assert_eq!(
        note["publishes"]["resourceClassifiedAs"],
        json!(["https://coops.test/ns/categories#technical"])
    );
    assert_eq!(
        note["location"],
        json!({"type": "Place", "name": "Rosario, AR"})
    );
    let tags: Vec<&str> = note["tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["#coopOffer", "#hosting"]);
    assert!(note["@context"]
        .to_string()
        .contains("https://w3id.org/valueflows/ont/vf#"));

    let (st, _, create) = s.fetch(&format!("/proposals/{id}/activity")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(create["type"], "Create");
    assert_eq!(create["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(create["object"]["id"], note["id"]);

    s.patch(
        &format!("/proposals/{id}"),
        &token,
        json!({"status": "closed"}),
    )
    .await;
    let (st, ct, gone) = s.fetch(&format!("/proposals/{id}")).await;
    assert_eq!(st, StatusCode::GONE);
    assert_eq!(ct, AP);
    assert_eq!(gone["type"], "Tombstone");
    assert_eq!(gone["formerType"], "Note");
    assert_eq!(gone["id"], note["id"]);
    let (st, _, b) = s.fetch("/proposals/no-such-id").await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn outbox_pages_through_every_open_proposal_and_featured_lists_them() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let mut open = Vec::new();
    for i in 0..25 {
        open.push(
            s.publish(&token, need(&format!("need {i}"))).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let closed = s.publish(&token, need("closed")).await;
    s.patch(
        &format!("/proposals/{}", closed["id"].as_str().unwrap()),
        &token,
        json!({"status": "closed"}),
    )
    .await;

    let (st, _, outbox) = s.fetch("/actors/fiqus/outbox").await;
    assert_eq!(st, StatusCode::OK, "{outbox}");
    assert_eq!(outbox["type"], "OrderedCollection");
    assert_eq!(outbox["totalItems"], 25);
    let mut next = outbox["first"].as_str().map(str::to_string);
    let mut seen = Vec::new();
    for _ in 0..5 {
        let Some(url) = next.take() else { break };
        let path = url.trim_start_matches("https://coops.test");
        let (st, _, page) = s.fetch(path).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        assert_eq!(page["type"], "OrderedCollectionPage");
        assert_eq!(page["partOf"], "https://coops.test/actors/fiqus/outbox");
        for item in page["orderedItems"].as_array().unwrap() {
            assert_eq!(item["type"], "Create");
            assert!(
                item.get("@context").is_none(),
                "embedded items carry no context"
            );
            seen.push(
                item["object"]["id"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
            );
        }
        next = page["next"].as_str().map(str::to_string);
    }
    seen.sort();
    open.sort();
    assert_eq!(seen, open);

    let (st, _, featured) = s.fetch("/actors/fiqus/featured").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(featured["totalItems"], 25);
    assert!(featured["orderedItems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["type"] == "Note"));

    for part in ["followers", "following"] {
        let (st, _, c) = s.fetch(&format!("/actors/fiqus/{part}")).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(c["totalItems"], 0);
    }
    s.stop().await;
}
