//! Related links: backlinks.

use super::*;

pub(super) async fn backlinks_list_each_linking_article_once(app: TestApp) {
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

pub(super) async fn backlinks_page_with_limit_and_cursor(app: TestApp) {
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

pub(super) async fn backlinks_of_an_unknown_article_is_a_404(app: TestApp) {
    let by_id = app.get(&format!("/v1/articles/{}/backlinks", unknown_id())).await;
    let by_slug = app.get("/v1/articles/no-such-article/backlinks").await;

    by_id.assert_problem(404, "not-found");
    by_slug.assert_problem(404, "not-found");
}
