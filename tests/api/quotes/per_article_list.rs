//! Quotes: the per-article list.

use super::*;

pub(super) async fn list_is_in_position_order_and_an_article_without_quotes_lists_none(app: TestApp) {
    let article_id = article(&app, "ordered").await;
    let empty = article(&app, "no-quotes").await;
    add_all(&app, &article_id, &["A", "B"]).await;
    app.add_quote(&article_id, &json!({"text": "Z", "speaker_name": "S", "position": 0})).await;

    let by_id = app.get(&quotes_path(&article_id)).await;
    let by_slug = app.get("/v1/articles/ordered/quotes").await;
    let none = app.get(&quotes_path(&empty)).await;

    assert_eq!(item_texts(&by_id), ["Z", "A", "B"]);
    assert_eq!(by_id.body["next_cursor"], Value::Null);
    assert_eq!(by_id.header("link"), None);
    assert_eq!(by_slug.body, by_id.body);
    assert_eq!(none.status, 200, "{}", none.text);
    assert_eq!(none.body, json!({"items": [], "next_cursor": null}));
}

pub(super) async fn list_pages_with_limit_next_cursor_and_link(app: TestApp) {
    let article_id = article(&app, "paged").await;
    add_all(&app, &article_id, &["A", "B", "C", "D", "E"]).await;
    let path = quotes_path(&article_id);

    let first = app.get(&format!("{path}?limit=2")).await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let link = app.next_link(&first).expect("a Link header on a page with a next page");
    let second = app.send(app.request(Method::GET, &path).query(&[("limit", "2"), ("cursor", cursor.as_str())])).await;
    let via_link = app.next_page(&first).await.expect("the page the Link leads to");
    let third = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "2"), ("cursor", second.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(item_texts(&first), ["A", "B"]);
    assert!(link.as_str().starts_with(&format!("{}{path}?", app.address)), "a full URL: {link}");
    assert!(link.as_str().contains("limit=2"), "keeps the limit: {link}");
    assert_eq!(item_texts(&second), ["C", "D"]);
    assert_eq!(via_link.body, second.body, "the Link gives the next page");
    assert_eq!(item_texts(&third), ["E"]);
    assert_eq!(third.body["next_cursor"], Value::Null);
    assert_eq!(app.next_link(&third), None);
    let exact = app.get(&format!("{path}?limit=5")).await;
    assert_eq!(item_texts(&exact).len(), 5);
    assert_eq!(exact.body["next_cursor"], Value::Null, "an exactly full last page");
}

pub(super) async fn deleting_an_earlier_quote_while_paging_the_list_skips_nothing(app: TestApp) {
    let article_id = article(&app, "paging-delete").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D", "E", "F"]).await;
    let path = quotes_path(&article_id);
    let first = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(item_texts(&first), ["A", "B"]);

    assert_eq!(app.delete(&quote_path(&q[0])).await.status, 204);
    let rest = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "10"), ("cursor", first.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(
        item_texts(&rest),
        ["C", "D", "E", "F"],
        "a row deleted before the cursor must not make the next page skip one"
    );
}

pub(super) async fn deleting_the_last_quote_shown_while_paging_the_list_skips_nothing(app: TestApp) {
    let article_id = article(&app, "paging-delete-cursor-row").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D"]).await;
    let path = quotes_path(&article_id);
    let first = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(item_texts(&first), ["A", "B"]);

    assert_eq!(app.delete(&quote_path(&q[1])).await.status, 204);
    let rest = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "10"), ("cursor", first.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(item_texts(&rest), ["C", "D"], "the row the cursor names is gone; the page after it still starts at C");
}

pub(super) async fn inserting_at_the_front_while_paging_the_list_repeats_nothing(app: TestApp) {
    let article_id = article(&app, "paging-insert").await;
    add_all(&app, &article_id, &["A", "B", "C", "D"]).await;
    let path = quotes_path(&article_id);
    let first = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(item_texts(&first), ["A", "B"]);

    app.add_quote(&article_id, &json!({"text": "Z", "speaker_name": "S", "position": 0})).await;
    let rest = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "10"), ("cursor", first.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(
        item_texts(&rest),
        ["C", "D"],
        "a row inserted before the cursor must not make the next page repeat one"
    );
}

pub(super) async fn list_of_an_unknown_article_is_404(app: TestApp) {
    article(&app, "known").await;

    let by_slug = app.get("/v1/articles/unknown/quotes").await;
    let by_id = app.get(&quotes_path(&uuid::Uuid::now_v7().to_string())).await;

    by_slug.assert_problem(404, "not-found");
    by_id.assert_problem(404, "not-found");
}

pub(super) async fn list_limit_outside_1_to_100_is_422_naming_limit(app: TestApp) {
    let article_id = article(&app, "limits").await;
    add_text(&app, &article_id, "A").await;
    let path = quotes_path(&article_id);

    for limit in ["0", "101", "-1", "abc", "1.5", ""] {
        let reply = app.send(app.request(Method::GET, &path).query(&[("limit", limit)])).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["limit"], "limit={limit}");
    }
    for limit in ["1", "100"] {
        let reply = app.send(app.request(Method::GET, &path).query(&[("limit", limit)])).await;
        assert_eq!(item_texts(&reply), ["A"], "limit={limit}");
    }
}

pub(super) async fn list_malformed_or_foreign_cursor_is_400(app: TestApp) {
    let article_id = article(&app, "cursors").await;
    add_all(&app, &article_id, &["A", "B", "C"]).await;
    let search_page = search(&app, &[("limit", "1")]).await;
    let search_cursor = search_page.body["next_cursor"].as_str().unwrap().to_owned();
    let list_page = app.get(&format!("{}?limit=1", quotes_path(&article_id))).await;
    let list_cursor = list_page.body["next_cursor"].as_str().unwrap().to_owned();
    let mut tampered = list_cursor.clone().into_bytes();
    tampered[2] ^= 1;
    let tampered = String::from_utf8(tampered).unwrap();

    for cursor in ["garbage", "!!!", " ", search_cursor.as_str(), tampered.as_str()] {
        let reply = app.send(app.request(Method::GET, &quotes_path(&article_id)).query(&[("cursor", cursor)])).await;

        reply.assert_problem(400, "bad-request");
    }
    let on_search = search(&app, &[("cursor", list_cursor.as_str())]).await;
    on_search.assert_problem(400, "bad-request");
}
