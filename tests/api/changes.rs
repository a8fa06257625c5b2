//! The change log and its feed (`GET /v1/changes`): one record per changed
//! resource, in commit order, nothing for refused or rolled-back writes, scheduled
//! publishing announced once, long polling, and 410 past the pruned records.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use newsdesk::db::DbConn;
use serde_json::{Value, json};

use crate::helpers::{TestApp, article_path, id_of, link_path, links_path, quote_path};

crate::tests![
    every_kind_of_change_has_its_record_in_order,
    a_record_shows_the_resource_as_get_shows_it_after_the_change,
    a_nested_create_and_a_list_put_record_each_resource_as_get_shows_it,
    deleting_an_article_records_its_children_and_the_links_to_it,
    a_link_list_put_records_each_link_it_removed_and_added,
    refused_and_rolled_back_writes_record_nothing,
    publishing_and_unpublishing_are_announced_beside_the_update,
    a_scheduled_article_is_announced_once_when_its_time_comes,
    three_replicas_announce_each_scheduled_article_once,
    the_feed_pages_with_a_cursor_that_is_never_null,
    a_long_poll_answers_as_soon_as_a_record_is_appended,
    a_long_poll_with_nothing_new_answers_empty_after_the_wait,
    a_cursor_before_the_pruned_records_is_410,
    bad_parameters_are_422_and_a_foreign_cursor_400,
    the_feed_needs_read_drafts,
    concurrent_writers_never_show_a_sequence_out_of_order,
    reads_name_what_they_show_in_cache_tags_and_changes_purge_them,
];

/// Every record after `cursor` (all of them from the start when `None`), following
/// `next_cursor` until a page comes back empty; returns them and the last cursor.
async fn read_all(app: &TestApp, cursor: Option<&str>) -> (Vec<Value>, String) {
    let mut records = Vec::new();
    let mut cursor = cursor.map(str::to_owned);
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/changes?limit=3&after={c}"),
            None => "/v1/changes?limit=3".to_owned(),
        };
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let next = page.body["next_cursor"].as_str().expect("next_cursor is never null").to_owned();
        let items = page.items();
        if items.is_empty() {
            assert_eq!(Some(&next), cursor.as_ref().or(Some(&next)), "an empty page keeps the position");
            return (records, next);
        }
        records.extend(items);
        cursor = Some(next);
    }
}

/// The records' types and resource ids, for comparing with what was done.
fn summary(records: &[Value]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| (r["type"].as_str().unwrap().to_owned(), r["resource_id"].as_str().unwrap().to_owned()))
        .collect()
}

fn entry(kind: &str, resource: &Value) -> (String, String) {
    (kind.to_owned(), id_of(resource).to_owned())
}

