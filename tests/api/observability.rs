//! Request ids, metrics and readiness as operators see them.

use reqwest::Method;

use newsdesk::config::HttpSettings;

use crate::helpers::TestApp;

crate::tests![
    a_sane_client_request_id_is_returned_on_the_response,
    a_missing_or_unsafe_request_id_is_replaced_by_a_new_uuid,
    problem_documents_carry_the_request_id,
    metrics_count_requests_by_route_template_not_raw_path,
    metrics_report_latency_histograms_pool_and_version,
    the_healthcheck_succeeds_against_a_ready_service,
    cors_answers_preflights_and_exposes_etag_to_allowed_origins_only,
    without_configured_origins_no_cross_origin_access_is_granted,
];

async fn a_sane_client_request_id_is_returned_on_the_response(app: TestApp) {
    for id in ["abc-123", "trace:0af7651916cd43dd8448eb211c80319c", "a.b_c/d+e=f@g"] {
        let reply = app.send(app.request(Method::GET, "/healthz").header("x-request-id", id)).await;
        assert_eq!(reply.header("x-request-id"), Some(id));
    }
}

async fn a_missing_or_unsafe_request_id_is_replaced_by_a_new_uuid(app: TestApp) {
    let none = app.get("/v1/articles").await;
    let unsafe_id = app.send(app.request(Method::GET, "/v1/articles").header("x-request-id", "evil id\"; drop")).await;
    let too_long = app.send(app.request(Method::GET, "/v1/articles").header("x-request-id", "x".repeat(129))).await;

    let ids: Vec<&str> = [&none, &unsafe_id, &too_long].iter().map(|r| r.header("x-request-id").unwrap()).collect();
    for id in &ids {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is not a UUID");
    }
    assert_ne!(ids[0], ids[1], "every request gets its own id");
}

async fn problem_documents_carry_the_request_id(app: TestApp) {
    let given = app.send(app.request(Method::GET, "/v1/articles/no-such-story").header("x-request-id", "req-42")).await;
    let made = app.send(app.request(Method::POST, "/v1/articles").header("content-type", "text/plain").body("x")).await;
    let unrouted = app.get("/nowhere").await;

    given.assert_problem(404, "not-found");
    assert_eq!(given.body["request_id"], "req-42");
    made.assert_problem(415, "unsupported-media-type");
    assert_eq!(made.body["request_id"].as_str(), made.header("x-request-id"));
    unrouted.assert_problem(404, "not-found");
    assert_eq!(unrouted.body["request_id"].as_str(), unrouted.header("x-request-id"));
}

/// The value of the series whose line starts with `series` (name and labels).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

async fn metrics_count_requests_by_route_template_not_raw_path(app: TestApp) {
    for slug in ["first-missing", "second-missing", "third-missing"] {
        assert_eq!(app.get(&format!("/v1/articles/{slug}")).await.status, 404);
    }
    app.get("/v1/articles").await;
    app.get("/no/such/route/1").await;
    app.get("/no/such/route/2").await;

    let reply = app.get("/metrics").await;

    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = &reply.text;
    let by_template = r#"newsdesk_http_requests_total{method="GET",route="/v1/articles/{article}",status="404"}"#;
    assert_eq!(sample(text, by_template), Some(3.0), "{text}");
    let list = r#"newsdesk_http_requests_total{method="GET",route="/v1/articles",status="200"}"#;
    assert_eq!(sample(text, list), Some(1.0), "{text}");
    let unmatched = r#"newsdesk_http_requests_total{method="GET",route="unmatched",status="404"}"#;
    assert_eq!(sample(text, unmatched), Some(2.0), "{text}");
    assert!(!text.contains("first-missing") && !text.contains("/no/such/route"), "raw paths leaked into labels");
}

async fn metrics_report_latency_histograms_pool_and_version(app: TestApp) {
    app.published("Measured").await;

    let text = app.get("/metrics").await.text;

    let bucket =
        r#"newsdesk_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v1/articles",status="201"}"#;
    let count = r#"newsdesk_http_request_duration_seconds_count{method="POST",route="/v1/articles",status="201"}"#;
    assert_eq!(sample(&text, bucket), Some(1.0), "{text}");
    assert_eq!(sample(&text, count), Some(1.0), "{text}");
    assert!(text.contains("# TYPE newsdesk_http_request_duration_seconds histogram"), "{text}");
    assert!(sample(&text, "newsdesk_db_pool_connections ").is_some_and(|n| n >= 1.0), "{text}");
    assert_eq!(sample(&text, "newsdesk_db_pool_max_connections "), Some(10.0), "{text}");
    assert_eq!(sample(&text, "newsdesk_db_pool_waiting "), Some(0.0), "{text}");
    assert!(sample(&text, "newsdesk_db_queries ").is_some_and(|n| n >= 2.0), "{text}");
    let version = format!(r#"newsdesk_build_info{{version="{}"}}"#, env!("CARGO_PKG_VERSION"));
    assert_eq!(sample(&text, &version), Some(1.0), "{text}");
}

async fn the_healthcheck_succeeds_against_a_ready_service(app: TestApp) {
    let address = app.address.trim_start_matches("http://").to_owned();

    let ready = actix_web::web::block(move || newsdesk::cli::healthcheck::check(&address)).await.unwrap();

    assert!(ready.is_ok(), "{ready:?}");
}

async fn cors_answers_preflights_and_exposes_etag_to_allowed_origins_only(app: TestApp) {
    let settings = HttpSettings {
        cors_origins: vec!["https://front.example.org".into(), "http://localhost:3000".into()],
        ..HttpSettings::default()
    };
    let cors = TestApp::spawn_with(app.backend, settings).await;
    let article = cors.published("Shared").await;
    let path = format!("/v1/articles/{}", article["id"].as_str().unwrap());

    let preflight = cors
        .send(
            cors.request(Method::OPTIONS, &path)
                .header("origin", "https://front.example.org")
                .header("access-control-request-method", "PATCH")
                .header("access-control-request-headers", "content-type, if-match"),
        )
        .await;
    let read = cors.send(cors.request(Method::GET, &path).header("origin", "http://localhost:3000")).await;
    let stranger = cors.send(cors.request(Method::GET, &path).header("origin", "https://evil.example.net")).await;

    assert_eq!(preflight.status, 200, "{}", preflight.text);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("https://front.example.org"));
    assert!(preflight.header("access-control-allow-methods").unwrap().contains("PATCH"));
    assert_eq!(read.status, 200);
    assert_eq!(read.header("access-control-allow-origin"), Some("http://localhost:3000"));
    let exposed = read.header("access-control-expose-headers").unwrap().to_lowercase();
    for header in ["etag", "location", "link", "x-request-id"] {
        assert!(exposed.contains(header), "{header} not exposed: {exposed}");
    }
    assert_eq!(stranger.header("access-control-allow-origin"), None);
    cors.server.stop(true).await;
}

async fn without_configured_origins_no_cross_origin_access_is_granted(app: TestApp) {
    // An empty NEWSDESK_CORS_ORIGINS reaches the settings as one blank entry.
    let blank = HttpSettings { cors_origins: vec![String::new(), " ".into()], ..HttpSettings::default() };
    let other = TestApp::spawn_with(app.backend, blank).await;

    for server in [&app, &other] {
        let reply = server
            .send(server.request(Method::GET, "/v1/articles").header("origin", "https://front.example.org"))
            .await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("access-control-allow-origin"), None);
    }
    other.server.stop(true).await;
}
