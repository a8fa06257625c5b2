//! Related links: the list PUT.

use super::*;

pub(super) async fn put_replaces_the_whole_ordered_list(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target story").await;
    let old_url = add_url(&app, &article, "https://old.example.org/").await;
    let old_internal = add_target(&app, &article, &target).await;

    let reply = app
        .put(
            &links_path(&article),
            &json!([
                {"url": "https://new.example.org/c", "title": "C", "relation": "more"},
                {"target_article_id": id_of(&target)},
                {"url": "https://old.example.org/"},
            ]),
        )
        .await;

    assert_json(&reply, 200);
    assert_eq!(reply.body["next_cursor"], Value::Null, "{}", reply.text);
    let items = reply.items();
    assert_eq!(
        layout(&items),
        expected_layout(&["https://new.example.org/c", id_of(&target), "https://old.example.org/"])
    );
    assert_eq!(items[0]["title"], "C");
    assert_eq!(items[0]["relation"], "more");
    assert_eq!(items[1]["title"], "Target story");
    assert_eq!(items[1]["relation"], "related");
    assert_eq!(items[1]["target"]["slug"], "target-story");
    assert_eq!(items[2]["target"], Value::Null);
    assert_eq!(items[0]["version"], 1, "a new link");
    for item in &items {
        assert_eq!(item["article_id"], article["id"]);
    }
    assert_eq!(app.links(&article).await, items);
    for old in [&old_url, &old_internal] {
        if !items.iter().any(|i| i["id"] == old["id"]) {
            app.get(&link_path(old)).await.assert_problem(404, "not-found");
        }
    }
    for item in &items {
        assert_eq!(&app.get(&link_path(item)).await.body, item);
    }
}

pub(super) async fn put_by_slug_replaces_the_list(app: TestApp) {
    let article = app.published("By slug").await;
    add_url(&app, &article, "https://old.example.org/").await;

    let reply = app.put("/v1/articles/by-slug/related-links", &json!([{"url": "https://new.example.org/"}])).await;

    assert_json(&reply, 200);
    assert_eq!(layout(&app.links(&article).await), expected_layout(&["https://new.example.org/"]));
}

pub(super) async fn put_with_an_empty_array_clears_the_list(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;
    let link = add_target(&app, &article, &target).await;
    add_url(&app, &article, "https://a.org/").await;

    let reply = app.put(&links_path(&article), &json!([])).await;

    assert_json(&reply, 200);
    assert_eq!(reply.body, json!({"items": [], "next_cursor": null}));
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
    app.get(&link_path(&link)).await.assert_problem(404, "not-found");
    assert_eq!(app.get(&backlinks_path(&target)).await.body["items"], json!([]));
}

/// The array order is the order: an item naming a position is refused.
pub(super) async fn put_items_have_no_position(app: TestApp) {
    let article = app.published("Article").await;
    add_url(&app, &article, "https://keep.example.org/").await;
    let before = app.links(&article).await;

    let reply = app
        .put(
            &links_path(&article),
            &json!([
                {"url": "https://a.org/"},
                {"url": "https://b.org/", "position": 1},
            ]),
        )
        .await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/1/position"]);
    assert_eq!(app.links(&article).await, before);
}

/// An article with three links (internal, external, internal) for the rollback
/// tests, and its list as GET shows it.
pub(super) async fn article_with_three_links(app: &TestApp) -> (Value, Vec<Value>) {
    let article = app.published("Article").await;
    let one = app.published("One").await;
    let two = app.published("Two").await;
    add_target(app, &article, &one).await;
    app.add_link(&article, &json!({"url": "https://kept.example.org/", "title": "Kept", "relation": "feature"})).await;
    add_target(app, &article, &two).await;
    let before = app.links(&article).await;
    assert_eq!(before.len(), 3);
    (article, before)
}

pub(super) async fn put_with_an_invalid_third_item_leaves_the_list_unchanged(app: TestApp) {
    let (article, before) = article_with_three_links(&app).await;

    let reply = app
        .put(
            &links_path(&article),
            &json!([
                {"url": "https://first.example.org/"},
                {"url": "https://second.example.org/"},
                {"url": "not a url"},
            ]),
        )
        .await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/2/url"]);
    assert_eq!(app.links(&article).await, before);
}

pub(super) async fn put_with_a_missing_target_in_the_third_item_leaves_the_list_unchanged(app: TestApp) {
    let (article, before) = article_with_three_links(&app).await;

    let reply = app
        .put(
            &links_path(&article),
            &json!([
                {"url": "https://first.example.org/"},
                {"url": "https://second.example.org/"},
                {"target_article_id": unknown_id()},
            ]),
        )
        .await;

    reply.assert_problem(409, "conflict");
    assert!(reply.body["detail"].as_str().unwrap().contains("target_article_id"), "{}", reply.text);
    assert_eq!(app.links(&article).await, before);
}

pub(super) async fn put_repeating_an_earlier_target_is_a_409_and_leaves_the_list_unchanged(app: TestApp) {
    let (article, before) = article_with_three_links(&app).await;
    let other = app.published("Other").await;

    let reply = app
        .put(
            &links_path(&article),
            &json!([
                {"target_article_id": id_of(&other)},
                {"url": "https://second.example.org/"},
                {"target_article_id": id_of(&other), "title": "Again"},
            ]),
        )
        .await;

    reply.assert_problem(409, "conflict");
    assert_eq!(app.links(&article).await, before);
    assert_eq!(app.get(&backlinks_path(&other)).await.body["items"], json!([]));
}

pub(super) async fn put_repeating_an_earlier_url_is_a_409_and_leaves_the_list_unchanged(app: TestApp) {
    let (article, before) = article_with_three_links(&app).await;

    let reply = app
        .put(
            &links_path(&article),
            &json!([
                {"url": "https://same.example.org/"},
                {"url": "https://second.example.org/"},
                {"url": "https://same.example.org/", "relation": "more"},
            ]),
        )
        .await;

    reply.assert_problem(409, "conflict");
    assert_eq!(app.links(&article).await, before);
}

pub(super) async fn put_accepts_200_links_and_refuses_201(app: TestApp) {
    let (article, before) = article_with_three_links(&app).await;
    let links = |n: usize| -> Value { (0..n).map(|i| json!({ "url": format!("https://example.org/{i}") })).collect() };

    let too_many = app.put(&links_path(&article), &links(201)).await;
    let unchanged = app.links(&article).await;
    let most = app.put(&links_path(&article), &links(200)).await;

    too_many.assert_problem(422, "validation-failed");
    assert!(!too_many.error_locations().is_empty(), "{}", too_many.text);
    assert_eq!(unchanged, before);
    assert_json(&most, 200);
    let items = most.items();
    assert_eq!(items.len(), 200);
    assert_eq!(items[199]["position"], 199);
    assert_eq!(items[199]["url"], "https://example.org/199");
    let first_page = app.get(&links_path(&article)).await;
    assert_eq!(first_page.items().len(), 20);
    assert!(first_page.body["next_cursor"].is_string());
}

pub(super) async fn put_on_an_unknown_article_is_a_404(app: TestApp) {
    let reply = app
        .put(&format!("/v1/articles/{}/related-links", unknown_id()), &json!([{"url": "https://example.org/"}]))
        .await;

    reply.assert_problem(404, "not-found");
}
