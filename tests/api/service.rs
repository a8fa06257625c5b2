//! Health, readiness, the served OpenAPI document and the docs page.

use crate::helpers::{Backend, TestApp};
use newsdesk::config::DatabaseUrl;

crate::tests![
    healthz_answers_ok,
    readyz_answers_ok_when_the_database_does,
    readyz_is_503_with_retry_after_while_the_database_is_unreachable,
    served_openapi_is_the_generated_document,
    docs_page_is_served_without_external_assets,
];

async fn healthz_answers_ok(app: TestApp) {
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["status"], "ok");
}

async fn readyz_answers_ok_when_the_database_does(app: TestApp) {
    let reply = app.get("/readyz").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

async fn readyz_is_503_with_retry_after_while_the_database_is_unreachable(app: TestApp) {
    // A second service on the same backend, pointed at a database that is not there.
    let url = match app.backend {
        Backend::Postgres => DatabaseUrl::Postgres("postgres://nobody@127.0.0.1:9/none".into()),
        Backend::Sqlite => DatabaseUrl::Sqlite("/nonexistent-dir/for/newsdesk.db".into()),
    };
    let down = TestApp::spawn_unmigrated(app.backend, url);
    for path in ["/readyz", "/v1/articles", "/v1/articles/some-slug"] {
        let reply = down.get(path).await;
        reply.assert_problem(503, "service-unavailable");
        assert_eq!(reply.header("retry-after"), Some("5"), "{path}");
    }
    // Liveness does not depend on the database.
    assert_eq!(down.get("/healthz").await.status, 200);
    down.server.stop(true).await;
}

async fn served_openapi_is_the_generated_document(app: TestApp) {
    let reply = app.get("/openapi.json").await;
    assert_eq!(reply.status, 200);
    let generated = serde_json::to_value(newsdesk::openapi::api_doc()).unwrap();
    assert_eq!(reply.body, generated);
    assert_eq!(reply.body["openapi"], "3.1.0");
}

async fn docs_page_is_served_without_external_assets(app: TestApp) {
    let redirect = app.send(app.request(reqwest::Method::GET, "/docs")).await;
    assert_eq!(redirect.status, 200, "the /docs redirect leads to the page");
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    for asset in ["/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js", "/docs/swagger-ui.css"] {
        let reply = app.get(asset).await;
        assert_eq!(reply.status, 200, "{asset}");
        assert!(!reply.text.contains("https://unpkg") && !reply.text.contains("cdn."), "{asset} loads from the internet");
    }
    assert!(app.get("/docs/swagger-initializer.js").await.text.contains("/openapi.json"));
}
