//! Bad input gets a clear RFC 9457 problem and changes nothing; hostile but valid
//! input is stored byte for byte; concurrent writers never see a 500.

use newsdesk::config::HttpSettings;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp};

crate::tests![
    broken_json_is_a_400_problem,
    broken_json_on_put_and_patch_is_a_400_and_changes_nothing,
    broken_json_after_an_invalid_member_is_still_a_400,
    path_key_that_is_neither_uuid_nor_slug_is_a_400,
    malformed_if_match_and_if_none_match_are_400,
    unknown_article_id_or_slug_is_a_404,
    unknown_routes_are_404_problems,
    wrong_method_on_a_known_route_is_a_405_with_allow,
    body_over_one_mebibyte_is_a_413_and_a_200_kb_body_is_fine,
    smaller_configured_body_limit_is_honoured,
    body_without_a_json_content_type_is_a_415,
    json_with_charset_and_merge_patch_content_types_are_accepted,
    wrong_json_types_are_422_with_pointers,
    missing_or_blank_title_is_422,
    unknown_field_is_422_naming_it,
    body_that_is_not_an_object_is_422,
    positional_array_body_is_not_taken_for_an_article,
    over_long_fields_are_422,
    fields_at_their_maximum_lengths_are_accepted,
    duplicate_tags_differing_in_case_are_422,
    non_http_source_url_is_422,
    bad_language_is_422,
    bad_slug_is_422,
    nul_character_is_422_never_500,
    nul_character_in_put_and_patch_is_422_and_changes_nothing,
    published_with_an_empty_body_is_refused,
    several_rule_violations_are_reported_together,
    wrong_types_in_several_fields_are_all_reported,
    merge_patch_setting_title_to_null_is_422,
    non_object_merge_patch_is_422,
    invalid_put_and_patch_change_nothing,
    hostile_strings_are_stored_and_returned_byte_for_byte,
    whitespace_outside_trimmed_fields_is_kept_exactly,
    body_of_200000_multibyte_characters_round_trips,
    explicit_slug_already_taken_is_a_409,
    stale_if_match_is_a_412_and_changes_nothing,
    weak_if_match_never_matches,
    concurrent_creates_with_the_same_title_get_distinct_slugs,
    concurrent_patches_of_different_fields_all_apply,
    concurrent_patches_with_the_same_if_match_let_exactly_one_through,
];

const ARTICLES: &str = "/v1/articles";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Asserts a problem document of the given status and kind whose `instance` is
/// exactly the request path.
#[track_caller]
fn assert_problem_at(reply: &Reply, status: u16, kind: &str, instance: &str) {
    reply.assert_problem(status, kind);
    assert_eq!(reply.body["instance"], instance, "body: {}", reply.text);
}

/// Asserts a 422 naming exactly these pointers, in this order.
#[track_caller]
fn assert_invalid(reply: &Reply, instance: &str, pointers: &[&str]) {
    assert_problem_at(reply, 422, "validation-failed", instance);
    assert_eq!(reply.error_locations(), pointers, "body: {}", reply.text);
    let errors = reply.body["errors"].as_array().expect("errors[]");
    for error in errors {
        assert!(error["detail"].as_str().is_some_and(|d| !d.is_empty()), "error without detail: {}", reply.text);
    }
}

/// The path of a created article, by id.
fn path_of(article: &Value) -> String {
    format!("{ARTICLES}/{}", article["id"].as_str().expect("id"))
}

/// Sends a raw body with the given Content-Type (or none).
async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Reply {
    let mut request = app.request(method, path).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    app.send(request).await
}

/// Sends JSON text as `application/json`.
async fn post_text(app: &TestApp, body: impl Into<reqwest::Body>) -> Reply {
    send_raw(app, Method::POST, ARTICLES, Some("application/json"), body).await
}

/// The number of stored articles, whatever their status.
async fn total(app: &TestApp) -> i64 {
    let reply = app.get("/v1/articles?status=any&count=true").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["total"].as_i64().unwrap_or_else(|| panic!("no total: {}", reply.text))
}

/// What an article and the collection look like before a refused write.
struct Snapshot {
    path: String,
    article: Value,
    total: i64,
}

impl Snapshot {
    async fn take(app: &TestApp, path: &str) -> Self {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        Self { path: path.to_owned(), article: reply.body, total: total(app).await }
    }

    /// Asserts nothing changed: the article reads back identically (same version,
    /// same `updated_at`) and no article appeared or vanished.
    #[track_caller]
    fn assert_same(&self, after: &Reply, total_after: i64, what: &str) {
        assert_eq!(after.status, 200, "{what}: article gone: {}", after.text);
        assert_eq!(after.body, self.article, "{what}: the refused write changed the article");
        assert_eq!(total_after, self.total, "{what}: the refused write changed the number of articles");
    }

    async fn assert_unchanged(&self, app: &TestApp, what: &str) {
        let after = app.get(&self.path).await;
        let total_after = total(app).await;
        self.assert_same(&after, total_after, what);
    }
}

/// A complete, valid article body.
fn valid_article() -> Value {
    json!({
        "slug": "original-story",
        "title": "Original title",
        "summary": "Original summary.",
        "body": "Original body.",
        "byline": "Jane Doe",
        "status": "published",
        "published_at": "2024-03-28T09:30:00Z",
        "section": "World",
        "tags": ["Korea"],
        "language": "en",
        "source_name": "Example Wire",
        "source_url": "https://news.example.org/1"
    })
}

