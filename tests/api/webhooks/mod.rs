//! Webhooks: subscriptions over HTTP (secret shown once, validation, SSRF
//! refusals), and deliveries to a real receiver on 127.0.0.1: signed, retried
//! after 500s, an absent receiver and a slow one, 410, the failure limit, retries
//! by hand, secret rotation and the order of one article's events.

mod delivery;
mod receiver;

use delivery::*;

use std::time::{Duration, Instant};

use newsdesk::config::HttpSettings;
use newsdesk::domain::retry_schedule::RetrySchedule;
use serde_json::{Value, json};

use crate::helpers::TestApp;

crate::tests![
    admin_creates_reads_lists_patches_and_deletes_a_webhook,
    the_secret_is_shown_only_on_create_and_rotation,
    webhook_requests_are_validated,
    internal_addresses_are_refused_unless_allowed,
    webhooks_need_the_admin_scope,
    the_webhook_list_pages_by_cursor,
    a_change_is_delivered_signed_per_standard_webhooks,
    a_500_is_retried_with_the_same_webhook_id_until_a_200,
    a_receiver_that_is_down_gets_the_event_once_it_is_up,
    a_receiver_slower_than_the_timeout_is_retried,
    a_410_disables_the_subscription,
    three_failed_deliveries_in_a_row_disable_the_subscription_and_retry_by_hand_delivers,
    retry_after_is_honoured_on_429,
    after_rotation_both_secrets_sign,
    one_articles_events_arrive_in_order_and_others_do_not_wait,
    only_matching_events_are_delivered,
];

/// Settings for delivering to the local receiver quickly: private addresses
/// allowed, a short schedule, timeout and poll.
pub fn delivering(schedule: &str, timeout_ms: u64) -> HttpSettings {
    let mut http = HttpSettings::default();
    let webhooks = &mut http.events.webhooks;
    webhooks.allow_private = true;
    webhooks.retry_schedule = RetrySchedule::parse(schedule).unwrap();
    webhooks.timeout_ms = timeout_ms;
    webhooks.poll_ms = 50;
    http
}

