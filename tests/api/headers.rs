//! Headers on every response: no sniffing, caching by audience, no server banner,
//! Content Security Policies for the API and for /docs.

use reqwest::Method;
use reqwest::header::AUTHORIZATION;
use serde_json::json;

use newsdesk::config::HttpSettings;
use newsdesk::http::headers::{API_CSP, DOCS_CSP};

use crate::helpers::{Reply, TestApp};

crate::tests![
    anonymous_successful_reads_are_public_but_revalidated,
    responses_to_requests_with_credentials_are_private_and_not_stored,
    errors_writes_and_service_endpoints_are_not_stored,
    every_response_says_nosniff_and_names_no_server,
    the_docs_get_a_policy_that_allows_only_this_server,
    vary_keeps_origin_next_to_authorization,
];

fn vary(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_ascii_lowercase())
        .collect()
}

async fn anonymous_successful_reads_are_public_but_revalidated(app: TestApp) {
    let created = app.published("Cached story").await;
    let reader = app.anonymous();
    let list = reader.get("/v1/articles").await;
    let one = reader.get(&format!("/v1/articles/{}", created["id"].as_str().unwrap())).await;
    let etag = one.header("etag").unwrap().to_owned();
    let not_modified =
        reader.send(reader.request(Method::GET, "/v1/articles/cached-story").header("if-none-match", &etag)).await;

    for reply in [&list, &one, &not_modified] {
        assert!([200, 304].contains(&reply.status), "{}", reply.text);
        assert_eq!(reply.header("cache-control"), Some("public, no-cache"));
        assert!(vary(reply).contains(&"authorization".to_owned()), "{:?}", reply.headers);
    }
    assert_eq!(not_modified.status, 304);
}

async fn responses_to_requests_with_credentials_are_private_and_not_stored(app: TestApp) {
    app.published("Private view").await;
    // Whatever the service makes of the credentials, no shared cache may keep it.
    let reply = app.send(app.request(Method::GET, "/v1/articles").header(AUTHORIZATION, "Bearer some-token")).await;

    assert_eq!(reply.header("cache-control"), Some("private, no-store"), "{}", reply.text);
    assert!(vary(&reply).contains(&"authorization".to_owned()));
}

async fn errors_writes_and_service_endpoints_are_not_stored(app: TestApp) {
    let anonymous = app.anonymous();
    let missing = anonymous.get("/v1/articles/no-such-story").await;
    let created = app.post("/v1/articles", &json!({"title": "Written", "body": "b"})).await;
    let wrong_method = anonymous.send(anonymous.request(Method::PUT, "/v1/articles")).await;
    let metrics = anonymous.get("/metrics").await;
    let health = anonymous.get("/healthz").await;

    missing.assert_problem(404, "not-found");
    assert_eq!(created.status, 201, "{}", created.text);
    wrong_method.assert_problem(405, "method-not-allowed");
    assert_eq!(metrics.status, 200);
    assert_eq!(health.status, 200);
    for reply in [&missing, &wrong_method, &metrics, &health] {
        assert_eq!(reply.header("cache-control"), Some("no-store"), "status {}", reply.status);
    }
    // The write carried credentials, so its answer is private too.
    assert_eq!(created.header("cache-control"), Some("private, no-store"));
}

async fn every_response_says_nosniff_and_names_no_server(app: TestApp) {
    let replies = [
        app.get("/v1/articles").await,
        app.get("/nowhere").await,
        app.post("/v1/articles", &json!({"title": ""})).await,
        app.get("/openapi.json").await,
        app.get("/healthz").await,
    ];
    for reply in &replies {
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "status {}", reply.status);
        assert!(reply.header("server").is_none(), "a Server header: {:?}", reply.header("server"));
        assert_eq!(reply.header("content-security-policy"), Some(API_CSP));
    }
}

async fn the_docs_get_a_policy_that_allows_only_this_server(app: TestApp) {
    for path in ["/docs/", "/docs/swagger-initializer.js"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        let csp = reply.header("content-security-policy").expect("a CSP on /docs");
        assert_eq!(csp, DOCS_CSP);
        assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-eval") && !csp.contains('*') && !csp.contains("http"), "{csp}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
    // The page scripts nothing inline, so `script-src 'self'` is all it needs.
    let page = app.get("/docs/").await;
    assert!(!page.text.contains("<script>"), "inline script in the docs page:\n{}", page.text);
}

async fn vary_keeps_origin_next_to_authorization(app: TestApp) {
    let origin = "http://front.example";
    let settings = HttpSettings { cors_origins: vec![origin.into()], ..HttpSettings::default() };
    let cors = TestApp::spawn_with(app.backend, settings).await;

    let reply = cors.send(cors.request(Method::GET, "/v1/articles").header("origin", origin)).await;

    assert_eq!(reply.header("access-control-allow-origin"), Some(origin));
    let vary = vary(&reply);
    assert!(vary.contains(&"origin".to_owned()) && vary.contains(&"authorization".to_owned()), "{vary:?}");
}
