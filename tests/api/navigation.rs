//! `GET /v1/sections` and `GET /v1/tags`: kept counts of the published articles per
//! section and tag, through every kind of write, prefix search, paging, problems,
//! caching headers and concurrent writers. Every count is also checked against the
//! archive itself (`listArticles` with `count=true`), so a count that drifted from
//! what readers find fails whatever the test expected.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, article_path};

crate::tests![
    counts_follow_publish_unpublish_archive_retag_rename_and_delete,
    drafts_and_scheduled_articles_are_counted_only_once_visible,
    sections_keep_their_case_and_tags_ignore_it,
    a_restored_revision_moves_the_counts_back,
    q_is_a_case_insensitive_prefix_in_which_nothing_is_a_wildcard,
    paging_with_a_small_limit_reproduces_the_whole_list,
    bad_parameters_are_problems,
    the_lists_are_anonymous_cacheable_reads_that_answer_head,
    concurrent_writers_keep_the_counts_exact,
];

/// Every page of `path` (which holds its own query), followed through `Link`: the
/// names with their counts, in list order.
async fn all(app: &TestApp, path: &str) -> Vec<(String, i64)> {
    let anonymous = app.anonymous();
    let mut page = anonymous.get(path).await;
    let mut names = Vec::new();
    loop {
        for item in page.items() {
            names.push((item["name"].as_str().unwrap().to_owned(), item["article_count"].as_i64().unwrap()));
        }
        match anonymous.next_page(&page).await {
            Some(next) => page = next,
            None => return names,
        }
    }
}

/// The section and tag lists, after checking that every count is what the archive
/// holds for that name as anonymous readers see it.
async fn counts(app: &TestApp) -> (Vec<(String, i64)>, Vec<(String, i64)>) {
    let (sections, tags) = (all(app, "/v1/sections?limit=100").await, all(app, "/v1/tags?limit=100").await);
    for (filter, listed) in [("section", &sections), ("tag", &tags)] {
        for (name, count) in listed {
            let query = form(&[(filter, name), ("count", "true"), ("limit", "1")]);
            let found = app.anonymous().get(&format!("/v1/articles?{query}")).await;
            assert_eq!(found.status, 200, "{}", found.text);
            assert_eq!(found.body["total"].as_i64(), Some(*count), "{filter} {name:?}: kept count against the archive");
        }
    }
    (sections, tags)
}

/// A query string of these pairs, form-encoded.
fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn pairs(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    expected.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect()
}