/// Subscribes `url` to `events`; returns the subscription with its secret.
pub async fn subscribe(app: &TestApp, url: &str, events: &[&str]) -> Value {
    let reply = app.post("/v1/webhooks", &json!({"url": url, "events": events})).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

/// The subscription's deliveries, newest first.
pub async fn deliveries(app: &TestApp, webhook: &Value) -> Vec<Value> {
    app.get(&format!("/v1/webhooks/{}/deliveries?limit=100", webhook["id"].as_str().unwrap())).await.items()
}

/// Waits (up to 30 s) until the delivery log satisfies `done`.
pub async fn wait_for_log(app: &TestApp, webhook: &Value, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let log = deliveries(app, webhook).await;
        if done(&log) {
            return log;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}; log: {log:#?}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

fn path_of(webhook: &Value) -> String {
    format!("/v1/webhooks/{}", webhook["id"].as_str().unwrap())
}

async fn admin_creates_reads_lists_patches_and_deletes_a_webhook(app: TestApp) {
    let body = json!({"url": "https://hooks.example.com/n", "events": ["article.*", "quote.created"],
                      "description": "rebuilds"});
    let created = app.post("/v1/webhooks", &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(created.header("location"), Some(format!("/v1/webhooks/{id}").as_str()));
    assert!(created.header("cache-control").is_some_and(|c| c.contains("no-store")), "{:?}", created.headers);
    assert_eq!(created.body["events"], json!(["article.*", "quote.created"]));
    assert_eq!(
        (created.body["enabled"].clone(), created.body["description"].clone()),
        (json!(true), json!("rebuilds"))
    );
    let path = path_of(&created.body);

    let read = app.get(&path).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["url"], "https://hooks.example.com/n");
    assert_eq!(app.get("/v1/webhooks").await.items().len(), 1);

    let off = app.patch(&path, &json!({"enabled": false, "description": null})).await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.body["enabled"], false);
    assert_eq!(off.body["disabled_reason"], "disabled through the API");
    assert_eq!(off.body["description"], Value::Null);
    assert_eq!(off.body["events"], json!(["article.*", "quote.created"]), "left alone");
    let on = app.patch(&path, &json!({"enabled": true, "events": ["*"]})).await;
    assert_eq!((on.body["enabled"].clone(), on.body["events"].clone()), (json!(true), json!(["*"])));
    assert_eq!(on.body["disabled_reason"], Value::Null);
    app.patch(&path, &json!({"events": []})).await.assert_problem(422, "validation-failed");
    app.patch(&path, &json!({"secret": "x"})).await.assert_problem(422, "validation-failed");
    let nulls = app.patch(&path, &json!({"enabled": null, "url": null})).await;
    nulls.assert_problem(422, "validation-failed");
    assert_eq!(nulls.error_locations(), ["/url", "/enabled"], "{}", nulls.text);

    assert_eq!(app.delete(&path).await.status, 204);
    app.get(&path).await.assert_problem(404, "not-found");
    app.delete(&path).await.assert_problem(404, "not-found");
    app.patch(&path, &json!({"enabled": true})).await.assert_problem(404, "not-found");
}

async fn the_secret_is_shown_only_on_create_and_rotation(app: TestApp) {
    let created = subscribe(&app, "https://hooks.example.com/n", &["*"]).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let key = secret.strip_prefix("whsec_").unwrap();
    assert_eq!(base64_len(key), 32, "{secret}");
    let path = path_of(&created);
    for shown in [app.get(&path).await.body, app.get("/v1/webhooks").await.items()[0].clone()] {
        assert!(shown.get("secret").is_none(), "secret shown again: {shown}");
        assert!(!shown.to_string().contains(key));
    }
    let rotated = app.post(&format!("{path}/rotate-secret"), &json!({})).await;
    assert_eq!(rotated.status, 201, "{}", rotated.text);
    let new = rotated.body["secret"].as_str().unwrap();
    assert_ne!(new, secret);
    assert!(rotated.body["previous_secret_expires_at"].is_string(), "{}", rotated.text);
    app.post("/v1/webhooks/0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f/rotate-secret", &json!({}))
        .await
        .assert_problem(404, "not-found");
}

fn base64_len(encoded: &str) -> usize {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(encoded).unwrap().len()
}

async fn webhook_requests_are_validated(app: TestApp) {
    let cases = [
        (json!({"url": "ftp://example.com/", "events": ["*"]}), vec!["/url"]),
        (json!({"url": "/relative", "events": ["*"]}), vec!["/url"]),
        (json!({"url": "https://example.com/", "events": []}), vec!["/events"]),
        (json!({"url": "https://example.com/", "events": ["article"]}), vec!["/events/0"]),
        (json!({"url": "https://example.com/", "events": ["quote.*", "article.removed"]}), vec!["/events/1"]),
        (json!({"url": "https://example.com/", "events": ["*", "*"]}), vec!["/events/1"]),
        (json!({"url": "https://example.com/", "events": ["*"], "description": "x".repeat(501)}), vec!["/description"]),
        (json!({"url": "https://u:p@example.com/", "events": ["nope"]}), vec!["/url", "/events/0"]),
        (json!({"events": ["*"]}), vec!["/url"]),
        (json!({"url": "https://example.com/", "events": ["*"], "secret": "mine"}), vec!["/secret"]),
    ];
    for (body, pointers) in cases {
        let reply = app.post("/v1/webhooks", &body).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), pointers, "{body}: {}", reply.text);
    }
    assert!(app.get("/v1/webhooks").await.items().is_empty(), "nothing stored");
}

async fn internal_addresses_are_refused_unless_allowed(app: TestApp) {
    for url in [
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00:ec2::254]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
    ] {
        let reply = app.post("/v1/webhooks", &json!({"url": url, "events": ["*"]})).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/url"], "{url}: {}", reply.text);
    }
    let created = subscribe(&app, "https://hooks.example.com/n", &["*"]).await;
    let moved = app.patch(&path_of(&created), &json!({"url": "http://169.254.169.254/"})).await;
    moved.assert_problem(422, "validation-failed");
    let allowed = TestApp::spawn_with(app.backend, delivering("1s", 1000)).await;
    subscribe(&allowed, "http://127.0.0.1:9000/hook", &["*"]).await;
}

async fn webhooks_need_the_admin_scope(app: TestApp) {
    let writer = app.with_token(&app.create_token("cms", &["write"]).await);
    let body = json!({"url": "https://hooks.example.com/n", "events": ["*"]});
    writer.post("/v1/webhooks", &body).await.assert_problem(403, "forbidden");
    writer.get("/v1/webhooks").await.assert_problem(403, "forbidden");
    app.anonymous().get("/v1/webhooks").await.assert_problem(401, "unauthorized");
}

async fn the_webhook_list_pages_by_cursor(app: TestApp) {
    let mut made = Vec::new();
    for n in 0..5 {
        made.push(subscribe(&app, &format!("https://hooks.example.com/{n}"), &["*"]).await["id"].clone());
    }
    let mut seen = Vec::new();
    let mut page = app.get("/v1/webhooks?limit=2").await;
    loop {
        seen.extend(page.items().into_iter().map(|w| w["id"].clone()));
        match app.next_page(&page).await {
            Some(next) => page = next,
            None => break,
        }
    }
    assert_eq!(seen, made, "oldest first, each once");
    app.get("/v1/webhooks?cursor=nonsense").await.assert_problem(400, "bad-request");
}
