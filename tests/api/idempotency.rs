//! `Idempotency-Key` on POST: replays, mismatches, duplicates in flight, expiry.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::Method;
use serde_json::{Value, json};

use newsdesk::config::HttpSettings;
use newsdesk::db::schema::idempotency_keys as keys;

use crate::helpers::{Reply, TestApp};

crate::tests![
    a_retry_gets_the_stored_answer_and_creates_nothing,
    the_same_key_for_another_request_is_a_422,
    a_duplicate_while_the_first_is_in_flight_is_a_409,
    a_client_error_is_stored_and_replayed_too,
    keys_expire_after_24_hours,
    an_abandoned_claim_is_taken_over_and_a_fresh_one_is_not,
    malformed_keys_are_refused_before_anything_happens,
    a_refused_body_gives_the_key_back,
    requests_without_a_key_or_not_post_are_untouched,
    token_creates_are_never_stored_or_replayed,
    requests_without_valid_credentials_store_nothing,
];

fn keys_stored(app: &TestApp) -> i64 {
    app.db.blocking(|conn| Ok(keys::table.count().get_result::<i64>(conn)?)).expect("count")
}

async fn post_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> Reply {
    app.send(app.request(Method::POST, path).header("idempotency-key", key).json(body)).await
}

fn story(title: &str) -> Value {
    json!({"title": title, "body": "text", "status": "published"})
}

async fn a_retry_gets_the_stored_answer_and_creates_nothing(app: TestApp) {
    let first = post_with_key(&app, "/v1/articles", "key-1", &story("Once only")).await;
    let retry = post_with_key(&app, "/v1/articles", "key-1", &story("Once only")).await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.text, first.text, "the same body, byte for byte");
    for header in ["location", "etag", "content-type"] {
        assert!(first.header(header).is_some(), "{header}");
        assert_eq!(retry.header(header), first.header(header), "{header}");
    }
    assert_eq!(retry.header("cache-control"), Some("private, no-store"));
    assert_eq!(app.articles_stored(), 1);
    // The key belongs to nothing else: a new key creates anew.
    let other = post_with_key(&app, "/v1/articles", "key-2", &story("Once only")).await;
    assert_eq!(other.status, 201);
    assert_ne!(other.body["id"], first.body["id"]);
    assert_eq!(app.articles_stored(), 2);
}

async fn the_same_key_for_another_request_is_a_422(app: TestApp) {
    let first = post_with_key(&app, "/v1/articles", "shared", &story("First use")).await;
    let other_body = post_with_key(&app, "/v1/articles", "shared", &story("Another story")).await;
    let quote = json!({"text": "Words", "speaker_name": "Someone"});
    let other_path = post_with_key(&app, "/v1/articles/first-use/quotes", "shared", &quote).await;

    assert_eq!(first.status, 201);
    for reply in [&other_body, &other_path] {
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["Idempotency-Key"], "{}", reply.text);
        assert!(reply.header("idempotent-replayed").is_none());
    }
    assert_eq!(app.articles_stored(), 1);
    assert_eq!(app.get("/v1/articles/first-use/quotes").await.body["items"], json!([]));
}

/// Polls until the claim of `key` is stored (the held request is in flight).
async fn wait_for_claim(app: &TestApp, key: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let key = key.to_owned();
        let claimed = app
            .db
            .blocking(move |conn| {
                Ok(keys::table
                    .filter(keys::idempotency_key.eq(key))
                    .filter(keys::response_status.is_null())
                    .count()
                    .get_result::<i64>(conn)?)
            })
            .expect("count claims");
        if claimed == 1 {
            return;
        }
        assert!(Instant::now() < deadline, "the held request never claimed its key");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_duplicate_while_the_first_is_in_flight_is_a_409(app: TestApp) {
    let body = story("Slow upload").to_string();
    let held = app.hold_post("/v1/articles", &[("Idempotency-Key", "slow")], &body);
    wait_for_claim(&app, "slow").await;

    let duplicate = post_with_key(&app, "/v1/articles", "slow", &story("Slow upload")).await;
    duplicate.assert_problem(409, "conflict");
    assert!(duplicate.body["detail"].as_str().unwrap().contains("still being processed"), "{}", duplicate.text);
    assert_eq!(app.articles_stored(), 0);

    let first = held.finish();
    assert_eq!(first.status, 201, "{}", first.body);
    assert!(!first.head.contains("idempotent-replayed"), "{}", first.head);
    let retry = post_with_key(&app, "/v1/articles", "slow", &story("Slow upload")).await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.text, first.body);
    assert_eq!(app.articles_stored(), 1);
}

async fn a_client_error_is_stored_and_replayed_too(app: TestApp) {
    let invalid = json!({"title": "", "body": "text"});
    let first = post_with_key(&app, "/v1/articles", "bad-one", &invalid).await;
    let retry = post_with_key(&app, "/v1/articles", "bad-one", &invalid).await;

    first.assert_problem(422, "validation-failed");
    assert_eq!(retry.status, 422);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.header("content-type"), Some("application/problem+json"));
    assert_eq!(retry.text, first.text);
}

