//! Create, read, replace, merge-patch and delete single articles.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

crate::tests![
    create_returns_201_with_location_etag_and_defaults,
    create_stores_every_field_as_sent,
    created_article_is_readable_by_id_and_by_slug,
    slugs_derived_from_the_same_title_are_made_unique,
    non_latin_titles_get_transliterated_slugs,
    publishing_without_a_date_sets_published_at_to_now,
    get_with_matching_if_none_match_is_304,
    put_replaces_every_field_and_clears_left_out_optional_ones,
    put_without_slug_keeps_the_current_slug,
    put_without_published_at_keeps_the_date_of_an_article_that_stays_published,
    put_without_published_at_keeps_a_scheduled_article_scheduled,
    put_without_published_at_dates_a_draft_it_publishes_now,
    put_with_published_at_sets_that_date,
    put_by_slug_updates_the_article,
    patch_changes_only_the_members_given,
    patch_null_clears_optional_fields_and_resets_defaults,
    patch_accepts_plain_application_json,
    every_write_grows_the_version_by_one,
    matching_if_match_lets_the_write_through,
    if_match_star_requires_an_existing_article,
    delete_returns_204_then_404,
    delete_by_slug_frees_the_slug,
];

fn full_article() -> Value {
    json!({
        "slug": "missiles-fired",
        "title": "North Korea fires missiles",
        "summary": "The launch came hours before talks.",
        "body": "Pyongyang launched two missiles on Thursday.",
        "byline": "Jane Doe",
        "status": "published",
        "published_at": "2024-03-28T09:30:00Z",
        "section": "World",
        "tags": ["North Korea", "Defence"],
        "language": "en-GB",
        "source_name": "Example Wire",
        "source_url": "https://news.example.org/world/123?ref=rss"
    })
}

async fn create_returns_201_with_location_etag_and_defaults(app: TestApp) {
    let reply = app.post("/v1/articles", &json!({"title": "  A headline  "})).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let id = reply.body["id"].as_str().unwrap();
    let uuid = uuid::Uuid::parse_str(id).unwrap();
    assert_eq!(uuid.get_version_num(), 7);
    assert_eq!(id, uuid.hyphenated().to_string(), "canonical lowercase form");
    assert_eq!(reply.header("location"), Some(format!("/v1/articles/{id}").as_str()));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    let article = &reply.body;
    assert_eq!(article["title"], "A headline", "title is trimmed");
    assert_eq!(article["slug"], "a-headline");
    assert_eq!(article["status"], "draft");
    assert_eq!(article["language"], "en");
    assert_eq!(article["body"], "");
    assert_eq!(article["tags"], json!([]));
    assert_eq!(article["version"], 1);
    for optional in ["summary", "byline", "published_at", "section", "source_name", "source_url"] {
        assert_eq!(article[optional], Value::Null, "{optional}");
    }
    assert_eq!(article["created_at"], article["updated_at"]);
    assert!(article["created_at"].as_str().unwrap().ends_with('Z'));
}

async fn create_stores_every_field_as_sent(app: TestApp) {
    let sent = full_article();
    let created = app.create_article(&sent).await;

    let fetched = app.get(&format!("/v1/articles/{}", created["id"].as_str().unwrap())).await;
    assert_eq!(fetched.status, 200);
    for (field, value) in sent.as_object().unwrap() {
        assert_eq!(&fetched.body[field], value, "{field}");
        assert_eq!(&created[field], value, "{field}");
    }
    assert_eq!(fetched.body, created);
}

async fn created_article_is_readable_by_id_and_by_slug(app: TestApp) {
    let created = app.create_article(&full_article()).await;

    let by_id = app.get(&format!("/v1/articles/{}", created["id"].as_str().unwrap())).await;
    let by_slug = app.get("/v1/articles/missiles-fired").await;
    let by_uppercase_id = app.get(&format!("/v1/articles/{}", created["id"].as_str().unwrap().to_uppercase())).await;

    assert_eq!(by_id.body, created);
    assert_eq!(by_slug.body, created);
    assert_eq!(by_uppercase_id.body, created, "a UUID in upper case names the same id");
    assert_eq!(by_slug.header("etag"), Some("\"1\""));
}

async fn slugs_derived_from_the_same_title_are_made_unique(app: TestApp) {
    let mut slugs = Vec::new();
    for _ in 0..3 {
        slugs.push(app.create_article(&json!({"title": "Breaking: Storm Hits Coast!"})).await["slug"].clone());
    }
    assert_eq!(
        slugs,
        [
            json!("breaking-storm-hits-coast"),
            json!("breaking-storm-hits-coast-2"),
            json!("breaking-storm-hits-coast-3")
        ]
    );
}

async fn non_latin_titles_get_transliterated_slugs(app: TestApp) {
    let greek = app.create_article(&json!({"title": "Αθήνα σήμερα"})).await;
    let symbols = app.create_article(&json!({"title": "!!! ???"})).await;

    assert_eq!(greek["slug"], "athena-semera");
    assert_eq!(greek["title"], "Αθήνα σήμερα");
    assert_eq!(symbols["slug"], "article");
}

