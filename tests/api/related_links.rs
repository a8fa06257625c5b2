//! Related links: create (internal and external), the link rules, positions, the
//! list `PUT`, single-link reads and writes, the per-article list, backlinks and
//! the cascades when an article is deleted.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, article_path, backlinks_path, id_of, ids, link_path, links_path};

crate::tests![
    // create
    creating_an_internal_link_returns_201_with_location_etag_and_target,
    creating_an_external_link_by_slug_has_no_target,
    an_internal_link_without_title_follows_the_target_title,
    a_link_title_is_stored_trimmed_and_measured_as_sent,
    creating_a_link_on_an_unknown_article_is_a_404,
    // rules
    a_link_with_both_target_article_id_and_url_is_refused,
    a_link_with_neither_target_article_id_nor_url_is_refused,
    an_article_cannot_link_to_itself,
    a_link_to_an_article_that_does_not_exist_is_refused,
    the_same_target_article_twice_in_one_article_is_a_409,
    the_same_url_twice_in_one_article_is_a_409,
    non_http_urls_are_refused,
    titles_over_300_characters_are_refused,
    an_unknown_relation_is_refused,
    a_position_past_the_end_is_refused,
    // positions
    links_without_position_are_appended_at_0_1_2,
    inserting_at_position_0_shifts_the_others_down,
    patching_the_position_moves_a_link_up_and_down_without_gaps,
    patching_the_position_past_the_end_is_refused,
    deleting_a_link_closes_the_gap,
    // the list PUT
    put_replaces_the_whole_ordered_list,
    put_by_slug_replaces_the_list,
    put_with_an_empty_array_clears_the_list,
    put_items_have_no_position,
    put_with_an_invalid_third_item_leaves_the_list_unchanged,
    put_with_a_missing_target_in_the_third_item_leaves_the_list_unchanged,
    put_repeating_an_earlier_target_is_a_409_and_leaves_the_list_unchanged,
    put_repeating_an_earlier_url_is_a_409_and_leaves_the_list_unchanged,
    put_accepts_200_links_and_refuses_201,
    put_on_an_unknown_article_is_a_404,
    // single link
    get_returns_the_link_with_its_etag_and_honours_if_none_match,
    patch_changes_only_the_members_given_and_grows_the_version,
    stale_if_match_is_a_412_and_changes_nothing,
    matching_if_match_lets_the_write_through,
    patch_title_null_shows_the_target_title_again,
    patch_cannot_change_a_links_target,
    a_link_id_that_is_not_a_uuid_is_a_400,
    an_unknown_link_id_is_a_404,
    put_on_a_single_link_is_a_405_with_allow,
    delete_returns_204_then_404,
    // list
    list_is_in_position_order,
    list_pages_with_limit_and_cursor,
    list_of_an_unknown_article_is_a_404,
    // backlinks
    backlinks_list_each_linking_article_once,
    backlinks_page_with_limit_and_cursor,
    backlinks_of_an_unknown_article_is_a_404,
    // cascades
    deleting_an_article_deletes_its_own_links,
    deleting_a_target_deletes_the_links_to_it_and_closes_up_the_lists,
];

// ---------------------------------------------------------------------------
// helpers

/// Adds an external link to `url`.
async fn add_url(app: &TestApp, article: &Value, url: &str) -> Value {
    app.add_link(article, &json!({ "url": url })).await
}

/// Adds an internal link to `target`.
async fn add_target(app: &TestApp, article: &Value, target: &Value) -> Value {
    app.add_link(article, &json!({ "target_article_id": id_of(target) })).await
}

/// Where a link points: the target article's id or the URL.
fn endpoint(link: &Value) -> String {
    link["target_article_id"]
        .as_str()
        .or(link["url"].as_str())
        .unwrap_or_else(|| panic!("link without target or url: {link}"))
        .to_owned()
}

/// `(position, endpoint)` of each link in list order.
fn layout(links: &[Value]) -> Vec<(i64, String)> {
    links.iter().map(|l| (l["position"].as_i64().expect("position"), endpoint(l))).collect()
}

/// The expected layout: the endpoints at 0..n.
fn expected_layout(endpoints: &[&str]) -> Vec<(i64, String)> {
    endpoints.iter().enumerate().map(|(i, e)| (i64::try_from(i).unwrap(), (*e).to_owned())).collect()
}

