//! Authorized-fetch mode (config `authorized_fetch`): documents only to
//! GETs signed by servers this node federates with; discovery and the node
//! actor stay open; an unsigned reader of a coop's actor gets its key only;
//! a blocked server is refused even public documents.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::remote::{self, get_signed, Remote, Signing};
use crate::common::{assert_error, need, TestDb, TestServer};

const GET_COVERS: [&str; 3] = ["(request-target)", "host", "date"];

fn as_ana<'a>(remote: &'a Remote) -> Signing<'a> {
    let mut s = Signing::as_person(remote, "ana", remote.person("ana"));
    s.covers = GET_COVERS.to_vec();
    s
}

async fn unsigned(s: &TestServer, path: &str) -> (StatusCode, Value) {
    let (st, _, body) = s.fetch(path).await;
    (st, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_go_only_to_signed_readers_of_servers_we_federate_with() {
    let s = TestServer::start_with(TestDb::new(), |c| c.authorized_fetch = Some(true)).await;
    let token = s.coop("fiqus").await;
    let admin = s.admin().await;
    let proposal = s.publish(&token, need("Accounting help")).await;
    let proposal_path = format!("/proposals/{}", proposal["id"].as_str().unwrap());
    // A named host, so it can be blocked (`localhost` is no domain).
    let remote = Remote::start_node(&["ana", "mallory"]).await;
    let url = |path: &str| format!("{}{path}", s.origin());

    // Unsigned: refused, except discovery, the node actor and a coop's key.
    for path in [
        proposal_path.as_str(),
        "/actors/fiqus/outbox",
        "/actors/fiqus/followers",
        "/actor/directory",
    ] {
        let (st, b) = unsigned(&s, path).await;
        assert_error(st, &b, StatusCode::UNAUTHORIZED, "signature_required");
    }
    for path in [
        "/actor",
        "/.well-known/webfinger?resource=acct:fiqus@coops.test",
        "/.well-known/nodeinfo",
        "/nodeinfo/2.1",
    ] {
        assert_eq!(unsigned(&s, path).await.0, StatusCode::OK, "{path}");
    }
    let (st, key_only) = unsigned(&s, "/actors/fiqus").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(key_only["type"], "Organization");
    assert_eq!(key_only["inbox"], "https://coops.test/actors/fiqus/inbox");
    assert!(key_only["publicKey"]["publicKeyPem"].is_string());
    assert_eq!(key_only["name"], "fiqus", "no profile: {key_only}");
    assert!(key_only.get("followers").is_none(), "{key_only}");

    // Signed by a server we federate with: everything.
    let (st, doc) = get_signed(&s.http, &url(&proposal_path), &as_ana(&remote)).await;
    assert_eq!(st, StatusCode::OK, "{doc}");
    assert_eq!(doc["name"], "Accounting help");
    let (st, actor) = get_signed(&s.http, &url("/actors/fiqus"), &as_ana(&remote)).await;
    assert_eq!(st, StatusCode::OK, "{actor}");
    assert_eq!(actor["name"], "Coop fiqus");
    assert!(actor["followers"].is_string());
    let (st, page) = get_signed(
        &s.http,
        &url("/actors/fiqus/outbox?page=true"),
        &as_ana(&remote),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::OK,
        "the query is part of what is signed: {page}"
    );

    // GoToSocial names its keys `…/users/ana/main-key`.
    let mut gts = as_ana(&remote);
    gts.key_id = format!("{}/main-key", remote.actor("ana"));
    let (st, doc) = get_signed(&s.http, &url(&proposal_path), &gts).await;
    assert_eq!(st, StatusCode::OK, "{doc}");

    // A key served as a document of its own, whose owner holds it, and one
    // that claims ana as owner but holds mallory's key.
    let key_document = |n: u32, holder: &str| {
        remote.serve_object(
            n,
            json!({"@context": "https://w3id.org/security/v1", "id": remote.object_url(n),
                   "owner": remote.actor("ana"), "publicKeyPem": remote.person(holder).public_key_pem}),
        );
    };
    key_document(7, "ana");
    key_document(8, "mallory");
    let mut own_document = as_ana(&remote);
    own_document.key_id = remote.object_url(7);
    let (st, doc) = get_signed(&s.http, &url(&proposal_path), &own_document).await;
    assert_eq!(st, StatusCode::OK, "{doc}");
    let mut usurper = as_ana(&remote);
    usurper.key_id = remote.object_url(8);
    usurper.key_pem = &remote.person("mallory").private_key_pem;
    let (st, b) = get_signed(&s.http, &url(&proposal_path), &usurper).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("does not hold that key"),
        "{b}"
    );

    // Signatures that do not hold.
    let mut forged = as_ana(&remote);
    forged.key_pem = &remote.person("mallory").private_key_pem;
    let (st, b) = get_signed(&s.http, &url(&proposal_path), &forged).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    let mut weak = as_ana(&remote);
    weak.covers = vec!["(request-target)", "date"];
    let (st, b) = get_signed(&s.http, &url(&proposal_path), &weak).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_signature");
    assert!(b["message"].as_str().unwrap().contains("host"), "{b}");
    let mut stale = as_ana(&remote);
    stale.date = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600);
    let (st, b) = get_signed(&s.http, &url(&proposal_path), &stale).await;
    assert_error(st, &b, StatusCode::UNAUTHORIZED, "invalid_date");

    // A blocked server is refused even what is public.
    let (st, b) = s
        .post(
            "/admin/blocks",
            &admin,
            json!({"domain": remote::NODE_HOST, "severity": "suspend"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    for path in [proposal_path.as_str(), "/actors/fiqus"] {
        let (st, b) = get_signed(&s.http, &url(path), &as_ana(&remote)).await;
        assert_error(st, &b, StatusCode::FORBIDDEN, "domain_refused");
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_authorized_fetch_documents_are_public() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let proposal = s.publish(&token, need("Accounting help")).await;
    let (st, _) = unsigned(
        &s,
        &format!("/proposals/{}", proposal["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, actor) = unsigned(&s, "/actors/fiqus").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(actor["name"], "Coop fiqus", "the whole profile");
    s.stop().await;
}