async fn patch(app: &TestApp, article: &Value, body: &Value) -> Value {
    let reply = app.patch(&article_path(article), body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

fn published(title: &str, section: &str, tags: &[&str]) -> Value {
    json!({"title": title, "body": "text", "status": "published", "published_at": "2024-03-01T09:00:00Z",
           "section": section, "tags": tags})
}

async fn counts_follow_publish_unpublish_archive_retag_rename_and_delete(app: TestApp) {
    let draft = app.create_article(&json!({"title": "D", "body": "b", "section": "World", "tags": ["Korea"]})).await;
    assert_eq!(counts(&app).await, (vec![], vec![]), "a draft is not counted");

    patch(&app, &draft, &json!({"status": "published"})).await;
    let other = app.create_article(&published("O", "World", &["korea", "Nuclear"])).await;
    assert_eq!(counts(&app).await, (pairs(&[("World", 2)]), pairs(&[("Korea", 2), ("Nuclear", 1)])));

    patch(&app, &draft, &json!({"status": "archived"})).await;
    assert_eq!(counts(&app).await, (pairs(&[("World", 1)]), pairs(&[("Korea", 1), ("Nuclear", 1)])));

    patch(&app, &other, &json!({"tags": ["Seoul", "Nuclear"]})).await;
    assert_eq!(counts(&app).await.1, pairs(&[("Nuclear", 1), ("Seoul", 1)]), "a tag no article carries goes");

    patch(&app, &other, &json!({"section": "Asia"})).await;
    assert_eq!(counts(&app).await.0, pairs(&[("Asia", 1)]), "a renamed section moves its count");

    patch(&app, &other, &json!({"status": "draft"})).await;
    assert_eq!(counts(&app).await, (vec![], vec![]), "unpublished");
    patch(&app, &other, &json!({"status": "published", "section": null})).await;
    assert_eq!(counts(&app).await, (vec![], pairs(&[("Nuclear", 1), ("Seoul", 1)])), "no section, still tagged");

    // An edit that moves nothing (the body) leaves the counts as they are.
    patch(&app, &other, &json!({"body": "new text"})).await;
    assert_eq!(counts(&app).await.1, pairs(&[("Nuclear", 1), ("Seoul", 1)]));

    patch(&app, &draft, &json!({"status": "published"})).await;
    assert_eq!(app.delete(&article_path(&other)).await.status, 204);
    assert_eq!(counts(&app).await, (pairs(&[("World", 1)]), pairs(&[("Korea", 1)])), "deleted");
    assert_eq!(app.delete(&article_path(&draft)).await.status, 204);
    assert_eq!(counts(&app).await, (vec![], vec![]));
}

async fn drafts_and_scheduled_articles_are_counted_only_once_visible(app: TestApp) {
    let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(2)).to_rfc3339();
    let later = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
    app.create_article(&json!({"title": "Soon", "body": "b", "status": "published", "published_at": soon,
                               "section": "Soon", "tags": ["scheduled"]}))
        .await;
    app.create_article(&json!({"title": "Later", "body": "b", "status": "published", "published_at": later,
                               "section": "Later", "tags": ["scheduled"]}))
        .await;
    app.create_article(&json!({"title": "Draft", "body": "b", "section": "Drafts", "tags": ["scheduled"]})).await;
    assert_eq!(counts(&app).await, (vec![], vec![]), "nothing visible yet");

    // No write happens at its time: the scheduler announces it, and counts it then.
    let deadline = Instant::now() + Duration::from_secs(15);
    let now_visible = loop {
        let listed = counts(&app).await;
        if !listed.0.is_empty() || Instant::now() > deadline {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(now_visible, (pairs(&[("Soon", 1)]), pairs(&[("scheduled", 1)])));
}

async fn sections_keep_their_case_and_tags_ignore_it(app: TestApp) {
    for (n, (section, tag)) in [("World", "Korea"), ("world", "KOREA"), ("World ", "korea")].iter().enumerate() {
        app.create_article(&published(&format!("A{n}"), section, &[tag])).await;
    }
    let (sections, tags) = counts(&app).await;
    // By lowercased name, then by the name's own bytes.
    assert_eq!(sections, pairs(&[("World", 1), ("world", 1), ("World ", 1)]));
    assert_eq!(tags, pairs(&[("Korea", 3)]), "one tag, under the first spelling");
}

async fn a_restored_revision_moves_the_counts_back(app: TestApp) {
    let article = app.create_article(&published("R", "World", &["first"])).await;
    patch(&app, &article, &json!({"section": "Asia", "tags": ["second"]})).await;
    assert_eq!(counts(&app).await, (pairs(&[("Asia", 1)]), pairs(&[("second", 1)])));
    let restore = app.post(&format!("{}/revisions/1/restore", article_path(&article)), &json!({})).await;
    assert_eq!(restore.status, 200, "{}", restore.text);
    assert_eq!(counts(&app).await, (pairs(&[("World", 1)]), pairs(&[("first", 1)])));
}

async fn q_is_a_case_insensitive_prefix_in_which_nothing_is_a_wildcard(app: TestApp) {
    let names = ["50% off", "50 cent", "a_b", "axb", "O'Brien", "O\"Neil", "Zürich", "zurich", "日本", "back\\slash"];
    for (n, name) in names.iter().enumerate() {
        app.create_article(&published(&format!("N{n}"), name, &[name])).await;
    }
    let names_for = |listed: Vec<(String, i64)>| listed.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    for (q, expected) in [
        ("50%", vec!["50% off"]),
        ("%", vec![]),
        ("a_", vec!["a_b"]),
        ("_", vec![]),
        ("o'", vec!["O'Brien"]),
        ("O\"", vec!["O\"Neil"]),
        ("'", vec![]),
        ("ZÜ", vec!["Zürich"]),
        ("zu", vec!["zurich"]),
        ("z", vec!["zurich", "Zürich"]),
        ("日", vec!["日本"]),
        ("back\\", vec!["back\\slash"]),
        ("\\", vec![]),
        ("50", vec!["50 cent", "50% off"]),
        ("Zürichs", vec![]),
    ] {
        let query = form(&[("q", q)]);
        for list in ["sections", "tags"] {
            let found = names_for(all(&app, &format!("/v1/{list}?{query}")).await);
            // Each name is a section and a tag of one article: the lists agree.
            assert_eq!(found, expected, "{list} q={q:?}");
        }
    }
    assert_eq!(all(&app, "/v1/tags?q=").await.len(), names.len(), "an empty q is no filter");
}

async fn paging_with_a_small_limit_reproduces_the_whole_list(app: TestApp) {
    for n in 0..7 {
        let tags: Vec<String> = (0..=n % 3).map(|k| format!("Tag {k}{n}")).collect();
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        app.create_article(&published(&format!("P{n}"), &format!("Section {}", 7 - n), &tags)).await;
    }
    for list in ["sections", "tags"] {
        let whole = all(&app, &format!("/v1/{list}?limit=100")).await;
        let mut sorted = whole.clone();
        sorted.sort_by_key(|(name, _)| (name.to_lowercase(), name.clone()));
        assert_eq!(whole, sorted, "{list} by name");
        for limit in [1, 2, 3] {
            assert_eq!(all(&app, &format!("/v1/{list}?limit={limit}")).await, whole, "{list} limit={limit}");
        }
        let first = app.anonymous().get(&format!("/v1/{list}?limit=2")).await;
        assert_eq!(first.items().len(), 2);
        assert!(first.body["next_cursor"].is_string());
    }
    assert_eq!(all(&app, "/v1/sections").await.len(), 7);
    assert_eq!(all(&app, "/v1/tags?q=tag+1").await.len(), 4, "paging within a prefix");
    // A cursor of one list does not continue the other.
    let sections = app.anonymous().get("/v1/sections?limit=1").await;
    let cursor = sections.body["next_cursor"].as_str().unwrap();
    app.anonymous().get(&format!("/v1/tags?cursor={cursor}")).await.assert_problem(400, "bad-request");
}

async fn bad_parameters_are_problems(app: TestApp) {
    let anonymous = app.anonymous();
    for list in ["sections", "tags"] {
        for query in ["limit=0", "limit=101", "limit=ten", "q=a%00b", "unknown=1", "sort=count"] {
            let reply = anonymous.get(&format!("/v1/{list}?{query}")).await;
            reply.assert_problem(422, "validation-failed");
        }
        for query in ["cursor=nonsense", "cursor=YWJj.ZGVm"] {
            anonymous.get(&format!("/v1/{list}?{query}")).await.assert_problem(400, "bad-request");
        }
    }
    let too_long = |n: usize| "x".repeat(n);
    anonymous.get(&format!("/v1/tags?q={}", too_long(64))).await.items();
    anonymous.get(&format!("/v1/tags?q={}", too_long(65))).await.assert_problem(422, "validation-failed");
    anonymous.get(&format!("/v1/sections?q={}", too_long(100))).await.items();
    let reply = anonymous.get(&format!("/v1/sections?q={}", too_long(101))).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["q"]);
}

async fn the_lists_are_anonymous_cacheable_reads_that_answer_head(app: TestApp) {
    app.create_article(&published("C", "World", &["Korea"])).await;
    let anonymous = app.anonymous();
    for path in ["/v1/sections", "/v1/tags"] {
        let first = anonymous.get(path).await;
        assert_eq!(first.items().len(), 1);
        let etag = first.header("etag").unwrap().to_owned();
        assert!(first.header("cache-tag").unwrap().split(',').any(|t| t == "articles"), "{:?}", first.headers);
        let cached = anonymous.send(anonymous.request(Method::GET, path).header("if-none-match", &etag)).await;
        assert_eq!(cached.status, 304);
        assert_eq!(cached.header("etag"), Some(etag.as_str()));
        let head = anonymous.send(anonymous.request(Method::HEAD, path)).await;
        assert_eq!((head.status, head.text.as_str(), head.header("etag")), (200, "", Some(etag.as_str())));
        // With credentials, the same counts.
        assert_eq!(app.get(path).await.body, first.body);
    }
    // A change to the counts changes the ETag.
    let before = anonymous.get("/v1/tags").await;
    app.create_article(&published("C2", "World", &["Korea"])).await;
    let after = anonymous.get("/v1/tags").await;
    assert_ne!(before.header("etag"), after.header("etag"));
    assert_eq!(after.items()[0]["article_count"], 2);
}

/// Writes until the answer is not a 503 (a pool wait past its timeout on a loaded
/// machine, which changes nothing), returning it.
async fn write(app: &TestApp, method: Method, path: &str, body: &Value) -> Reply {
    for _ in 0..10 {
        let reply = app.send_json(method.clone(), path, body).await;
        if reply.status != 503 {
            return reply;
        }
    }
    panic!("{method} {path}: still busy");
}

/// Each writer creates articles in one shared section with a shared tag and one of
/// four others, retags half of them and deletes a third: the counts must come out
/// exactly as the surviving articles say.
async fn writer(app: TestApp, w: usize) -> Vec<(String, Vec<String>)> {
    let mut kept = Vec::new();
    for n in 0..4 {
        let tags = vec!["shared".to_owned(), format!("t{}", (w + n) % 4)];
        let created = write(&app, Method::POST, "/v1/articles", &published(&format!("W{w}-{n}"), "Busy", &["x"])).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let path = article_path(&created.body);
        let retag = if n % 2 == 0 { tags } else { vec!["shared".to_owned()] };
        let patched = write(&app, Method::PATCH, &path, &json!({"tags": retag})).await;
        assert_eq!(patched.status, 200, "{}", patched.text);
        if n == 3 {
            assert_eq!(write(&app, Method::DELETE, &path, &Value::Null).await.status, 204);
        } else {
            kept.push((path, retag));
        }
    }
    kept
}

async fn concurrent_writers_keep_the_counts_exact(app: TestApp) {
    const WRITERS: usize = 16;
    let mut clients = Vec::new();
    for w in 0..WRITERS {
        clients.push(app.with_token(&app.create_token(&format!("writer {w}"), &["write"]).await));
    }
    let handles: Vec<_> =
        clients.into_iter().enumerate().map(|(w, client)| actix_web::rt::spawn(writer(client, w))).collect();
    let mut expected_tags: BTreeMap<String, i64> = BTreeMap::new();
    let mut articles = 0;
    for handle in handles {
        for (_, tags) in handle.await.expect("writer task") {
            articles += 1;
            for tag in tags {
                *expected_tags.entry(tag).or_default() += 1;
            }
        }
    }
    let (sections, tags) = counts(&app).await;
    assert_eq!(sections, vec![("Busy".to_owned(), articles)]);
    assert_eq!(tags, expected_tags.into_iter().collect::<Vec<_>>());
    assert_eq!(articles, i64::try_from(WRITERS * 3).unwrap());
}
