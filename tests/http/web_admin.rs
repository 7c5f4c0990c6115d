//! The admin desk through a real server, as a browser uses it: only for
//! node admins; the federation policy, blocks (with Mastodon CSV import and
//! export) and allows; coops created and deleted; the delivery queue per
//! host with "try now"; the audit log; every form's CSRF token.

use std::time::Duration;

use federation_tests::eventually;
use reqwest::StatusCode;

use crate::common::TestServer;
use crate::delivery::{activity, queue, queued, Receiver};
use crate::web_client::Browser;

#[tokio::test(flavor = "multi_thread")]
async fn the_desk_is_for_admins_and_admins_land_on_it() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    s.admin().await;
    let mut member = Browser::new(&s);
    member.sign_in("fiqus@coops.test").await;
    for path in [
        "/admin",
        "/admin/nodes",
        "/admin/domains",
        "/admin/coops",
        "/admin/log",
    ] {
        let refused = member.get(path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            refused.body.contains("only node admins"),
            "{}",
            refused.body
        );
    }
    let mut admin = Browser::new(&s);
    let form = admin.get("/sign-in").await;
    let csrf = Browser::csrf(&form);
    let done = admin
        .post(
            "/sign-in",
            &[
                ("email", "admin@coops.test"),
                ("password", crate::common::PASSWORD),
                ("csrf", &csrf),
                ("next", "/workspace"),
            ],
        )
        .await;
    assert_eq!(done.location, "/admin");
    let desk = admin.get("/admin").await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.body);
    assert!(desk.body.contains("Running this node"));
    assert_eq!(admin.get("/workspace").await.location, "/admin");
    let csrf = Browser::csrf(&desk);
    for path in [
        "/admin/policy",
        "/admin/deliveries/retry",
        "/admin/nodes",
        "/admin/nodes/x.test/unfollow",
        "/admin/domains/blocks",
        "/admin/domains/import",
        "/admin/domains/allows",
        "/admin/domains/blocks/x.test/remove",
        "/admin/coops",
        "/admin/coops/fiqus/delete",
    ] {
        let bare = admin
            .post(path, &[("domain", "evil.test"), ("confirm", "fiqus")])
            .await;
        assert_eq!(bare.status, StatusCode::FORBIDDEN, "{path} without a token");
    }
    let (st, _) = s.get("/coops/fiqus", None).await;
    assert_eq!(st, StatusCode::OK, "nothing was done without a token");
    // A member's session token is not an admin's.
    let theirs = Browser::csrf(&member.get("/workspace").await);
    let forged = admin
        .post(
            "/admin/coops/fiqus/delete",
            &[("csrf", &theirs), ("confirm", "fiqus")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_ne!(theirs, csrf);
    s.stop().await;
}

async fn blocks(s: &TestServer, admin: &str) -> Vec<String> {
    let (st, body) = s.get("/admin/blocks", Some(admin)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            format!(
                "{}:{}",
                b["domain"].as_str().unwrap(),
                b["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_set_the_policy_block_import_export_and_allow_from_the_desk() {
    let s = TestServer::start().await;
    let api = s.admin().await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("admin@coops.test").await;

    let set = b
        .post(
            "/admin/policy",
            &[
                ("csrf", &csrf),
                ("federation_mode", "allowlist"),
                ("node_follow_approval", "manual"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let (_, policy) = s.get("/admin/policy", Some(&api)).await;
    assert_eq!(
        policy,
        serde_json::json!({"federation_mode": "allowlist", "node_follow_approval": "manual"})
    );
    let bad = b
        .post(
            "/admin/policy",
            &[
                ("csrf", &csrf),
                ("federation_mode", "closed"),
                ("node_follow_approval", "auto"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, policy) = s.get("/admin/policy", Some(&api)).await;
    assert_eq!(
        policy["node_follow_approval"], "manual",
        "a refused form changes nothing"
    );

    // Blocks: a bad domain shown next to the form, then one blocked.
    let refused = b
        .post(
            "/admin/domains/blocks",
            &[
                ("csrf", &csrf),
                ("domain", "not a domain!"),
                ("severity", "suspend"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"block-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"not a domain!\""));
    let own = b
        .post(
            "/admin/domains/blocks",
            &[
                ("csrf", &csrf),
                ("domain", "coops.test"),
                ("severity", "suspend"),
            ],
        )
        .await;
    assert_eq!(
        own.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "this node itself"
    );
    assert!(blocks(&s, &api).await.is_empty());
    let done = b
        .post(
            "/admin/domains/blocks",
            &[
                ("csrf", &csrf),
                ("domain", "Spam.Example"),
                ("severity", "limit"),
                ("public_comment", "<b>spam</b>"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(blocks(&s, &api).await, ["spam.example:limit"]);
    let page = b.get("/admin/domains").await;
    assert!(
        page.body.contains("&#60;b&#62;spam") || page.body.contains("&lt;b&gt;spam"),
        "{}",
        page.body
    );

    // Import: a bad row refuses the whole list; a good one adds.
    let csv_bad = "#domain,#severity\nbad.example,suspend\n,suspend\n";
    let r = b
        .post(
            "/admin/domains/import",
            &[("csrf", &csrf), ("csv", csv_bad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"import-error\""), "{}", r.body);
    assert_eq!(blocks(&s, &api).await.len(), 1);
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
               bad.example,suspend,false,false,abuse,false\nspam.example,suspend,false,false,,false\n";
    let r = b
        .post("/admin/domains/import", &[("csrf", &csrf), ("csv", csv)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("Imported: 1 added, 1 already blocked"),
        "{}",
        r.body
    );
    let mut now = blocks(&s, &api).await;
    now.sort();
    assert_eq!(now, ["bad.example:suspend", "spam.example:limit"]);
    let export = b.get("/admin/domains/blocks.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(
        export.body.contains("bad.example,suspend") && export.body.contains("spam.example,silence"),
        "{}",
        export.body
    );

    // Allows, then lifting a block and an allow.
    let r = b
        .post(
            "/admin/domains/allows",
            &[("csrf", &csrf), ("domain", "friends.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, allows) = s.get("/admin/allows", Some(&api)).await;
    assert_eq!(allows["items"][0]["domain"], "friends.example");
    let r = b
        .post(
            "/admin/domains/blocks/spam.example/remove",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b
        .post(
            "/admin/domains/allows/friends.example/remove",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(blocks(&s, &api).await, ["bad.example:suspend"]);
    let (_, allows) = s.get("/admin/allows", Some(&api)).await;
    assert_eq!(allows["items"], serde_json::json!([]));

    // Each change is in the log, with who did it.
    let log = b.get("/admin/log").await;
    for action in ["policy.mode", "policy.node_approval", "block", "allow"] {
        assert!(
            log.body.contains(action),
            "{action} missing from the log: {}",
            log.body
        );
    }
    assert!(log.body.contains("admin@coops.test"));
    s.stop().await;
}

/// How often the first waiting delivery has been tried.
async fn attempts(s: &TestServer) -> i32 {
    queued(s).await.first().map(|d| d.attempts).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_create_and_delete_coops_and_retry_a_failing_host() {
    let s = TestServer::start().await;
    s.admin().await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("admin@coops.test").await;

    let bad = b
        .post(
            "/admin/coops",
            &[
                ("csrf", &csrf),
                ("handle", "Not A Handle"),
                ("display_name", "X"),
                ("email", "x@coops.test"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"handle-error\""), "{}", bad.body);
    assert!(
        !bad.body.contains("long enough password"),
        "the password is never sent back"
    );
    let made = b
        .post(
            "/admin/coops",
            &[
                ("csrf", &csrf),
                ("handle", "tejido"),
                ("display_name", "Tejido Coop"),
                ("email", "hola@tejido.test"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let token = s.login("hola@tejido.test", "long enough password").await;
    assert!(!token.is_empty());
    let twice = b
        .post(
            "/admin/coops",
            &[
                ("csrf", &csrf),
                ("handle", "tejido2"),
                ("display_name", "Again"),
                ("email", "hola@tejido.test"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("role=\"alert\""), "{}", twice.body);
    let list = b.get("/admin/coops").await;
    assert!(list.body.contains("Tejido Coop"));

    let wrong = b
        .post(
            "/admin/coops/tejido/delete",
            &[("csrf", &csrf), ("confirm", "tejid")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = s.get("/coops/tejido", None).await;
    assert_eq!(st, StatusCode::OK, "not deleted without the handle typed");
    let gone = b
        .post(
            "/admin/coops/tejido/delete",
            &[("csrf", &csrf), ("confirm", "tejido")],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let (st, _) = s.get("/coops/tejido", None).await;
    assert_ne!(st, StatusCode::OK);

    // A host that keeps failing shows in the queue; "try now" sends again.
    s.coop("fiqus").await;
    let receiver = Receiver::start(0, 100).await;
    let inbox = receiver.inbox("/inbox");
    let host = format!("{}:{}", inbox.host_str().unwrap(), inbox.port().unwrap());
    queue(&s, "fiqus", activity(1), vec![inbox]).await;
    eventually(
        "the first attempt failed",
        Duration::from_secs(30),
        || async { (attempts(&s).await >= 1).then_some(()) },
    )
    .await;
    let desk = b.get("/admin").await;
    assert!(
        desk.body
            .contains(&format!("<th scope=\"row\">{host}</th><td>1</td>")),
        "{}",
        desk.body
    );
    assert!(
        desk.body.contains("503"),
        "the last error is shown: {}",
        desk.body
    );
    let retry = b
        .post(
            "/admin/deliveries/retry",
            &[("csrf", &csrf), ("host", &host)],
        )
        .await;
    assert_eq!(retry.status, StatusCode::SEE_OTHER);
    eventually(
        "a second attempt at once",
        Duration::from_secs(20),
        || async { (attempts(&s).await >= 2).then_some(()) },
    )
    .await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_block_list_file_bigger_than_a_form_is_uploaded_with_its_csrf_token_first() {
    let s = TestServer::start().await;
    let api = s.admin().await;
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("admin@coops.test").await;
    let page = b.get("/admin/domains").await;
    assert!(
        page.body
            .contains("action=\"/admin/domains/upload\" enctype=\"multipart/form-data\""),
        "{}",
        page.body
    );

    // 5,000 domains: about 200 KB, past the 64 KiB a pasted list may be.
    let mut csv = String::from(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n",
    );
    for i in 0..5_000 {
        csv.push_str(&format!(
            "spam-{i:05}.example,suspend,false,false,a long public comment,false\n"
        ));
    }
    assert!(csv.len() > 64 * 1024);
    let file = csv.as_bytes();

    // Without the token first: refused (403) before the file is read, so
    // the server may close the connection on a body still being sent;
    // either way nothing is added.
    for parts in [
        vec![("file", file, Some("domain_blocks.csv"))],
        vec![
            ("csrf", &b"nope"[..], None),
            ("file", file, Some("domain_blocks.csv")),
        ],
    ] {
        if let Ok(refused) = b.try_post_multipart("/admin/domains/upload", &parts).await {
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        }
    }
    assert!(blocks(&s, &api).await.is_empty());

    // Not text: the form again with the error, nothing added.
    let binary = b
        .post_multipart(
            "/admin/domains/upload",
            &[
                ("csrf", csrf.as_bytes(), None),
                ("file", &[0xff, 0xfe, 0x00], Some("x.csv")),
            ],
        )
        .await;
    assert_eq!(
        binary.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        binary.body
    );
    assert!(
        binary.body.contains("id=\"import-error\""),
        "{}",
        binary.body
    );

    let done = b
        .post_multipart(
            "/admin/domains/upload",
            &[
                ("csrf", csrf.as_bytes(), None),
                ("file", file, Some("domain_blocks.csv")),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Imported: 5000 added"), "{}", done.body);
    assert_eq!(blocks(&s, &api).await.len(), 5_000);

    // Past the API's 2 MiB: refused whole (413, or the connection closed
    // on a body still being sent), nothing more imported.
    let huge = vec![b'a'; 3 * 1024 * 1024];
    let too_big = b
        .try_post_multipart(
            "/admin/domains/upload",
            &[
                ("csrf", csrf.as_bytes(), None),
                ("file", &huge, Some("huge.csv")),
            ],
        )
        .await;
    if let Ok(answer) = too_big {
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(blocks(&s, &api).await.len(), 5_000);
    s.stop().await;
}
