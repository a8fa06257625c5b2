//! Deliveries to a real receiver on 127.0.0.1.

use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value, json};

use super::receiver::{Answer, Receiver};
use super::{deliveries, delivering, path_of, subscribe, wait_for_log};
use crate::helpers::TestApp;

fn statuses(log: &[Value]) -> Vec<&str> {
    log.iter().map(|d| d["status"].as_str().unwrap()).collect()
}

fn attempt_statuses(delivery: &Value) -> Vec<Value> {
    delivery["attempts"].as_array().unwrap().iter().map(|a| a["response_status"].clone()).collect()
}

pub async fn a_change_is_delivered_signed_per_standard_webhooks(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("1s", 2000)).await;
    let receiver = Receiver::start(&[]);
    let webhook = subscribe(&app, &receiver.url, &["article.created"]).await;
    let article = app.create_article(&json!({"title": "Signed story", "body": "text"})).await;
    let got = receiver.wait_for("one delivery", |r| !r.is_empty()).await;
    let delivery = &got[0];
    assert!(delivery.signed_by(webhook["secret"].as_str().unwrap()), "{delivery:#?}");
    assert!(delivery.signature.starts_with("v1,"), "{}", delivery.signature);
    assert_eq!(delivery.content_type, "application/json");
    let sent_at: i64 = delivery.timestamp.parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60, "{}", delivery.timestamp);
    assert_eq!(delivery.event_type(), "article.created");
    assert_eq!(delivery.body["data"]["type"], "article.created");
    assert_eq!(delivery.body["data"]["article_id"], article["id"]);
    assert_eq!(delivery.body["data"]["data"]["title"], "Signed story");
    assert_eq!(delivery.body["timestamp"], delivery.body["data"]["occurred_at"]);
    let log = wait_for_log(&app, &webhook, "delivered", |l| statuses(l) == ["delivered"]).await;
    assert_eq!(log[0]["id"].as_str(), Some(delivery.id.as_str()), "the log's id is the webhook-id");
    assert_eq!(attempt_statuses(&log[0]), [json!(200)]);
    assert!(log[0]["attempts"][0]["latency_ms"].as_i64().is_some());
    assert_eq!(log[0]["next_attempt_at"], Value::Null);
}

pub async fn a_500_is_retried_with_the_same_webhook_id_until_a_200(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("100ms,200ms,200ms", 2000)).await;
    let receiver = Receiver::start(&[Answer::status(500), Answer::status(500)]);
    let webhook = subscribe(&app, &receiver.url, &["article.*"]).await;
    app.create_article(&json!({"title": "Retried story", "body": "text"})).await;
    let log = wait_for_log(&app, &webhook, "delivered after two 500s", |l| statuses(l) == ["delivered"]).await;
    assert_eq!(attempt_statuses(&log[0]), [json!(500), json!(500), json!(200)]);
    assert!(log[0]["attempts"][0]["next_retry_at"].is_string());
    let got = receiver.received();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got.iter().all(|r| r.id == got[0].id && r.text == got[0].text), "same id and body: {got:#?}");
    let secret = webhook["secret"].as_str().unwrap();
    assert!(got.iter().all(|r| r.signed_by(secret)));
}

pub async fn a_receiver_that_is_down_gets_the_event_once_it_is_up(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("200ms,500ms,1s,2s,2s", 2000)).await;
    // A port with nothing listening on it, kept for the receiver.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let webhook = subscribe(&app, &url, &["article.*"]).await;
    app.create_article(&json!({"title": "Waiting story", "body": "text"})).await;
    let log = wait_for_log(&app, &webhook, "a failed attempt", |l| {
        l.first().is_some_and(|d| d["attempts"].as_array().is_some_and(|a| !a.is_empty()))
    })
    .await;
    let first = &log[0]["attempts"][0];
    assert_eq!(first["response_status"], Value::Null);
    assert!(first["error"].as_str().is_some_and(|e| e.contains("connect")), "{first}");
    assert_eq!(log[0]["status"], "pending");
    let receiver = Receiver::on(TcpListener::bind(("127.0.0.1", port)).unwrap(), &[]);
    receiver.wait_for("the delivery", |r| r.len() == 1).await;
    wait_for_log(&app, &webhook, "delivered", |l| statuses(l) == ["delivered"]).await;
}

