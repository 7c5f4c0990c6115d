//! The workspace's solidarity circles page (a ring of three coops shown
//! from each of them in ring order, in the visitor's language, and gone
//! once one link closes its offer), and the reasons of matches said in the
//! page's language.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::common::TestServer;
use crate::web_client::Browser;

const WAIT: Duration = Duration::from_secs(30);

/// The circles page once `check` holds for its body (matching works in
/// the background, so a ring appears a moment after the last offer).
async fn circles_page_when(b: &mut Browser, what: &str, check: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let page = b.get("/workspace/circles").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if check(&page.body) {
            return page.body;
        }
        assert!(
            started.elapsed() < WAIT,
            "timed out waiting for {what}: {}",
            page.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the ring's steps, tags stripped and spaces folded.
fn steps(body: &str) -> Vec<String> {
    let Some(start) = body.find("<ol class=\"ring\">") else {
        return Vec::new();
    };
    let end = start + body[start..].find("</ol>").unwrap_or(0);
    body[start..end]
        .split("<li>")
        .skip(1)
        .map(|li| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in li.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn three_coops_helping_in_turn_see_their_circle_in_the_workspace() {
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

    let mut hosts = Browser::new(&s);
    hosts.sign_in("hosts@coops.test").await;
    let page = circles_page_when(&mut hosts, "the ring", |p| p.contains("class=\"ring\"")).await;
    assert!(
        page.contains("aria-current=\"page\">Solidarity circles"),
        "{page}"
    );
    assert_eq!(
        steps(&page),
        [
            "Your coop offers Server hosting to Coop books, for its need Server hosting.",
            "Coop books offers Accounting software to Coop webs, for its need Accounting software.",
            "Coop webs offers Website design to your coop, for its need Website design.",
        ],
        "{page}"
    );
    assert!(page.contains("A circle of 3 coops"), "{page}");

    // From another coop of the ring, in Spanish, starting with it.
    let mut books = Browser::new(&s);
    books.sign_in("books@coops.test").await;
    let page = books.get("/workspace/circles?lang=es").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Un círculo de 3 cooperativas"),
        "{}",
        page.body
    );
    let seen = steps(&page.body);
    assert_eq!(seen.len(), 3, "{}", page.body);
    assert!(
        seen[0].starts_with("Tu cooperativa ofrece Accounting software a Coop webs"),
        "{seen:?}"
    );

    // One link closes its offer: the ring is gone.
    let id = websites["id"].as_str().unwrap_or_default();
    let (st, body) = s
        .patch(&format!("/proposals/{id}"), &c, json!({"status": "closed"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let page = circles_page_when(&mut hosts, "no ring", |p| !p.contains("class=\"ring\"")).await;
    assert!(page.contains("No circle yet"), "{page}");

    // Signed out, the page sends the browser to sign in.
    let away = Browser::new(&s).get("/workspace/circles").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    s.stop().await;
}

/// The reasons of a match on the workspace's page: the API's English words
/// exactly in English, and in Spanish in Spanish, language names included.
#[tokio::test(flavor = "multi_thread")]
async fn match_reasons_are_said_in_the_page_language() {
    let s = TestServer::start().await;
    let a = s.coop("hosts").await;
    let b = s.coop("books").await;
    for token in [&a, &b] {
        let (st, body) = s
            .patch("/coop", token, json!({"languages": ["es", "en"]}))
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let need = s
        .publish(
            &a,
            json!({"kind": "need", "category": "technical", "title": "Server hosting",
                   "tags": ["hosting", "servers"], "remote": true}),
        )
        .await;
    s.publish(
        &b,
        json!({"kind": "offer", "category": "technical", "title": "Server hosting",
               "tags": ["hosting", "servers"], "remote": true, "deadline": tomorrow}),
    )
    .await;
    let id = need["id"].as_str().unwrap_or_default().to_string();
    let found = crate::matches::matches_when(&s, &a, &id, "the match", |m| !m.is_empty()).await;
    let english: Vec<String> = found[0]["reasons"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["text"].as_str().map(String::from))
        .collect();
    for expected in [
        "they offer hosting and server in Spanish",
        "both tagged #hosting and #servers",
        "both can work remotely",
        "you both work in Spanish and English",
        "their deadline is tomorrow",
    ] {
        assert!(
            english.iter().any(|t| t == expected),
            "{expected}: {english:?}"
        );
    }

    let mut browser = Browser::new(&s);
    browser.sign_in("hosts@coops.test").await;
    let page = browser.get("/workspace/matches?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in &english {
        assert!(
            page.body.contains(&format!("<li>{text}</li>")),
            "{text}: {}",
            page.body
        );
    }
    let page = browser.get("/workspace/matches?lang=es").await;
    for expected in [
        "<li>ofrecen hosting y server en español</li>",
        "<li>ambas etiquetadas #hosting y #servers</li>",
        "<li>ambas pueden trabajar a distancia</li>",
        "<li>ambas trabajan en español e inglés</li>",
        "<li>su plazo vence mañana</li>",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(!page.body.contains("lang=\"en\"><li>"), "{}", page.body);
    s.stop().await;
}

/// An offer filed under another category than the need answers when the
/// texts say the same, below a direct fit, and the reason names its
/// category in the API's English and in the page's language.
#[tokio::test(flavor = "multi_thread")]
async fn an_offer_of_another_category_is_a_match_that_says_so() {
    let s = TestServer::start().await;
    let a = s.coop("makers").await;
    let b = s.coop("numbers").await;
    let c = s.coop("keepers").await;
    let text = "Bookkeeping, invoices and bank reconciliation for three months";
    let need = s
        .publish(
            &a,
            json!({"kind": "need", "category": "human", "title": text}),
        )
        .await;
    let id = need["id"].as_str().unwrap_or_default().to_string();
    let across = s
        .publish(
            &b,
            json!({"kind": "offer", "category": "knowledge", "title": text}),
        )
        .await;
    let direct = s
        .publish(
            &c,
            json!({"kind": "offer", "category": "human", "title": text}),
        )
        .await;
    let found = crate::matches::matches_when(&s, &a, &id, "both offers", |m| m.len() == 2).await;
    let order: Vec<&str> = found
        .iter()
        .filter_map(|m| m["proposal"]["id"].as_str())
        .collect();
    assert_eq!(
        order,
        [
            direct["id"].as_str().unwrap_or_default(),
            across["id"].as_str().unwrap_or_default()
        ]
    );
    assert_eq!(found[1]["parts"]["category"], json!(-0.2));
    assert_eq!(found[0]["parts"]["category"], json!(0.0));
    let said: Vec<(&str, &str)> = found[1]["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| Some((r["code"].as_str()?, r["text"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        said.contains(&("category", "filed under knowledge, but about the same")),
        "{said:?}"
    );

    let mut browser = Browser::new(&s);
    browser.sign_in("makers@coops.test").await;
    let page = browser.get("/workspace/matches?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<li>filed under “Knowledge”, but about the same</li>"),
        "{}",
        page.body
    );
    let page = browser.get("/workspace/matches?lang=es").await;
    assert!(
        page.body
            .contains("<li>clasificada como “Conocimiento”, pero trata de lo mismo</li>"),
        "{}",
        page.body
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_match_in_two_languages_says_which_words_mean_the_same() {
    let s = TestServer::start().await;
    let a = s.coop("rosario").await;
    let b = s.coop("leipzig").await;
    let need = s
        .publish(
            &a,
            json!({"kind": "need", "category": "financial",
                   "title": "Préstamo para renovar las computadoras"}),
        )
        .await;
    let id = need["id"].as_str().unwrap_or_default().to_string();
    s.publish(
        &b,
        json!({"kind": "offer", "category": "financial", "title": "Darlehen für neue Rechner"}),
    )
    .await;
    crate::matches::matches_when(&s, &a, &id, "the German offer", |m| m.len() == 1).await;

    let mut browser = Browser::new(&s);
    browser.sign_in("rosario@coops.test").await;
    for (lang, said) in [
        ("en", "<li>their “Darlehen” means your “Préstamo”</li>"),
        ("es", "<li>su «Darlehen» significa tu «Préstamo»</li>"),
    ] {
        let page = browser
            .get(&format!("/workspace/matches?lang={lang}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(said), "{lang}: {}", page.body);
    }
    s.stop().await;
}
