//! Matches through the API on either backend: local needs meet local and
//! followed remote offers, with reasons; edits, closes, deletes from other
//! servers and restarts are followed; bad requests are refused.

use std::time::Duration;

use federation_tests::eventually;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::Remote;
use crate::common::{assert_error, TestServer, PASSWORD};
use crate::inbox::{send_as, wrap};

const WAIT: Duration = Duration::from_secs(30);

/// The matches of a proposal once the index answers and `check` holds.
pub(crate) async fn matches_when(
    s: &TestServer,
    token: &str,
    id: &str,
    what: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    eventually(what, WAIT, || async {
        let (st, page) = s
            .get(&format!("/proposals/{id}/matches"), Some(token))
            .await;
        if st == StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        assert_eq!(st, StatusCode::OK, "{page}");
        let items = page["items"].as_array().cloned().unwrap_or_default();
        check(&items).then_some(items)
    })
    .await
}

fn ids(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|m| m["proposal"]["id"].as_str().unwrap())
        .collect()
}

fn offer(title: &str, tags: &[&str]) -> Value {
    json!({"kind": "offer", "category": "technical", "title": title, "tags": tags})
}

#[tokio::test(flavor = "multi_thread")]
async fn local_matches_follow_edits_closes_and_restarts() {
    let s = TestServer::start().await;
    let a = s.coop("cooplibre").await;
    let b = s.coop("hostcoop").await;
    let c = s.coop("gardeners").await;
    let need = s
        .publish(
            &a,
            json!({"kind": "need", "category": "technical", "title": "Web hosting for our servers",
                   "description": "We need a place for our Django apps.", "tags": ["hosting"]}),
        )
        .await;
    let need = need["id"].as_str().unwrap().to_string();
    let hosting = s
        .publish(&b, offer("Hosting and server administration", &["hosting"]))
        .await;
    let hosting = hosting["id"].as_str().unwrap().to_string();
    // Another category sharing only a tag (the category is a hint: across
    // categories the texts must meet), and an unrelated offer: neither is a match.
    s.publish(
        &b,
        json!({"kind": "offer", "category": "knowledge", "title": "Bookkeeping lessons",
               "tags": ["hosting"]}),
    )
    .await;
    s.publish(&c, offer("Garden tools to lend", &["garden"]))
        .await;

    let found = matches_when(&s, &a, &need, "the hosting offer", |m| !m.is_empty()).await;
    assert_eq!(ids(&found), [hosting.as_str()], "{found:#?}");
    let m = &found[0];
    assert_eq!(m["for_proposal"], need.as_str());
    assert_eq!(m["proposal"]["coop"]["account"], "hostcoop@coops.test");
    assert_eq!(m["proposal"]["kind"], "offer");
    let parts: f64 = m["parts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((parts - m["score"].as_f64().unwrap()).abs() < 1e-4, "{m}");
    let reasons: Vec<&str> = m["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"both tagged #hosting"), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.starts_with("they offer")),
        "{reasons:?}"
    );
    // And from the other side.
    let back = matches_when(&s, &b, &hosting, "the need", |m| !m.is_empty()).await;
    assert_eq!(ids(&back), [need.as_str()]);

    // All of a coop's matches, with filters.
    let page = |q: &'static str| {
        let (s, a) = (&s, &a);
        async move {
            let (st, p) = s.get(&format!("/matches{q}"), Some(a)).await;
            assert_eq!(st, StatusCode::OK, "{p}");
            p["total"].as_u64().unwrap()
        }
    };
    assert_eq!(page("").await, 1);
    assert_eq!(page("?category=technical&node=coops.test").await, 1);
    assert_eq!(page("?category=knowledge").await, 0);
    assert_eq!(page("?node=elsewhere.test").await, 0);
    assert_eq!(page("?offset=1").await, 1);

    // Profile changes reach the index too: now both work in Spanish.
    for token in [&a, &b] {
        let (st, body) = s
            .patch("/coop", token, json!({"languages": ["es-AR"]}))
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    matches_when(&s, &a, &need, "the shared language", |m| {
        m.first().is_some_and(|m| {
            m["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["text"] == "you both work in Spanish")
        })
    })
    .await;

    // An edit away from hosting ends the match; an edit back restores it.
    let (st, body) = s
        .patch(
            &format!("/proposals/{hosting}"),
            &b,
            json!({"title": "Bicycle repairs", "tags": []}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    matches_when(&s, &a, &need, "no match after the edit", |m| m.is_empty()).await;
    let (st, body) = s
        .patch(
            &format!("/proposals/{hosting}"),
            &b,
            json!({"title": "Hosting for coops", "tags": ["hosting"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    matches_when(&s, &a, &need, "the match again", |m| {
        ids(m) == [hosting.as_str()]
    })
    .await;

    // A restart rebuilds the same matches from what is stored.
    let db = s.stop_keeping_db().await;
    let s = TestServer::start_on(db).await;
    let a = s.login("cooplibre@coops.test", PASSWORD).await;
    let b = s.login("hostcoop@coops.test", PASSWORD).await;
    matches_when(&s, &a, &need, "the match after a restart", |m| {
        ids(m) == [hosting.as_str()]
    })
    .await;

    // Closing the offer ends the match, and a closed proposal has none.
    let (st, body) = s
        .patch(
            &format!("/proposals/{hosting}"),
            &b,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    matches_when(&s, &a, &need, "no match after the close", |m| m.is_empty()).await;
    let (st, body) = s
        .get(&format!("/proposals/{hosting}/matches"), Some(&b))
        .await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");

    // Bad requests.
    let (st, body) = s.get("/proposals/nope/matches", Some(&a)).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    let (st, body) = s.get(&format!("/proposals/{need}/matches"), Some(&b)).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    let (st, body) = s
        .get(&format!("/proposals/{need}/matches?limit=0"), Some(&a))
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s.get(&format!("/proposals/{need}/matches"), None).await;
    assert_error(st, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    let (st, body) = s.get("/matches?category=bogus", Some(&a)).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s.get("/matches?offset=-1", Some(&a)).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_followed_remote_offer_matches_until_it_is_deleted() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    crate::introductions::followed_remote_offer(&s, &token, &remote).await;

    let need = s
        .publish(
            &token,
            json!({"kind": "need", "category": "technical",
                   "title": "Nextcloud for our shared files", "tags": ["nextcloud"]}),
        )
        .await;
    let need = need["id"].as_str().unwrap().to_string();
    let found = matches_when(&s, &token, &need, "ana's offer", |m| !m.is_empty()).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["proposal"]["coop"]["account"],
        remote.account("ana")
    );
    assert_eq!(found[0]["proposal"]["coop"]["local"], false);
    // The coop's id on its own server, not a URL of ours.
    assert_eq!(found[0]["proposal"]["coop"]["url"], remote.actor("ana"));
    assert_eq!(found[0]["proposal"]["title"], "Nextcloud hosting");

    let delete = wrap(
        &remote,
        "Delete",
        "2",
        json!(format!("{}/objects/1", remote.base())),
    );
    let (st, b) = send_as(&s, &remote, "ana", "/inbox", &delete).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");
    matches_when(&s, &token, &need, "no match after the Delete", |m| {
        m.is_empty()
    })
    .await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_start_coop_can_prefer_established_partners() {
    let s = TestServer::start().await;
    let young = s.coop("young").await;
    let old = s.coop("old").await;
    let peer = s.coop("peer").await;
    for (token, stage) in [
        (&young, "start-coop"),
        (&old, "established"),
        (&peer, "start-coop"),
    ] {
        let (st, body) = s.patch("/coop", token, json!({"stage": stage})).await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let need = s
        .publish(
            &young,
            json!({"kind": "need", "category": "knowledge", "title": "Mentoring on pricing"}),
        )
        .await;
    let need = need["id"].as_str().unwrap().to_string();
    let mentoring =
        json!({"kind": "offer", "category": "knowledge", "title": "Mentoring on pricing"});
    // The peer's offer first: on a tie the older key ranks first, so only
    // the preference can put the established coop's offer ahead.
    s.publish(&peer, mentoring.clone()).await;
    let from_old = s.publish(&old, mentoring).await;

    let pairing = |m: &Value| m["parts"]["pairing"].as_f64().unwrap();
    let found = matches_when(&s, &young, &need, "both offers", |m| m.len() == 2).await;
    assert!(found.iter().all(|m| pairing(m) == 0.0), "off by default");
    assert_ne!(found[0]["proposal"]["id"], from_old["id"]);

    let put = |value: Value| {
        let (s, young) = (&s, &young);
        async move {
            s.call(
                reqwest::Method::PUT,
                "/matches/settings",
                Some(young),
                Some(json!({"prefer_stage_pairing": value})),
            )
            .await
        }
    };
    let off = (
        StatusCode::OK,
        json!({"prefer_stage_pairing": false, "notify_min_score": null}),
    );
    assert_eq!(s.get("/matches/settings", Some(&young)).await, off);
    let (st, body) = put(json!("yes")).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(
        s.get("/matches/settings", Some(&young)).await,
        off,
        "unchanged"
    );
    let on = (
        StatusCode::OK,
        json!({"prefer_stage_pairing": true, "notify_min_score": null}),
    );
    assert_eq!(put(json!(true)).await, on);
    assert_eq!(s.get("/matches/settings", Some(&young)).await, on);

    let found = matches_when(&s, &young, &need, "both offers", |m| m.len() == 2).await;
    assert_eq!(found[0]["proposal"]["id"], from_old["id"]);
    assert!(pairing(&found[0]) > 0.0, "{}", found[0]);
    assert_eq!(pairing(&found[1]), 0.0);
    assert!(
        found[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "pairing"),
        "{}",
        found[0]
    );
    s.stop().await;
}

/// The circles of a coop once the index answers and `check` holds.
async fn circles_when(
    s: &TestServer,
    token: &str,
    what: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    eventually(what, WAIT, || async {
        let (st, page) = s.get("/circles", Some(token)).await;
        if st == StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        assert_eq!(st, StatusCode::OK, "{page}");
        let items = page["items"].as_array().cloned().unwrap_or_default();
        check(&items).then_some(items)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn three_coops_that_help_each_other_in_turn_form_a_circle() {
    let s = TestServer::start().await;
    let a = s.coop("hosts").await;
    let b = s.coop("books").await;
    let c = s.coop("webs").await;
    let technical =
        |kind: &str, title: &str| json!({"kind": kind, "category": "technical", "title": title});
    s.publish(&a, technical("offer", "Server hosting")).await;
    s.publish(&b, technical("need", "Server hosting")).await;
    s.publish(&b, technical("offer", "Accounting software"))
        .await;
    s.publish(&c, technical("need", "Accounting software"))
        .await;
    let websites = s.publish(&c, technical("offer", "Website design")).await;
    s.publish(&a, technical("need", "Website design")).await;

    let found = circles_when(&s, &a, "the circle", |c| !c.is_empty()).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let ring = &found[0];
    assert_eq!(
        ring["coops"],
        json!(["hosts@coops.test", "books@coops.test", "webs@coops.test"])
    );
    assert_eq!(
        ring["exchanges"][0]["text"],
        "hosts@coops.test offers \u{201c}Server hosting\u{201d} for \u{201c}Server hosting\u{201d} of books@coops.test"
    );
    assert_eq!(ring["exchanges"][2]["offer"]["id"], websites["id"]);
    let weakest = ring["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["score"].as_f64().unwrap())
        .fold(f64::MAX, f64::min);
    assert!((ring["score"].as_f64().unwrap() - weakest).abs() < 1e-6);
    // The same ring, seen from another of its coops.
    let from_b = circles_when(&s, &b, "the circle from books", |c| !c.is_empty()).await;
    assert_eq!(
        from_b[0]["coops"],
        json!(["books@coops.test", "webs@coops.test", "hosts@coops.test"])
    );

    // Without the website offer, the ring is broken.
    let id = websites["id"].as_str().unwrap();
    let (st, body) = s
        .patch(&format!("/proposals/{id}"), &c, json!({"status": "closed"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    circles_when(&s, &a, "no circle", |c| c.is_empty()).await;
    let (st, body) = s.get("/circles?limit=0", Some(&a)).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    s.stop().await;
}

async fn notifications(s: &TestServer, token: &str, query: &str) -> Value {
    let (st, page) = s
        .get(&format!("/matches/notifications{query}"), Some(token))
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    page
}

#[tokio::test(flavor = "multi_thread")]
async fn new_matches_above_the_threshold_are_notified_once() {
    let s = TestServer::start().await;
    let seeker = s.coop("seeker").await;
    let giver = s.coop("giver").await;
    let other = s.coop("other").await;
    let picky = s.coop("picky").await;
    // Only changes after start-up are new matches: wait for the index.
    eventually("matching ready", WAIT, || async {
        let (st, _) = s.get("/matches", Some(&seeker)).await;
        (st == StatusCode::OK).then_some(())
    })
    .await;
    let put = |token: &str, value: Value| {
        let (s, token) = (&s, token.to_string());
        async move {
            s.call(
                reqwest::Method::PUT,
                "/matches/settings",
                Some(&token),
                Some(json!({"prefer_stage_pairing": false, "notify_min_score": value})),
            )
            .await
        }
    };
    let (st, body) = put(&seeker, json!(2.0)).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = put(&seeker, json!(0.3)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["notify_min_score"], 0.3);
    let (st, _) = put(&picky, json!(1.15)).await;
    assert_eq!(st, StatusCode::OK);

    let hosting = |kind: &str| {
        json!({"kind": kind, "category": "technical", "title": "Web hosting for servers",
               "tags": ["hosting"]})
    };
    let need = s.publish(&seeker, hosting("need")).await;
    s.publish(&picky, hosting("need")).await;
    let offer = s.publish(&giver, hosting("offer")).await;
    let page = eventually("a notification", WAIT, || async {
        let page = notifications(&s, &seeker, "").await;
        (page["total"] == 1).then_some(page)
    })
    .await;
    let n = &page["items"][0];
    assert_eq!(n["for_proposal"], need["id"]);
    assert_eq!(n["proposal"]["id"], offer["id"]);
    assert_eq!(n["read"], false);
    assert!(n["score"].as_f64().unwrap() >= 0.3, "{n}");

    // An edit does not notify the same pair again; a second offer does.
    let id = offer["id"].as_str().unwrap();
    let (st, body) = s
        .patch(
            &format!("/proposals/{id}"),
            &giver,
            json!({"description": "On our own servers."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let second = s.publish(&other, hosting("offer")).await;
    let page = eventually("the second notification", WAIT, || async {
        let page = notifications(&s, &seeker, "").await;
        (page["items"][0]["proposal"]["id"] == second["id"]).then_some(page)
    })
    .await;
    assert_eq!(page["total"], 2, "{page}");
    // Coops without a threshold, or with one too high, get nothing.
    assert_eq!(notifications(&s, &giver, "").await["total"], 0);
    assert_eq!(notifications(&s, &picky, "").await["total"], 0);

    let first = page["items"][1]["id"].as_str().unwrap().to_string();
    let (st, body) = s
        .post(
            "/matches/notifications/read",
            &seeker,
            json!({"ids": [first]}),
        )
        .await;
    assert_eq!((st, body), (StatusCode::OK, json!({"marked": 1})));
    assert_eq!(notifications(&s, &seeker, "?unread=true").await["total"], 1);
    let too_many: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let (st, body) = s
        .post(
            "/matches/notifications/read",
            &seeker,
            json!({"ids": too_many}),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s
        .post("/matches/notifications/read", &seeker, json!({}))
        .await;
    assert_eq!((st, body), (StatusCode::OK, json!({"marked": 1})));
    assert_eq!(notifications(&s, &seeker, "?unread=true").await["total"], 0);
    assert_eq!(notifications(&s, &seeker, "").await["total"], 2);
    s.stop().await;
}
