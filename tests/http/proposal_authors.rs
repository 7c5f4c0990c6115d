//! Authors of FEP-0837 needs and offers that are not `Organization`s (a
//! Mastodon or Mitra `Person`) are listed as coops, with their actor type,
//! and the price Mitra sends (`reciprocal`) is kept, shown and hinted in
//! matches.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_remote, proposal_note, send_as, wrap};
use crate::matches::matches_when;

fn listed<'a>(page: &'a Value, account: &str) -> Option<&'a Value> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["account"] == account)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_publishing_proposals_is_listed_and_its_price_kept() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    let (_, sent) = follow_remote(&s, &token, &remote, "ana").await;
    let accept = wrap(&remote, "Accept", "accept-1", sent);
    let (st, b) = send_as(&s, &remote, "ana", "/actors/fiqus/inbox", &accept).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    // Followed, but a Person with no needs or offers is not a coop here.
    let (st, coops) = s.get("/directory/coops", None).await;
    assert_eq!(st, StatusCode::OK, "{coops}");
    assert!(listed(&coops, &remote.account("ana")).is_none(), "{coops}");
    assert_eq!(
        listed(&coops, "fiqus@coops.test").unwrap()["actor_type"],
        "Organization"
    );

    // Ana offers hosting at a price, as Mitra writes one.
    let mut offer = proposal_note(&remote, 1, "Nextcloud hosting");
    offer["reciprocal"] = json!({
        "id": format!("{}#reciprocal", remote.object_url(1)),
        "type": "Intent", "action": "transfer",
        "resourceConformsTo": "https://www.wikidata.org/wiki/Q4916",
        "resourceQuantity": {"hasUnit": "EUR", "hasNumericalValue": "30"}
    });
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Create", "c1", offer),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    let (_, coops) = s.get("/directory/coops", None).await;
    let ana = listed(&coops, &remote.account("ana")).expect("ana is listed");
    assert_eq!(ana["actor_type"], "Person");
    assert_eq!(ana["local"], false);

    let price = json!({"action": "transfer",
                       "resource": "https://www.wikidata.org/wiki/Q4916",
                       "quantity": {"value": "30", "unit": "EUR"}});
    let (_, received) = s.get("/remote-proposals", Some(&token)).await;
    assert_eq!(received["items"][0]["reciprocal"], price, "{received}");
    let (_, directory) = s.get("/directory/proposals", None).await;
    assert_eq!(directory["items"][0]["reciprocal"], price, "{directory}");

    // A matching need sees the price among the reasons.
    let need = s
        .publish(
            &token,
            json!({"kind": "need", "category": "technical",
                   "title": "Nextcloud for our shared files", "tags": ["nextcloud"]}),
        )
        .await;
    let need = need["id"].as_str().unwrap().to_string();
    let found = matches_when(&s, &token, &need, "ana's offer", |m| !m.is_empty()).await;
    let reasons = found[0]["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r["code"] == "in_return"
            && r["text"]
                == "they ask in return: transfer 30 EUR (https://www.wikidata.org/wiki/Q4916)"),
        "{reasons:?}"
    );
    s.stop().await;
}
