//! Articles list: pagination.

use super::*;

/// Creates `n` published articles an hour apart; `Article 0` is the oldest.
pub(super) async fn hourly_articles(app: &TestApp, n: i64) {
    let start = DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z").unwrap().to_utc();
    for i in 0..n {
        article(app, &format!("Article {i}"), json!({"published_at": stamp(start + TimeDelta::hours(i))})).await;
    }
}

pub(super) fn numbered(range: impl DoubleEndedIterator<Item = i64>) -> Vec<String> {
    range.rev().map(|i| format!("Article {i}")).collect()
}

pub(super) async fn limit_defaults_to_20(app: TestApp) {
    hourly_articles(&app, 21).await;

    let first = app.get(LIST).await;

    assert_eq!(titles(&first), numbered(1..21));
    let cursor = next_cursor(&first).expect("a next page");
    let second = list(&app, &[("cursor", cursor.as_str())]).await;
    assert_eq!(titles(&second), ["Article 0"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
}

pub(super) async fn limit_1_and_limit_100_are_accepted(app: TestApp) {
    hourly_articles(&app, 21).await;

    let one = list(&app, &[("limit", "1")]).await;
    assert_eq!(titles(&one), ["Article 20"]);
    assert!(next_cursor(&one).is_some());
    let hundred = list(&app, &[("limit", "100")]).await;
    assert_eq!(titles(&hundred), numbered(0..21));
    assert_eq!(hundred.body["next_cursor"], Value::Null);
}

pub(super) async fn next_cursor_is_null_and_there_is_no_link_when_the_last_page_is_exactly_full(app: TestApp) {
    hourly_articles(&app, 4).await;

    let exact = list(&app, &[("limit", "4")]).await;
    assert_eq!(titles(&exact), numbered(0..4));
    assert_eq!(exact.body["next_cursor"], Value::Null, "no empty page after a full last page");
    assert_eq!(exact.header("link"), None);

    let first = list(&app, &[("limit", "2")]).await;
    assert_eq!(titles(&first), numbered(2..4));
    let second = list(&app, &[("limit", "2"), ("cursor", &next_cursor(&first).expect("a next page"))]).await;
    assert_eq!(titles(&second), numbered(0..2));
    assert_eq!(second.body["next_cursor"], Value::Null);
    assert_eq!(second.header("link"), None);
}

pub(super) async fn following_next_cursor_visits_every_row_once_in_order(app: TestApp) {
    let mut rows = Vec::new();
    for (n, d) in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5].into_iter().enumerate() {
        rows.push(article(&app, &format!("Story {n}"), json!({"published_at": day(d)})).await);
    }
    // Change some rows so that the update order differs from the creation order.
    for index in [4, 0, 7] {
        let reply = app.patch(&format!("{LIST}/{}", id_of(&rows[index])), &json!({"byline": "Ed"})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        rows[index] = reply.body;
    }

    for sort in ["-published_at", "published_at", "-updated_at", "updated_at"] {
        let expected = in_order(sort, &rows);
        for limit in [1, 2, 3, 5, 10, 11, 12] {
            let paged = all_pages(&app, &[("sort", sort)], limit).await;
            assert_eq!(paged, expected, "sort={sort} limit={limit}");
        }
    }
}

pub(super) async fn link_header_is_a_full_url_that_keeps_the_other_parameters_and_gives_the_next_page(app: TestApp) {
    for n in 1..=3 {
        article(
            &app,
            &format!("Match {n}"),
            json!({
                "section": "World",
                "source_name": "Smith & Sons; Ltd.",
                "tags": ["Korea", "Defence Policy"],
                "body": "A missile launch was reported.",
                "published_at": day(n),
            }),
        )
        .await;
    }
    article(&app, "Wrong tags", json!({"section": "World", "tags": ["Korea"], "body": "A missile launch."})).await;
    article(&app, "Wrong words", json!({"section": "World", "tags": ["Korea", "Defence Policy"]})).await;
    let params = [
        ("section", "World"),
        ("source_name", "Smith & Sons; Ltd."),
        ("tag", "korea"),
        ("tag", "defence policy"),
        ("q", "missile launch"),
        ("sort", "published_at"),
        ("limit", "1"),
        ("count", "true"),
    ];
    let expected_params = sorted(params.iter().map(|(k, v)| format!("{k}={v}")).collect());

    let mut reply = list(&app, &params).await;
    for n in 1..=2 {
        assert_eq!(titles(&reply), [format!("Match {n}")]);
        assert_eq!(reply.body["total"], 3);
        let cursor = next_cursor(&reply).expect("a next page");
        let url = app.next_link(&reply).expect("a Link header");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let cursors: Vec<&String> = pairs.iter().filter(|(k, _)| k == "cursor").map(|(_, v)| v).collect();
        assert_eq!(cursors, [&cursor], "exactly one cursor, the next_cursor: {url}");
        let kept = sorted(pairs.iter().filter(|(k, _)| k != "cursor").map(|(k, v)| format!("{k}={v}")).collect());
        assert_eq!(kept, expected_params, "{url}");

        let by_cursor = list(&app, &[params.as_slice(), &[("cursor", cursor.as_str())]].concat()).await;
        reply = app.send(app.client.get(url)).await;
        assert_eq!(items(&reply), items(&by_cursor), "the Link leads where next_cursor does");
    }
    assert_eq!(titles(&reply), ["Match 3"]);
    assert_eq!(reply.body["total"], 3);
    assert_eq!(reply.body["next_cursor"], Value::Null);
}

pub(super) async fn count_true_adds_the_total_of_all_matching_rows_on_every_page(app: TestApp) {
    for n in 1..=5 {
        article(&app, &format!("World {n}"), json!({"section": "World", "published_at": day(n)})).await;
    }
    article(&app, "World draft", json!({"section": "World", "status": "draft"})).await;
    article(&app, "World scheduled", json!({"section": "World", "published_at": "2099-01-01T00:00:00Z"})).await;
    article(&app, "Business 1", json!({"section": "Business", "published_at": day(6)})).await;
    article(&app, "Business 2", json!({"section": "Business", "published_at": day(7)})).await;

    let mut query = vec![("section", "World".to_owned()), ("count", "true".to_owned()), ("limit", "2".to_owned())];
    let mut pages = Vec::new();
    loop {
        let reply = list(&app, &query).await;
        assert_eq!(reply.body["total"], 5, "every page counts all matching rows: {}", reply.text);
        pages.push(titles(&reply));
        let Some(cursor) = next_cursor(&reply) else {
            break;
        };
        query.retain(|(k, _)| *k != "cursor");
        query.push(("cursor", cursor));
    }
    assert_eq!(pages, [vec!["World 5", "World 4"], vec!["World 3", "World 2"], vec!["World 1"]]);

    assert_eq!(list(&app, &[("count", "true")]).await.body["total"], 7);
    assert_eq!(list(&app, &[("count", "true"), ("status", "any")]).await.body["total"], 9);
    assert_eq!(list(&app, &[("count", "true"), ("section", "Sport")]).await.body["total"], 0);
}

pub(super) async fn total_is_absent_unless_count_is_true(app: TestApp) {
    hourly_articles(&app, 3).await;

    for query in [&[][..], &[("count", "false")][..], &[("limit", "1")][..]] {
        let reply = list(&app, query).await;
        items(&reply);
        assert!(reply.body.get("total").is_none(), "{query:?}: {}", reply.text);
    }
    let counted = list(&app, &[("count", "true"), ("limit", "1")]).await;
    assert_eq!(titles(&counted), ["Article 2"]);
    assert_eq!(counted.body["total"], 3);
}