async fn every_kind_of_change_has_its_record_in_order(app: TestApp) {
    let draft = app.create_article(&json!({"title": "Draft", "body": "text"})).await;
    let quote = app.add_quote(&draft, &json!({"text": "Said it.", "speaker_name": "Pat Doe"})).await;
    let other = app.create_article(&json!({"title": "Other", "body": "text"})).await;
    let link = app.add_link(&draft, &json!({"target_article_id": id_of(&other)})).await;
    assert_eq!(app.patch(&article_path(&draft), &json!({"summary": "Now with a standfirst"})).await.status, 200);
    assert_eq!(app.patch(&quote_path(&quote), &json!({"context": "on the radio"})).await.status, 200);
    assert_eq!(app.patch(&link_path(&link), &json!({"relation": "more"})).await.status, 200);
    assert_eq!(app.delete(&quote_path(&quote)).await.status, 204);
    assert_eq!(app.delete(&link_path(&link)).await.status, 204);

    let (records, _) = read_all(&app, None).await;
    assert_eq!(
        summary(&records),
        [
            entry("article.created", &draft),
            entry("quote.created", &quote),
            entry("article.created", &other),
            entry("related_link.created", &link),
            entry("article.updated", &draft),
            entry("quote.updated", &quote),
            entry("related_link.updated", &link),
            entry("quote.deleted", &quote),
            entry("related_link.deleted", &link),
        ]
    );
    let sequences: Vec<i64> = records.iter().map(|r| r["sequence"].as_i64().unwrap()).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    for record in &records {
        let kind = record["type"].as_str().unwrap().split('.').next().unwrap();
        assert_eq!(record["resource_kind"], kind);
        let article_id = if kind == "article" { &record["resource_id"] } else { &record["article_id"] };
        assert_eq!(record["article_id"], *article_id);
        assert!(record["occurred_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{record}");
    }
}

async fn a_record_shows_the_resource_as_get_shows_it_after_the_change(app: TestApp) {
    let article = app.published("Shown as read").await;
    let quote = app.add_quote(&article, &json!({"text": "As said.", "speaker_name": "Ann Lee"})).await;
    let target = app.published("Target").await;
    let link = app.add_link(&article, &json!({"target_article_id": id_of(&target), "title": "See also"})).await;
    let patched = app.patch(&article_path(&article), &json!({"title": "Shown as read, again"})).await;
    assert_eq!(patched.status, 200);

    let (records, _) = read_all(&app, None).await;
    let last_of = |id: &str| records.iter().rev().find(|r| r["resource_id"] == id).unwrap().clone();
    for (resource, path) in
        [(&article, article_path(&article)), (&quote, quote_path(&quote)), (&link, link_path(&link))]
    {
        let now = app.get(&path).await;
        let record = last_of(id_of(resource));
        assert_eq!(record["data"], now.body, "the record's data is what GET shows");
        assert_eq!(record["version"], now.body["version"]);
    }
    let tags = |id: &str| last_of(id)["purge_tags"].clone();
    let article_tag = format!("article-{}", id_of(&article));
    assert_eq!(tags(id_of(&article)), json!([article_tag, "articles"]));
    assert_eq!(tags(id_of(&quote)), json!([format!("quote-{}", id_of(&quote)), article_tag, "quotes"]));
    assert_eq!(
        tags(id_of(&link)),
        json!([format!("related-link-{}", id_of(&link)), article_tag, format!("article-{}", id_of(&target))])
    );
}

/// The records of a nested create and of a link-list PUT are built from the rows
/// the write inserted, not read back: each must still equal what a GET shows.
async fn a_nested_create_and_a_list_put_record_each_resource_as_get_shows_it(app: TestApp) {
    let target = app.published("Nested target").await;
    let (_, start) = read_all(&app, None).await;
    let created = app
        .post(
            "/v1/articles",
            &json!({
                "title": "Nested and shown", "body": "Text.", "status": "published", "tags": ["Ports"],
                "quotes": [{"text": "First.", "speaker_name": "Ann Lee"}, {"text": "Second.", "speaker_name": "Bo Chan", "position": 0}],
                "related_links": [{"target_article_id": id_of(&target)}, {"url": "https://example.org/x", "title": "X"}]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let article = &created.body;
    let (records, after_create) = read_all(&app, Some(&start)).await;
    let types: Vec<&str> = records.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "article.created",
            "article.published",
            "quote.created",
            "quote.created",
            "related_link.created",
            "related_link.created"
        ]
    );
    let mut shown = std::collections::HashMap::new();
    shown.insert(article["id"].clone(), app.get(&article_path(article)).await.body);
    for quote in article["quotes"].as_array().unwrap() {
        shown.insert(quote["id"].clone(), app.get(&quote_path(quote)).await.body);
    }
    for link in article["related_links"].as_array().unwrap() {
        shown.insert(link["id"].clone(), app.get(&link_path(link)).await.body);
    }
    // (The article's record carries the article alone, as its GET shows it.)
    for record in &records {
        let now = &shown[&record["resource_id"]];
        assert_eq!(record["data"], *now, "{} shows what GET shows", record["type"]);
        assert_eq!(record["version"], now["version"]);
    }

    let put = app
        .put(
            &links_path(article),
            &json!([{"url": "https://example.org/y"}, {"target_article_id": id_of(&target), "title": "Own title"}]),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let (records, _) = read_all(&app, Some(&after_create)).await;
    let added: Vec<&Value> = records.iter().filter(|r| r["type"] == "related_link.created").collect();
    assert_eq!(added.len(), 2);
    for link in put.body["items"].as_array().unwrap() {
        let record = added.iter().find(|r| r["resource_id"] == link["id"]).unwrap();
        assert_eq!(record["data"], app.get(&link_path(link)).await.body);
    }
}

async fn deleting_an_article_records_its_children_and_the_links_to_it(app: TestApp) {
    let doomed = app
        .article_with_children(
            "Doomed",
            &[json!({"text": "One.", "speaker_name": "A B"}), json!({"text": "Two.", "speaker_name": "C D"})],
            &[json!({"url": "https://example.org/x"})],
        )
        .await;
    let pointing = app.published("Points at the doomed one").await;
    let inbound = app.add_link(&pointing, &json!({"target_article_id": id_of(&doomed)})).await;
    let (_, cursor) = read_all(&app, None).await;

    assert_eq!(app.delete(&article_path(&doomed)).await.status, 204);
    let (records, _) = read_all(&app, Some(&cursor)).await;
    let quotes = doomed["quotes"].as_array().unwrap();
    let own_link = &doomed["related_links"][0];
    let mut expected = vec![entry("article.deleted", &doomed)];
    expected.extend(quotes.iter().map(|q| entry("quote.deleted", q)));
    let mut links = vec![entry("related_link.deleted", own_link), entry("related_link.deleted", &inbound)];
    links.sort_by_key(|(_, id)| if *id == id_of(own_link) { id_of(&doomed) } else { id_of(&pointing) }.to_owned());
    expected.extend(links);
    assert_eq!(summary(&records), expected);
    assert!(records.iter().all(|r| r["data"].is_null()), "a deletion carries no data");
    let inbound_record = records.iter().find(|r| r["resource_id"] == id_of(&inbound)).unwrap();
    assert_eq!(inbound_record["article_id"], pointing["id"], "the link belonged to the other article");
    assert_eq!(inbound_record["version"], inbound["version"]);
}

async fn a_link_list_put_records_each_link_it_removed_and_added(app: TestApp) {
    let article = app
        .article_with_children(
            "Listed",
            &[],
            &[json!({"url": "https://example.org/a"}), json!({"url": "https://example.org/b"})],
        )
        .await;
    let (_, cursor) = read_all(&app, None).await;
    let put = app.put(&links_path(&article), &json!([{"url": "https://example.org/c"}])).await;
    assert_eq!(put.status, 200, "{}", put.text);
    let (records, _) = read_all(&app, Some(&cursor)).await;
    let old = article["related_links"].as_array().unwrap();
    let new = put.items();
    assert_eq!(
        summary(&records),
        [
            entry("related_link.deleted", &old[0]),
            entry("related_link.deleted", &old[1]),
            entry("related_link.created", &new[0])
        ]
    );
}

async fn refused_and_rolled_back_writes_record_nothing(app: TestApp) {
    let article = app.published("Only this").await;
    let (before, cursor) = read_all(&app, None).await;
    assert_eq!(before.len(), 2, "created and published");

    // Refused by validation, by a stale If-Match, by a missing target.
    app.post("/v1/articles", &json!({"title": ""})).await.assert_problem(422, "validation-failed");
    let stale = app.request(reqwest::Method::PATCH, &article_path(&article)).header("If-Match", "\"99\"");
    let stale = app.send(stale.header("Content-Type", "application/merge-patch+json").body(r#"{"title":"x"}"#)).await;
    assert_eq!(stale.status, 412);
    let missing = json!({"target_article_id": "0192f0a0-0000-7000-8000-000000000001"});
    app.post(&links_path(&article), &missing).await.assert_problem(409, "conflict");
    // A nested create whose second quote is invalid rolls back the article and the
    // first quote with it.
    let half = json!({"title": "Half", "body": "text",
                      "quotes": [{"text": "Fine.", "speaker_name": "A B"}, {"text": "", "speaker_name": "C D"}]});
    app.post("/v1/articles", &half).await.assert_problem(422, "validation-failed");
    // A slug taken by another article: refused by the database, inside the
    // transaction, after the article row was written.
    let taken = app.create_article(&json!({"title": "Taken", "body": "text", "slug": "taken-slug"})).await;
    let clash = app.patch(&article_path(&article), &json!({"slug": "taken-slug"})).await;
    assert_eq!(clash.status, 409, "{}", clash.text);

    let (after, _) = read_all(&app, Some(&cursor)).await;
    assert_eq!(summary(&after), [entry("article.created", &taken)], "only the one write that committed");
}

async fn publishing_and_unpublishing_are_announced_beside_the_update(app: TestApp) {
    let article = app.create_article(&json!({"title": "On and off", "body": "text"})).await;
    let path = article_path(&article);
    assert_eq!(app.patch(&path, &json!({"status": "published"})).await.status, 200);
    assert_eq!(app.patch(&path, &json!({"summary": "still published"})).await.status, 200);
    assert_eq!(app.patch(&path, &json!({"status": "archived"})).await.status, 200);
    let tomorrow = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
    assert_eq!(app.patch(&path, &json!({"status": "published", "published_at": tomorrow})).await.status, 200);

    let (records, _) = read_all(&app, None).await;
    let types: Vec<&str> = records.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "article.created",
            "article.updated",
            "article.published",
            "article.updated",
            "article.updated",
            "article.unpublished",
            "article.updated",
        ],
        "re-dating into the future while archived changes nothing anonymous readers see"
    );
    assert_eq!(records[2]["data"]["status"], "published");
    assert_eq!(records[5]["data"]["status"], "archived");
}

async fn a_scheduled_article_is_announced_once_when_its_time_comes(app: TestApp) {
    let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(2)).to_rfc3339();
    let article = app
        .create_article(&json!({"title": "Soon", "body": "text", "status": "published", "published_at": soon}))
        .await;
    let (records, cursor) = read_all(&app, None).await;
    assert_eq!(summary(&records), [entry("article.created", &article)], "not visible yet: nothing announced");

    // Nothing is written at its time; the service announces it within seconds.
    let deadline = Instant::now() + Duration::from_secs(15);
    let announced = loop {
        let (records, _) = read_all(&app, Some(&cursor)).await;
        if !records.is_empty() || Instant::now() > deadline {
            break records;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(summary(&announced), [entry("article.published", &article)]);
    // And only once: a few more scheduler rounds add nothing.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (records, _) = read_all(&app, Some(&cursor)).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(app.anonymous().get(&article_path(&article)).await.status, 200);
}

async fn the_feed_pages_with_a_cursor_that_is_never_null(app: TestApp) {
    for n in 0..4 {
        app.create_article(&json!({"title": format!("Draft {n}"), "body": "text"})).await;
    }
    let first = app.get("/v1/changes?limit=3").await;
    assert_eq!(first.status, 200);
    assert!(first.header("cache-control").is_some_and(|c| c.contains("no-store")), "{:?}", first.headers);
    assert_eq!(first.items().len(), 3);
    let next = first.body["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/v1/changes?limit=3&after={next}")).await;
    assert_eq!(second.items().len(), 1);
    let last = second.body["next_cursor"].as_str().unwrap();
    let empty = app.get(&format!("/v1/changes?after={last}")).await;
    assert_eq!((empty.status, empty.items().len()), (200, 0));
    assert_eq!(empty.body["next_cursor"], last, "nothing new: the same position to ask from again");
    let article = app.create_article(&json!({"title": "Later", "body": "text"})).await;
    let later = app.get(&format!("/v1/changes?after={last}")).await;
    assert_eq!(summary(&later.items()), [entry("article.created", &article)]);
    // An empty `after` is the start, as for the lists' cursor.
    assert_eq!(app.get("/v1/changes?after=&limit=1000").await.items().len(), 5);
}

async fn a_long_poll_answers_as_soon_as_a_record_is_appended(app: TestApp) {
    let (_, cursor) = read_all(&app, None).await;
    let poller = app.clone();
    let started = Instant::now();
    let poll = tokio::spawn(async move { poller.get(&format!("/v1/changes?wait=20&after={cursor}")).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let article = app.create_article(&json!({"title": "Wake up", "body": "text"})).await;
    let reply = poll.await.unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(summary(&reply.items()), [entry("article.created", &article)]);
    assert!(started.elapsed() < Duration::from_secs(10), "answered at the append, not at the end of the wait");
}

async fn a_long_poll_with_nothing_new_answers_empty_after_the_wait(app: TestApp) {
    let (_, cursor) = read_all(&app, None).await;
    let started = Instant::now();
    let reply = app.get(&format!("/v1/changes?wait=1&after={cursor}")).await;
    assert_eq!((reply.status, reply.items().len()), (200, 0));
    assert!(started.elapsed() >= Duration::from_millis(900), "held for the wait: {:?}", started.elapsed());
    assert_eq!(reply.body["next_cursor"], cursor);
}

async fn a_cursor_before_the_pruned_records_is_410(app: TestApp) {
    // Positions handed out before, at and after the record that will be pruned.
    let (_, before_any) = read_all(&app, None).await;
    app.create_article(&json!({"title": "Old news", "body": "text"})).await;
    let (old, at_old) = read_all(&app, Some(&before_any)).await;
    app.create_article(&json!({"title": "Newer", "body": "text"})).await;
    // Age the first record past the retention and prune as the hourly pruner does.
    let old_seq = old[0]["sequence"].as_i64().unwrap();
    let pruned = app
        .db
        .run(move |c: &mut DbConn| -> QueryResult<usize> {
            diesel::sql_query(format!("UPDATE changes SET occurred_at = '2000-01-01 00:00:00' WHERE seq = {old_seq}"))
                .execute(c)?;
            newsdesk::db::changes::prune(c, chrono::Utc::now() - chrono::TimeDelta::days(30))
        })
        .await
        .unwrap();
    assert_eq!(pruned, 1);

    let gone = app.get(&format!("/v1/changes?after={before_any}")).await;
    gone.assert_problem(410, "gone");
    assert!(gone.body["detail"].as_str().unwrap().contains("re-read"), "{}", gone.text);
    // A reader that had read the pruned record has missed nothing.
    let (rest, _) = read_all(&app, Some(&at_old)).await;
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["data"]["title"], "Newer");
    // Without a cursor the feed starts at the oldest record kept.
    let fresh = app.get("/v1/changes").await;
    assert_eq!(fresh.status, 200);
    assert_eq!(fresh.items()[0]["data"]["title"], "Newer");
}

async fn bad_parameters_are_422_and_a_foreign_cursor_400(app: TestApp) {
    for query in ["limit=0", "limit=1001", "limit=x", "wait=0", "wait=31", "wait=-1"] {
        let reply = app.get(&format!("/v1/changes?{query}")).await;
        reply.assert_problem(422, "validation-failed");
        let name = query.split('=').next().unwrap();
        assert_eq!(reply.body["errors"][0]["parameter"], name, "{query}");
    }
    app.get("/v1/changes?unknown=1").await.assert_problem(422, "validation-failed");
    // A list's cursor is not the feed's.
    app.published("A").await;
    app.published("B").await;
    let list = app.get("/v1/articles?limit=1").await;
    let list_cursor = list.body["next_cursor"].as_str().unwrap();
    app.get(&format!("/v1/changes?after={list_cursor}")).await.assert_problem(400, "bad-request");
    app.get("/v1/changes?after=not-a-cursor").await.assert_problem(400, "bad-request");
}

async fn the_feed_needs_read_drafts(app: TestApp) {
    app.anonymous().get("/v1/changes").await.assert_problem(401, "unauthorized");
    let writer = app.create_token("w", &["write"]).await;
    assert_eq!(app.with_token(&writer).get("/v1/changes").await.status, 200, "write implies read:drafts");
    let reader = app.create_token("r", &["read:drafts"]).await;
    assert_eq!(app.with_token(&reader).get("/v1/changes").await.status, 200);
}

async fn concurrent_writers_never_show_a_sequence_out_of_order(app: TestApp) {
    // Writers on different articles commit concurrently while a reader follows the
    // feed; every record it ever sees has a higher sequence than the ones before,
    // and in the end it has seen all of them, none twice.
    let mut articles = Vec::new();
    for n in 0..4 {
        articles.push(app.create_article(&json!({"title": format!("Busy {n}"), "body": "text"})).await);
    }
    let (_, start) = read_all(&app, None).await;
    let writers = articles.into_iter().map(|article| {
        let app = app.clone();
        tokio::spawn(async move {
            for n in 0..10 {
                let reply = app.patch(&article_path(&article), &json!({"summary": format!("edit {n}")})).await;
                assert_eq!(reply.status, 200, "{}", reply.text);
            }
        })
    });
    let writers: Vec<_> = writers.collect();
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor = start.clone();
    while seen.len() < 40 {
        let page = app.get(&format!("/v1/changes?limit=7&wait=5&after={cursor}")).await;
        assert_eq!(page.status, 200);
        for item in page.items() {
            let seq = item["sequence"].as_i64().unwrap();
            assert!(seen.last().is_none_or(|last| seq > *last), "sequence {seq} after {seen:?}");
            seen.push(seq);
        }
        cursor = page.body["next_cursor"].as_str().unwrap().to_owned();
        if page.items().is_empty() {
            break;
        }
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let (rest, _) = read_all(&app, Some(&cursor)).await;
    assert_eq!(seen.len() + rest.len(), 40, "every update once");
}

async fn reads_name_what_they_show_in_cache_tags_and_changes_purge_them(app: TestApp) {
    let target = app.published("Tag target").await;
    let article = app
        .article_with_children(
            "Tagged",
            &[json!({"text": "Tagged words.", "speaker_name": "Ann Lee"})],
            &[json!({"target_article_id": id_of(&target)})],
        )
        .await;
    let (quote, link) = (&article["quotes"][0], &article["related_links"][0]);
    let tags = |reply: &crate::helpers::Reply| -> (Vec<String>, Vec<String>) {
        let cache_tag = reply.header("cache-tag").unwrap_or_default().split(',').map(str::to_owned).collect();
        let surrogate = reply.header("surrogate-key").unwrap_or_default().split(' ').map(str::to_owned).collect();
        (cache_tag, surrogate)
    };
    let (a, q, l, t) = (
        format!("article-{}", id_of(&article)),
        format!("quote-{}", id_of(quote)),
        format!("related-link-{}", id_of(link)),
        format!("article-{}", id_of(&target)),
    );
    for (path, expected) in [
        (
            format!("{}?include=quotes,related_links", article_path(&article)),
            vec![a.clone(), q.clone(), l.clone(), t.clone()],
        ),
        (article_path(&article), vec![a.clone()]),
        ("/v1/articles?limit=1".to_owned(), vec!["articles".to_owned(), a.clone()]),
        (quote_path(quote), vec![q.clone(), a.clone()]),
        (crate::helpers::quotes_path(&article), vec![a.clone(), q.clone()]),
        ("/v1/quotes?speaker=Ann%20Lee".to_owned(), vec!["quotes".to_owned(), q.clone(), a.clone()]),
        (link_path(link), vec![l.clone(), a.clone(), t.clone()]),
        (links_path(&article), vec![a.clone(), l.clone(), t.clone()]),
        (crate::helpers::backlinks_path(&target), vec![t.clone(), a.clone()]),
    ] {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        let (cache_tag, surrogate) = tags(&reply);
        assert_eq!(cache_tag, expected, "{path}");
        assert_eq!(surrogate, expected, "{path}");
    }
    // A write answers without tags; an error too.
    let patched = app.patch(&quote_path(quote), &json!({"context": "on air"})).await;
    assert_eq!((patched.status, patched.header("cache-tag")), (200, None));
    assert_eq!(app.get("/v1/articles/no-such-article").await.header("cache-tag"), None);
    // The quote's change purges the quote's responses and its article's.
    let (records, _) = read_all(&app, None).await;
    let last = records.last().unwrap();
    assert_eq!(last["type"], "quote.updated");
    assert_eq!(last["purge_tags"], json!([q, a, "quotes"]));
}

async fn three_replicas_announce_each_scheduled_article_once(app: TestApp) {
    // Three services on one database, each with its own scheduler, racing for the
    // same due articles. (On a slow machine some articles are created after their
    // time: those are announced by their create, and must not be announced again.)
    let replicas = [app.replica(), app.replica()];
    let (_, cursor) = read_all(&app, None).await;
    let at = (chrono::Utc::now() + chrono::TimeDelta::seconds(2)).to_rfc3339();
    let mut ids = Vec::new();
    for n in 0..30 {
        let body = json!({"title": format!("At once {n}"), "body": "text", "status": "published", "published_at": at});
        ids.push(id_of(&app.create_article(&body).await).to_owned());
    }
    ids.sort();
    let published = |records: &[Value]| -> Vec<String> {
        let mut ids: Vec<String> = records
            .iter()
            .filter(|r| r["type"] == "article.published")
            .map(|r| r["resource_id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while published(&read_all(&replicas[0], Some(&cursor)).await.0).len() < ids.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // A few more rounds of every scheduler, then count.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (records, _) = read_all(&replicas[1], Some(&cursor)).await;
    assert_eq!(published(&records), ids, "each article announced exactly once");
    assert_eq!(records.len(), 2 * ids.len(), "created and published, nothing else: {records:?}");
    for replica in &replicas {
        replica.server.stop(false).await;
    }
}