/// A random id that names no article and no link.
fn unknown_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[track_caller]
fn assert_json(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "body: {}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"), "body: {}", reply.text);
}

// ---------------------------------------------------------------------------
// create

async fn creating_an_internal_link_returns_201_with_location_etag_and_target(app: TestApp) {
    let article = app.published("Missiles fired").await;
    let target = app.published("Seoul and Tokyo hold talks").await;

    let reply = app.post(&links_path(&article), &json!({"target_article_id": id_of(&target)})).await;

    assert_json(&reply, 201);
    let link = &reply.body;
    let id = id_of(link);
    let uuid = uuid::Uuid::parse_str(id).unwrap();
    assert_eq!(uuid.get_version_num(), 7);
    assert_eq!(id, uuid.hyphenated().to_string(), "canonical lowercase form");
    assert_eq!(reply.header("location"), Some(format!("/v1/related-links/{id}").as_str()));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(link["article_id"], article["id"]);
    assert_eq!(link["target_article_id"], target["id"]);
    assert_eq!(link["url"], Value::Null);
    assert_eq!(link["title"], "Seoul and Tokyo hold talks", "shows the target's title");
    assert_eq!(link["relation"], "related", "default relation");
    assert_eq!(link["position"], 0);
    assert_eq!(
        link["target"],
        json!({
            "id": target["id"],
            "slug": "seoul-and-tokyo-hold-talks",
            "title": "Seoul and Tokyo hold talks",
            "status": "published"
        })
    );
    assert_eq!(link["version"], 1);
    assert_eq!(link["created_at"], link["updated_at"]);
    assert!(link["created_at"].as_str().unwrap().ends_with('Z'), "{link}");
    let fetched = app.get(reply.header("location").unwrap()).await;
    assert_json(&fetched, 200);
    assert_eq!(&fetched.body, link);
}

async fn creating_an_external_link_by_slug_has_no_target(app: TestApp) {
    let article = app.published("Missiles fired").await;
    let url = "https://example.org/analysis/korea-missiles?ref=More#top";

    let reply = app
        .post(
            "/v1/articles/missiles-fired/related-links",
            &json!({"url": url, "title": "Analysis: what the launches mean", "relation": "more"}),
        )
        .await;
    let untitled = app
        .post(
            "/v1/articles/missiles-fired/related-links",
            &json!({"url": "http://other.example.com/video", "relation": "feature"}),
        )
        .await;

    assert_json(&reply, 201);
    let link = &reply.body;
    assert_eq!(reply.header("location"), Some(link_path(link).as_str()), "{}", reply.text);
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(link["article_id"], article["id"], "slug names the article");
    assert_eq!(link["url"], url, "stored exactly as sent");
    assert_eq!(link["target_article_id"], Value::Null);
    assert_eq!(link["target"], Value::Null);
    assert_eq!(link["title"], "Analysis: what the launches mean");
    assert_eq!(link["relation"], "more");
    assert_eq!(link["position"], 0);
    assert_json(&untitled, 201);
    assert_eq!(untitled.body["title"], Value::Null);
    assert_eq!(untitled.body["target"], Value::Null);
    assert_eq!(untitled.body["relation"], "feature");
    assert_eq!(untitled.body["position"], 1);
    assert_eq!(app.links(&article).await, [reply.body, untitled.body]);
}