pub async fn a_receiver_slower_than_the_timeout_is_retried(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("100ms,100ms", 300)).await;
    let receiver = Receiver::start(&[Answer::slow(Duration::from_millis(1500))]);
    let webhook = subscribe(&app, &receiver.url, &["article.*"]).await;
    app.create_article(&json!({"title": "Slow story", "body": "text"})).await;
    let log = wait_for_log(&app, &webhook, "delivered", |l| statuses(l) == ["delivered"]).await;
    let first = &log[0]["attempts"][0];
    assert!(first["error"].as_str().is_some_and(|e| e.contains("timed out")), "{first}");
    assert!(first["latency_ms"].as_i64().is_some_and(|ms| (250..1400).contains(&ms)), "{first}");
    assert_eq!(log[0]["attempts"].as_array().unwrap().last().unwrap()["response_status"], 200);
}

pub async fn a_410_disables_the_subscription(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("100ms", 2000)).await;
    let receiver = Receiver::start(&[Answer::status(410)]);
    let webhook = subscribe(&app, &receiver.url, &["article.*"]).await;
    app.create_article(&json!({"title": "Gone story", "body": "text"})).await;
    let log = wait_for_log(&app, &webhook, "failed", |l| statuses(l) == ["failed"]).await;
    assert_eq!(attempt_statuses(&log[0]), [json!(410)]);
    let stored = app.get(&path_of(&webhook)).await.body;
    assert_eq!(stored["enabled"], false);
    assert!(stored["disabled_reason"].as_str().unwrap().contains("410"), "{stored}");
    app.create_article(&json!({"title": "Not sent", "body": "text"})).await;
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1, "nothing sent while disabled");
    assert_eq!(deliveries(&app, &webhook).await.len(), 1, "nothing queued while disabled");
}

pub async fn three_failed_deliveries_in_a_row_disable_the_subscription_and_retry_by_hand_delivers(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("100ms", 2000)).await;
    let receiver = Receiver::start(&[Answer::status(500); 6]);
    let webhook = subscribe(&app, &receiver.url, &["article.created"]).await;
    for n in 0..3 {
        app.create_article(&json!({"title": format!("Failing story {n}"), "body": "text"})).await;
    }
    let log = wait_for_log(&app, &webhook, "three failed", |l| statuses(l) == ["failed"; 3]).await;
    assert!(log.iter().all(|d| attempt_statuses(d) == [json!(500), json!(500)]), "{log:#?}");
    let stored = app.get(&path_of(&webhook)).await.body;
    assert_eq!((stored["enabled"].clone(), stored["failures_in_a_row"].clone()), (json!(false), json!(3)));
    assert!(stored["disabled_reason"].as_str().unwrap().contains("3 deliveries"), "{stored}");

    // By hand: enable again, retry the oldest; the receiver now answers 200.
    let on = app.patch(&path_of(&webhook), &json!({"enabled": true})).await;
    assert_eq!(on.body["failures_in_a_row"], 0, "{}", on.text);
    let oldest = log.last().unwrap();
    let retry = format!("{}/deliveries/{}/retry", path_of(&webhook), oldest["id"].as_str().unwrap());
    let queued = app.post(&retry, &json!({})).await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    assert_eq!((queued.body["status"].clone(), queued.body["attempt_count"].clone()), (json!("pending"), json!(0)));
    let log = wait_for_log(&app, &webhook, "the retried one delivered", |l| {
        l.last().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(attempt_statuses(log.last().unwrap()), [json!(500), json!(500), json!(200)]);
    let sent = receiver.received();
    assert_eq!(sent.last().unwrap().id, oldest["id"].as_str().unwrap(), "same webhook-id");
    app.post(&retry.replace(oldest["id"].as_str().unwrap(), "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f"), &json!({}))
        .await
        .assert_problem(404, "not-found");
    app.post(&retry.replace(oldest["id"].as_str().unwrap(), "nope"), &json!({}))
        .await
        .assert_problem(400, "bad-request");
}

pub async fn retry_after_is_honoured_on_429(app: TestApp) {
    // The schedule would retry after 100 ms; the receiver asks for 2 s.
    let app = TestApp::spawn_with(app.backend, delivering("100ms,100ms", 2000)).await;
    let receiver = Receiver::start(&[Answer { retry_after: Some(2), ..Answer::status(429) }]);
    let webhook = subscribe(&app, &receiver.url, &["article.*"]).await;
    app.create_article(&json!({"title": "Throttled story", "body": "text"})).await;
    let log = wait_for_log(&app, &webhook, "delivered", |l| statuses(l) == ["delivered"]).await;
    let attempts = log[0]["attempts"].as_array().unwrap();
    let at = |a: &Value, k: &str| chrono::DateTime::parse_from_rfc3339(a[k].as_str().unwrap()).unwrap();
    let waited = at(&attempts[1], "attempted_at") - at(&attempts[0], "attempted_at");
    assert!(waited >= chrono::TimeDelta::milliseconds(1900), "retried after {waited}");
    assert!(at(&attempts[0], "next_retry_at") - at(&attempts[0], "attempted_at") >= chrono::TimeDelta::seconds(2));
}

pub async fn after_rotation_both_secrets_sign(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("1s", 2000)).await;
    let receiver = Receiver::start(&[]);
    let webhook = subscribe(&app, &receiver.url, &["article.created"]).await;
    let old = webhook["secret"].as_str().unwrap();
    let rotated = app.post(&format!("{}/rotate-secret", path_of(&webhook)), &json!({})).await;
    let new = rotated.body["secret"].as_str().unwrap();
    app.create_article(&json!({"title": "Rotated story", "body": "text"})).await;
    let got = receiver.wait_for("one delivery", |r| r.len() == 1).await;
    assert_eq!(got[0].signature.split(' ').count(), 2, "{}", got[0].signature);
    assert!(got[0].signed_by(old) && got[0].signed_by(new), "{:#?}", got[0]);
}

