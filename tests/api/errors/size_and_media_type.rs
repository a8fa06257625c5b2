//! Errors: 413 for a body over the limit, 415 for a body that is not JSON.

use super::*;

/// `{"title": "..."}` padded with trailing whitespace (valid JSON) to exactly
/// `size` bytes.
pub(super) fn padded_json(title: &str, size: usize) -> Vec<u8> {
    let mut body = json!({"title": title}).to_string().into_bytes();
    assert!(body.len() <= size);
    body.resize(size, b' ');
    body
}

pub(super) async fn body_over_one_mebibyte_is_a_413_and_a_200_kb_body_is_fine(app: TestApp) {
    const MIB: usize = 1024 * 1024;
    let before = target(&app).await;

    let huge = json!({"title": "Huge", "body": "a".repeat(MIB + 50_000)}).to_string();
    let reply = post_text(&app, huge.clone()).await;
    assert_problem_at(&reply, 413, "payload-too-large", ARTICLES);
    assert!(reply.body["detail"].as_str().unwrap().contains(&MIB.to_string()), "{}", reply.text);
    let reply = send_raw(&app, Method::PUT, &before.path, Some("application/json"), huge.clone()).await;
    assert_problem_at(&reply, 413, "payload-too-large", &before.path);
    let reply = send_raw(&app, Method::PATCH, &before.path, Some("application/merge-patch+json"), huge).await;
    assert_problem_at(&reply, 413, "payload-too-large", &before.path);

    let one_byte_over = post_text(&app, padded_json("One byte over", MIB + 1)).await;
    assert_problem_at(&one_byte_over, 413, "payload-too-large", ARTICLES);
    before.assert_unchanged(&app, "bodies over the limit").await;

    let at_the_limit = post_text(&app, padded_json("Exactly one MiB", MIB)).await;
    assert_eq!(at_the_limit.status, 201, "a body of exactly the limit is accepted: {}", at_the_limit.text);

    let text: String = "news ".repeat(40_000);
    assert_eq!(text.len(), 200_000);
    let created = app.create_article(&json!({"title": "Long read", "body": text})).await;
    assert_eq!(created["body"].as_str().map(str::len), Some(200_000));
    assert_eq!(app.get(&path_of(&created)).await.body, created);
}

pub(super) async fn smaller_configured_body_limit_is_honoured(app: TestApp) {
    let other = TestApp::spawn_with(app.backend, HttpSettings { body_limit: 1000, ..Default::default() }).await;

    let over = post_text(&other, padded_json("Over", 1001)).await;
    assert_problem_at(&over, 413, "payload-too-large", ARTICLES);
    assert!(over.body["detail"].as_str().unwrap().contains("1000"), "{}", over.text);
    let well_over = post_text(&other, json!({"title": "x".repeat(5000)}).to_string()).await;
    assert_problem_at(&well_over, 413, "payload-too-large", ARTICLES);
    assert_eq!(total(&other).await, 0);

    let at_limit = post_text(&other, padded_json("At the limit", 1000)).await;
    assert_eq!(at_limit.status, 201, "{}", at_limit.text);
    assert_eq!(total(&other).await, 1);

    // The default service is unaffected: 1001 bytes are fine there.
    assert_eq!(post_text(&app, padded_json("Over", 1001)).await.status, 201);

    other.server.stop(true).await;
}

pub(super) async fn body_without_a_json_content_type_is_a_415(app: TestApp) {
    let before = target(&app).await;
    let body = json!({"title": "Sent as something else"}).to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/xml"),
        Some("text/json"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/json; charset=iso-8859-1"),
        Some("not a media type"),
    ] {
        let reply = send_raw(&app, Method::POST, ARTICLES, content_type, body.clone()).await;
        assert_problem_at(&reply, 415, "unsupported-media-type", ARTICLES);
        let reply = send_raw(&app, Method::PUT, &before.path, content_type, body.clone()).await;
        assert_problem_at(&reply, 415, "unsupported-media-type", &before.path);
        let reply = send_raw(&app, Method::PATCH, &before.path, content_type, body.clone()).await;
        assert_problem_at(&reply, 415, "unsupported-media-type", &before.path);
    }
    before.assert_unchanged(&app, "bodies that are not JSON").await;
}

pub(super) async fn json_with_charset_and_merge_patch_content_types_are_accepted(app: TestApp) {
    let body = json!({"title": "Charset given"}).to_string();
    let created = send_raw(&app, Method::POST, ARTICLES, Some("application/json; charset=utf-8"), body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let upper = send_raw(&app, Method::POST, ARTICLES, Some("Application/JSON; charset=UTF-8"), body).await;
    assert_eq!(upper.status, 201, "media types are case-insensitive: {}", upper.text);

    let path = path_of(&created.body);
    let merge =
        send_raw(&app, Method::PATCH, &path, Some("application/merge-patch+json"), r#"{"summary": "one"}"#).await;
    assert_eq!(merge.status, 200, "{}", merge.text);
    assert_eq!(merge.body["summary"], "one");
    let plain = send_raw(&app, Method::PATCH, &path, Some("application/json"), r#"{"summary": "two"}"#).await;
    assert_eq!(plain.status, 200, "{}", plain.text);
    assert_eq!(plain.body["summary"], "two");
    assert_eq!(plain.body["version"], 3);
}
