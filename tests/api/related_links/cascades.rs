//! Related links: cascades.

use super::*;

pub(super) async fn deleting_an_article_deletes_its_own_links(app: TestApp) {
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

pub(super) async fn deleting_a_target_deletes_the_links_to_it_and_closes_up_the_lists(app: TestApp) {
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
