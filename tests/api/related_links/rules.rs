//! Related links: rules.

use super::*;

pub(super) async fn a_link_with_both_target_article_id_and_url_is_refused(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;

    let reply = app
        .post(&links_path(&article), &json!({"target_article_id": id_of(&target), "url": "https://example.org/"}))
        .await;

    reply.assert_problem(422, "validation-failed");
    let locations = reply.error_locations();
    assert!(
        !locations.is_empty() && locations.iter().all(|l| l == "/url" || l == "/target_article_id"),
        "{locations:?}"
    );
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

/// Each link shape names only its own target: the other one sent as `null` matches
/// no shape of the spec, so it is refused like a member the shape does not have (a
/// fuzzer found it accepted), on a single create, a list PUT and a nested create.
pub(super) async fn a_link_naming_the_other_target_as_null_is_refused(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;

    let external =
        app.post(&links_path(&article), &json!({"url": "https://example.org/", "target_article_id": null})).await;
    external.assert_problem(422, "validation-failed");
    assert_eq!(external.error_locations(), ["/target_article_id"]);
    let internal = app.post(&links_path(&article), &json!({"target_article_id": id_of(&target), "url": null})).await;
    internal.assert_problem(422, "validation-failed");
    assert_eq!(internal.error_locations(), ["/url"]);
    let list =
        app.put(&links_path(&article), &json!([{"url": "https://example.org/", "target_article_id": null}])).await;
    list.assert_problem(422, "validation-failed");
    assert_eq!(list.error_locations(), ["/0/target_article_id"]);
    assert_eq!(app.links(&article).await, Vec::<Value>::new());

    let nested = app
        .post(
            "/v1/articles",
            &json!({"title": "Nested", "body": "text", "related_links": [{"url": "https://example.org/", "target_article_id": null}]}),
        )
        .await;
    nested.assert_problem(422, "validation-failed");
    assert_eq!(nested.error_locations(), ["/related_links/0/target_article_id"]);

    let fine = app.post(&links_path(&article), &json!({"url": "https://example.org/"})).await;
    assert_eq!(fine.status, 201, "{}", fine.text);
}

pub(super) async fn a_link_with_neither_target_article_id_nor_url_is_refused(app: TestApp) {
    let article = app.published("Article").await;

    let empty = app.post(&links_path(&article), &json!({})).await;
    let nulls =
        app.post(&links_path(&article), &json!({"target_article_id": null, "url": null, "title": "Nothing"})).await;

    for reply in [&empty, &nulls] {
        reply.assert_problem(422, "validation-failed");
        let locations = reply.error_locations();
        assert!(
            !locations.is_empty() && locations.iter().all(|l| l == "/url" || l == "/target_article_id"),
            "{locations:?}"
        );
    }
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

pub(super) async fn an_article_cannot_link_to_itself(app: TestApp) {
    let article = app.published("Narcissus").await;

    let by_id = app.post(&links_path(&article), &json!({"target_article_id": id_of(&article)})).await;
    let by_slug = app
        .post("/v1/articles/narcissus/related-links", &json!({"target_article_id": id_of(&article), "title": "Me"}))
        .await;

    by_id.assert_problem(422, "validation-failed");
    assert_eq!(by_id.error_locations(), ["/target_article_id"]);
    by_slug.assert_problem(422, "validation-failed");
    assert_eq!(by_slug.error_locations(), ["/target_article_id"]);
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

pub(super) async fn a_link_to_an_article_that_does_not_exist_is_refused(app: TestApp) {
    let article = app.published("Article").await;
    let deleted = app.published("Deleted").await;
    assert_eq!(app.delete(&article_path(&deleted)).await.status, 204);

    let unknown = app.post(&links_path(&article), &json!({"target_article_id": unknown_id()})).await;
    let gone = app.post(&links_path(&article), &json!({"target_article_id": id_of(&deleted)})).await;

    // Whether the target exists depends on what is stored now: a conflict.
    for reply in [&unknown, &gone] {
        reply.assert_problem(409, "conflict");
        assert!(reply.body["detail"].as_str().unwrap().contains("target_article_id"), "{}", reply.text);
    }
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

pub(super) async fn the_same_target_article_twice_in_one_article_is_a_409(app: TestApp) {
    let article = app.published("Article").await;
    let other = app.published("Other").await;
    let target = app.published("Target").await;
    let first = add_target(&app, &article, &target).await;

    let again = app
        .post(
            &links_path(&article),
            &json!({"target_article_id": id_of(&target), "title": "Different title", "relation": "more"}),
        )
        .await;
    let elsewhere = app.post(&links_path(&other), &json!({"target_article_id": id_of(&target)})).await;

    again.assert_problem(409, "conflict");
    assert_eq!(app.links(&article).await, [first]);
    assert_json(&elsewhere, 201);
}

pub(super) async fn the_same_url_twice_in_one_article_is_a_409(app: TestApp) {
    let article = app.published("Article").await;
    let other = app.published("Other").await;
    let url = "https://example.org/story/1";
    let first = add_url(&app, &article, url).await;

    let again =
        app.post(&links_path(&article), &json!({"url": url, "title": "Another title", "relation": "feature"})).await;
    let elsewhere = app.post(&links_path(&other), &json!({"url": url})).await;

    again.assert_problem(409, "conflict");
    assert_eq!(app.links(&article).await, [first]);
    assert_json(&elsewhere, 201);
}

pub(super) async fn non_http_urls_are_refused(app: TestApp) {
    let article = app.published("Article").await;

    for url in [
        "ftp://example.org/file",
        "javascript:alert(1)",
        "mailto:desk@example.org",
        "/relative/path",
        "example.org/no-scheme",
        "",
    ] {
        let reply = app.post(&links_path(&article), &json!({ "url": url })).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/url"], "{url:?}");
    }
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

pub(super) async fn titles_over_300_characters_are_refused(app: TestApp) {
    let article = app.published("Article").await;

    let too_long =
        app.post(&links_path(&article), &json!({"url": "https://a.example.org/", "title": "é".repeat(301)})).await;
    let longest =
        app.post(&links_path(&article), &json!({"url": "https://b.example.org/", "title": "é".repeat(300)})).await;

    too_long.assert_problem(422, "validation-failed");
    assert_eq!(too_long.error_locations(), ["/title"]);
    assert_json(&longest, 201);
    assert_eq!(layout(&app.links(&article).await).len(), 1);
}

pub(super) async fn an_unknown_relation_is_refused(app: TestApp) {
    let article = app.published("Article").await;

    let reply = app.post(&links_path(&article), &json!({"url": "https://example.org/", "relation": "sponsored"})).await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/relation"]);
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

pub(super) async fn a_position_past_the_end_is_refused(app: TestApp) {
    let article = app.published("Article").await;
    add_url(&app, &article, "https://a.example.org/").await;
    add_url(&app, &article, "https://b.example.org/").await;

    let past = app.post(&links_path(&article), &json!({"url": "https://c.example.org/", "position": 3})).await;
    let negative = app.post(&links_path(&article), &json!({"url": "https://c.example.org/", "position": -1})).await;
    let at_end = app.post(&links_path(&article), &json!({"url": "https://c.example.org/", "position": 2})).await;

    past.assert_problem(409, "conflict");
    negative.assert_problem(422, "validation-failed");
    assert_eq!(negative.error_locations(), ["/position"]);
    assert_json(&at_end, 201);
    assert_eq!(at_end.body["position"], 2);
    assert_eq!(
        layout(&app.links(&article).await),
        expected_layout(&["https://a.example.org/", "https://b.example.org/", "https://c.example.org/"])
    );
}
