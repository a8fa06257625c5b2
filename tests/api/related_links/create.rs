//! Related links: create.

use super::*;

pub(super) async fn creating_an_internal_link_returns_201_with_location_etag_and_target(app: TestApp) {
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

pub(super) async fn creating_an_external_link_by_slug_has_no_target(app: TestApp) {
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

pub(super) async fn an_internal_link_without_title_follows_the_target_title(app: TestApp) {
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

pub(super) async fn a_link_title_is_stored_trimmed_and_measured_as_sent(app: TestApp) {
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

pub(super) async fn creating_a_link_on_an_unknown_article_is_a_404(app: TestApp) {
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
