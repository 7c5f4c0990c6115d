use reqwest::StatusCode;
use serde_json::json;

use crate::common::{assert_error, TestServer};

#[tokio::test(flavor = "multi_thread")]
async fn profile_update_round_trips_and_clears() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let (st, b) = s
        .patch(
            "/coop",
            &token,
            json!({
                "display_name": "Fiqus Cooperativa",
                "about": "We build **software**.<script>alert(1)</script>",
                "website": "https://fiqus.coop",
                "country": "ar",
                "city": "Buenos Aires",
                "languages": ["es", "EN", "pt-br"],
                "sectors": ["#Software", "consulting"],
                "legal_form": "Cooperativa de trabajo",
                "member_count": 14,
                "founded_year": 2009,
                "stage": "established",
                "networks": ["FACTTIC"],
                "public_contact": {"email": "hola@fiqus.coop"},
                "private_contact": {"email": "ana@fiqus.coop", "phone": "+54 11 5555 5555"}
            }),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["country"], "AR");
    assert_eq!(b["languages"], json!(["es", "en", "pt-BR"]));
    assert_eq!(b["sectors"], json!(["software", "consulting"]));
    assert_eq!(b["address"], "@fiqus@coops.test");
    let html = b["about_html"].as_str().unwrap();
    assert!(
        html.contains("<strong>software</strong>") && !html.contains("<script"),
        "{html}"
    );
    assert_eq!(b["private_contact"]["phone"], "+54 11 5555 5555");

    let (st, b) = s
        .patch("/coop", &token, json!({"city": null, "member_count": null}))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["city"], json!(null));
    assert_eq!(b["member_count"], json!(null));
    assert_eq!(b["display_name"], "Fiqus Cooperativa", "absent fields stay");

    let (_, again) = s.get("/coop", Some(&token)).await;
    assert_eq!(again, b, "GET shows what PATCH stored");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_profile_fields_are_named_and_nothing_changes() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let (_, before) = s.get("/coop", Some(&token)).await;
    let cases = [
        (json!({"display_name": ""}), "display_name"),
        (json!({"display_name": "x".repeat(101)}), "display_name"),
        (json!({"about": "x".repeat(5001)}), "about"),
        (json!({"country": "Argentina"}), "country"),
        (json!({"website": "javascript:alert(1)"}), "website"),
        (json!({"languages": ["spanish please"]}), "languages"),
        (json!({"member_count": 0}), "member_count"),
        (json!({"founded_year": 1500}), "founded_year"),
        (json!({"stage": "startup"}), "stage"),
        (
            json!({"private_contact": {"email": "nope"}}),
            "private_contact.email",
        ),
        (json!({"private_contact": {"fax": "1"}}), "fax"),
        (json!({"handle": "other"}), "handle"),
        (
            json!({"display_name": "Changed", "country": "XXX"}),
            "country",
        ),
    ];
    for (body, field) in cases {
        let (st, b) = s.patch("/coop", &token, body.clone()).await;
        let msg = assert_error(
            st,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(msg.contains(field), "{body} -> {msg}");
    }
    let (_, after) = s.get("/coop", Some(&token)).await;
    assert_eq!(before, after, "a refused update changes nothing");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn public_profile_hides_private_contacts_and_lists_open_proposals() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    s.patch("/coop", &token, json!({"private_contact": {"email": "secret@fiqus.coop"}, "public_contact": {"email": "hola@fiqus.coop"}}))
        .await;
    let open = s.publish(&token, crate::common::need("Open need")).await;
    let closed = s.publish(&token, crate::common::need("Closed need")).await;
    let id = closed["id"].as_str().unwrap();
    s.patch(
        &format!("/proposals/{id}"),
        &token,
        json!({"status": "closed"}),
    )
    .await;

    let (st, b) = s.get("/coops/FIQUS", None).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["public_contact"]["email"], "hola@fiqus.coop");
    assert!(b.get("private_contact").is_none(), "{b}");
    assert!(!b.to_string().contains("secret@fiqus.coop"));
    let ids: Vec<&str> = b["open_proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![open["id"].as_str().unwrap()]);

    let (st, b) = s.get("/coops/nobody", None).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, b) = s.get("/coops/not%20a%20handle", None).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_deletes_a_coop_for_good() {
    use crate::common::remote::{post_signed, Remote, Signing};
    use federation_tests::eventually;
    let s = TestServer::start().await;
    let (admin, token, other) = (
        s.admin().await,
        s.coop("fiqus").await,
        s.coop("tierra").await,
    );
    s.publish(&token, crate::common::need("Hosting")).await;
    // A remote follower, who must hear of the deletion.
    let remote = Remote::start(&["ana"]).await;
    let follow = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/1", remote.actor("ana")), "type": "Follow",
        "actor": remote.actor("ana"), "object": "https://coops.test/actors/fiqus"});
    let root = s.origin();
    let signing = Signing::as_person(&remote, "ana", remote.person("ana"));
    let (st, _) = post_signed(
        &s.http,
        &format!("{root}/inbox"),
        follow.to_string().as_bytes(),
        &signing,
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);

    let delete = |token: &str, handle: &str| {
        let (s, token, path) = (&s, token.to_string(), format!("/admin/coops/{handle}"));
        async move {
            s.call(reqwest::Method::DELETE, &path, Some(&token), None)
                .await
        }
    };
    let (st, b) = delete(&other, "fiqus").await;
    assert_error(st, &b, StatusCode::FORBIDDEN, "forbidden");
    let (st, b) = delete(&admin, "nobody").await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, _) = s.get("/coops/fiqus", None).await;
    assert_eq!(st, StatusCode::OK, "refusals changed nothing");

    let (st, b) = delete(&admin, "fiqus").await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{b}");
    // Gone everywhere: the public profile, the directory, the member's token.
    let (st, _) = s.get("/coops/fiqus", None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, dir) = s.get("/directory/proposals", None).await;
    assert_eq!(dir["total"], 0, "{dir}");
    let (st, _) = s.get("/coop", Some(&token)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // The actor answers 410 with a Tombstone, as Mastodon does.
    let (st, _, doc) = s.fetch("/actors/fiqus").await;
    assert_eq!(st, StatusCode::GONE);
    assert_eq!(doc["type"], "Tombstone");
    assert_eq!(doc["id"], "https://coops.test/actors/fiqus");
    // The follower gets Delete of the actor, signed by the deleted coop.
    let (path, got) = eventually(
        "the Delete at the follower",
        std::time::Duration::from_secs(30),
        || async {
            remote
                .received()
                .into_iter()
                .find(|(_, a)| a["type"] == "Delete")
        },
    )
    .await;
    assert_eq!(path, "/inbox");
    assert_eq!(got["actor"], "https://coops.test/actors/fiqus");
    assert_eq!(got["object"]["id"], "https://coops.test/actors/fiqus");
    // The handle stays taken; the action is recorded.
    let again = s
        .state
        .services
        .create_coop_account(intercoop::services::accounts::NewCoopAccount {
            handle: "fiqus".into(),
            display_name: "Again".into(),
            email: "new@fiqus.coop".into(),
            password: "a long enough password".into(),
        })
        .await;
    assert!(
        matches!(again, Err(intercoop::services::ServiceError::Conflict(_))),
        "{again:?}"
    );
    let (_, actions) = s.get("/admin/actions", Some(&admin)).await;
    assert_eq!(actions["items"][0]["action"], "coops.delete", "{actions}");
    assert_eq!(actions["items"][0]["target"], "fiqus", "{actions}");
    s.stop().await;
}
