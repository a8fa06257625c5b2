//! Errors: 409 for a slug already taken, 412 for a stale `If-Match`.

use super::*;

pub(super) async fn explicit_slug_already_taken_is_a_409(app: TestApp) {
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

pub(super) async fn stale_if_match_is_a_412_and_changes_nothing(app: TestApp) {
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

pub(super) async fn weak_if_match_never_matches(app: TestApp) {
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
