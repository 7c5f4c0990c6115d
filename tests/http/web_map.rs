//! The network map on the landing page: both nodes' discs, every coop as a
//! focusable link with its ties, lines of each kind (a follow of another
//! server's coop, a strong match, an accepted introduction), the table
//! view of the same data, and hostile names as text.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_accepted, proposal_note, send_as, wrap};
use crate::web_client::Browser;

fn count(body: &str, needle: &str) -> usize {
    body.matches(needle).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_draws_both_nodes_and_every_kind_of_tie() {
    let s = TestServer::start().await;
    let a = s.coop("fiqus").await;
    let b = s.coop("hostcoop").await;
    for (token, name, email) in [
        (&a, "Fiqus <script>x</script>", "a@fiqus.test"),
        (&b, "Host Coop", "b@host.test"),
    ] {
        let (st, body) = s
            .patch(
                "/coop",
                token,
                json!({"display_name": name, "private_contact": {"email": email}}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    // A strong match here, then an accepted introduction about it.
    s.publish(
        &a,
        json!({"kind": "need", "category": "technical", "title": "Web hosting for our servers",
               "description": "Hosting for our Django apps.", "tags": ["hosting", "servers"]}),
    )
    .await;
    let offer = s
        .publish(
            &b,
            json!({"kind": "offer", "category": "technical", "title": "Hosting for your servers",
                   "description": "Hosting for Django apps.", "tags": ["hosting", "servers"]}),
        )
        .await;
    let (st, intro) = s
        .post(
            "/introductions",
            &a,
            json!({"proposal": offer["id"], "message": "Hello"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{intro}");
    let (st, body) = s
        .post(
            &format!("/introductions/{}/accept", intro["id"].as_str().unwrap()),
            &b,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // A coop on another server, followed, that publishes.
    let remote = Remote::start(&["ana"]).await;
    follow_accepted(&s, &a, &remote, "fiqus").await;
    let (st, body) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(
            &remote,
            "Create",
            "c1",
            proposal_note(&remote, 1, "Accounting help"),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{body}");

    // The matching index follows the database in the background: wait for
    // the match before the map (built at most every 10 s) is first read.
    crate::matches::matches_when(
        &s,
        &a,
        &{
            let (_, mine) = s.get("/proposals?mine=true", Some(&a)).await;
            mine["items"][0]["id"].as_str().unwrap().to_string()
        },
        "the strong match",
        |m| !m.is_empty(),
    )
    .await;

    let mut browser = Browser::new(&s);
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let body = &home.body;
    let map =
        &body[body.find("<figure class=\"map\">").expect("a map")..body.find("</figure>").unwrap()];
    // Two discs, this node's marked, with the nodes' names.
    assert_eq!(count(map, "<circle class=\"disc"), 2, "{map}");
    assert_eq!(count(map, "class=\"disc here\""), 1);
    assert!(map.contains(">coops.test</text>"), "{map}");
    assert!(
        map.contains(&format!(">{}</text>", remote.domain())),
        "{map}"
    );
    // Three coops, each a link to its page with a spoken label.
    assert_eq!(count(map, "<a class=\"coop\""), 3, "{map}");
    assert!(map.contains("href=\"https://coops.test/actors/fiqus\""));
    assert!(map.contains(&format!("href=\"{}\"", remote.actor("ana"))));
    assert!(
        map.contains("aria-label=\"Host Coop, on coops.test: 2 ties\""),
        "{map}"
    );
    // One line of each kind, each shown again in both of its coops.
    assert_eq!(count(map, "<line id=\"t"), 3);
    for kind in ["follow", "match", "introduction"] {
        assert_eq!(count(map, &format!("class=\"{kind}\"")), 1, "{kind}: {map}");
    }
    assert_eq!(count(map, "<use href=\"#t"), 6);
    assert!(map.contains("3 coops on 2 nodes, 3 ties."), "{map}");
    // The hostile name is text, in the map and in the table.
    assert!(!body.contains("<script>x"), "{body}");
    assert!(map.contains("Fiqus &#60;script&#62;x") || map.contains("Fiqus &lt;script&gt;x"));
    let table = &body[body.find("id=\"map-table\"").unwrap()..];
    assert!(
        table.contains("strong match") && table.contains("introduced") && table.contains("follows")
    );
    // Public pages go compressed to browsers that take it.
    let gz = s
        .http
        .get(format!("{}/", s.origin()))
        .header("accept", "text/html")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    // Spanish too.
    let es = browser.get("/?lang=es").await;
    assert!(
        es.body.contains("3 cooperativas en 2 nodos, 3 vínculos."),
        "{}",
        es.body
    );
    s.stop().await;
}