/// `valid_article()` with one member replaced.
fn with(member: &str, value: Value) -> Value {
    let mut body = valid_article();
    body[member] = value;
    body
}

/// Creates the article every refused write is tried against, plus a second
/// article so that the collection count is not trivially 1.
async fn target(app: &TestApp) -> Snapshot {
    let article = app.create_article(&valid_article()).await;
    app.create_article(&json!({"title": "Bystander"})).await;
    Snapshot::take(app, &path_of(&article)).await
}

/// Starts `count` requests at once, each as its own task on the test's runtime,
/// and waits for every reply.
async fn concurrently<F, Fut>(app: &TestApp, count: usize, make: F) -> Vec<Reply>
where
    F: Fn(usize, TestApp) -> Fut,
    Fut: std::future::Future<Output = Reply> + 'static,
{
    let handles: Vec<_> = (0..count).map(|i| actix_web::rt::spawn(make(i, app.clone()))).collect();
    let mut replies = Vec::with_capacity(count);
    for handle in handles {
        replies.push(handle.await.expect("request task panicked"));
    }
    replies
}

// ---------------------------------------------------------------------------
// 400
// ---------------------------------------------------------------------------

async fn broken_json_is_a_400_problem(app: TestApp) {
    app.create_article(&json!({"title": "Already here"})).await;
    let cases: [(&str, &[u8]); 11] = [
        ("truncated in a string", br#"{"title": "x", "body": "ab"#),
        ("truncated after a member", br#"{"title": "x""#),
        ("truncated after a comma", br#"{"title": "x","#),
        ("trailing garbage", br#"{"title": "x"} garbage"#),
        ("two documents", br#"{"title": "a"}{"title": "b"}"#),
        ("missing value", br#"{"title": }"#),
        ("trailing comma", br#"{"title": "x",}"#),
        ("single quotes", br"{'title': 'x'}"),
        ("non-UTF-8 bytes in a string", b"{\"title\": \"\xff\xfe\xfd\"}"),
        ("non-UTF-8 bytes outside a string", b"\xff\xfe{\"title\": \"x\"}"),
        ("empty body", b""),
    ];
    for (what, body) in cases {
        let reply = post_text(&app, body.to_vec()).await;
        assert_eq!(reply.status, 400, "{what}: {}", reply.text);
        assert_problem_at(&reply, 400, "bad-request", ARTICLES);
        assert_eq!(reply.body["errors"], Value::Null, "{what}: a 400 has no errors[]");
    }
    assert_eq!(total(&app).await, 1, "broken JSON stored something");
}

async fn broken_json_on_put_and_patch_is_a_400_and_changes_nothing(app: TestApp) {
    let before = target(&app).await;
    for (method, content_type) in [(Method::PUT, "application/json"), (Method::PATCH, "application/merge-patch+json")] {
        for body in [&br#"{"title": "changed""#[..], br#"{"title": }"#, br#"{"title": "x"} trailing"#, b"\xff"] {
            let reply = send_raw(&app, method.clone(), &before.path, Some(content_type), body.to_vec()).await;
            assert_problem_at(&reply, 400, "bad-request", &before.path);
        }
        before.assert_unchanged(&app, &format!("broken {method}")).await;
    }
}

async fn broken_json_after_an_invalid_member_is_still_a_400(app: TestApp) {
    // The body is not JSON at all, so it is a 400 even though a member that comes
    // before the break would also be refused on its own.
    for body in [r#"{"title": 5, "body": "#, r#"{"foo": 1, "title": "#, r#"{"tags": "x", "#, r#"{"status": "live""#] {
        let reply = post_text(&app, body).await;
        assert_problem_at(&reply, 400, "bad-request", ARTICLES);
    }
    assert_eq!(total(&app).await, 0);
}

async fn path_key_that_is_neither_uuid_nor_slug_is_a_400(app: TestApp) {
    let before = target(&app).await;
    let update = json!({"title": "Changed"});
    for path in [
        "/v1/articles/Not%20A%20Slug!",
        "/v1/articles/UPPER-case",
        "/v1/articles/double--hyphen",
        "/v1/articles/%C3%BC",
        "/v1/articles/not_a_slug",
    ] {
        assert_problem_at(&app.get(path).await, 400, "bad-request", path);
        assert_problem_at(&app.put(path, &with("slug", Value::Null)).await, 400, "bad-request", path);
        assert_problem_at(&app.patch(path, &update).await, 400, "bad-request", path);
        assert_problem_at(&app.delete(path).await, 400, "bad-request", path);
    }
    before.assert_unchanged(&app, "writes to a malformed path").await;
}

/// Text that is not entity-tag syntax is a malformed header: a 400 problem on writes
/// (`If-Match`) and reads (`If-None-Match`) alike, and nothing changes. (It was a 412
/// on writes; a stock schemathesis run reported that as a schema-violating header
/// accepted. A well-formed tag that does not match stays a 412.)
async fn malformed_if_match_and_if_none_match_are_400(app: TestApp) {
    let before = target(&app).await;
    let path = before.path.clone();
    for value in ["3", "\"1", "1\"", "W/1", "\"a\"b\"", "{}"] {
        let put = app
            .send(app.request(Method::PUT, &path).header("if-match", value).json(&with("title", json!("Changed"))))
            .await;
        assert_problem_at(&put, 400, "bad-request", &path);
        let patch = app
            .send(
                app.request(Method::PATCH, &path)
                    .header("if-match", value)
                    .header("content-type", "application/merge-patch+json")
                    .body(r#"{"title": "Changed"}"#),
            )
            .await;
        assert_problem_at(&patch, 400, "bad-request", &path);
        let delete = app.send(app.request(Method::DELETE, &path).header("if-match", value)).await;
        assert_problem_at(&delete, 400, "bad-request", &path);
        let get = app.send(app.request(Method::GET, &path).header("if-none-match", value)).await;
        assert_problem_at(&get, 400, "bad-request", &path);
    }
    before.assert_unchanged(&app, "writes with a malformed If-Match").await;
}

// ---------------------------------------------------------------------------
// 404 / 405
// ---------------------------------------------------------------------------

async fn unknown_article_id_or_slug_is_a_404(app: TestApp) {
    app.create_article(&valid_article()).await;
    let count = total(&app).await;
    let unknown_id = format!("{ARTICLES}/{}", uuid::Uuid::now_v7());
    for path in [unknown_id.as_str(), "/v1/articles/no-such-story", "/v1/articles/original-story-2"] {
        assert_problem_at(&app.get(path).await, 404, "not-found", path);
        assert_problem_at(&app.put(path, &with("slug", Value::Null)).await, 404, "not-found", path);
        assert_problem_at(&app.patch(path, &json!({"title": "x"})).await, 404, "not-found", path);
        assert_problem_at(&app.delete(path).await, 404, "not-found", path);
    }
    assert_eq!(total(&app).await, count, "a write to a missing article created one");
}

async fn unknown_routes_are_404_problems(app: TestApp) {
    for (method, path) in [
        (Method::GET, "/v2/x"),
        (Method::GET, "/v1/nope"),
        (Method::GET, "/v1"),
        (Method::GET, "/v1/articles/some-slug/extra"),
        (Method::POST, "/v2/x"),
        (Method::DELETE, "/v1/nope"),
    ] {
        let reply = app.send(app.request(method.clone(), path)).await;
        assert_problem_at(&reply, 404, "not-found", path);
        assert_eq!(reply.header("allow"), None, "{method} {path}");
    }
}

async fn wrong_method_on_a_known_route_is_a_405_with_allow(app: TestApp) {
    let article = app.create_article(&valid_article()).await;
    let item = path_of(&article);
    let cases = [
        (Method::DELETE, ARTICLES.to_owned(), vec!["GET", "POST"]),
        (Method::PUT, ARTICLES.to_owned(), vec!["GET", "POST"]),
        (Method::POST, item.clone(), vec!["DELETE", "GET", "PATCH", "PUT"]),
        (Method::POST, "/v1/articles/some-slug".to_owned(), vec!["DELETE", "GET", "PATCH", "PUT"]),
        (Method::TRACE, "/healthz".to_owned(), vec!["GET"]),
        (Method::PUT, "/healthz".to_owned(), vec!["GET"]),
    ];
    for (method, path, allowed) in cases {
        let request = app.request(method.clone(), &path);
        let request = if method == Method::TRACE { request } else { request.json(&json!({"title": "x"})) };
        let reply = app.send(request).await;
        assert_problem_at(&reply, 405, "method-not-allowed", &path);
        let allow = reply.header("allow").unwrap_or_else(|| panic!("{method} {path}: no Allow header"));
        let mut listed: Vec<&str> = allow.split(',').map(str::trim).collect();
        listed.sort_unstable();
        assert_eq!(listed, allowed, "{method} {path}: Allow: {allow}");
    }
    assert_eq!(app.get(&item).await.body, article, "POST to an article changed it");
    assert_eq!(total(&app).await, 1);
}

// ---------------------------------------------------------------------------
// 413 / 415
// ---------------------------------------------------------------------------

/// `{"title": "..."}` padded with trailing whitespace (valid JSON) to exactly
/// `size` bytes.
fn padded_json(title: &str, size: usize) -> Vec<u8> {
    let mut body = json!({"title": title}).to_string().into_bytes();
    assert!(body.len() <= size);
    body.resize(size, b' ');
    body
}

async fn body_over_one_mebibyte_is_a_413_and_a_200_kb_body_is_fine(app: TestApp) {
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

async fn smaller_configured_body_limit_is_honoured(app: TestApp) {
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

async fn body_without_a_json_content_type_is_a_415(app: TestApp) {
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

async fn json_with_charset_and_merge_patch_content_types_are_accepted(app: TestApp) {
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

// ---------------------------------------------------------------------------
// 422
// ---------------------------------------------------------------------------

/// Posts each body, expecting a 422 naming exactly the given pointers, and checks
/// nothing was stored.
async fn assert_each_refused(app: &TestApp, cases: &[(Value, &[&str])]) {
    let count = total(app).await;
    for (body, pointers) in cases {
        let reply = app.post(ARTICLES, body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_invalid(&reply, ARTICLES, pointers);
    }
    assert_eq!(total(app).await, count, "a refused create stored something");
}

async fn wrong_json_types_are_422_with_pointers(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (json!({"title": 5}), &["/title"]),
        (json!({"title": null}), &["/title"]),
        (json!({"title": ["a"]}), &["/title"]),
        (with("tags", json!("x")), &["/tags"]),
        (with("tags", json!([1])), &["/tags/0"]),
        (with("tags", json!(["ok", {"a": 1}])), &["/tags/1"]),
        (with("status", json!("live")), &["/status"]),
        (with("status", json!("Published")), &["/status"]),
        (with("published_at", json!("yesterday")), &["/published_at"]),
        (with("published_at", json!("2024-03-28")), &["/published_at"]),
        (with("published_at", json!(1_711_618_200)), &["/published_at"]),
        (with("summary", json!(5)), &["/summary"]),
        (with("body", json!(false)), &["/body"]),
        (with("body", json!(null)), &["/body"]),
        (with("byline", json!({"name": "Jane"})), &["/byline"]),
        (with("language", json!(1)), &["/language"]),
        (with("slug", json!(12)), &["/slug"]),
        (with("source_url", json!(true)), &["/source_url"]),
    ];
    assert_each_refused(&app, cases).await;
}

async fn missing_or_blank_title_is_422(app: TestApp) {
    let mut missing = valid_article();
    missing.as_object_mut().unwrap().remove("title");
    let cases: &[(Value, &[&str])] = &[
        (json!({}), &["/title"]),
        (json!({"body": "text"}), &["/title"]),
        (missing, &["/title"]),
        (with("title", json!("")), &["/title"]),
        (with("title", json!("   ")), &["/title"]),
        (with("title", json!(" \t\r\n \u{3000}\u{a0}")), &["/title"]),
    ];
    assert_each_refused(&app, cases).await;
}

async fn unknown_field_is_422_naming_it(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (with("foo", json!(1)), &["/foo"]),
        (with("Title", json!("x")), &["/Title"]),
        (with("id", json!(uuid::Uuid::now_v7().to_string())), &["/id"]),
        (with("version", json!(7)), &["/version"]),
        (with("a/b~c", json!(null)), &["/a~1b~0c"]),
    ];
    assert_each_refused(&app, cases).await;
}

async fn body_that_is_not_an_object_is_422(app: TestApp) {
    app.create_article(&json!({"title": "Already here"})).await;
    for body in [r"[]", r#""just a string""#, r"42", r"true", r"null"] {
        let reply = post_text(&app, body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_invalid(&reply, ARTICLES, &[""]);
    }
    assert_eq!(total(&app).await, 1);
}

async fn positional_array_body_is_not_taken_for_an_article(app: TestApp) {
    // Arrays parse as JSON but are not article objects, whatever they hold: the
    // problem is the whole body (pointer ""), not a member of it. The first one
    // has one element per field, in the order the fields are declared.
    let positional =
        json!(["positional", "Positional title", null, "text", null, "published", null, null, [], "en", null, null]);
    let bodies = [positional, json!([{"title": "x"}]), json!(["North Korea fires missiles"])];
    for body in &bodies {
        let reply = app.post(ARTICLES, body).await;
        assert_eq!(reply.status, 422, "the array body {body} was not refused: {}", reply.text);
        assert_invalid(&reply, ARTICLES, &[""]);
    }
    assert_eq!(total(&app).await, 0);
    assert_eq!(app.get("/v1/articles/positional").await.status, 404);
}

async fn over_long_fields_are_422(app: TestApp) {
    let many_tags: Vec<String> = (0..51).map(|i| format!("tag {i}")).collect();
    let long_url = format!("https://example.org/{}", "a".repeat(2049 - "https://example.org/".len()));
    assert_eq!(long_url.len(), 2049);
    let cases: &[(Value, &[&str])] = &[
        (with("title", json!("t".repeat(301))), &["/title"]),
        (with("title", json!("é".repeat(301))), &["/title"]),
        (with("summary", json!("s".repeat(1001))), &["/summary"]),
        (with("body", json!("b".repeat(200_001))), &["/body"]),
        (with("body", json!("ü".repeat(200_001))), &["/body"]),
        (with("byline", json!("b".repeat(201))), &["/byline"]),
        (with("section", json!("s".repeat(101))), &["/section"]),
        (with("source_name", json!("s".repeat(201))), &["/source_name"]),
        (with("tags", json!(["ok", "t".repeat(65)])), &["/tags/1"]),
        (with("tags", json!(many_tags)), &["/tags"]),
        (with("source_url", json!(long_url)), &["/source_url"]),
        (with("slug", json!("s".repeat(201))), &["/slug"]),
    ];
    assert_each_refused(&app, cases).await;
}

async fn fields_at_their_maximum_lengths_are_accepted(app: TestApp) {
    // Limits count characters, not bytes: use multibyte characters throughout.
    let tags: Vec<String> = (0..50).map(|i| format!("{i:02}{}", "ж".repeat(62))).collect();
    let url = format!("https://example.org/{}", "a".repeat(2048 - "https://example.org/".len()));
    let body = json!({
        "slug": "s".repeat(200),
        "title": "é".repeat(300),
        "summary": "ü".repeat(1000),
        "body": "日".repeat(200_000),
        "byline": "ж".repeat(200),
        "section": "北".repeat(100),
        "tags": tags,
        "source_name": "ñ".repeat(200),
        "source_url": url,
    });
    let created = app.create_article(&body).await;
    for (field, value) in body.as_object().unwrap() {
        assert_eq!(&created[field], value, "{field}");
    }
    assert_eq!(app.get(&path_of(&created)).await.body, created);
}

async fn duplicate_tags_differing_in_case_are_422(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (with("tags", json!(["Korea", "KOREA"])), &["/tags/1"]),
        (with("tags", json!(["a", "b", " A "])), &["/tags/2"]),
        (with("tags", json!(["Straße", "STRASSE", "straße"])), &["/tags/2"]),
        (with("tags", json!(["ok", "  "])), &["/tags/1"]),
        (with("tags", json!([""])), &["/tags/0"]),
    ];
    assert_each_refused(&app, cases).await;
}

async fn non_http_source_url_is_422(app: TestApp) {
    let cases: Vec<(Value, &[&str])> = [
        "javascript:alert(1)",
        "ftp://x",
        "ftp://example.org/file",
        "/relative/path",
        "relative/path",
        "example.org/news",
        "https://",
        "http://exa mple.org/",
        "mailto:desk@example.org",
        "data:text/html,<script>alert(1)</script>",
        "",
    ]
    .into_iter()
    .map(|url| (with("source_url", json!(url)), &["/source_url"][..]))
    .collect();
    assert_each_refused(&app, &cases).await;
}

async fn bad_language_is_422(app: TestApp) {
    let cases: Vec<(Value, &[&str])> = ["english", "en_US", "", "e", "en-", "12", "en US"]
        .into_iter()
        .map(|language| (with("language", json!(language)), &["/language"][..]))
        .collect();
    assert_each_refused(&app, &cases).await;
}

async fn bad_slug_is_422(app: TestApp) {
    let uuid = uuid::Uuid::now_v7();
    let cases: Vec<(Value, &[&str])> = [
        "Upper".to_owned(),
        "a--b".to_owned(),
        "-lead".to_owned(),
        "trail-".to_owned(),
        "with space".to_owned(),
        "ü".to_owned(),
        "under_score".to_owned(),
        String::new(),
        uuid.to_string(),
        uuid.simple().to_string(),
    ]
    .into_iter()
    .map(|slug| (with("slug", json!(slug)), &["/slug"][..]))
    .collect();
    assert_each_refused(&app, &cases).await;
}

async fn nul_character_is_422_never_500(app: TestApp) {
    let nul = "before\u{0}after";
    let cases: &[(Value, &[&str])] = &[
        (with("title", json!(nul)), &["/title"]),
        (with("body", json!(nul)), &["/body"]),
        (with("body", json!("\u{0}")), &["/body"]),
        (with("summary", json!(nul)), &["/summary"]),
        (with("byline", json!(nul)), &["/byline"]),
        (with("section", json!(nul)), &["/section"]),
        (with("source_name", json!(nul)), &["/source_name"]),
        (with("tags", json!(["ok", nul])), &["/tags/1"]),
        (with("slug", json!("a\u{0}b")), &["/slug"]),
        (with("language", json!("en\u{0}")), &["/language"]),
        (with("source_url", json!("https://example.org/\u{0}")), &["/source_url"]),
    ];
    assert_each_refused(&app, cases).await;
    // The escape as it appears on the wire.
    let reply = post_text(&app, r#"{"title": "a\u0000b"}"#).await;
    assert_invalid(&reply, ARTICLES, &["/title"]);
}

async fn nul_character_in_put_and_patch_is_422_and_changes_nothing(app: TestApp) {
    let before = target(&app).await;
    for (member, pointer) in [("title", "/title"), ("body", "/body"), ("summary", "/summary")] {
        let reply = app.put(&before.path, &with(member, json!("x\u{0}y"))).await;
        assert_invalid(&reply, &before.path, &[pointer]);
        let reply = app.patch(&before.path, &json!({member: "x\u{0}y"})).await;
        assert_invalid(&reply, &before.path, &[pointer]);
    }
    let reply = app.patch(&before.path, &json!({"tags": ["fine", "x\u{0}"]})).await;
    assert_invalid(&reply, &before.path, &["/tags/1"]);
    before.assert_unchanged(&app, "NUL in PUT and PATCH").await;
}

async fn published_with_an_empty_body_is_refused(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (json!({"title": "Empty", "status": "published"}), &["/body"]),
        (json!({"title": "Empty", "status": "published", "body": ""}), &["/body"]),
        (with("body", json!("")), &["/body"]),
    ];
    assert_each_refused(&app, cases).await;

    // A draft may be empty, but publishing it is refused until it has a body. A PUT
    // says it all itself (422); a PATCH that sets only `status` is fine on its own
    // and conflicts with the stored, empty body (409).
    let draft = app.create_article(&json!({"title": "Draft", "body": ""})).await;
    let before = Snapshot::take(&app, &path_of(&draft)).await;
    let reply = app.patch(&before.path, &json!({"status": "published"})).await;
    assert_problem_at(&reply, 409, "conflict", &before.path);
    assert!(reply.body["detail"].as_str().unwrap().contains("/body must not be empty"), "{}", reply.text);
    let reply = app.patch(&before.path, &json!({"status": "published", "body": " "})).await;
    assert_invalid(&reply, &before.path, &["/body"]);
    let reply = app.put(&before.path, &json!({"title": "Draft", "status": "published"})).await;
    assert_invalid(&reply, &before.path, &["/body"]);
    before.assert_unchanged(&app, "publishing an empty draft").await;

    // Emptying a published article's body conflicts with its stored status.
    let published = app.create_article(&json!({"title": "Live", "body": "Text", "status": "published"})).await;
    let before = Snapshot::take(&app, &path_of(&published)).await;
    for patch in [json!({"body": ""}), json!({"body": null})] {
        let reply = app.patch(&before.path, &patch).await;
        assert_problem_at(&reply, 409, "conflict", &before.path);
    }
    let too_long = app.patch(&before.path, &json!({"body": "x".repeat(200_001)})).await;
    assert_invalid(&too_long, &before.path, &["/body"]);
    before.assert_unchanged(&app, "emptying a published body").await;
}

async fn several_rule_violations_are_reported_together(app: TestApp) {
    let body = json!({
        "slug": "Bad Slug",
        "title": "   ",
        "summary": "s".repeat(1001),
        "tags": ["Korea", "korea"],
        "language": "english",
        "source_url": "ftp://x",
    });
    let reply = app.post(ARTICLES, &body).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, ["/language", "/slug", "/source_url", "/summary", "/tags/1", "/title"], "{}", reply.text);
    assert_eq!(reply.body["detail"], "6 fields are invalid");
    assert_eq!(total(&app).await, 0);
}

async fn wrong_types_in_several_fields_are_all_reported(app: TestApp) {
    // The contract: `errors[]` holds one entry per invalid field, so a client fixing
    // a request learns about every member of the wrong type at once. Rules on the
    // values (such as the URL scheme) are checked once every type is right.
    let body = json!({"title": 5, "tags": "x", "status": "live", "language": ["en"], "source_url": "ftp://x"});
    let reply = app.post(ARTICLES, &body).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, ["/language", "/status", "/tags", "/title"], "{}", reply.text);

    let typed = json!({"title": "t", "tags": ["x"], "language": "english", "source_url": "ftp://x"});
    let reply = app.post(ARTICLES, &typed).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, ["/language", "/source_url"], "{}", reply.text);
    assert_eq!(total(&app).await, 0);
}

async fn merge_patch_setting_title_to_null_is_422(app: TestApp) {
    let before = target(&app).await;
    let reply = app.patch(&before.path, &json!({"title": null})).await;
    assert_invalid(&reply, &before.path, &["/title"]);
    let reply = app.patch(&before.path, &json!({"title": null, "summary": "changed"})).await;
    assert_invalid(&reply, &before.path, &["/title"]);
    let reply = app.patch(&before.path, &json!({"title": "  "})).await;
    assert_invalid(&reply, &before.path, &["/title"]);
    before.assert_unchanged(&app, "patching the title away").await;
}

async fn non_object_merge_patch_is_422(app: TestApp) {
    let before = target(&app).await;
    for body in ["[]", r#"[{"title": "x"}]"#, r#""title""#, "5", "null", "true"] {
        let reply = send_raw(&app, Method::PATCH, &before.path, Some("application/merge-patch+json"), body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_invalid(&reply, &before.path, &[""]);
    }
    before.assert_unchanged(&app, "non-object merge patches").await;
}

async fn invalid_put_and_patch_change_nothing(app: TestApp) {
    let before = target(&app).await;
    let puts: &[(Value, &str)] = &[
        (json!({"summary": "no title"}), "/title"),
        (with("tags", json!([1])), "/tags/0"),
        (with("status", json!("live")), "/status"),
        (with("source_url", json!("javascript:alert(1)")), "/source_url"),
        (with("foo", json!(1)), "/foo"),
        (with("title", json!("t".repeat(301))), "/title"),
        (with("slug", json!("Upper")), "/slug"),
    ];
    for (body, pointer) in puts {
        let reply = app.put(&before.path, body).await;
        assert_invalid(&reply, &before.path, &[pointer]);
    }
    let patches: &[(Value, &str)] = &[
        (json!({"tags": "x"}), "/tags"),
        (json!({"tags": ["a", "A"]}), "/tags/1"),
        (json!({"published_at": "yesterday"}), "/published_at"),
        (json!({"language": "en_US"}), "/language"),
        (json!({"foo": 1}), "/foo"),
        (json!({"body": "", "status": "published"}), "/body"),
        (json!({"summary": "s".repeat(1001)}), "/summary"),
    ];
    for (body, pointer) in patches {
        let reply = app.patch(&before.path, body).await;
        assert_invalid(&reply, &before.path, &[pointer]);
    }
    before.assert_unchanged(&app, "invalid PUT and PATCH").await;
}

// ---------------------------------------------------------------------------
// Hostile but valid strings
// ---------------------------------------------------------------------------

async fn hostile_strings_are_stored_and_returned_byte_for_byte(app: TestApp) {
    let hostile = [
        r#"She said "no" \ and \\ and \"quoted\" / done"#,
        "'); DROP TABLE articles;--",
        "\" OR 1=1 -- ' OR ''='",
        "Robert'); DELETE FROM article_tags; SELECT ('",
        "<script>alert(\"x\")</script> &amp; &lt;b&gt;",
        "👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇰🇷",
        "مرحبا بالعالم \u{202E}gnp.exe\u{202C} שלום",
        "北朝鮮がミサイル発射 한국어 中文",
        "e\u{301} vs é, Z\u{351}\u{364}\u{316}a\u{35b}lgo",
        "line1\r\nline2\n\tindented\rend",
        "%s %d {0} ${HOME} $1 \\N NULL null",
        "zero\u{200b}width\u{feff}joiner\u{200d}",
        "NEAR(\"a\" \"b\") OR title:x AND * ^",
        "\u{1F600}\u{10FFFF}\u{E000}",
    ];
    for (i, text) in hostile.iter().enumerate() {
        let body = json!({
            "title": text,
            "summary": text,
            "body": text,
            "byline": text,
            "section": text,
            "tags": [text],
            "source_name": text,
            "status": "published",
        });
        let reply = app.post(ARTICLES, &body).await;
        assert_eq!(reply.status, 201, "#{i} {text:?} refused: {}", reply.text);
        let created = reply.body;
        for field in ["title", "summary", "body", "byline", "section", "source_name"] {
            assert_eq!(created[field].as_str(), Some(*text), "#{i} {field} changed on create");
        }
        assert_eq!(created["tags"], json!([text]), "#{i} tags changed on create");
        let by_id = app.get(&path_of(&created)).await;
        assert_eq!(by_id.status, 200, "{}", by_id.text);
        assert_eq!(by_id.body, created, "#{i} {text:?} changed on the way back");
        let slug = created["slug"].as_str().unwrap();
        assert_eq!(app.get(&format!("{ARTICLES}/{slug}")).await.body, created, "#{i} by slug");
    }
    assert_eq!(total(&app).await, i64::try_from(hostile.len()).unwrap(), "the tables are all still there");
}

async fn whitespace_outside_trimmed_fields_is_kept_exactly(app: TestApp) {
    let padded = "  \r\n\tkept as sent\t\r\n  ";
    let created = app
        .create_article(&json!({
            "title": padded,
            "body": padded,
            "summary": padded,
            "byline": padded,
            "section": padded,
            "source_name": padded,
            "tags": [padded],
        }))
        .await;
    assert_eq!(created["title"], "kept as sent", "the title is trimmed");
    assert_eq!(created["tags"], json!(["kept as sent"]), "tags are trimmed");
    for field in ["body", "summary", "byline", "section", "source_name"] {
        assert_eq!(created[field], padded, "{field} must be stored exactly as sent");
    }
    assert_eq!(app.get(&path_of(&created)).await.body, created);
}

async fn body_of_200000_multibyte_characters_round_trips(app: TestApp) {
    let text: String = "aé日😀\u{301}".repeat(40_000);
    assert_eq!(text.chars().count(), 200_000);
    let created = app.create_article(&json!({"title": "Multibyte", "body": text, "status": "published"})).await;
    let stored = created["body"].as_str().unwrap();
    assert_eq!(stored.chars().count(), 200_000);
    assert!(stored == text, "the body changed on create");
    let fetched = app.get(&path_of(&created)).await;
    assert_eq!(fetched.status, 200);
    let fetched_body = fetched.body["body"].as_str().unwrap();
    assert_eq!(fetched_body.chars().count(), 200_000);
    assert!(fetched_body == text, "the body changed on the way back");
}

// ---------------------------------------------------------------------------
// 409 / 412
// ---------------------------------------------------------------------------

async fn explicit_slug_already_taken_is_a_409(app: TestApp) {
    let taken = app.create_article(&json!({"title": "First", "slug": "taken"})).await;
    let other = app.create_article(&json!({"title": "Second", "slug": "other"})).await;
    let before = Snapshot::take(&app, &path_of(&other)).await;

    let reply = app.post(ARTICLES, &json!({"title": "Third", "slug": "taken"})).await;
    assert_problem_at(&reply, 409, "conflict", ARTICLES);
    // Spaces are no part of a slug: refused (422), not trimmed into a taken one.
    let reply = app.post(ARTICLES, &json!({"title": "Third", "slug": "  taken "})).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);

    let reply = app.put(&before.path, &json!({"title": "Second, renamed", "slug": "taken"})).await;
    assert_problem_at(&reply, 409, "conflict", &before.path);
    let reply = app.patch(&before.path, &json!({"slug": "taken", "summary": "changed"})).await;
    assert_problem_at(&reply, 409, "conflict", &before.path);
    let reply = app.patch("/v1/articles/other", &json!({"slug": "taken"})).await;
    assert_problem_at(&reply, 409, "conflict", "/v1/articles/other");

    before.assert_unchanged(&app, "slug conflicts").await;
    assert_eq!(app.get("/v1/articles/taken").await.body, taken);
}

async fn stale_if_match_is_a_412_and_changes_nothing(app: TestApp) {
    let created = app.create_article(&valid_article()).await;
    let path = path_of(&created);
    let updated = app.patch(&path, &json!({"summary": "second version"})).await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.header("etag"), Some("\"2\""));
    let before = Snapshot::take(&app, &path).await;

    for stale in ["\"1\"", "\"3\"", "\"1\", \"3\""] {
        let put = app
            .send(app.request(Method::PUT, &path).header("if-match", stale).json(&with("title", json!("Lost update"))))
            .await;
        assert_problem_at(&put, 412, "precondition-failed", &path);
        let patch = app
            .send(
                app.request(Method::PATCH, &path)
                    .header("if-match", stale)
                    .header("content-type", "application/merge-patch+json")
                    .body(r#"{"title": "Lost update"}"#),
            )
            .await;
        assert_problem_at(&patch, 412, "precondition-failed", &path);
        let delete = app.send(app.request(Method::DELETE, &path).header("if-match", stale)).await;
        assert_problem_at(&delete, 412, "precondition-failed", &path);
    }
    before.assert_unchanged(&app, "stale If-Match").await;

    // The current ETag does let the write through.
    let put = app.send(app.request(Method::PUT, &path).header("if-match", "\"2\"").json(&valid_article())).await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.body["version"], 3);
}

async fn weak_if_match_never_matches(app: TestApp) {
    let before = target(&app).await;
    let path = before.path.clone();
    for weak in ["W/\"1\"", "W/\"1\", W/\"2\""] {
        let put = app.send(app.request(Method::PUT, &path).header("if-match", weak).json(&valid_article())).await;
        assert_problem_at(&put, 412, "precondition-failed", &path);
        let patch = app
            .send(
                app.request(Method::PATCH, &path)
                    .header("if-match", weak)
                    .header("content-type", "application/merge-patch+json")
                    .body(r#"{"summary": "changed"}"#),
            )
            .await;
        assert_problem_at(&patch, 412, "precondition-failed", &path);
        let delete = app.send(app.request(Method::DELETE, &path).header("if-match", weak)).await;
        assert_problem_at(&delete, 412, "precondition-failed", &path);
    }
    before.assert_unchanged(&app, "weak If-Match").await;
    // A list holding the strong tag matches even next to a weak one.
    let delete = app.send(app.request(Method::DELETE, &path).header("if-match", "W/\"1\", \"1\"")).await;
    assert_eq!(delete.status, 204, "{}", delete.text);
}

// ---------------------------------------------------------------------------
// Concurrent writers
// ---------------------------------------------------------------------------

/// Statuses of the replies, for messages.
fn statuses(replies: &[Reply]) -> Vec<u16> {
    replies.iter().map(|r| r.status).collect()
}

/// Fails on any 5xx, showing its body.
#[track_caller]
fn assert_no_server_error(replies: &[Reply]) {
    for reply in replies {
        assert!(reply.status < 500, "a concurrent write got {}: {}", reply.status, reply.text);
    }
}

async fn concurrent_creates_with_the_same_title_get_distinct_slugs(app: TestApp) {
    let replies = concurrently(&app, 20, |_, app| async move {
        app.post(ARTICLES, &json!({"title": "Breaking: Same Headline", "body": "text"})).await
    })
    .await;
    assert_no_server_error(&replies);
    assert!(
        replies.iter().all(|r| r.status == 201),
        "statuses: {:?}, e.g. {}",
        statuses(&replies),
        replies.iter().find(|r| r.status != 201).map_or("", |r| r.text.as_str())
    );
    let mut slugs: Vec<&str> = replies.iter().map(|r| r.body["slug"].as_str().unwrap()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), 20, "slugs: {slugs:?}");
    assert!(slugs.iter().all(|s| s.starts_with("breaking-same-headline")), "{slugs:?}");
    assert_eq!(total(&app).await, 20);
}

async fn concurrent_patches_of_different_fields_all_apply(app: TestApp) {
    let created = app.create_article(&json!({"title": "Contended"})).await;
    let path = path_of(&created);
    let patches = [
        json!({"summary": "patched summary"}),
        json!({"byline": "patched byline"}),
        json!({"section": "patched section"}),
        json!({"source_name": "patched source"}),
        json!({"source_url": "https://example.org/patched"}),
        json!({"language": "ko"}),
        json!({"tags": ["patched"]}),
        json!({"body": "patched body"}),
        json!({"published_at": "2024-03-28T09:30:00Z"}),
        json!({"slug": "patched-slug"}),
    ];
    let replies = concurrently(&app, patches.len(), |i, app| {
        let (path, patch) = (path.clone(), patches[i].clone());
        async move { app.patch(&path, &patch).await }
    })
    .await;
    assert_no_server_error(&replies);
    for reply in &replies {
        assert_eq!(reply.status, 200, "a PATCH without If-Match was refused: {}", reply.text);
    }
    let mut versions: Vec<i64> = replies.iter().map(|r| r.body["version"].as_i64().unwrap()).collect();
    versions.sort_unstable();
    assert_eq!(versions, (2..=11).collect::<Vec<_>>(), "each write gets its own version");

    let last = app.get(&path).await;
    assert_eq!(last.body["version"], 11, "{}", last.text);
    for patch in &patches {
        for (field, value) in patch.as_object().unwrap() {
            assert_eq!(&last.body[field], value, "the patch of {field} was lost: {}", last.text);
        }
    }
    assert_eq!(last.body["title"], "Contended");
}

async fn concurrent_patches_with_the_same_if_match_let_exactly_one_through(app: TestApp) {
    let created = app.create_article(&json!({"title": "Race"})).await;
    let path = path_of(&created);
    let replies = concurrently(&app, 10, |i, app| {
        let path = path.clone();
        async move {
            let request = app
                .request(Method::PATCH, &path)
                .header("if-match", "\"1\"")
                .header("content-type", "application/merge-patch+json")
                .body(json!({"summary": format!("writer {i}")}).to_string());
            app.send(request).await
        }
    })
    .await;
    assert_no_server_error(&replies);
    let winners: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "statuses: {:?}", statuses(&replies));
    for reply in replies.iter().filter(|r| r.status != 200) {
        assert_problem_at(reply, 412, "precondition-failed", &path);
    }
    let last = app.get(&path).await;
    assert_eq!(last.body["version"], 2);
    assert_eq!(last.body, winners[0].body, "the stored article is the one write that won");
}
