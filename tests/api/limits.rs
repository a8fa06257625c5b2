//! Limits: per-client rate limit (429), per-worker concurrency cap (503), JSON
//! nesting depth, and database calls that cannot hang a request.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use reqwest::Method;
use reqwest::header::AUTHORIZATION;
use serde_json::json;

use newsdesk::config::HttpSettings;

use crate::helpers::{Backend, TestApp};

crate::tests![
    every_limited_response_states_the_policy_and_what_is_left,
    a_client_over_its_rate_gets_429_with_retry_after,
    clients_are_limited_separately_and_health_checks_not_at_all,
    rate_limiting_can_be_turned_off,
    forwarded_addresses_count_only_when_trusted,
    a_worker_at_its_in_flight_cap_answers_503_at_once,
    bodies_nested_too_deep_are_refused_and_nothing_is_stored,
    a_database_call_stuck_behind_a_lock_becomes_a_503,
];

fn limited(rate: u32, burst: u32) -> HttpSettings {
    HttpSettings { rate_limit: rate, rate_limit_burst: Some(burst), ..HttpSettings::default() }
}

async fn every_limited_response_states_the_policy_and_what_is_left(app: TestApp) {
    let first = app.get("/v1/articles").await;
    let second = app.get("/nowhere").await;

    // Defaults: 100 requests a second, bursts of 1000.
    assert_eq!(first.header("ratelimit-policy"), Some("\"default\";q=1000;w=10"));
    assert_eq!(first.header("ratelimit"), Some("\"default\";r=999;t=1"));
    assert_eq!(second.header("ratelimit-policy"), Some("\"default\";q=1000;w=10"));
    assert!(second.header("ratelimit").is_some_and(|v| v.starts_with("\"default\";r=99")), "{:?}", second.headers);
}

async fn a_client_over_its_rate_gets_429_with_retry_after(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, limited(1, 3)).await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let reply = app.get("/v1/articles").await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        remaining.push(reply.header("ratelimit").unwrap().to_owned());
    }
    let refused = app.post("/v1/articles", &json!({"title": "Over the limit", "body": "b"})).await;

    assert_eq!(remaining[0], "\"default\";r=2;t=1");
    assert!(remaining[2].starts_with("\"default\";r=0;t="), "{remaining:?}");
    refused.assert_problem(429, "too-many-requests");
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.header("ratelimit-policy"), Some("\"default\";q=3;w=3"));
    assert!(refused.header("ratelimit").is_some_and(|v| v.starts_with("\"default\";r=0;")));
    assert_eq!(refused.header("cache-control"), Some("private, no-store"));
    assert_eq!(app.articles_stored(), 0, "a refused request must not reach the handler");

    // After Retry-After, the client may go on.
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(app.get("/v1/articles").await.status, 200);
}

async fn clients_are_limited_separately_and_health_checks_not_at_all(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, limited(1, 1)).await;
    assert_eq!(app.get("/v1/articles").await.status, 200);
    assert_eq!(app.get("/v1/articles").await.status, 429);

    // Credentials are a client of their own (not the address they come from).
    let with_token = app.request(Method::GET, "/healthz").header(AUTHORIZATION, "Bearer one");
    assert_eq!(app.send(with_token).await.status, 200);
    for path in ["/healthz", "/readyz", "/metrics"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 200, "{path} is exempt");
        assert!(reply.header("ratelimit").is_none(), "{path} is not counted");
    }
    let other = app.request(Method::GET, "/v1/articles").header(AUTHORIZATION, "Bearer two");
    let reply = app.send(other).await;
    assert_ne!(reply.status, 429, "another client has its own bucket: {}", reply.text);
    assert_eq!(reply.header("ratelimit"), Some("\"default\";r=0;t=1"));
}

async fn rate_limiting_can_be_turned_off(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, limited(0, 1)).await;
    for _ in 0..5 {
        let reply = app.get("/v1/articles").await;
        assert_eq!(reply.status, 200);
        assert!(reply.header("ratelimit").is_none() && reply.header("ratelimit-policy").is_none());
    }
}

async fn forwarded_addresses_count_only_when_trusted(app: TestApp) {
    // Anonymous: a client with credentials is limited by them, not by its address.
    async fn from(app: &TestApp, address: &str) -> crate::helpers::Reply {
        let app = app.anonymous();
        app.send(app.request(Method::GET, "/v1/articles").header("x-forwarded-for", address)).await
    }
    let untrusting = TestApp::spawn_with(app.backend, limited(1, 1)).await;
    assert_eq!(from(&untrusting, "203.0.113.1").await.status, 200);
    // A client cannot escape its limit by claiming another address.
    assert_eq!(from(&untrusting, "203.0.113.2").await.status, 429);

    let settings = HttpSettings { rate_limit_trust_forwarded: true, ..limited(1, 1) };
    let behind_proxy = TestApp::spawn_with(app.backend, settings).await;
    assert_eq!(from(&behind_proxy, "203.0.113.1").await.status, 200);
    assert_eq!(from(&behind_proxy, "203.0.113.1").await.status, 429);
    assert_eq!(from(&behind_proxy, "203.0.113.2").await.status, 200, "each forwarded client has its own bucket");
}