async fn an_internal_link_without_title_follows_the_target_title(app: TestApp) {
    let target = app.published("Original headline").await;
    let first = app.published("First").await;
    let second = app.published("Second").await;
    let untitled = add_target(&app, &first, &target).await;
    let titled = app.add_link(&second, &json!({"target_article_id": id_of(&target), "title": "Own words"})).await;
    assert_eq!(untitled["title"], "Original headline");
    assert_eq!(titled["title"], "Own words");

    let patched = app
        .patch(
            &article_path(&target),
            &json!({"title": "Corrected headline", "slug": "corrected", "status": "archived"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);

    let target_now = json!({
        "id": target["id"],
        "slug": "corrected",
        "title": "Corrected headline",
        "status": "archived"
    });
    let untitled_now = app.get(&link_path(&untitled)).await;
    assert_json(&untitled_now, 200);
    assert_eq!(untitled_now.body["title"], "Corrected headline");
    assert_eq!(untitled_now.body["target"], target_now);
    assert_eq!(untitled_now.body["version"], 1, "the link itself did not change");
    let titled_now = app.get(&link_path(&titled)).await;
    assert_json(&titled_now, 200);
    assert_eq!(titled_now.body["title"], "Own words", "its own title stays");
    assert_eq!(titled_now.body["target"], target_now);
    let listed = app.links(&first).await;
    assert_eq!(listed[0]["title"], "Corrected headline", "lists show it too");
}

async fn a_link_title_is_stored_trimmed_and_measured_as_sent(app: TestApp) {
    let article = app.published("Trimmed").await;
    let long = "x".repeat(298);

    let padded =
        app.post(&links_path(&article), &json!({"url": "https://a.example.org/", "title": "  Own title \n"})).await;
    let padded_long =
        app.post(&links_path(&article), &json!({"url": "https://b.example.org/", "title": format!(" {long} ")})).await;
    let too_long =
        app.post(&links_path(&article), &json!({"url": "https://c.example.org/", "title": format!(" {long}xx")})).await;

    assert_json(&padded, 201);
    assert_eq!(padded.body["title"], "Own title");
    assert_json(&padded_long, 201);
    assert_eq!(padded_long.body["title"], long, "300 characters as sent are allowed");
    too_long.assert_problem(422, "validation-failed");
    assert_eq!(app.get(&link_path(&padded.body)).await.body["title"], "Own title");
}

async fn creating_a_link_on_an_unknown_article_is_a_404(app: TestApp) {
    let target = app.published("Target").await;

    let by_id = app
        .post(&format!("/v1/articles/{}/related-links", unknown_id()), &json!({"target_article_id": id_of(&target)}))
        .await;
    let by_slug = app.post("/v1/articles/no-such-article/related-links", &json!({"url": "https://example.org/"})).await;

    by_id.assert_problem(404, "not-found");
    by_slug.assert_problem(404, "not-found");
    let backlinks = app.get(&backlinks_path(&target)).await;
    assert_eq!(backlinks.body["items"], json!([]));
}

// ---------------------------------------------------------------------------
// rules

async fn a_link_with_both_target_article_id_and_url_is_refused(app: TestApp) {
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

async fn a_link_with_neither_target_article_id_nor_url_is_refused(app: TestApp) {
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

async fn an_article_cannot_link_to_itself(app: TestApp) {
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

async fn a_link_to_an_article_that_does_not_exist_is_refused(app: TestApp) {
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

async fn the_same_target_article_twice_in_one_article_is_a_409(app: TestApp) {
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

async fn the_same_url_twice_in_one_article_is_a_409(app: TestApp) {
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

async fn non_http_urls_are_refused(app: TestApp) {
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

async fn titles_over_300_characters_are_refused(app: TestApp) {
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

async fn an_unknown_relation_is_refused(app: TestApp) {
    let article = app.published("Article").await;

    let reply = app.post(&links_path(&article), &json!({"url": "https://example.org/", "relation": "sponsored"})).await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/relation"]);
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
}

async fn a_position_past_the_end_is_refused(app: TestApp) {
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

// ---------------------------------------------------------------------------
// positions

async fn links_without_position_are_appended_at_0_1_2(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;

    let first = add_url(&app, &article, "https://a.example.org/").await;
    let second = add_target(&app, &article, &target).await;
    let third = add_url(&app, &article, "https://c.example.org/").await;

    assert_eq!([&first, &second, &third].map(|l| l["position"].clone()), [json!(0), json!(1), json!(2)]);
    assert_eq!(app.links(&article).await, [first, second, third]);
}

async fn inserting_at_position_0_shifts_the_others_down(app: TestApp) {
    let article = app.published("Article").await;
    add_url(&app, &article, "https://a.example.org/").await;
    add_url(&app, &article, "https://b.example.org/").await;

    let first = app.add_link(&article, &json!({"url": "https://new.example.org/", "position": 0})).await;
    let middle = app.add_link(&article, &json!({"url": "https://mid.example.org/", "position": 2})).await;

    assert_eq!(first["position"], 0);
    assert_eq!(middle["position"], 2);
    let links = app.links(&article).await;
    assert_eq!(
        layout(&links),
        expected_layout(&[
            "https://new.example.org/",
            "https://a.example.org/",
            "https://mid.example.org/",
            "https://b.example.org/"
        ])
    );
    let shifted = app.get(&link_path(&links[1])).await;
    assert_eq!(shifted.body["position"], 1, "GET shows the new position");
}

async fn patching_the_position_moves_a_link_up_and_down_without_gaps(app: TestApp) {
    let article = app.published("Article").await;
    let mut links = Vec::new();
    for url in ["https://a.org/", "https://b.org/", "https://c.org/", "https://d.org/"] {
        links.push(add_url(&app, &article, url).await);
    }

    let up = app.patch(&link_path(&links[3]), &json!({"position": 1})).await;
    let after_up = layout(&app.links(&article).await);
    let down = app.patch(&link_path(&links[0]), &json!({"position": 3})).await;
    let after_down = layout(&app.links(&article).await);
    let same = app.patch(&link_path(&links[2]), &json!({"position": 2})).await;
    let after_same = layout(&app.links(&article).await);

    assert_json(&up, 200);
    assert_eq!(up.body["position"], 1);
    assert_eq!(up.body["version"], 2);
    assert_eq!(after_up, expected_layout(&["https://a.org/", "https://d.org/", "https://b.org/", "https://c.org/"]));
    assert_json(&down, 200);
    assert_eq!(down.body["position"], 3);
    assert_eq!(after_down, expected_layout(&["https://d.org/", "https://b.org/", "https://c.org/", "https://a.org/"]));
    assert_json(&same, 200);
    assert_eq!(same.body["position"], 2);
    assert_eq!(after_same, after_down);
}

async fn patching_the_position_past_the_end_is_refused(app: TestApp) {
    let article = app.published("Article").await;
    let first = add_url(&app, &article, "https://a.org/").await;
    add_url(&app, &article, "https://b.org/").await;
    let before = app.links(&article).await;

    let past = app.patch(&link_path(&first), &json!({"position": 2})).await;
    let negative = app.patch(&link_path(&first), &json!({"position": -1})).await;

    past.assert_problem(409, "conflict");
    negative.assert_problem(422, "validation-failed");
    assert_eq!(negative.error_locations(), ["/position"]);
    assert_eq!(app.links(&article).await, before, "nothing moved");
}

async fn deleting_a_link_closes_the_gap(app: TestApp) {
    let article = app.published("Article").await;
    let mut links = Vec::new();
    for url in ["https://a.org/", "https://b.org/", "https://c.org/", "https://d.org/"] {
        links.push(add_url(&app, &article, url).await);
    }

    let deleted = app.delete(&link_path(&links[1])).await;
    let appended = add_url(&app, &article, "https://e.org/").await;

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(appended["position"], 3, "appends after the closed-up list");
    assert_eq!(
        layout(&app.links(&article).await),
        expected_layout(&["https://a.org/", "https://c.org/", "https://d.org/", "https://e.org/"])
    );
}

// ---------------------------------------------------------------------------
// the list PUT

async fn put_replaces_the_whole_ordered_list(app: TestApp) {
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

async fn put_by_slug_replaces_the_list(app: TestApp) {
    let article = app.published("By slug").await;
    add_url(&app, &article, "https://old.example.org/").await;

    let reply = app.put("/v1/articles/by-slug/related-links", &json!([{"url": "https://new.example.org/"}])).await;

    assert_json(&reply, 200);
    assert_eq!(layout(&app.links(&article).await), expected_layout(&["https://new.example.org/"]));
}

async fn put_with_an_empty_array_clears_the_list(app: TestApp) {
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
async fn put_items_have_no_position(app: TestApp) {
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
async fn article_with_three_links(app: &TestApp) -> (Value, Vec<Value>) {
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

async fn put_with_an_invalid_third_item_leaves_the_list_unchanged(app: TestApp) {
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

async fn put_with_a_missing_target_in_the_third_item_leaves_the_list_unchanged(app: TestApp) {
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

async fn put_repeating_an_earlier_target_is_a_409_and_leaves_the_list_unchanged(app: TestApp) {
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

async fn put_repeating_an_earlier_url_is_a_409_and_leaves_the_list_unchanged(app: TestApp) {
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

async fn put_accepts_200_links_and_refuses_201(app: TestApp) {
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

async fn put_on_an_unknown_article_is_a_404(app: TestApp) {
    let reply = app
        .put(&format!("/v1/articles/{}/related-links", unknown_id()), &json!([{"url": "https://example.org/"}]))
        .await;

    reply.assert_problem(404, "not-found");
}

// ---------------------------------------------------------------------------
// single link

async fn get_returns_the_link_with_its_etag_and_honours_if_none_match(app: TestApp) {
    let article = app.published("Article").await;
    let link = add_url(&app, &article, "https://example.org/").await;
    let path = link_path(&link);

    let plain = app.get(&path).await;
    let fresh = app.send(app.request(Method::GET, &path).header("if-none-match", "\"1\"")).await;
    let stale = app.send(app.request(Method::GET, &path).header("if-none-match", "\"2\"")).await;

    assert_json(&plain, 200);
    assert_eq!(plain.header("etag"), Some("\"1\""));
    assert_eq!(plain.body, link);
    assert_eq!(fresh.status, 304, "{}", fresh.text);
    assert_eq!(fresh.header("etag"), Some("\"1\""));
    assert!(fresh.text.is_empty());
    assert_json(&stale, 200);
    assert_eq!(stale.body, link);
}

async fn patch_changes_only_the_members_given_and_grows_the_version(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;
    add_url(&app, &article, "https://first.example.org/").await;
    let link = add_target(&app, &article, &target).await;
    let path = link_path(&link);

    let first = app.patch(&path, &json!({"relation": "more"})).await;
    let second = app.patch(&path, &json!({"title": "Own"})).await;

    assert_json(&first, 200);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let mut expected = link.clone();
    expected["relation"] = json!("more");
    expected["version"] = json!(2);
    expected["updated_at"] = first.body["updated_at"].clone();
    assert_eq!(first.body, expected);
    assert!(first.body["updated_at"].as_str() >= link["updated_at"].as_str());
    assert_json(&second, 200);
    assert_eq!(second.header("etag"), Some("\"3\""));
    expected["title"] = json!("Own");
    expected["version"] = json!(3);
    expected["updated_at"] = second.body["updated_at"].clone();
    assert_eq!(second.body, expected);
    let fetched = app.get(&path).await;
    assert_eq!(fetched.body, expected);
    assert_eq!(fetched.header("etag"), Some("\"3\""));
}

async fn stale_if_match_is_a_412_and_changes_nothing(app: TestApp) {
    let article = app.published("Article").await;
    let link = add_url(&app, &article, "https://example.org/").await;
    let path = link_path(&link);
    assert_eq!(app.patch(&path, &json!({"title": "v2"})).await.status, 200);
    let before = app.get(&path).await.body;

    let patch = app
        .send(
            app.request(Method::PATCH, &path)
                .header("if-match", "\"1\"")
                .header("content-type", "application/merge-patch+json")
                .body(r#"{"title":"lost update"}"#),
        )
        .await;
    let delete = app.send(app.request(Method::DELETE, &path).header("if-match", "\"1\"")).await;

    patch.assert_problem(412, "precondition-failed");
    delete.assert_problem(412, "precondition-failed");
    let after = app.get(&path).await;
    assert_json(&after, 200);
    assert_eq!(after.body, before);
    assert_eq!(after.body["title"], "v2");
    assert_eq!(after.body["version"], 2);
}

async fn matching_if_match_lets_the_write_through(app: TestApp) {
    let article = app.published("Article").await;
    let link = add_url(&app, &article, "https://example.org/").await;
    let path = link_path(&link);

    let patch = app
        .send(
            app.request(Method::PATCH, &path)
                .header("if-match", "\"1\"")
                .header("content-type", "application/merge-patch+json")
                .body(r#"{"title":"guarded"}"#),
        )
        .await;
    let delete = app.send(app.request(Method::DELETE, &path).header("if-match", "\"2\"")).await;

    assert_json(&patch, 200);
    assert_eq!(patch.body["title"], "guarded");
    assert_eq!(patch.body["version"], 2);
    assert_eq!(delete.status, 204, "{}", delete.text);
    app.get(&path).await.assert_problem(404, "not-found");
}

async fn patch_title_null_shows_the_target_title_again(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("The target headline").await;
    let link = app.add_link(&article, &json!({"target_article_id": id_of(&target), "title": "Custom"})).await;
    assert_eq!(link["title"], "Custom");

    let reply = app.patch(&link_path(&link), &json!({"title": null})).await;

    assert_json(&reply, 200);
    assert_eq!(reply.body["title"], "The target headline");
    assert_eq!(reply.body["version"], 2);
    assert_eq!(app.get(&link_path(&link)).await.body["title"], "The target headline");
    let renamed = app.patch(&article_path(&target), &json!({"title": "Renamed"})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(
        app.get(&link_path(&link)).await.body["title"],
        "Renamed",
        "the cleared title follows the target from now on"
    );
}

/// A link's target is what the link is: a patch naming it is refused, even when it
/// names the current target.
async fn patch_cannot_change_a_links_target(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;
    let link = add_url(&app, &article, "https://example.org/").await;

    let internal = app.patch(&link_path(&link), &json!({"target_article_id": id_of(&target), "url": null})).await;
    let itself = app.patch(&link_path(&link), &json!({"target_article_id": id_of(&article)})).await;
    let same_url = app.patch(&link_path(&link), &json!({"url": "https://example.org/", "title": "T"})).await;

    internal.assert_problem(422, "validation-failed");
    assert_eq!(internal.error_locations(), ["/target_article_id", "/url"]);
    itself.assert_problem(422, "validation-failed");
    assert_eq!(itself.error_locations(), ["/target_article_id"]);
    same_url.assert_problem(422, "validation-failed");
    assert_eq!(same_url.error_locations(), ["/url"]);
    assert_eq!(app.get(&link_path(&link)).await.body, link);
    assert_eq!(app.get(&backlinks_path(&target)).await.body["items"], json!([]));
}

async fn a_link_id_that_is_not_a_uuid_is_a_400(app: TestApp) {
    let path = "/v1/related-links/not-a-uuid";

    let get = app.get(path).await;
    let patch = app.patch(path, &json!({"title": "x"})).await;
    let delete = app.delete(path).await;

    get.assert_problem(400, "bad-request");
    patch.assert_problem(400, "bad-request");
    delete.assert_problem(400, "bad-request");
}

async fn an_unknown_link_id_is_a_404(app: TestApp) {
    let path = format!("/v1/related-links/{}", unknown_id());

    let get = app.get(&path).await;
    let patch = app.patch(&path, &json!({"title": "x"})).await;
    let delete = app.delete(&path).await;

    get.assert_problem(404, "not-found");
    patch.assert_problem(404, "not-found");
    delete.assert_problem(404, "not-found");
}

async fn put_on_a_single_link_is_a_405_with_allow(app: TestApp) {
    let article = app.published("Article").await;
    let link = add_url(&app, &article, "https://example.org/").await;

    let reply = app.put(&link_path(&link), &json!({"url": "https://other.example.org/"})).await;

    reply.assert_problem(405, "method-not-allowed");
    let allow = reply.header("allow").unwrap_or_else(|| panic!("no Allow header: {:?}", reply.headers));
    let mut listed: Vec<&str> = allow.split(',').map(str::trim).collect();
    listed.sort_unstable();
    assert_eq!(listed, ["DELETE", "GET", "PATCH"], "Allow: {allow}");
    assert_eq!(app.get(&link_path(&link)).await.body, link, "unchanged");
}

async fn delete_returns_204_then_404(app: TestApp) {
    let article = app.published("Article").await;
    let link = add_url(&app, &article, "https://example.org/").await;
    let path = link_path(&link);

    let first = app.delete(&path).await;
    let second = app.delete(&path).await;

    assert_eq!(first.status, 204, "{}", first.text);
    assert!(first.text.is_empty());
    second.assert_problem(404, "not-found");
    app.get(&path).await.assert_problem(404, "not-found");
    assert_eq!(app.links(&article).await, Vec::<Value>::new());
    assert_eq!(app.get(&article_path(&article)).await.status, 200);
}

// ---------------------------------------------------------------------------
// list

async fn list_is_in_position_order(app: TestApp) {
    let article = app.published("Ordered").await;
    let target = app.published("Target").await;
    let b = add_url(&app, &article, "https://b.org/").await;
    let a = app.add_link(&article, &json!({"url": "https://a.org/", "position": 0})).await;
    let t = app.add_link(&article, &json!({"target_article_id": id_of(&target), "position": 1})).await;

    let reply = app.get("/v1/articles/ordered/related-links").await;

    assert_json(&reply, 200);
    assert_eq!(reply.body["next_cursor"], Value::Null);
    assert_eq!(reply.header("link"), None);
    let items = reply.items();
    assert_eq!(ids(&items), ids(&[a, t, b]));
    assert_eq!(layout(&items), expected_layout(&["https://a.org/", id_of(&target), "https://b.org/"]));
    assert_eq!(items[1]["target"]["title"], "Target");
}

async fn list_pages_with_limit_and_cursor(app: TestApp) {
    let article = app.published("Paged").await;
    let mut urls = Vec::new();
    for i in 0..5 {
        let url = format!("https://example.org/{i}");
        add_url(&app, &article, &url).await;
        urls.push(url);
    }
    let path = links_path(&article);

    let page1 = app.get(&format!("{path}?limit=2")).await;
    let link1 = app.next_link(&page1).expect("a Link on the first page");
    let page2 = app.next_page(&page1).await.expect("a Link on the first page");
    let page3 = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "2"), ("cursor", page2.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_json(&page1, 200);
    assert_json(&page2, 200);
    assert_json(&page3, 200);
    assert!(page1.body["next_cursor"].is_string(), "{}", page1.text);
    assert_eq!(
        link1.query_pairs().find(|(k, _)| k == "limit").map(|(_, v)| v.into_owned()),
        Some("2".to_owned()),
        "the Link keeps the limit"
    );
    let via_link = app.next_page(&page2).await.expect("a Link on the second page");
    assert_eq!(via_link.body, page3.body, "the Link and the cursor name the same page");
    assert_eq!(page3.body["next_cursor"], Value::Null);
    assert_eq!(page3.header("link"), None);
    let mut seen = Vec::new();
    for page in [&page1, &page2, &page3] {
        seen.extend(page.items());
    }
    assert_eq!([&page1, &page2, &page3].map(|p| p.items().len()), [2, 2, 1]);
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    assert_eq!(layout(&seen), expected_layout(&urls));
}

async fn list_of_an_unknown_article_is_a_404(app: TestApp) {
    let by_id = app.get(&format!("/v1/articles/{}/related-links", unknown_id())).await;
    let by_slug = app.get("/v1/articles/no-such-article/related-links").await;

    by_id.assert_problem(404, "not-found");
    by_slug.assert_problem(404, "not-found");
}

// ---------------------------------------------------------------------------
// backlinks

async fn backlinks_list_each_linking_article_once(app: TestApp) {
    let target = app.published("Target").await;
    let elsewhere = app.published("Elsewhere").await;
    let first = app.published("First linker").await;
    let second = app.create_article(&json!({"title": "Second linker", "status": "draft"})).await;
    let unrelated = app.published("Links elsewhere").await;
    let by_url = app.published("Links by URL").await;
    add_target(&app, &first, &elsewhere).await;
    add_target(&app, &first, &target).await;
    add_url(&app, &first, "https://example.org/").await;
    add_target(&app, &second, &target).await;
    add_target(&app, &unrelated, &elsewhere).await;
    add_url(&app, &by_url, &format!("https://newsdesk.example.org/v1/articles/{}", id_of(&target))).await;
    add_target(&app, &target, &first).await;

    let reply = app.get(&backlinks_path(&target)).await;
    let by_slug = app.get("/v1/articles/target/backlinks").await;
    let none = app.get(&backlinks_path(&by_url)).await;

    assert_json(&reply, 200);
    assert_eq!(reply.body["next_cursor"], Value::Null);
    let items = reply.items();
    assert_eq!(ids(&items), ids(&[first.clone(), second.clone()]), "each linking article once, oldest first");
    for item in &items {
        let article = app.get(&article_path(item)).await.body;
        assert_eq!(item, &article, "backlinks are Article objects");
    }
    assert_eq!(by_slug.body, reply.body);
    assert_json(&none, 200);
    assert_eq!(none.body, json!({"items": [], "next_cursor": null}));
    let of_elsewhere = app.get(&backlinks_path(&elsewhere)).await.items();
    assert_eq!(ids(&of_elsewhere), ids(&[first, unrelated]));
}

async fn backlinks_page_with_limit_and_cursor(app: TestApp) {
    let target = app.published("Target").await;
    let other = app.published("Other").await;
    let mut linkers = Vec::new();
    for i in 0..5 {
        let linker = app.published(&format!("Linker {i}")).await;
        add_target(&app, &linker, &other).await;
        add_target(&app, &linker, &target).await;
        linkers.push(linker);
    }
    let path = backlinks_path(&target);

    let page1 = app.get(&format!("{path}?limit=2")).await;
    let page2 = app.next_page(&page1).await.expect("a Link on the first page");
    let page3 = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "2"), ("cursor", page2.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_json(&page1, 200);
    assert_json(&page2, 200);
    app.next_link(&page2).expect("a Link on the second page");
    assert_json(&page3, 200);
    assert_eq!(page3.body["next_cursor"], Value::Null);
    assert_eq!(page3.header("link"), None);
    assert_eq!([&page1, &page2, &page3].map(|p| p.items().len()), [2, 2, 1]);
    let mut seen = Vec::new();
    for page in [&page1, &page2, &page3] {
        seen.extend(ids(&page.items()));
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 5, "no repeats: {seen:?}");
    assert_eq!(seen, ids(&linkers), "oldest first");
}

async fn backlinks_of_an_unknown_article_is_a_404(app: TestApp) {
    let by_id = app.get(&format!("/v1/articles/{}/backlinks", unknown_id())).await;
    let by_slug = app.get("/v1/articles/no-such-article/backlinks").await;

    by_id.assert_problem(404, "not-found");
    by_slug.assert_problem(404, "not-found");
}

// ---------------------------------------------------------------------------
// cascades

async fn deleting_an_article_deletes_its_own_links(app: TestApp) {
    let article = app.published("Doomed").await;
    let target = app.published("Target").await;
    let internal = add_target(&app, &article, &target).await;
    let external = add_url(&app, &article, "https://example.org/").await;

    let deleted = app.delete(&article_path(&article)).await;

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    for link in [&internal, &external] {
        app.get(&link_path(link)).await.assert_problem(404, "not-found");
    }
    app.get(&links_path(&article)).await.assert_problem(404, "not-found");
    assert_eq!(app.get(&backlinks_path(&target)).await.body["items"], json!([]));
    assert_eq!(app.get(&article_path(&target)).await.status, 200, "the target stays");
}

async fn deleting_a_target_deletes_the_links_to_it_and_closes_up_the_lists(app: TestApp) {
    let target = app.published("Target").await;
    let other = app.published("Other").await;
    let linker = app.published("Linker").await;
    let single = app.published("Single").await;
    add_url(&app, &linker, "https://a.org/").await;
    let to_target = add_target(&app, &linker, &target).await;
    add_url(&app, &linker, "https://b.org/").await;
    add_target(&app, &linker, &other).await;
    add_url(&app, &linker, "https://c.org/").await;
    let only = add_target(&app, &single, &target).await;
    add_target(&app, &target, &linker).await;

    let deleted = app.delete(&article_path(&target)).await;

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    app.get(&link_path(&to_target)).await.assert_problem(404, "not-found");
    app.get(&link_path(&only)).await.assert_problem(404, "not-found");
    let remaining = app.links(&linker).await;
    assert_eq!(
        layout(&remaining),
        expected_layout(&["https://a.org/", "https://b.org/", id_of(&other), "https://c.org/"])
    );
    for link in &remaining {
        let fetched = app.get(&link_path(link)).await;
        assert_eq!(&fetched.body, link, "GET agrees with the closed-up list");
    }
    assert_eq!(app.links(&single).await, Vec::<Value>::new());
    for survivor in [&linker, &single] {
        let reply = app.get(&article_path(survivor)).await;
        assert_eq!(reply.status, 200, "linking articles stay: {}", reply.text);
        assert_eq!(reply.body["title"], survivor["title"]);
    }
    let appended = add_url(&app, &linker, "https://d.org/").await;
    assert_eq!(appended["position"], 4, "appends after the closed-up list");
    let moved = app.patch(&link_path(&remaining[3]), &json!({"position": 0})).await;
    assert_json(&moved, 200);
    assert_eq!(
        layout(&app.links(&linker).await),
        expected_layout(&["https://c.org/", "https://a.org/", "https://b.org/", id_of(&other), "https://d.org/"])
    );
}
