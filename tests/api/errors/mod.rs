//! Bad input gets a clear RFC 9457 problem and changes nothing; hostile but valid
//! input is stored byte for byte; concurrent writers never see a 500.

use newsdesk::config::HttpSettings;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp};

// One file per section; the list below and the helpers the sections share stay
// here, so that every test keeps its name (`errors::...`).
mod bad_request;
mod concurrent_writers;
mod conflict_and_precondition;
mod hostile_but_valid_strings;
mod not_found_and_method;
mod size_and_media_type;
mod validation;

use bad_request::*;
use concurrent_writers::*;
use conflict_and_precondition::*;
use hostile_but_valid_strings::*;
use not_found_and_method::*;
use size_and_media_type::*;
use validation::*;

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