async fn a_worker_at_its_in_flight_cap_answers_503_at_once(app: TestApp) {
    // One worker that serves one request at a time; a request whose body is still
    // arriving holds the slot.
    let settings = HttpSettings { workers: Some(1), max_in_flight: 1, ..HttpSettings::default() };
    let app = TestApp::spawn_with(app.backend, settings).await;
    let body = json!({"title": "Held", "body": "b", "status": "published"}).to_string();
    let held = app.hold_post("/v1/articles", &[], &body);

    // The held request is counted once its head is read: poll until it is.
    let deadline = Instant::now() + Duration::from_secs(10);
    let busy = loop {
        let started = Instant::now();
        let reply = app.get("/v1/articles").await;
        if reply.status == 503 {
            assert!(started.elapsed() < Duration::from_secs(2), "the 503 must come at once, not after a wait");
            break reply;
        }
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert!(Instant::now() < deadline, "no 503 while a request was held at the cap");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    busy.assert_problem(503, "service-unavailable");
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(app.get("/healthz").await.status, 200, "health checks are exempt from the cap");

    let done = held.finish();
    assert_eq!(done.status, 201, "{}", done.body);
    let after = app.get("/v1/articles").await;
    assert_eq!(after.status, 200, "the slot is given back");
    assert_eq!(after.body["items"].as_array().map(Vec::len), Some(1));
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

async fn bodies_nested_too_deep_are_refused_and_nothing_is_stored(app: TestApp) {
    let article = |member: &str, value: &str| format!(r#"{{"title": "Deep", "body": "b", "{member}": {value}}}"#);
    let send = |body: String| {
        app.send(app.request(Method::POST, "/v1/articles").header("content-type", "application/json").body(body))
    };

    let too_deep = send(article("tags", &nested(40))).await;
    let far_too_deep = send(article("tags", &nested(100_000))).await;
    // Brackets inside strings are text, not nesting.
    let in_a_string = send(article("summary", &format!("\"{}\"", "[".repeat(100)))).await;

    too_deep.assert_problem(400, "bad-request");
    assert!(too_deep.body["detail"].as_str().unwrap().contains("nested more than 32 levels"), "{}", too_deep.text);
    far_too_deep.assert_problem(400, "bad-request");
    assert_eq!(in_a_string.status, 201, "{}", in_a_string.text);
    assert_eq!(app.articles_stored(), 1);

    // A merge patch is held to the same limit.
    let patch = app
        .send(
            app.request(Method::PATCH, "/v1/articles/deep")
                .header("content-type", "application/merge-patch+json")
                .body(format!(r#"{{"summary": {}}}"#, nested(33))),
        )
        .await;
    patch.assert_problem(400, "bad-request");
    assert_eq!(app.get("/v1/articles/deep").await.body["version"], 1);
}

async fn a_database_call_stuck_behind_a_lock_becomes_a_503(app: TestApp) {
    // PostgreSQL: a 300 ms statement and lock timeout. SQLite has no statement
    // timeout; its wait for the write lock is the pool timeout (1 s here).
    let app = TestApp::spawn_configured(app.backend, HttpSettings::default(), |db| {
        db.statement_timeout_ms = 300;
        db.timeout_secs = 1;
    })
    .await;
    app.published("Locked story").await;
    let lock = match app.backend {
        Backend::Postgres => "BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE;",
        Backend::Sqlite => "BEGIN IMMEDIATE;",
    };
    let (taken, wait) = std::sync::mpsc::channel::<()>();
    let db = app.db.clone();
    let holder = std::thread::spawn(move || {
        db.blocking(|conn| {
            conn.batch_execute(lock)?;
            taken.send(()).ok();
            std::thread::sleep(Duration::from_secs(4));
            conn.batch_execute("COMMIT;")?;
            Ok(())
        })
    });
    wait.recv_timeout(Duration::from_secs(10)).expect("the lock is taken");

    let started = Instant::now();
    let stuck = app.patch("/v1/articles/locked-story", &json!({"summary": "changed"})).await;
    let waited = started.elapsed();

    stuck.assert_problem(503, "service-unavailable");
    assert_eq!(stuck.header("retry-after"), Some("5"));
    assert!(waited < Duration::from_secs(3), "the request waited {waited:?}, past its timeout");
    if app.backend == Backend::Postgres {
        assert!(stuck.body["detail"].as_str().unwrap().contains("did not answer in time"), "{}", stuck.text);
    }
    holder.join().expect("lock holder").expect("lock released");
    let after = app.patch("/v1/articles/locked-story", &json!({"summary": "changed"})).await;
    assert_eq!(after.status, 200, "{}", after.text);
    assert_eq!(after.body["version"], 2, "the stuck attempt changed nothing");
}
