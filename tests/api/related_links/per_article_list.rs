//! Related links: an article's link list and its paging.

use super::*;

pub(super) async fn list_is_in_position_order(app: TestApp) {
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

pub(super) async fn list_pages_with_limit_and_cursor(app: TestApp) {
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

pub(super) async fn list_of_an_unknown_article_is_a_404(app: TestApp) {
    let by_id = app.get(&format!("/v1/articles/{}/related-links", unknown_id())).await;
    let by_slug = app.get("/v1/articles/no-such-article/related-links").await;

    by_id.assert_problem(404, "not-found");
    by_slug.assert_problem(404, "not-found");
}
