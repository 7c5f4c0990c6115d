use reqwest::{Method, StatusCode};

use crate::common::{assert_error, TestServer};

#[tokio::test(flavor = "multi_thread")]
async fn unknown_endpoints_and_methods_answer_in_the_error_shape() {
    let s = TestServer::start().await;
    let (st, b) = s.get("/no-such-thing", None).await;
    assert_error(st, &b, StatusCode::NOT_FOUND, "not_found");
    let (st, b) = s.call(Method::PUT, "/proposals", None, None).await;
    assert_error(st, &b, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_the_backend() {
    let s = TestServer::start().await;
    let (st, b) = s.get("/health", None).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "ok");
    assert_eq!(
        b["database"],
        if s.db.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn openapi_document_describes_every_endpoint() {
    let s = TestServer::start().await;
    let (st, doc) = s.get("/openapi.json", None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("/auth/login", "post"),
        ("/auth/logout", "post"),
        ("/coop", "get"),
        ("/coop", "patch"),
        ("/coops/{handle}", "get"),
        ("/proposals", "get"),
        ("/proposals", "post"),
        ("/proposals/{id}", "get"),
        ("/proposals/{id}", "patch"),
        ("/proposals/{id}", "delete"),
        ("/health", "get"),
    ];
    for (path, method) in expected {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from openapi.json"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["ProposalView"].is_object());
    s.stop().await;
}
