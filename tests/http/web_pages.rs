//! The web face's pages through a real server: the landing page, a coop's
//! and a proposal's page at their ActivityPub URLs for browsers (JSON for
//! servers), the language switch, security headers, and hostile text from
//! coops and other servers shown as text.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_accepted, proposal_note, send_as, wrap};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

struct Page {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

async fn browse(s: &TestServer, path: &str, extra: &[(&str, &str)]) -> Page {
    let mut req = s
        .http
        .get(format!("{}{path}", s.origin()))
        .header("accept", BROWSER);
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let r = req.send().await.unwrap();
    Page {
        status: r.status(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap(),
    }
}

fn header<'a>(p: &'a Page, name: &str) -> &'a str {
    p.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_answer_browsers_in_their_language_and_servers_with_activitypub() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let (st, b) = s
        .patch(
            "/coop",
            &token,
            json!({"display_name": "Fiqus <img src=x onerror=alert(1)>", "about": "We build **free software**.",
                   "website": "https://fiqus.coop", "languages": ["es"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    let need = s
        .publish(
            &token,
            json!({"kind": "need", "category": "technical", "title": "Hosting <script>alert(1)</script>",
                   "description": "Managed *Nextcloud*.", "tags": ["hosting"]}),
        )
        .await;
    let id = need["id"].as_str().unwrap();

    // The landing page, English by default, Spanish when the browser asks.
    let home = browse(&s, "/", &[]).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(header(&home, "content-type").starts_with("text/html"));
    assert!(home.body.contains("<html lang=\"en\">"), "{}", home.body);
    assert!(home.body.contains("open need or offer"), "{}", home.body);
    let csp = header(&home, "content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&home, "x-frame-options"), "DENY");
    let es = browse(&s, "/", &[("accept-language", "es-AR,es;q=0.9,en;q=0.5")]).await;
    assert!(es.body.contains("<html lang=\"es\">"));
    assert!(
        es.body.contains("necesidad u oferta abierta"),
        "{}",
        es.body
    );
    // The switch wins over the browser, and is remembered.
    let switched = browse(&s, "/?lang=es", &[("accept-language", "en")]).await;
    assert!(switched.body.contains("<html lang=\"es\">"));
    let cookie = header(&switched, "set-cookie");
    assert!(
        cookie.starts_with("lang=es;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let remembered = browse(&s, "/", &[("accept-language", "en"), ("cookie", "lang=es")]).await;
    assert!(remembered.body.contains("<html lang=\"es\">"));

    // Hostile text is shown as text, never as markup.
    for page in [&home, &es] {
        assert!(!page.body.contains("<script>alert"), "{}", page.body);
        assert!(!page.body.contains("<img src=x"), "{}", page.body);
        assert!(
            page.body.contains("Hosting &#60;script&#62;"),
            "{}",
            page.body
        );
    }

    // A coop's actor URL: its page for browsers, its actor for servers.
    let coop = browse(&s, "/actors/fiqus", &[]).await;
    assert_eq!(coop.status, StatusCode::OK);
    assert!(header(&coop, "content-type").starts_with("text/html"));
    assert_eq!(header(&coop, "vary"), "Accept");
    assert!(
        coop.body.contains(
            "<div class=\"content\" lang=\"es\"><p>We build <strong>free software</strong>.</p>"
        ),
        "{}",
        coop.body
    );
    assert!(
        coop.body
            .contains("rel=\"me nofollow noopener noreferrer\""),
        "{}",
        coop.body
    );
    assert!(coop.body.contains("<link rel=\"alternate\" type=\"application/activity+json\" href=\"https://coops.test/actors/fiqus\">"));
    assert!(coop.body.contains("<meta property=\"og:title\""));
    assert!(
        coop.body.contains(&format!("/proposals/{id}")),
        "its open needs and offers"
    );
    for accept in [
        "application/activity+json",
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        "*/*",
    ] {
        let (st, kind, doc) = {
            let r = s
                .http
                .get(format!("{}/actors/fiqus", s.origin()))
                .header("accept", accept)
                .send()
                .await
                .unwrap();
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            let vary = r
                .headers()
                .get("vary")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(vary.as_deref(), Some("Accept"), "{accept}");
            (
                r.status(),
                kind,
                r.json::<serde_json::Value>().await.unwrap(),
            )
        };
        assert_eq!(st, StatusCode::OK, "{accept}");
        assert!(
            kind.starts_with("application/activity+json"),
            "{accept}: {kind}"
        );
        assert_eq!(doc["type"], "Organization");
    }

    // A proposal's Note URL, the same way.
    let page = browse(&s, &format!("/proposals/{id}?lang=es"), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<span class=\"kind need\">Necesidad</span>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<p>Managed <em>Nextcloud</em>.</p>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<meta property=\"og:title\" content=\"Necesidad: Hosting &#60;script&#62;"),
        "{}",
        page.body
    );
    assert!(header(&page, "set-cookie").starts_with("lang=es"));
    let (st, _, note) = s.fetch(&format!("/proposals/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(note["type"], "Note");

    // Nothing there: a page that says so, with the status.
    for path in [
        "/actors/nobody",
        "/proposals/01900000-0000-7000-8000-000000000000",
        "/proposals/x",
    ] {
        let missing = browse(&s, path, &[]).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            missing.body.contains("<h1>Not found</h1>"),
            "{path}: {}",
            missing.body
        );
    }

    // The stylesheet, from the binary.
    let css = s
        .http
        .get(format!("{}/assets/intercoop.css", s.origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(css.text().await.unwrap().contains(":focus-visible"));
    s.stop().await;
}

/// Text and links received from other servers are shown as text, and a
/// link that is not https is never made a link.
#[tokio::test(flavor = "multi_thread")]
async fn received_needs_and_offers_are_listed_with_their_hostile_text_escaped() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    follow_accepted(&s, &token, &remote, "fiqus").await;
    let mut note = proposal_note(&remote, 1, "<script>alert('remote')</script> hosting");
    note["url"] = json!("javascript:alert(1)");
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(&remote, "Create", "c1", note),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    let home = browse(&s, "/", &[]).await;
    assert!(
        home.body
            .contains("&#60;script&#62;alert(&#39;remote&#39;)"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("<script>"), "{}", home.body);
    assert!(!home.body.contains("javascript:"), "{}", home.body);
    // Its link goes to the object on its own server.
    assert!(
        home.body
            .contains(&format!("href=\"{}\"", remote.object_url(1))),
        "{}",
        home.body
    );
    assert!(
        home.body.contains(&format!("from {}", remote.domain())),
        "{}",
        home.body
    );
    s.stop().await;
}

/// The Atom feeds read back by a feed parser from the registry: well formed,
/// with hostile text as text, newest first.
#[tokio::test(flavor = "multi_thread")]
async fn atom_feeds_of_the_node_and_of_a_coop() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    let tierra = s.coop("tierra").await;
    let hostile = "Hosting <script>alert(1)</script> & \"backups\"";
    let first = s
        .publish(
            &fiqus,
            json!({"kind": "need", "category": "technical", "title": hostile,
                   "description": "Managed *Nextcloud* </content>]]>", "tags": ["hosting"]}),
        )
        .await;
    s.publish(&tierra, crate::common::need("Accounting help"))
        .await;

    let read = |path: &'static str| {
        let s = &s;
        async move {
            let r = s
                .http
                .get(format!("{}{path}", s.origin()))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let kind = r.headers()["content-type"].to_str().unwrap().to_string();
            assert!(kind.starts_with("application/atom+xml"), "{kind}");
            let body = r.text().await.unwrap();
            atom_syndication::Feed::read_from(body.as_bytes())
                .unwrap_or_else(|e| panic!("{path} is not Atom: {e}\n{body}"))
        }
    };
    let node = read("/feed.atom").await;
    assert_eq!(node.entries().len(), 2);
    assert_eq!(
        node.entries()[0].title().as_str(),
        "Need: Accounting help",
        "newest first"
    );
    let entry = &node.entries()[1];
    assert_eq!(entry.title().as_str(), format!("Need: {hostile}"));
    assert_eq!(
        entry.id(),
        format!(
            "https://coops.test/proposals/{}",
            first["id"].as_str().unwrap()
        )
    );
    assert_eq!(
        entry.authors()[0].uri(),
        Some("https://coops.test/actors/fiqus")
    );
    let content = entry.content().and_then(|c| c.value()).unwrap();
    assert!(content.contains("<em>Nextcloud</em>"), "{content}");
    let terms: Vec<&str> = entry.categories().iter().map(|c| c.term()).collect();
    assert_eq!(terms, ["Need", "Technical", "hosting"]);

    let coop = read("/actors/fiqus/feed.atom").await;
    assert_eq!(coop.entries().len(), 1);
    assert_eq!(coop.id(), "https://coops.test/actors/fiqus/feed.atom");
    let missing = s
        .http
        .get(format!("{}/actors/nobody/feed.atom", s.origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // Pages point feed readers at them.
    let page = browse(&s, "/actors/fiqus", &[]).await;
    assert!(
        page.body.contains("type=\"application/atom+xml\""),
        "{}",
        page.body
    );
    s.stop().await;
}

/// The directory page: filters by GET, paging that keeps them, and a bad
/// filter shown again with its message next to the field and no results.
#[tokio::test(flavor = "multi_thread")]
async fn the_directory_filters_pages_and_refuses_bad_filters_in_place() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    for i in 0..21 {
        s.publish(&token, crate::common::need(&format!("Need number {i}")))
            .await;
    }
    s.publish(
        &token,
        json!({"kind": "offer", "category": "knowledge", "title": "Rust <b>training</b>", "tags": ["rust"]}),
    )
    .await;

    let all = browse(&s, "/directory", &[]).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("1–20 of 22"), "{}", all.body);
    assert!(
        all.body.contains("Rust &#60;b&#62;training&#60;/b&#62;"),
        "escaped: {}",
        all.body
    );
    // The next page starts after the last entry shown (keyset paging):
    // the same entries as skipping 20, without reading the first 20.
    let next = link_to(&all.body, "next").expect("a link to the next page");
    assert!(next.starts_with("/directory?offset=20&after="), "{next}");
    let older = browse(&s, &next, &[]).await;
    assert_eq!(older.status, StatusCode::OK, "{}", older.body);
    assert!(older.body.contains("21–22 of 22"), "{}", older.body);
    assert!(older.body.contains("rel=\"prev\""));
    assert!(!older.body.contains("rel=\"next\""));
    let skipped = browse(&s, "/directory?offset=20", &[]).await;
    let cards = |body: &str| -> Vec<String> {
        body.split("<h3>")
            .skip(1)
            .map(|c| c.split("</h3>").next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(cards(&older.body), cards(&skipped.body));
    assert_eq!(cards(&older.body).len(), 2, "{}", older.body);
    // A key this list did not give out: refused in place.
    let forged = browse(&s, "/directory?offset=20&after=yesterday", &[]).await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        forged.body.contains("is not a key this list gave out"),
        "{}",
        forged.body
    );

    let offers = browse(&s, "/directory?kind=offer&tag=rust&lang=es", &[]).await;
    assert!(offers.body.contains("1–1 de 1"), "{}", offers.body);
    assert!(
        offers
            .body
            .contains("<option value=\"offer\" selected>Oferta</option>"),
        "the filter stays chosen"
    );
    let needs = browse(&s, "/directory?kind=need&q=number+2", &[]).await;
    assert!(needs.body.contains("Need number 2<"), "{}", needs.body);
    assert!(!needs.body.contains("Rust"), "{}", needs.body);

    for (query, field) in [
        ("kind=gift", "kind"),
        ("country=ZZ&q=kept", "country"),
        ("offset=999999", "offset"),
    ] {
        let refused = browse(&s, &format!("/directory?{query}"), &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(
            refused.body.contains("role=\"alert\""),
            "{query}: {}",
            refused.body
        );
        if field != "offset" {
            assert!(
                refused
                    .body
                    .contains(&format!("id=\"{field}-error\" class=\"error\"")),
                "{query}: {}",
                refused.body
            );
            assert!(
                refused
                    .body
                    .contains(&format!("aria-describedby=\"{field}-error\"")),
                "{query}"
            );
        }
        assert!(
            !refused.body.contains("id=\"results\""),
            "no results on a refusal: {query}"
        );
    }
    let kept = browse(&s, "/directory?country=ZZ&q=kept", &[]).await;
    assert!(
        kept.body
            .contains("id=\"q\" name=\"q\" type=\"text\" value=\"kept\""),
        "{}",
        kept.body
    );
    s.stop().await;
}

/// The directory of coops: here and elsewhere, by name, filtered, paged,
/// bad filters refused in place, hostile names as text.
#[tokio::test(flavor = "multi_thread")]
async fn the_directory_of_coops_lists_filters_and_pages() {
    let s = TestServer::start().await;
    for i in 0..31 {
        let token = s.coop(&format!("coop{i:02}")).await;
        if i == 0 {
            let (st, b) = s
                .patch(
                    "/coop",
                    &token,
                    json!({"display_name": "Aaa <script>x</script>", "country": "AR", "languages": ["es"]}),
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{b}");
        }
    }
    let token = s.coop("fiqus").await;
    let remote = Remote::start(&["ana"]).await;
    follow_accepted(&s, &token, &remote, "fiqus").await;
    let (st, b) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &wrap(
            &remote,
            "Create",
            "c1",
            proposal_note(&remote, 1, "Hosting"),
        ),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{b}");

    let all = browse(&s, "/coops", &[]).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("1–30 of 33"), "{}", all.body);
    assert!(all.body.contains("Aaa &#60;script&#62;x"), "{}", all.body);
    assert!(!all.body.contains("<script>x"));
    assert!(all
        .body
        .contains("href=\"https://coops.test/actors/coop00\""));
    assert!(
        all.body.contains("href=\"/coops?offset=30\" rel=\"next\""),
        "{}",
        all.body
    );
    let rest = browse(&s, "/coops?offset=30", &[]).await;
    assert!(rest.body.contains("31–33 of 33"), "{}", rest.body);
    // The coop from the other server, with its node named and linked there.
    // (Its test server's `localhost:port` is no domain the node filter takes.)
    let there = browse(&s, "/coops?q=ana", &[]).await;
    assert!(there.body.contains("1–1 of 1"), "{}", there.body);
    assert!(
        there
            .body
            .contains(&format!("href=\"{}\"", remote.actor("ana"))),
        "{}",
        there.body
    );
    assert!(there.body.contains(&format!("from {}", remote.domain())));
    let argentina = browse(&s, "/coops?country=AR&language=es&lang=es", &[]).await;
    assert!(argentina.body.contains("1–1 de 1"), "{}", argentina.body);
    assert!(
        argentina.body.contains("value=\"AR\""),
        "the filter stays typed"
    );
    let refused = browse(&s, "/coops?country=ZZ", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("id=\"country-error\" class=\"error\""),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("coop00"), "no results on refusal");
    s.stop().await;
}

/// The link to another page (`rel` = `next` or `prev`), unescaped.
fn link_to(body: &str, rel: &str) -> Option<String> {
    body.split("href=\"").find_map(|rest| {
        let (href, tail) = rest.split_once('"')?;
        tail.starts_with(&format!(" rel=\"{rel}\""))
            .then(|| href.replace("&#38;", "&").replace("&amp;", "&"))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_directory_pages_forward_and_back_by_the_entries_shown() {
    let s = TestServer::start().await;
    let token = s.coop("fiqus").await;
    for i in 0..45 {
        s.publish(&token, crate::common::need(&format!("Need number {i}")))
            .await;
    }
    let cards = |body: &str| -> Vec<String> {
        body.split("<h3>")
            .skip(1)
            .map(|c| c.split("</h3>").next().unwrap_or_default().to_string())
            .collect()
    };
    let by_offset = |offset: i64| {
        let s = &s;
        async move {
            cards(
                &browse(s, &format!("/directory?offset={offset}"), &[])
                    .await
                    .body,
            )
        }
    };

    // Forward to the last page by "next", back to the first by "previous".
    let mut page = browse(&s, "/directory", &[]).await;
    let mut seen = vec![cards(&page.body)];
    while let Some(next) = link_to(&page.body, "next") {
        assert!(next.contains("&after="), "{next}");
        page = browse(&s, &next, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        seen.push(cards(&page.body));
        assert!(seen.len() <= 3, "the walk ends");
    }
    assert_eq!(seen.len(), 3);
    assert!(page.body.contains("41–45 of 45"), "{}", page.body);
    for (i, cards) in seen.iter().enumerate() {
        assert_eq!(cards, &by_offset(20 * i as i64).await, "page {i}");
    }
    let back = link_to(&page.body, "prev").expect("a previous page");
    assert!(back.starts_with("/directory?offset=20&before="), "{back}");
    let middle = browse(&s, &back, &[]).await;
    assert!(middle.body.contains("21–40 of 45"), "{}", middle.body);
    assert_eq!(cards(&middle.body), seen[1]);
    let first = link_to(&middle.body, "prev").expect("the first page");
    assert_eq!(first, "/directory");
    // Both keys at once: refused.
    let key = back.split("before=").nth(1).unwrap_or_default();
    let both = browse(
        &s,
        &format!("/directory?offset=20&before={key}&after={key}"),
        &[],
    )
    .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    s.stop().await;
}