async fn keys_expire_after_24_hours(app: TestApp) {
    let first = post_with_key(&app, "/v1/articles", "old-key", &story("Yesterday")).await;
    assert_eq!(first.status, 201);
    let day_ago = (Utc::now() - TimeDelta::hours(24) - TimeDelta::minutes(1)).naive_utc();
    app.db
        .blocking(move |conn| Ok(diesel::update(keys::table).set(keys::created_at.eq(day_ago)).execute(conn)?))
        .expect("backdate");

    let again = post_with_key(&app, "/v1/articles", "old-key", &story("Yesterday")).await;

    assert_eq!(again.status, 201, "{}", again.text);
    assert!(again.header("idempotent-replayed").is_none(), "an expired key is not replayed");
    assert_ne!(again.body["id"], first.body["id"]);
    assert_eq!(app.articles_stored(), 2);
    assert_eq!(keys_stored(&app), 1, "the expired key was purged, the new one kept");
}

/// A claim as the app's client makes it: the client is the SHA-256 of the
/// `Authorization` value it sends.
fn insert_claim(app: &TestApp, key: &str, age: TimeDelta) {
    let (key, created) = (key.to_owned(), (Utc::now() - age).naive_utc());
    let credentials = app.token.as_ref().map(|t| format!("Bearer {t}")).unwrap_or_default();
    let client = newsdesk::domain::digest::sha256_hex(&[credentials.as_bytes()]);
    app.db
        .blocking(move |conn| {
            Ok(diesel::insert_into(keys::table)
                .values((
                    keys::client.eq(client),
                    keys::idempotency_key.eq(key),
                    keys::method.eq("POST"),
                    keys::path.eq("/v1/articles"),
                    keys::created_at.eq(created),
                ))
                .execute(conn)?)
        })
        .expect("insert a claim");
}

async fn an_abandoned_claim_is_taken_over_and_a_fresh_one_is_not(app: TestApp) {
    insert_claim(&app, "crashed", TimeDelta::minutes(10));
    insert_claim(&app, "running", TimeDelta::seconds(1));

    let taken_over = post_with_key(&app, "/v1/articles", "crashed", &story("After a crash")).await;
    let busy = post_with_key(&app, "/v1/articles", "running", &story("Still running")).await;

    assert_eq!(taken_over.status, 201, "{}", taken_over.text);
    busy.assert_problem(409, "conflict");
    assert_eq!(app.articles_stored(), 1);
}

async fn malformed_keys_are_refused_before_anything_happens(app: TestApp) {
    for key in [String::new(), "has space".to_owned(), "k".repeat(256)] {
        let reply = post_with_key(&app, "/v1/articles", &key, &story("Never stored")).await;
        reply.assert_problem(400, "bad-request");
        assert!(reply.body["detail"].as_str().unwrap().contains("Idempotency-Key"), "{}", reply.text);
    }
    let longest = post_with_key(&app, "/v1/articles", &"k".repeat(255), &story("Stored")).await;
    assert_eq!(longest.status, 201, "{}", longest.text);
    assert_eq!(app.articles_stored(), 1);
    assert_eq!(keys_stored(&app), 1);
}

async fn a_refused_body_gives_the_key_back(app: TestApp) {
    let app = TestApp::spawn_with(app.backend, HttpSettings { body_limit: 200, ..HttpSettings::default() }).await;
    let big = json!({"title": "Too big", "body": "x".repeat(500)});

    let refused = post_with_key(&app, "/v1/articles", "retry-me", &big).await;
    let fixed = post_with_key(&app, "/v1/articles", "retry-me", &story("Smaller")).await;

    refused.assert_problem(413, "payload-too-large");
    assert_eq!(fixed.status, 201, "the key was given back: {}", fixed.text);
    assert!(fixed.header("idempotent-replayed").is_none());
}

async fn requests_without_a_key_or_not_post_are_untouched(app: TestApp) {
    app.create_article(&story("No key")).await;
    let second = app.post("/v1/articles", &story("No key")).await;
    let read = app.send(app.request(Method::GET, "/v1/articles/no-key").header("idempotency-key", "k")).await;

    assert_eq!(second.status, 201, "without a key, a repeat creates again");
    assert_eq!(read.status, 200);
    assert!(read.header("idempotent-replayed").is_none());
    assert_eq!(app.articles_stored(), 2);
    assert_eq!(keys_stored(&app), 0);
}

/// A new token's secret is shown once: its create is never stored, so a key on it
/// neither replays the secret nor leaves it in the database.
async fn token_creates_are_never_stored_or_replayed(app: TestApp) {
    let create = || {
        let request = app.request(Method::POST, "/v1/tokens").header("idempotency-key", "token-key");
        app.send(request.json(&json!({"name": "cms", "scopes": ["write"]})))
    };
    let first = create().await;
    let second = create().await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.header("idempotent-replayed"), None);
    assert_ne!(first.body["token"], second.body["token"], "two tokens, not one replayed");
    assert_eq!(keys_stored(&app), 0);
}

/// A request refused for its credentials did nothing; storing its answer would let
/// anyone without a valid token fill the table.
async fn requests_without_valid_credentials_store_nothing(app: TestApp) {
    let body = json!({"title": "Nobody's", "body": "b"});
    let anonymous = post_with_key(&app.anonymous(), "/v1/articles", "k", &body).await;
    let bogus = post_with_key(&app.with_token("nd_not-a-token"), "/v1/articles", "k", &body).await;
    let reader = app.create_token("reader", &["read:drafts"]).await;
    let forbidden = post_with_key(&app.with_token(&reader), "/v1/articles", "k", &body).await;

    anonymous.assert_problem(401, "unauthorized");
    bogus.assert_problem(401, "unauthorized");
    forbidden.assert_problem(403, "forbidden");
    assert_eq!(keys_stored(&app), 0);
    assert_eq!(app.articles_stored(), 0);
}
