//! Gatherings through the API and the pages: planning one (times with
//! their zone, roles by handle), registering coops with their delegates in
//! speaking order, closing registration as a facilitator, and the
//! iCalendar files read back by an independent parser (the `ical` crate).
//! Every refusal changes nothing.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, TestServer};
use crate::web_client::Browser;

/// A day ten days from now, as `YYYY-MM-DD`.
fn day_ahead() -> String {
    (Utc::now() + Duration::days(10))
        .format("%Y-%m-%d")
        .to_string()
}

fn plan(day: &str) -> Value {
    json!({
        "title": "Monthly inter-coop call",
        "description": "Three rounds: about, needs, offers.",
        "starts_at": format!("{day}T15:00:00-03:00"),
        "ends_at": format!("{day}T16:30:00-03:00"),
        "time_zone": "America/Argentina/Buenos_Aires",
        "call_url": "https://meet.example/coops",
        "languages": ["es", "en"],
        "recurrence": "FREQ=MONTHLY;BYDAY=2TH",
        "facilitators": ["fiqus", "@cotech"],
        "note_taker": "third",
    })
}

async fn listed(s: &TestServer, query: &str) -> Vec<Value> {
    let (st, body) = s.get(&format!("/gatherings{query}"), None).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"].as_array().expect("items").clone()
}

fn handles(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|c| {
            c["handle"]
                .as_str()
                .or(c["coop"]["handle"].as_str())
                .expect("handle")
                .to_string()
        })
        .collect()
}

async fn calendar(
    s: &TestServer,
    path: &str,
) -> (String, ical::parser::ical::component::IcalCalendar) {
    let resp = reqwest::get(format!("{}{path}", s.origin()))
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::OK);
    let kind = resp.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_string();
    let body = resp.text().await.expect("body");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("parsed");
    assert!(parser.next().is_none(), "one calendar");
    (kind, cal)
}

