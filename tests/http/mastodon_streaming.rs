//! The streaming API through a real WebSocket client: the token checked,
//! streams chosen in the URL or by messages, and `update`, `delete` and
//! `notification` events as Mastodon sends them.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::common::remote::Remote;
use crate::common::TestServer;
use crate::inbox::{follow_of, send_as};
use crate::mastodon_oauth::{app_token, send, Body};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn open(s: &TestServer, query: &str) -> Result<Socket, WsError> {
    let url = format!(
        "{}/api/v1/streaming?{query}",
        s.origin().replace("http://", "ws://")
    );
    tokio_tungstenite::connect_async(url)
        .await
        .map(|(ws, _)| ws)
}

/// The next event, within a bound; pings are answered by the client library.
pub(crate) async fn next_event(ws: &mut Socket) -> Value {
    let got = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(msg) = ws.next().await {
            if let Message::Text(text) = msg.expect("a message") {
                return serde_json::from_str::<Value>(text.as_str()).expect("JSON");
            }
        }
        panic!("the stream closed");
    })
    .await;
    got.expect("an event within 20 s")
}

#[tokio::test(flavor = "multi_thread")]
async fn apps_get_updates_deletes_and_notifications_as_they_happen() {
    let s = TestServer::start().await;
    s.coop("fiqus").await;
    s.coop("tierra").await;
    let token = app_token(&s, "fiqus", "read write").await;
    let tierra = app_token(&s, "tierra", "read write").await;
    let write_only = app_token(&s, "fiqus", "write").await;

    // Refused before the upgrade: no token, a bad one, one without read.
    for query in [
        "stream=public".to_string(),
        "stream=public&access_token=nope".into(),
        format!("stream=public&access_token={write_only}"),
    ] {
        match open(&s, &query).await {
            Err(WsError::Http(r)) => assert!(
                [
                    StatusCode::UNAUTHORIZED.as_u16(),
                    StatusCode::FORBIDDEN.as_u16()
                ]
                .contains(&r.status().as_u16()),
                "{query}: {}",
                r.status()
            ),
            other => panic!("{query}: {:?}", other.map(|_| ())),
        }
    }
    let health = send(
        &s,
        Method::GET,
        "/api/v1/streaming/health",
        None,
        Body::None,
    )
    .await;
    assert_eq!(health.text, "OK");

    let mut local = open(&s, &format!("stream=public:local&access_token={token}"))
        .await
        .expect("connect");
    // The token as the protocol, as browsers send it; streams by message.
    let mut request = format!(
        "{}/api/v1/streaming",
        s.origin().replace("http://", "ws://")
    )
    .into_client_request()
    .unwrap();
    request
        .headers_mut()
        .insert("sec-websocket-protocol", token.parse().unwrap());
    let (mut user, answer) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect with the protocol");
    assert_eq!(answer.headers()["sec-websocket-protocol"], token.as_str());
    for msg in [
        json!({"type": "subscribe", "stream": "user"}),
        json!({"type": "subscribe", "stream": "hashtag", "tag": "hosting"}),
    ] {
        user.send(Message::text(msg.to_string())).await.unwrap();
    }
    user.send(Message::text(
        json!({"type": "subscribe", "stream": "nonsense"}).to_string(),
    ))
    .await
    .unwrap();
    let error = next_event(&mut user).await;
    assert!(
        error["error"].as_str().unwrap().contains("unknown stream"),
        "{error}"
    );

    // Give the subscriptions a moment to be read before the post.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posted = send(
        &s,
        Method::POST,
        "/api/v1/statuses",
        Some(&tierra),
        Body::Form(&[("status", "Hosting for coops #offer #technical #hosting")]),
    )
    .await
    .json();
    let id = posted["id"].as_str().unwrap();
    let event = next_event(&mut local).await;
    assert_eq!(event["event"], "update");
    assert_eq!(event["stream"], json!(["public:local"]));
    let status: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(status["id"], id);
    assert_eq!(status["account"]["acct"], "tierra");
    let mut streams = Vec::new();
    for _ in 0..2 {
        let e = next_event(&mut user).await;
        assert_eq!(e["event"], "update", "{e}");
        streams.push(e["stream"].clone());
    }
    streams.sort_by_key(|v| v.to_string());
    assert_eq!(streams, [json!(["hashtag", "hosting"]), json!(["user"])]);

    // Closed: a delete with the id.
    let a = send(
        &s,
        Method::DELETE,
        &format!("/api/v1/statuses/{id}"),
        Some(&tierra),
        Body::None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let event = next_event(&mut local).await;
    assert_eq!(
        (event["event"].as_str(), event["payload"].as_str()),
        (Some("delete"), Some(id))
    );

    // A follow from another server: a notification on the user stream.
    user.send(Message::text(
        json!({"type": "unsubscribe", "stream": "hashtag", "tag": "hosting"}).to_string(),
    ))
    .await
    .unwrap();
    let remote = Remote::start(&["ana"]).await;
    let (st, _) = send_as(
        &s,
        &remote,
        "ana",
        "/inbox",
        &follow_of(&remote, "ana", 1, "https://coops.test/actors/fiqus"),
    )
    .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let event = loop {
        let e = next_event(&mut user).await;
        if e["event"] == "notification" {
            break e;
        }
    };
    assert_eq!(event["stream"], json!(["user"]));
    let n: Value = serde_json::from_str(event["payload"].as_str().unwrap()).unwrap();
    assert_eq!(n["type"], "follow");
    assert_eq!(n["account"]["acct"], remote.account("ana"));
    s.stop().await;
}
