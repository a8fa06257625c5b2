//! Errors: 404 for unknown articles and routes, 405 with `Allow` for a wrong method.

use super::*;

pub(super) async fn unknown_article_id_or_slug_is_a_404(app: TestApp) {
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

pub(super) async fn unknown_routes_are_404_problems(app: TestApp) {
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

pub(super) async fn wrong_method_on_a_known_route_is_a_405_with_allow(app: TestApp) {
    let article = app.create_article(&valid_article()).await;
    let item = path_of(&article);
    let cases = [
        (Method::DELETE, ARTICLES.to_owned(), vec!["GET", "HEAD", "POST"]),
        (Method::PUT, ARTICLES.to_owned(), vec!["GET", "HEAD", "POST"]),
        (Method::POST, item.clone(), vec!["DELETE", "GET", "HEAD", "PATCH", "PUT"]),
        (Method::POST, "/v1/articles/some-slug".to_owned(), vec!["DELETE", "GET", "HEAD", "PATCH", "PUT"]),
        (Method::TRACE, "/healthz".to_owned(), vec!["GET", "HEAD"]),
        (Method::PUT, "/healthz".to_owned(), vec!["GET", "HEAD"]),
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