fn property(
    event: &ical::parser::ical::component::IcalEvent,
    name: &str,
) -> (Option<String>, Vec<(String, Vec<String>)>) {
    let p = event
        .properties
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", event.properties));
    (p.value.clone(), p.params.clone().unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gathering_is_planned_joined_in_speaking_order_and_closed_by_its_facilitator() {
    let s = TestServer::start().await;
    let (fiqus, cotech, third) = (
        s.coop("fiqus").await,
        s.coop("cotech").await,
        s.coop("third").await,
    );
    let day = day_ahead();

    // Bad plans: each refused naming its field, and nothing is planned.
    let refusals: Vec<(Value, &str, &str)> = vec![
        (
            json!({"starts_at": format!("{day}T15:00:00")}),
            "starts_at",
            "has no time zone",
        ),
        (
            json!({"ends_at": format!("{day}T14:00:00-03:00")}),
            "ends_at",
            "must be after the start",
        ),
        (
            json!({"time_zone": "Mars/Olympus"}),
            "time_zone",
            "time zone name",
        ),
        (
            json!({"recurrence": "FREQ=WEEKLY"}),
            "recurrence",
            "monthly",
        ),
        (
            json!({"facilitators": ["nobody"]}),
            "facilitators",
            "no coop @nobody",
        ),
        (
            json!({"note_taker": "nobody"}),
            "note_taker",
            "no coop @nobody",
        ),
        (
            json!({"starts_at": "2020-01-01T15:00:00Z", "ends_at": "2020-01-01T16:00:00Z"}),
            "starts_at",
            "past",
        ),
    ];
    for (change, field, says) in refusals {
        let mut body = plan(&day);
        for (k, v) in change.as_object().expect("object") {
            body[k] = v.clone();
        }
        let (st, answer) = s.post("/gatherings", &fiqus, body).await;
        let message = assert_error(
            st,
            &answer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        assert!(
            message.starts_with(field) && message.contains(says),
            "{field}: {message}"
        );
    }
    let mut unknown = plan(&day);
    unknown["colour"] = json!("red");
    let (st, _) = s.post("/gatherings", &fiqus, unknown).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = s
        .call(Method::POST, "/gatherings", None, Some(plan(&day)))
        .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert!(listed(&s, "").await.is_empty());

    // Planned: times in UTC and in its zone, roles by handle.
    let (st, g) = s.post("/gatherings", &fiqus, plan(&day)).await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().expect("id").to_string();
    assert_eq!(g["starts_at"], json!(format!("{day}T18:00:00Z")));
    assert_eq!(g["starts_at_local"], json!(format!("{day}T15:00:00-03:00")));
    assert_eq!(g["time_zone"], "America/Argentina/Buenos_Aires");
    assert_eq!(g["recurrence"], "FREQ=MONTHLY;BYDAY=2TH");
    assert_eq!(g["next_occurrences"].as_array().map(Vec::len), Some(3));
    assert_eq!(g["organiser"]["handle"], "fiqus");
    assert_eq!(handles(&g["facilitators"]), ["fiqus", "cotech"]);
    assert_eq!(g["note_taker"]["handle"], "third");
    assert_eq!(g["registration_open"], true);
    assert_eq!(
        g["url"],
        json!(format!("https://coops.test/gatherings/{id}"))
    );

    // Coops register with their delegates, in speaking order.
    let (st, body) = s
        .post(
            &format!("/gatherings/{id}/join"),
            &third,
            json!({"delegate": " "}),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s
        .post(
            &format!("/gatherings/{id}/join"),
            &cotech,
            json!({"delegate": "Ana"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) = s
        .post(
            &format!("/gatherings/{id}/join"),
            &cotech,
            json!({"delegate": "Ana"}),
        )
        .await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    let (st, body) = s
        .post(
            &format!("/gatherings/{id}/join"),
            &third,
            json!({"delegate": "Bea"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(handles(&body["participants"]), ["cotech", "third"]);
    assert_eq!(body["participants"][0]["delegate"], "Ana");
    let (st, body) = s
        .post(
            "/gatherings/no-such-id/join",
            &third,
            json!({"delegate": "Bea"}),
        )
        .await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");

    // Public: the list counts them, the gathering names them.
    let items = listed(&s, "").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["participant_count"], 2);
    assert!(listed(&s, "?when=past").await.is_empty());
    let (st, body) = s.get("/gatherings?when=soon", None).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s.get("/gatherings?cursor=garbage", None).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    // Only a facilitator closes registration; then nobody joins.
    let registration = format!("/gatherings/{id}/registration");
    let (st, body) = s
        .call(
            Method::PUT,
            &registration,
            Some(&third),
            Some(json!({"open": false})),
        )
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (_, body) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(body["registration_open"], true);
    let (st, body) = s
        .call(
            Method::PUT,
            &registration,
            Some(&cotech),
            Some(json!({"open": false})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["registration_open"], false);
    let (st, body) = s
        .post(
            &format!("/gatherings/{id}/join"),
            &fiqus,
            json!({"delegate": "Carla"}),
        )
        .await;
    let message = assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    assert!(message.contains("closed"), "{message}");

    // Withdrawing, once.
    let (st, body) = s
        .post(&format!("/gatherings/{id}/leave"), &third, json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(handles(&body["participants"]), ["cotech"]);
    let (st, body) = s
        .post(&format!("/gatherings/{id}/leave"), &third, json!({}))
        .await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");

    // The gathering and the node's feed as iCalendar, read by another parser.
    let (kind, cal) = calendar(&s, &format!("/gatherings/{id}/calendar.ics")).await;
    assert!(kind.starts_with("text/calendar"), "{kind}");
    assert_eq!(cal.events.len(), 1);
    let event = &cal.events[0];
    assert_eq!(
        property(event, "SUMMARY").0.as_deref(),
        Some("Monthly inter-coop call")
    );
    let compact = day.replace('-', "");
    let (start, params) = property(event, "DTSTART");
    assert_eq!(start, Some(format!("{compact}T150000")));
    assert!(
        params.contains(&("TZID".into(), vec!["America/Argentina/Buenos_Aires".into()])),
        "{params:?}"
    );
    assert_eq!(
        property(event, "RRULE").0.as_deref(),
        Some("FREQ=MONTHLY;BYDAY=2TH")
    );
    assert_eq!(
        property(event, "UID").0,
        Some(format!("https://coops.test/gatherings/{id}"))
    );
    let (description, _) = property(event, "DESCRIPTION");
    assert!(description
        .unwrap_or_default()
        .contains("https://meet.example/coops"));
    let (_, feed) = calendar(&s, "/gatherings/calendar.ics").await;
    assert_eq!(feed.events.len(), 1);
    let resp = reqwest::get(format!("{}/gatherings/nope/calendar.ics", s.origin()))
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_plans_a_gathering_and_another_coop_registers_through_the_pages() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    s.coop("cotech").await;
    let day = day_ahead();
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;
    let form = b.get("/workspace/gatherings/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"time_zone\""), "{}", form.body);

    // A zone nobody has: the form again, the error next to its field.
    let fields = |zone: &'static str| {
        vec![
            ("title", "Llamada de enero"),
            ("description", "Tres rondas."),
            ("start", "17:00"),
            ("end", "18:00"),
            ("time_zone", zone),
            ("languages", "es, ca"),
            ("monthly", "yes"),
        ]
    };
    let mut bad = fields("Europe/Atlantis");
    bad.push(("date", &day));
    bad.push(("csrf", &csrf));
    let refused = b.post("/workspace/gatherings", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"time_zone-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Llamada de enero"),
        "the form keeps what was typed"
    );
    assert!(listed(&s, "").await.is_empty());

    let mut good = fields("Europe/Madrid");
    good.push(("date", &day));
    good.push(("csrf", &csrf));
    let planned = b.post("/workspace/gatherings", &good).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let id = planned
        .location
        .trim_start_matches("/workspace/gatherings/")
        .to_string();
    let items = listed(&s, "").await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["time_zone"], "Europe/Madrid");
    assert!(items[0]["starts_at_local"]
        .as_str()
        .unwrap_or_default()
        .contains("T17:00:00+0"));
    assert!(items[0]["recurrence"]
        .as_str()
        .unwrap_or_default()
        .starts_with("FREQ=MONTHLY;BYDAY="));

    // Another coop registers from the gathering's page, in Spanish.
    let mut other = Browser::new(&s);
    let csrf = other.sign_in("cotech@coops.test").await;
    let page = other
        .get(&format!("/workspace/gatherings/{id}?lang=es"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Inscribirse"), "{}", page.body);
    let empty = other
        .post(
            &format!("/workspace/gatherings/{id}/join"),
            &[("delegate", ""), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("id=\"delegate-error\""),
        "{}",
        empty.body
    );
    let joined = other
        .post(
            &format!("/workspace/gatherings/{id}/join"),
            &[("delegate", "Ana Pérez"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let page = other.get(&format!("/workspace/gatherings/{id}")).await;
    assert!(
        page.body.contains("Retirar la inscripción")
            || page.body.contains("Withdraw the registration"),
        "{}",
        page.body
    );

    // The public pages show it to anyone, in either language.
    let mut visitor = Browser::new(&s);
    let list = visitor.get("/gatherings?lang=es").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Encuentros") && list.body.contains("Llamada de enero"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("1 cooperativa inscrita"),
        "{}",
        list.body
    );
    let shown = visitor.get(&format!("/gatherings/{id}?lang=en")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("Ana Pérez") && shown.body.contains("(Europe/Madrid)"),
        "{}",
        shown.body
    );
    assert!(shown
        .body
        .contains(&format!("/gatherings/{id}/calendar.ics")));
    let missing = visitor.get("/gatherings/no-such-id").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn participants_bring_what_they_are_about_and_their_own_open_needs_and_offers_to_the_rounds()
{
    let s = TestServer::start().await;
    let (fiqus, cotech) = (s.coop("fiqus").await, s.coop("cotech").await);
    let (st, body) = s
        .patch(
            "/coop",
            &cotech,
            json!({"about": "A network of tech coops in the UK."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let id_of = |v: &Value| v["id"].as_str().expect("id").to_string();
    let need = id_of(
        &s.publish(
            &cotech,
            json!({"kind": "need", "category": "financial", "title": "A loan for laptops"}),
        )
        .await,
    );
    let offer = id_of(
        &s.publish(
            &cotech,
            json!({"kind": "offer", "category": "technical", "title": "Rust training"}),
        )
        .await,
    );
    let theirs = id_of(
        &s.publish(
            &fiqus,
            json!({"kind": "offer", "category": "technical", "title": "Elixir training"}),
        )
        .await,
    );
    let mut planned = plan(&day_ahead());
    planned["facilitators"] = json!([]);
    planned["note_taker"] = Value::Null;
    let (_, g) = s.post("/gatherings", &fiqus, planned).await;
    let id = g["id"].as_str().expect("id").to_string();
    let contribution = format!("/gatherings/{id}/contribution");

    // Only a registered coop contributes, and only its own open proposals.
    let (st, body) = s
        .call(
            Method::PUT,
            &contribution,
            Some(&cotech),
            Some(json!({"proposals": [need]})),
        )
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    s.post(
        &format!("/gatherings/{id}/join"),
        &cotech,
        json!({"delegate": "Ana"}),
    )
    .await;
    let (st, body) = s
        .call(
            Method::PUT,
            &contribution,
            Some(&cotech),
            Some(json!({"proposals": [need, theirs]})),
        )
        .await;
    let message = assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(message.contains(&theirs), "{message}");
    let (st, body) = s
        .call(
            Method::PUT,
            &contribution,
            Some(&cotech),
            Some(json!({"about": "bad\u{0000}text"})),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(g["participants"][0]["about"], "");
    assert_eq!(g["participants"][0]["contributed_at"], Value::Null);

    // Without an "about", the profile's; the needs and offers by kind.
    let (st, g) = s
        .call(
            Method::PUT,
            &contribution,
            Some(&cotech),
            Some(json!({"proposals": [offer, need, need]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{g}");
    let p = &g["participants"][0];
    assert_eq!(p["about"], "A network of tech coops in the UK.");
    assert_eq!(p["needs"][0]["title"], "A loan for laptops");
    assert_eq!(p["needs"].as_array().map(Vec::len), Some(1));
    assert_eq!(p["offers"][0]["title"], "Rust training");
    assert!(p["contributed_at"].is_string());

    // A proposal closed since leaves the rounds.
    let (st, _) = s
        .patch(
            &format!("/proposals/{offer}"),
            &cotech,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(g["participants"][0]["offers"], json!([]));
    assert_eq!(g["participants"][0]["needs"][0]["id"], json!(need));

    // Through the page: the form prefilled with what was sent, then changed.
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("cotech@coops.test").await;
    let page = b.get(&format!("/workspace/gatherings/{id}")).await;
    assert!(
        page.body
            .contains("A network of tech coops in the UK.</textarea>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("value=\"{need}\" checked")),
        "{}",
        page.body
    );
    let sent = b
        .post(
            &format!("/workspace/gatherings/{id}/contribution"),
            &[
                ("about", "Tech coops, UK-wide."),
                ("proposals", &theirs),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sent.body.contains("id=\"proposals-error\""),
        "{}",
        sent.body
    );
    assert!(
        sent.body.contains("Tech coops, UK-wide.</textarea>"),
        "the form keeps what was typed"
    );
    let sent = b
        .post(
            &format!("/workspace/gatherings/{id}/contribution"),
            &[
                ("about", "Tech coops, UK-wide."),
                ("proposals", &need),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let public = Browser::new(&s)
        .get(&format!("/gatherings/{id}?lang=es"))
        .await;
    assert!(
        public.body.contains("Tech coops, UK-wide.") && public.body.contains("A loan for laptops"),
        "{}",
        public.body
    );
    assert!(public.body.contains("Necesidades"), "{}", public.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_facilitators_board_pairs_the_needs_and_offers_brought_with_reasons() {
    let s = TestServer::start().await;
    let (fiqus, cotech, radio) = (
        s.coop("fiqus").await,
        s.coop("cotech").await,
        s.coop("radio").await,
    );
    let id_of = |v: &Value| v["id"].as_str().expect("id").to_string();
    let need = id_of(&s.publish(&radio, json!({"kind": "need", "category": "technical", "title": "Web hosting for our community radio", "tags": ["hosting"]})).await);
    let offer = id_of(&s.publish(&cotech, json!({"kind": "offer", "category": "technical", "title": "Web hosting on renewable energy", "tags": ["hosting"]})).await);
    // Answers the need too, but is not brought to the gathering.
    let left_home = id_of(&s.publish(&fiqus, json!({"kind": "offer", "category": "technical", "title": "Web hosting for radios", "tags": ["hosting"]})).await);
    let mut planned = plan(&day_ahead());
    planned["facilitators"] = json!(["fiqus"]);
    planned["note_taker"] = Value::Null;
    let (_, g) = s.post("/gatherings", &fiqus, planned).await;
    let id = g["id"].as_str().expect("id").to_string();
    for (token, brought) in [(&radio, &need), (&cotech, &offer)] {
        s.post(
            &format!("/gatherings/{id}/join"),
            token,
            json!({"delegate": "Ana"}),
        )
        .await;
        let (st, body) = s
            .call(
                Method::PUT,
                &format!("/gatherings/{id}/contribution"),
                Some(token),
                Some(json!({"proposals": [brought]})),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }

    // Only facilitators see the board.
    let (st, body) = s
        .get(&format!("/gatherings/{id}/board"), Some(&radio))
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let items =
        federation_tests::eventually("the board", std::time::Duration::from_secs(30), || async {
            let (st, body) = s
                .get(&format!("/gatherings/{id}/board"), Some(&fiqus))
                .await;
            if st == StatusCode::SERVICE_UNAVAILABLE {
                return None;
            }
            assert_eq!(st, StatusCode::OK, "{body}");
            let items = body["items"].as_array().cloned().unwrap_or_default();
            (!items.is_empty()).then_some(items)
        })
        .await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["need"]["id"], json!(need));
    assert_eq!(items[0]["need_coop"]["handle"], "radio");
    assert_eq!(items[0]["offer"]["id"], json!(offer));
    assert_eq!(items[0]["offer_coop"]["handle"], "cotech");
    assert!(items[0]["score"].as_f64().unwrap_or_default() > 0.0);
    let codes: Vec<&str> = items[0]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(codes.contains(&"text"), "{codes:?}");
    assert!(!items.iter().any(|i| i["offer"]["id"] == json!(left_home)));

    // The facilitator's page shows the pair with its reasons, in Spanish.
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;
    let page = b.get(&format!("/workspace/gatherings/{id}?lang=es")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Puntos de sinergia"), "{}", page.body);
    assert!(
        page.body.contains("Web hosting on renewable energy")
            && page.body.contains("class=\"reasons\""),
        "{}",
        page.body
    );
    let mut other = Browser::new(&s);
    other.sign_in("radio@coops.test").await;
    let page = other.get(&format!("/workspace/gatherings/{id}")).await;
    assert!(
        !page.body.contains("Synergy points to weigh"),
        "{}",
        page.body
    );

    // Confirming: facilitators only, pairs of the board only, once.
    let synergies = format!("/gatherings/{id}/synergies");
    let pair = |decision: &str| json!({"need": need, "offer": offer, "decision": decision});
    let (st, body) = s.post(&synergies, &radio, pair("confirm")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = s
        .post(
            &synergies,
            &fiqus,
            json!({"need": need, "offer": left_home, "decision": "confirm"}),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (st, body) = s.post(&synergies, &fiqus, pair("maybe")).await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (_, listed) = s.get("/introductions?direction=sent", Some(&radio)).await;
    assert_eq!(listed["items"], json!([]), "nothing opened by the refusals");
    for (token, email) in [
        (&radio, "radio@contact.example"),
        (&cotech, "cotech@contact.example"),
    ] {
        let (st, body) = s
            .patch("/coop", token, json!({"private_contact": {"email": email}}))
            .await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let (st, decided) = s.post(&synergies, &fiqus, pair("confirm")).await;
    assert_eq!(st, StatusCode::OK, "{decided}");
    assert_eq!(decided["state"], "confirmed");
    let intro = decided["introduction_id"]
        .as_str()
        .expect("an introduction")
        .to_string();
    let (st, body) = s.post(&synergies, &fiqus, pair("dismiss")).await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");

    // Both coops are told and both accept; contacts only once both have.
    let (_, listed) = s.get("/introductions?direction=sent", Some(&radio)).await;
    let asked = listed["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(asked.len(), 1, "{listed}");
    assert_eq!(asked[0]["id"], json!(intro));
    assert_eq!(asked[0]["gathering_id"], json!(id));
    assert_eq!(asked[0]["can_answer"], true);
    assert_eq!(asked[0]["contacts"], Value::Null);
    let told = other.get("/workspace/notifications?lang=en").await;
    assert!(
        told.body
            .contains("proposes introducing your coop to Coop cotech"),
        "{}",
        told.body
    );
    let mut offering = Browser::new(&s);
    offering.sign_in("cotech@coops.test").await;
    let told = offering.get("/workspace/notifications?lang=en").await;
    assert!(
        told.body
            .contains("proposes introducing your coop to Coop radio"),
        "{}",
        told.body
    );
    let (st, body) = s
        .post(
            &format!("/introductions/{intro}/accept"),
            &cotech,
            json!({}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "pending");
    assert_eq!(body["contacts"], Value::Null);
    assert_eq!(body["can_answer"], false);
    let (st, body) = s
        .post(
            &format!("/introductions/{intro}/accept"),
            &cotech,
            json!({}),
        )
        .await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    let (st, body) = s
        .post(&format!("/introductions/{intro}/accept"), &fiqus, json!({}))
        .await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "not_found");
    let (st, body) = s
        .post(&format!("/introductions/{intro}/accept"), &radio, json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "accepted");
    assert_eq!(body["contacts"]["email"], "cotech@contact.example");
    let (_, body) = s
        .get(&format!("/introductions/{intro}"), Some(&cotech))
        .await;
    assert_eq!(body["state"], "accepted");
    assert_eq!(body["contacts"]["email"], "radio@contact.example");

    // The board says what was decided.
    let (_, board) = s
        .get(&format!("/gatherings/{id}/board"), Some(&fiqus))
        .await;
    assert_eq!(board["items"][0]["state"], "confirmed");
    let page = b.get(&format!("/workspace/gatherings/{id}")).await;
    assert!(
        page.body.contains("Confirmado: se pidió a ambas"),
        "{}",
        page.body
    );

    // The note-taker's notes: a draft only it and facilitators read, then
    // published with the conclusions.
    let notes = format!("/gatherings/{id}/notes");
    let (st, body) = s
        .call(
            Method::PUT,
            &notes,
            Some(&radio),
            Some(json!({"notes": "Hi"})),
        )
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = s
        .call(
            Method::PUT,
            &notes,
            Some(&fiqus),
            Some(json!({"notes": "We met **three** coops."})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["published_at"], Value::Null);
    let (_, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(g["conclusions"], Value::Null);
    let (st, body) = s.get(&notes, Some(&radio)).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = s.get(&notes, Some(&fiqus)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["notes"], "We met **three** coops.");
    let refused = b
        .post(
            &format!("/workspace/gatherings/{id}/notes"),
            &[
                ("notes", "bad\u{1b}[31m"),
                ("publish", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"notes-text-error\""),
        "{}",
        refused.body
    );
    let (_, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(
        g["conclusions"],
        Value::Null,
        "a refused publication changes nothing"
    );
    let published = b
        .post(
            &format!("/workspace/gatherings/{id}/notes"),
            &[
                ("notes", "We met **three** coops."),
                ("publish", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let (_, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(g["conclusions"]["notes"], "We met **three** coops.");
    assert_eq!(
        g["conclusions"]["synergy_points"][0]["need"]["id"],
        json!(need)
    );
    assert_eq!(
        g["conclusions"]["synergy_points"][0]["offer_coop"]["handle"],
        "cotech"
    );
    let public = Browser::new(&s)
        .get(&format!("/gatherings/{id}?lang=en"))
        .await;
    assert!(
        public.body.contains("Conclusions")
            && public.body.contains("We met <strong>three</strong> coops."),
        "{}",
        public.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn facilitators_run_the_live_call_turn_by_turn_and_every_page_follows() {
    let s = TestServer::start().await;
    let (fiqus, cotech, third) = (
        s.coop("fiqus").await,
        s.coop("cotech").await,
        s.coop("third").await,
    );
    let mut planned = plan(&day_ahead());
    planned["facilitators"] = json!(["fiqus"]);
    let (_, g) = s.post("/gatherings", &fiqus, planned).await;
    let id = g["id"].as_str().expect("id").to_string();
    let live = format!("/gatherings/{id}/live");

    let (st, body) = s
        .post(&live, &fiqus, json!({"action": "start", "round": "about"}))
        .await;
    let message = assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    assert!(message.contains("no coop is registered"), "{message}");
    for (token, delegate) in [(&cotech, "Ana"), (&third, "Bea")] {
        s.post(
            &format!("/gatherings/{id}/join"),
            token,
            json!({"delegate": delegate}),
        )
        .await;
    }
    let (st, body) = s
        .post(&live, &third, json!({"action": "start", "round": "about"}))
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = s.post(&live, &fiqus, json!({"action": "next"})).await;
    assert_error(st, &body, StatusCode::CONFLICT, "conflict");
    for bad in [
        json!({"action": "start", "round": "party"}),
        json!({"action": "seconds", "seconds": 30}),
        json!({"action": "seconds", "seconds": 600}),
        json!({"action": "dance"}),
    ] {
        let (st, body) = s.post(&live, &fiqus, bad.clone()).await;
        assert_error(
            st,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (_, g) = s.get(&format!("/gatherings/{id}"), None).await;
    assert_eq!(
        (g["live"].clone(), g["turn_seconds"].clone()),
        (Value::Null, json!(120)),
        "refusals change nothing"
    );

    let (st, g) = s
        .post(&live, &fiqus, json!({"action": "seconds", "seconds": 90}))
        .await;
    assert_eq!(st, StatusCode::OK, "{g}");
    assert_eq!(g["turn_seconds"], 90);
    let (_, g) = s
        .post(&live, &fiqus, json!({"action": "start", "round": "about"}))
        .await;
    assert_eq!(g["live"]["round"], "about");
    assert_eq!(g["live"]["delegate"], "Ana");
    assert_eq!(g["live"]["speaker"]["handle"], "cotech");

    // Everyone's page: the turn, the time left, the order.
    let page = Browser::new(&s)
        .get(&format!("/gatherings/{id}/live?lang=en"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // It reloads itself only when asked to (WCAG 2.2.1).
    assert!(
        !page.body.contains("http-equiv=\"refresh\""),
        "{}",
        page.body
    );
    let following = Browser::new(&s)
        .get(&format!("/gatherings/{id}/live?follow=1"))
        .await;
    assert!(
        following
            .body
            .contains("<meta http-equiv=\"refresh\" content=\"5\">"),
        "{}",
        following.body
    );
    assert!(page.body.contains("<strong>Ana</strong>"), "{}", page.body);
    assert!(page.body.contains("<progress max=\"90\""), "{}", page.body);
    assert!(
        page.body
            .contains("<li class=\"now\" aria-current=\"step\">Ana"),
        "{}",
        page.body
    );

    // Down the order, on through the rounds, and over.
    let mut seen = Vec::new();
    for _ in 0..5 {
        let (st, g) = s.post(&live, &fiqus, json!({"action": "next"})).await;
        assert_eq!(st, StatusCode::OK, "{g}");
        seen.push(format!(
            "{} {}",
            g["live"]["round"].as_str().unwrap_or_default(),
            g["live"]["delegate"].as_str().unwrap_or_default()
        ));
    }
    assert_eq!(
        seen,
        [
            "about Bea",
            "needs Ana",
            "needs Bea",
            "offers Ana",
            "offers Bea"
        ]
    );
    let (_, g) = s.post(&live, &fiqus, json!({"action": "next"})).await;
    assert_eq!(g["live"], Value::Null);
    let page = Browser::new(&s)
        .get(&format!("/gatherings/{id}/live?lang=es"))
        .await;
    assert!(
        page.body.contains("La llamada no está en curso"),
        "{}",
        page.body
    );

    // The facilitator's page runs it too.
    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;
    let started = b
        .post(
            &format!("/workspace/gatherings/{id}/live"),
            &[("action", "start:offers"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let page = b.get(&format!("/workspace/gatherings/{id}?lang=en")).await;
    assert!(page.body.contains("Now: Offers, Ana"), "{}", page.body);
    let refused = b
        .post(
            &format!("/workspace/gatherings/{id}/live"),
            &[("action", "seconds"), ("seconds", "5"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_sees_a_gatherings_times_in_the_time_zone_of_their_account() {
    let s = TestServer::start().await;
    let fiqus = s.coop("fiqus").await;
    let day = day_ahead();
    let mut once = plan(&day);
    once["recurrence"] = Value::Null;
    once["facilitators"] = json!([]);
    once["note_taker"] = Value::Null;
    let (st, g) = s.post("/gatherings", &fiqus, once).await;
    assert_eq!(st, StatusCode::CREATED, "{g}");
    let page = format!("/gatherings/{}", g["id"].as_str().expect("id"));
    // 15:00–16:30 in Buenos Aires is 13:00–14:30 in Bogotá (neither has
    // daylight saving).
    let bogota = "13:00–14:30 in your time zone (America/Bogota)";

    let mut b = Browser::new(&s);
    let csrf = b.sign_in("fiqus@coops.test").await;
    assert!(!b.get(&page).await.body.contains("in your time zone"));

    // Refused, nothing saved: what was typed is kept, the error beside it.
    for bad in ["Mars/Olympus", "Europe/Madrid\u{0}"] {
        let refused = b
            .post("/account/time-zone", &[("csrf", &csrf), ("time_zone", bad)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("id=\"time_zone-error\""),
            "{}",
            refused.body
        );
    }
    assert!(!b.cookies.contains_key("tz"));
    let forged = b
        .post("/account/time-zone", &[("time_zone", "America/Bogota")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let account = b.get("/account").await;
    assert!(
        account
            .body
            .contains("id=\"time_zone\" name=\"time_zone\" type=\"text\" value=\"\""),
        "{}",
        account.body
    );

    // Saved: the public page, the list and the workspace say it, in the
    // page's language.
    let saved = b
        .post(
            "/account/time-zone",
            &[("csrf", &csrf), ("time_zone", " America/Bogota ")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        b.cookies.get("tz").map(String::as_str),
        Some("America/Bogota")
    );
    for path in [
        page.clone(),
        "/gatherings".into(),
        format!("/workspace{page}"),
    ] {
        let shown = b.get(&path).await;
        assert_eq!(shown.status, StatusCode::OK, "{path}");
        assert!(shown.body.contains(bogota), "{path}: {}", shown.body);
    }
    let es = b.get(&format!("{page}?lang=es")).await;
    assert!(
        es.body
            .contains("13:00–14:30 en tu zona horaria (America/Bogota)"),
        "{}",
        es.body
    );
    // Another browser gets it when it signs in; none without an account's.
    let mut other = Browser::new(&s);
    assert!(!other.get(&page).await.body.contains("in your time zone"));
    other.sign_in("fiqus@coops.test").await;
    assert!(other.get(&page).await.body.contains(bogota));

    // Through the API: set, refused (nothing changes), cleared.
    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/time-zone",
            Some(&fiqus),
            Some(json!({"time_zone": "Asia/Tokyo"})),
        )
        .await;
    assert_eq!(
        (st, &body),
        (StatusCode::OK, &json!({"time_zone": "Asia/Tokyo"}))
    );
    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/time-zone",
            Some(&fiqus),
            Some(json!({"time_zone": "Nowhere"})),
        )
        .await;
    assert_error(
        st,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let mut third = Browser::new(&s);
    third.sign_in("fiqus@coops.test").await;
    assert!(third
        .get(&page)
        .await
        .body
        .contains("in your time zone (Asia/Tokyo)"));
    // UTC is on every page already: no second line for it.
    let (st, _) = s
        .call(
            Method::PUT,
            "/auth/time-zone",
            Some(&fiqus),
            Some(json!({"time_zone": "UTC"})),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let mut utc_reader = Browser::new(&s);
    utc_reader.sign_in("fiqus@coops.test").await;
    assert!(!utc_reader
        .get(&page)
        .await
        .body
        .contains("in your time zone"));
    let (st, body) = s
        .call(
            Method::PUT,
            "/auth/time-zone",
            Some(&fiqus),
            Some(json!({"time_zone": null})),
        )
        .await;
    assert_eq!((st, &body), (StatusCode::OK, &json!({"time_zone": null})));
    let mut fourth = Browser::new(&s);
    fourth.sign_in("fiqus@coops.test").await;
    assert!(!fourth.get(&page).await.body.contains("in your time zone"));
}
