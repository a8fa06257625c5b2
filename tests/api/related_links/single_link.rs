//! Related links: single link.

use super::*;

pub(super) async fn get_returns_the_link_with_its_etag_and_honours_if_none_match(app: TestApp) {
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

pub(super) async fn patch_changes_only_the_members_given_and_grows_the_version(app: TestApp) {
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

pub(super) async fn stale_if_match_is_a_412_and_changes_nothing(app: TestApp) {
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

pub(super) async fn matching_if_match_lets_the_write_through(app: TestApp) {
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

pub(super) async fn patch_title_null_shows_the_target_title_again(app: TestApp) {
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
pub(super) async fn patch_cannot_change_a_links_target(app: TestApp) {
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

pub(super) async fn a_link_id_that_is_not_a_uuid_is_a_400(app: TestApp) {
    let path = "/v1/related-links/not-a-uuid";

    let get = app.get(path).await;
    let patch = app.patch(path, &json!({"title": "x"})).await;
    let delete = app.delete(path).await;

    get.assert_problem(400, "bad-request");
    patch.assert_problem(400, "bad-request");
    delete.assert_problem(400, "bad-request");
}

pub(super) async fn an_unknown_link_id_is_a_404(app: TestApp) {
    let path = format!("/v1/related-links/{}", unknown_id());

    let get = app.get(&path).await;
    let patch = app.patch(&path, &json!({"title": "x"})).await;
    let delete = app.delete(&path).await;

    get.assert_problem(404, "not-found");
    patch.assert_problem(404, "not-found");
    delete.assert_problem(404, "not-found");
}

pub(super) async fn put_on_a_single_link_is_a_405_with_allow(app: TestApp) {
    let article = app.published("Article").await;
    let link = add_url(&app, &article, "https://example.org/").await;

    let reply = app.put(&link_path(&link), &json!({"url": "https://other.example.org/"})).await;

    reply.assert_problem(405, "method-not-allowed");
    let allow = reply.header("allow").unwrap_or_else(|| panic!("no Allow header: {:?}", reply.headers));
    let mut listed: Vec<&str> = allow.split(',').map(str::trim).collect();
    listed.sort_unstable();
    assert_eq!(listed, ["DELETE", "GET", "HEAD", "PATCH"], "Allow: {allow}");
    assert_eq!(app.get(&link_path(&link)).await.body, link, "unchanged");
}

pub(super) async fn delete_returns_204_then_404(app: TestApp) {
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