async fn publishing_without_a_date_sets_published_at_to_now(app: TestApp) {
    let before = chrono::Utc::now();
    let draft = app.create_article(&json!({"title": "Later", "body": "text"})).await;
    assert_eq!(draft["published_at"], Value::Null);

    let published =
        app.patch(&format!("/v1/articles/{}", draft["id"].as_str().unwrap()), &json!({"status": "published"})).await;

    assert_eq!(published.status, 200, "{}", published.text);
    let at: chrono::DateTime<chrono::Utc> = published.body["published_at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before - chrono::TimeDelta::seconds(1) && at <= chrono::Utc::now(), "{at}");
}

async fn get_with_matching_if_none_match_is_304(app: TestApp) {
    let created = app.published("Cached").await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let fresh = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    let weak = app.send(app.request(Method::GET, &path).header("if-none-match", "W/\"1\"")).await;
    let stale = app.send(app.request(Method::GET, &path).header("if-none-match", "\"7\", \"8\"")).await;

    assert_eq!(fresh.status, 304);
    assert_eq!(fresh.header("etag"), Some("\"1\""));
    assert!(fresh.text.is_empty());
    assert_eq!(weak.status, 304);
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body["title"], "Cached");
}

async fn put_replaces_every_field_and_clears_left_out_optional_ones(app: TestApp) {
    let created = app.create_article(&full_article()).await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let reply = app.put(&path, &json!({"title": "Rewritten", "body": "New text", "status": "published"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let article = app.get(&path).await.body;
    assert_eq!(article, reply.body);
    assert_eq!(article["title"], "Rewritten");
    assert_eq!(article["tags"], json!([]));
    assert_eq!(article["language"], "en");
    for cleared in ["summary", "byline", "section", "source_name", "source_url"] {
        assert_eq!(article[cleared], Value::Null, "{cleared}");
    }
    assert_eq!(article["published_at"], created["published_at"], "kept: the article stays published");
    assert_eq!(article["created_at"], created["created_at"]);
    assert!(article["updated_at"].as_str() > created["updated_at"].as_str());
}

async fn put_without_slug_keeps_the_current_slug(app: TestApp) {
    let created = app.create_article(&full_article()).await;

    let reply = app.put("/v1/articles/missiles-fired", &json!({"title": "Another title entirely"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["slug"], "missiles-fired");
    assert_eq!(reply.body["id"], created["id"]);
}

async fn put_without_published_at_keeps_the_date_of_an_article_that_stays_published(app: TestApp) {
    let older = app.create_article(&full_article()).await;
    let newer = app.published("Talks in Seoul").await;
    let path = format!("/v1/articles/{}", older["id"].as_str().unwrap());
    // What a client that read the article sends back, without the publication time.
    let mut body = older.clone();
    for read_only in ["id", "version", "created_at", "updated_at", "published_at"] {
        body.as_object_mut().unwrap().remove(read_only);
    }

    let reply = app.put(&path, &json!({"title": "Missiles fired", "body": "Text.", "status": "published"})).await;
    let again = app.put(&path, &body).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["published_at"], "2024-03-28T09:30:00Z");
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.body["published_at"], "2024-03-28T09:30:00Z");
    assert_eq!(app.get(&path).await.body["published_at"], "2024-03-28T09:30:00Z");
    let newest_first: Vec<_> =
        app.get("/v1/articles").await.body["items"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect();
    assert_eq!(newest_first, [newer["id"].clone(), older["id"].clone()], "the replaced story did not move up");
}

async fn put_without_published_at_keeps_a_scheduled_article_scheduled(app: TestApp) {
    let scheduled = app
        .create_article(
            &json!({"title": "Embargoed", "body": "b", "status": "published", "published_at": "2999-01-01T06:00:00Z"}),
        )
        .await;
    let path = format!("/v1/articles/{}", scheduled["id"].as_str().unwrap());

    let reply = app.put(&path, &json!({"title": "Embargoed, rewritten", "body": "b2", "status": "published"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["published_at"], "2999-01-01T06:00:00Z");
    app.anonymous().get(&path).await.assert_problem(404, "not-found");
}

async fn put_without_published_at_dates_a_draft_it_publishes_now(app: TestApp) {
    let draft =
        app.create_article(&json!({"title": "Draft", "body": "b", "published_at": "2024-03-28T09:30:00Z"})).await;
    let path = format!("/v1/articles/{}", draft["id"].as_str().unwrap());
    let before = chrono::Utc::now();

    let reply = app.put(&path, &json!({"title": "Draft", "body": "b", "status": "published"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let at: chrono::DateTime<chrono::Utc> = reply.body["published_at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before - chrono::TimeDelta::seconds(1) && at <= chrono::Utc::now(), "{at}");
}

async fn put_with_published_at_sets_that_date(app: TestApp) {
    let created = app.create_article(&full_article()).await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let moved = app
        .put(&path, &json!({"title": "T", "body": "b", "status": "published", "published_at": "2025-06-01T12:00:00Z"}))
        .await;
    let unpublished = app.put(&path, &json!({"title": "T", "body": "b", "status": "draft"})).await;

    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["published_at"], "2025-06-01T12:00:00Z");
    assert_eq!(unpublished.status, 200, "{}", unpublished.text);
    assert_eq!(unpublished.body["published_at"], Value::Null, "left out of an unpublished article: cleared");
}

async fn put_by_slug_updates_the_article(app: TestApp) {
    app.create_article(&full_article()).await;

    let reply = app.put("/v1/articles/missiles-fired", &json!({"title": "T", "slug": "renamed"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(app.get("/v1/articles/renamed").await.body["title"], "T");
    app.get("/v1/articles/missiles-fired").await.assert_problem(404, "not-found");
}

async fn patch_changes_only_the_members_given(app: TestApp) {
    let created = app.create_article(&full_article()).await;

    let reply = app.patch("/v1/articles/missiles-fired", &json!({"title": "Patched", "tags": ["One"]})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut expected = created.clone();
    expected["title"] = json!("Patched");
    expected["tags"] = json!(["One"]);
    expected["version"] = json!(2);
    expected["updated_at"] = reply.body["updated_at"].clone();
    assert_eq!(reply.body, expected);
    assert_eq!(app.get("/v1/articles/missiles-fired").await.body, expected);
}

async fn patch_null_clears_optional_fields_and_resets_defaults(app: TestApp) {
    app.create_article(&full_article()).await;

    let reply = app
        .patch(
            "/v1/articles/missiles-fired",
            &json!({"summary": null, "byline": null, "tags": null, "language": null, "source_url": null}),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["summary"], Value::Null);
    assert_eq!(reply.body["byline"], Value::Null);
    assert_eq!(reply.body["source_url"], Value::Null);
    assert_eq!(reply.body["tags"], json!([]));
    assert_eq!(reply.body["language"], "en");
    assert_eq!(reply.body["section"], "World", "members not in the patch stay");
}

async fn patch_accepts_plain_application_json(app: TestApp) {
    app.create_article(&full_article()).await;

    let reply = app.send_json(Method::PATCH, "/v1/articles/missiles-fired", &json!({"byline": "Kim"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["byline"], "Kim");
}

async fn every_write_grows_the_version_by_one(app: TestApp) {
    let created = app.published("Versioned").await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let patched = app.patch(&path, &json!({"summary": "s"})).await;
    let put = app.put(&path, &json!({"title": "Versioned", "body": "b"})).await;
    let patched_again = app.patch(&path, &json!({"summary": "s2"})).await;

    assert_eq!([&patched, &put, &patched_again].map(|r| r.body["version"].clone()), [json!(2), json!(3), json!(4)]);
    assert_eq!(patched_again.header("etag"), Some("\"4\""));
    assert_eq!(app.get(&path).await.header("etag"), Some("\"4\""));
}

async fn matching_if_match_lets_the_write_through(app: TestApp) {
    let created = app.published("Guarded").await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let put = app.send(app.request(Method::PUT, &path).header("if-match", "\"1\"").json(&json!({"title": "G2"}))).await;
    let patch = app
        .send(
            app.request(Method::PATCH, &path)
                .header("if-match", "\"5\", \"2\"")
                .header("content-type", "application/merge-patch+json")
                .body(r#"{"title":"G3"}"#),
        )
        .await;
    let delete = app.send(app.request(Method::DELETE, &path).header("if-match", "\"3\"")).await;

    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(patch.status, 200, "{}", patch.text);
    assert_eq!(patch.body["title"], "G3");
    assert_eq!(delete.status, 204, "{}", delete.text);
}

async fn if_match_star_requires_an_existing_article(app: TestApp) {
    let created = app.published("Star").await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let existing = app.send(app.request(Method::PUT, &path).header("if-match", "*").json(&json!({"title": "S"}))).await;
    let missing = app
        .send(
            app.request(Method::PUT, "/v1/articles/no-such-article")
                .header("if-match", "*")
                .json(&json!({"title": "S"})),
        )
        .await;

    assert_eq!(existing.status, 200, "{}", existing.text);
    missing.assert_problem(404, "not-found");
}

async fn delete_returns_204_then_404(app: TestApp) {
    let created = app.published("Short-lived").await;
    let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());

    let first = app.delete(&path).await;
    let second = app.delete(&path).await;

    assert_eq!(first.status, 204);
    assert!(first.text.is_empty());
    second.assert_problem(404, "not-found");
    app.get(&path).await.assert_problem(404, "not-found");
    let list = app.get("/v1/articles?status=any&count=true").await;
    assert_eq!(list.body["total"], 0);
}

async fn delete_by_slug_frees_the_slug(app: TestApp) {
    app.create_article(&full_article()).await;

    assert_eq!(app.delete("/v1/articles/missiles-fired").await.status, 204);
    let again = app.create_article(&full_article()).await;

    assert_eq!(again["slug"], "missiles-fired");
}