pub async fn one_articles_events_arrive_in_order_and_others_do_not_wait(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("1s,1s,1s", 2000)).await;
    let receiver = Receiver::start(&[]);
    let webhook = subscribe(&app, &receiver.url, &["article.created", "article.updated"]).await;
    // A's creation fails once; its updates must wait behind it, B's must not.
    receiver.answer_once_for("Story A v1", Answer::status(500));
    let a = app.create_article(&json!({"title": "Story A v1", "body": "text"})).await;
    let path = format!("/v1/articles/{}", a["id"].as_str().unwrap());
    for v in 2..=4 {
        let reply = app.patch(&path, &json!({"title": format!("Story A v{v}")})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    app.create_article(&json!({"title": "Story B", "body": "text"})).await;
    let got = receiver
        .wait_for("A's four events delivered", |r| {
            r.iter().filter(|r| r.body["data"]["article_id"] == a["id"]).count() >= 5
        })
        .await;
    let a_events: Vec<(String, i64)> = got
        .iter()
        .filter(|r| r.body["data"]["article_id"] == a["id"])
        .map(|r| (r.id.clone(), r.body["data"]["sequence"].as_i64().unwrap()))
        .collect();
    // The first attempt failed and was retried: drop it, the rest is in order.
    let delivered: Vec<i64> = a_events[1..].iter().map(|(_, seq)| *seq).collect();
    let mut sorted = delivered.clone();
    sorted.sort_unstable();
    assert_eq!(delivered, sorted, "A's events in change order: {a_events:?}");
    assert_eq!(a_events[0].0, a_events[1].0, "A's creation was sent again before anything else of A");
    let b_at = got.iter().position(|r| r.body["data"]["data"]["title"] == "Story B").unwrap();
    let a_retry_at = got.iter().rposition(|r| r.id == a_events[0].0).unwrap();
    assert!(b_at < a_retry_at, "B did not wait for A's retry: {got:#?}");
    wait_for_log(&app, &webhook, "all delivered", |l| l.len() == 5 && l.iter().all(|d| d["status"] == "delivered"))
        .await;
}

pub async fn only_matching_events_are_delivered(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, delivering("1s", 2000)).await;
    let receiver = Receiver::start(&[]);
    let quotes = subscribe(&app, &receiver.url, &["quote.*"]).await;
    let article = app.create_article(&json!({"title": "Quoted story", "body": "text"})).await;
    app.add_quote(&article, &json!({"text": "Yes.", "speaker_name": "A spokesman"})).await;
    let got = receiver.wait_for("the quote event", |r| !r.is_empty()).await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let types: Vec<String> = receiver.received().iter().map(|r| r.event_type().to_owned()).collect();
    assert_eq!(types, ["quote.created"], "{got:#?}");
    assert_eq!(deliveries(&app, &quotes).await.len(), 1);
}
