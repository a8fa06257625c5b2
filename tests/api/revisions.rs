//! Revisions (`/v1/articles/{article}/revisions…`, `/v1/revisions`): one per
//! committed change, snapshots equal to what `GET` showed at the time, diffs that
//! rebuild them, restore, retention, visibility, and a restore racing a patch.

use newsdesk::config::HttpSettings;
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::helpers::{Reply, TestApp, article_path, id_of, link_path, links_path, quote_path};

crate::tests![
    the_history_has_a_revision_per_write_with_snapshots_as_get_showed_them,
    diffs_applied_oldest_first_rebuild_every_snapshot,
    a_restore_brings_back_content_children_and_order_as_a_new_revision,
    a_restore_keeps_the_current_slug_when_another_article_took_the_old_one,
    a_restore_honours_if_match,
    retention_keeps_the_newest_by_count_and_age,
    a_deleted_articles_history_stays_readable_and_rebuilds_it,
    history_is_for_read_drafts_and_the_deleted_history_for_admin,
    bad_revision_numbers_and_parameters_are_problems,
    a_restore_racing_a_patch_leaves_one_of_them_whole,
];

const FULL: &str = "include=quotes,related_links";

/// The article as a caller who sees drafts gets it, children included.
async fn full(app: &TestApp, article: &Value) -> Value {
    let reply = app.get(&format!("{}?{FULL}", article_path(article))).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// Every revision of the article, newest first, read in pages of `limit`.
async fn history(app: &TestApp, path: &str, limit: usize) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut reply = app.get(&format!("{path}{separator}limit={limit}")).await;
    let mut all = Vec::new();
    loop {
        let items = reply.items();
        assert!(items.len() <= limit);
        all.extend(items);
        match app.next_page(&reply).await {
            Some(next) => reply = next,
            None => break,
        }
    }
    all
}

fn revisions_path(article: &Value) -> String {
    format!("{}/revisions", article_path(article))
}

async fn snapshot(app: &TestApp, article: &Value, number: i64) -> Reply {
    app.get(&format!("{}/{number}", revisions_path(article))).await
}

async fn restore(app: &TestApp, article: &Value, number: i64, if_match: Option<&str>) -> Reply {
    let mut request = app.request(Method::POST, &format!("{}/{number}/restore", revisions_path(article)));
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    app.send(request).await
}

/// RFC 7396, applied by the test itself.
fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let doc = target.as_object_mut().unwrap();
    for (key, value) in members {
        if value.is_null() {
            doc.remove(key);
        } else {
            merge(doc.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// The document without its `null` members (which a merge patch cannot set).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Runs a varied sequence of writes on one article, recording what `GET` showed
/// after each; returns the article and those bodies, oldest first.
async fn edited_story(app: &TestApp) -> (Value, Vec<Value>) {
    let target = app.published("The target story").await;
    let created = app
        .create_article(&json!({
            "title": "Story", "body": "First draft of the body.", "tags": ["one"],
            "quotes": [{"text": "First.", "speaker_name": "Ann"}, {"text": "Second.", "speaker_name": "Bo"}],
            "related_links": [{"target_article_id": target["id"]}, {"url": "https://example.org/a", "title": "A"}],
        }))
        .await;
    let mut seen = vec![full(app, &created).await];
    let story = created.clone();
    assert_eq!(
        app.patch(&article_path(&story), &json!({"title": "Story, updated", "summary": "Now with one"})).await.status,
        200
    );
    seen.push(full(app, &story).await);
    let third = app.add_quote(&story, &json!({"text": "Third.", "speaker_name": "Cy", "position": 0})).await;
    seen.push(full(app, &story).await);
    assert_eq!(app.patch(&quote_path(&third), &json!({"context": "on the radio", "position": 2})).await.status, 200);
    seen.push(full(app, &story).await);
    let first_quote = &created["quotes"][0];
    assert_eq!(app.delete(&quote_path(first_quote)).await.status, 204);
    seen.push(full(app, &story).await);
    let link = app.add_link(&story, &json!({"url": "https://example.org/b", "relation": "more"})).await;
    seen.push(full(app, &story).await);
    assert_eq!(app.patch(&link_path(&link), &json!({"title": "B, retitled"})).await.status, 200);
    seen.push(full(app, &story).await);
    let list = json!([{"url": "https://example.org/c"}, {"target_article_id": target["id"], "title": "Own title"}]);
    assert_eq!(app.put(&links_path(&story), &list).await.status, 200);
    seen.push(full(app, &story).await);
    // The target's new title shows in the links of the story's next revision.
    assert_eq!(app.patch(&article_path(&target), &json!({"title": "The target, renamed"})).await.status, 200);
    let body = "A much longer body. ".repeat(200);
    assert_eq!(app.patch(&article_path(&story), &json!({"body": body, "status": "published"})).await.status, 200);
    let shown = full(app, &story).await;
    assert_eq!(shown["related_links"][1]["target"]["title"], "The target, renamed");
    seen.push(shown);
    let edited = body.replacen("longer", "richer", 1);
    assert_eq!(app.patch(&article_path(&story), &json!({"body": edited})).await.status, 200);
    seen.push(full(app, &story).await);
    (story, seen)
}

async fn the_history_has_a_revision_per_write_with_snapshots_as_get_showed_them(app: TestApp) {
    let (story, seen) = edited_story(&app).await;
    let revisions = history(&app, &revisions_path(&story), 3).await;
    let numbers: Vec<i64> = revisions.iter().map(|r| r["revision"].as_i64().unwrap()).collect();
    assert_eq!(numbers, (1..=seen.len() as i64).rev().collect::<Vec<_>>(), "one revision per write, newest first");
    let changes: Vec<&str> = revisions.iter().rev().map(|r| r["change"].as_str().unwrap()).collect();
    assert_eq!(
        changes,
        [
            "article.created",
            "article.updated",
            "quote.created",
            "quote.updated",
            "quote.deleted",
            "related_link.created",
            "related_link.updated",
            "related_link.deleted",
            "article.updated",
            "article.updated",
        ]
    );
    for (revision, shown) in revisions.iter().rev().zip(&seen) {
        let number = revision["revision"].as_i64().unwrap();
        assert_eq!(revision["article_id"], story["id"]);
        assert_eq!(revision["by"]["token_name"], "test admin", "{revision}");
        assert!(revision["by"]["token_id"].as_str().is_some_and(|id| id.len() == 36), "{revision}");
        assert_eq!(revision["version"], shown["version"], "revision {number}");
        assert_eq!(revision["restored_from"], Value::Null);
        let reply = snapshot(&app, &story, number).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.header("newsdesk-revision"), Some(number.to_string().as_str()));
        assert_eq!(&reply.body, shown, "revision {number} differs from what GET showed then");
    }
    // A one-word edit of the long body shows as the body alone, beside the version.
    let newest = &revisions[0]["diff"];
    let mut changed: Vec<&str> = newest.as_object().unwrap().keys().map(String::as_str).collect();
    changed.sort_unstable();
    assert_eq!(changed, ["body", "updated_at", "version"], "{newest}");
    // A quote edit names the quotes, whole, and nothing of the article's own.
    let quote_edit = &revisions[revisions.len() - 4]["diff"];
    assert_eq!(quote_edit.as_object().unwrap().keys().collect::<Vec<_>>(), ["quotes"], "{quote_edit}");
    assert_eq!(quote_edit["quotes"], seen[3]["quotes"]);
}

async fn diffs_applied_oldest_first_rebuild_every_snapshot(app: TestApp) {
    let (story, seen) = edited_story(&app).await;
    let revisions = history(&app, &revisions_path(&story), 100).await;
    let mut doc = json!({});
    for (revision, shown) in revisions.iter().rev().zip(&seen) {
        merge(&mut doc, &revision["diff"]);
        assert_eq!(without_nulls(&doc), without_nulls(shown), "after revision {}", revision["revision"]);
    }
}

async fn a_restore_brings_back_content_children_and_order_as_a_new_revision(app: TestApp) {
    let gone = app.published("Soon deleted").await;
    let stays = app.published("Stays").await;
    let created = app
        .create_article(&json!({
            "title": "Original", "body": "Original body.", "byline": "By Ann", "tags": ["x", "y"],
            "quotes": [
                {"text": "One.", "speaker_name": "Ann"},
                {"text": "Two.", "speaker_name": "Bo", "speaker_title": "Mayor"},
                {"text": "Three.", "speaker_name": "Cy"},
            ],
            "related_links": [
                {"target_article_id": gone["id"]},
                {"target_article_id": stays["id"], "title": "Read this"},
                {"url": "https://example.org/x"},
            ],
        }))
        .await;
    let original = full(&app, &created).await;
    // Change everything: fields, quotes (edited, moved, deleted, added), links.
    assert_eq!(
        app.patch(&article_path(&created), &json!({"title": "Rewritten", "byline": null, "tags": ["z"]})).await.status,
        200
    );
    let quotes = &original["quotes"];
    assert_eq!(app.patch(&quote_path(&quotes[2]), &json!({"text": "Three, edited.", "position": 0})).await.status, 200);
    assert_eq!(app.delete(&quote_path(&quotes[1])).await.status, 204);
    app.add_quote(&created, &json!({"text": "New.", "speaker_name": "Di"})).await;
    assert_eq!(app.put(&links_path(&created), &json!([{"url": "https://example.org/other"}])).await.status, 200);
    assert_eq!(app.delete(&article_path(&gone)).await.status, 204);
    let before = full(&app, &created).await;

    let reply = restore(&app, &created, 1, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let restored = &reply.body["article"];
    assert_eq!(reply.header("etag"), Some(format!("\"{}\"", restored["version"]).as_str()));
    assert_eq!(reply.body["restored_from"], 1);
    assert_eq!(reply.body["kept_slug"], false);
    let left_out = reply.body["left_out"].as_array().unwrap();
    assert_eq!(left_out.len(), 1, "{}", reply.text);
    assert_eq!(left_out[0]["target_article_id"], gone["id"]);
    for member in ["title", "slug", "summary", "body", "byline", "status", "section", "tags", "language", "created_at"]
    {
        assert_eq!(restored[member], original[member], "{member}");
    }
    assert_eq!(restored["version"].as_i64(), before["version"].as_i64().map(|v| v + 1));
    // The quotes come back with their ids, content and order; the one added since goes.
    let shape = |q: &Value| (q["id"].clone(), q["text"].clone(), q["speaker_name"].clone(), q["speaker_title"].clone());
    let expected: Vec<_> = original["quotes"].as_array().unwrap().iter().map(shape).collect();
    assert_eq!(restored["quotes"].as_array().unwrap().iter().map(shape).collect::<Vec<_>>(), expected);
    // The links, less the one to the deleted article, closed up from position 0.
    let links = restored["related_links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(
        (&links[0]["id"], &links[0]["title"], &links[0]["position"]),
        (&original["related_links"][1]["id"], &json!("Read this"), &json!(0))
    );
    assert_eq!((&links[1]["url"], &links[1]["position"]), (&json!("https://example.org/x"), &json!(1)));
    // What GET shows now is what the restore answered, and the newest snapshot.
    let now = full(&app, &created).await;
    assert_eq!(&now, restored);
    let revisions = history(&app, &revisions_path(&created), 100).await;
    assert_eq!(revisions[0]["restored_from"], 1);
    assert_eq!(revisions[0]["change"], "article.updated");
    assert_eq!(reply.body["revision"], revisions[0]["revision"]);
    assert_eq!(snapshot(&app, &created, revisions[0]["revision"].as_i64().unwrap()).await.body, now);
    // History is never rewritten: the revisions before the restore are all still there.
    assert_eq!(snapshot(&app, &created, 1).await.body, original);
    let child = app.get(&quote_path(&original["quotes"][1])).await;
    assert_eq!(child.status, 200, "the deleted quote is back at its old URL: {}", child.text);
}

async fn a_restore_keeps_the_current_slug_when_another_article_took_the_old_one(app: TestApp) {
    let article = app.create_article(&json!({"title": "Alpha", "slug": "alpha", "body": "text"})).await;
    assert_eq!(app.patch(&article_path(&article), &json!({"slug": "beta", "title": "Beta"})).await.status, 200);
    app.create_article(&json!({"title": "Another alpha", "slug": "alpha", "body": "text"})).await;
    let reply = restore(&app, &article, 1, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["kept_slug"], true);
    assert_eq!(reply.body["article"]["slug"], "beta");
    assert_eq!(reply.body["article"]["title"], "Alpha");
    // With the old slug free again, a restore takes it back.
    assert_eq!(app.delete("/v1/articles/alpha").await.status, 204);
    let reply = restore(&app, &article, 1, None).await;
    assert_eq!(
        (reply.body["kept_slug"].clone(), reply.body["article"]["slug"].clone()),
        (json!(false), json!("alpha"))
    );
}

async fn a_restore_honours_if_match(app: TestApp) {
    let article = app.create_article(&json!({"title": "Guarded", "body": "text"})).await;
    assert_eq!(app.patch(&article_path(&article), &json!({"title": "Guarded, v2"})).await.status, 200);
    restore(&app, &article, 1, Some("\"1\"")).await.assert_problem(412, "precondition-failed");
    restore(&app, &article, 1, Some("{}")).await.assert_problem(400, "bad-request");
    assert_eq!(history(&app, &revisions_path(&article), 100).await.len(), 2, "a refused restore records nothing");
    assert_eq!(full(&app, &article).await["title"], "Guarded, v2");
    let reply = restore(&app, &article, 1, Some("\"2\"")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["article"]["title"], "Guarded");
    assert_eq!(reply.body["revision"], 3);
}

async fn retention_keeps_the_newest_by_count_and_age(app: TestApp) {
    let app = TestApp::spawn_configured(app.backend, HttpSettings::default(), |db| db.revisions_keep = 3).await;
    let article = app.create_article(&json!({"title": "Edited often", "body": "text"})).await;
    for i in 2..=6 {
        assert_eq!(app.patch(&article_path(&article), &json!({"title": format!("Edit {i}")})).await.status, 200);
    }
    let revisions = history(&app, &revisions_path(&article), 100).await;
    let numbers: Vec<i64> = revisions.iter().map(|r| r["revision"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [6, 5, 4]);
    snapshot(&app, &article, 3).await.assert_problem(404, "not-found");
    assert_eq!(snapshot(&app, &article, 4).await.body["title"], "Edit 4");
    // The oldest kept carries its whole snapshot, so the diffs still rebuild them all.
    let mut doc = json!({});
    for revision in revisions.iter().rev() {
        merge(&mut doc, &revision["diff"]);
    }
    assert_eq!(without_nulls(&doc), without_nulls(&full(&app, &article).await));

    // By age: revisions older than the limit go at the next write, or on the
    // worker's round; the newest stays whatever its age.
    let app = TestApp::spawn_configured(app.backend, HttpSettings::default(), |db| db.revisions_max_age_days = 2).await;
    let article = app.create_article(&json!({"title": "Old story", "body": "text"})).await;
    let other = app.create_article(&json!({"title": "Untouched", "body": "text"})).await;
    assert_eq!(app.patch(&article_path(&article), &json!({"title": "Old story, v2"})).await.status, 200);
    assert_eq!(app.patch(&article_path(&other), &json!({"title": "Untouched, v2"})).await.status, 200);
    age_revisions(&app, 3).await;
    assert_eq!(app.patch(&article_path(&article), &json!({"title": "Old story, v3"})).await.status, 200);
    let kept: Vec<i64> =
        history(&app, &revisions_path(&article), 100).await.iter().map(|r| r["revision"].as_i64().unwrap()).collect();
    assert_eq!(kept, [3], "the write pruned its own article's old history");
    assert_eq!(history(&app, &revisions_path(&other), 100).await.len(), 2, "not yet pruned: nobody wrote it");
    let retention = app.db.retention();
    let pruned =
        app.db.run(move |c| newsdesk::db::revisions::prune_old(c, retention, chrono::Utc::now())).await.unwrap();
    assert_eq!(pruned, 1);
    let kept = history(&app, &revisions_path(&other), 100).await;
    assert_eq!(kept.len(), 1, "the newest stays");
    assert_eq!(kept[0]["revision"], 2);
}

/// Makes every stored revision `days` older.
async fn age_revisions(app: &TestApp, days: i64) {
    use diesel::prelude::*;
    let sql = match app.backend {
        crate::helpers::Backend::Sqlite => {
            format!("UPDATE revisions SET recorded_at = datetime(recorded_at, '-{days} days')")
        }
        crate::helpers::Backend::Postgres => {
            format!("UPDATE revisions SET recorded_at = recorded_at - interval '{days} days'")
        }
    };
    app.db.run(move |c| diesel::sql_query(sql).execute(c)).await.unwrap();
}

async fn a_deleted_articles_history_stays_readable_and_rebuilds_it(app: TestApp) {
    let article = app
        .article_with_children(
            "Deleted story",
            &[json!({"text": "Said.", "speaker_name": "Ann"})],
            &[json!({"url": "https://example.org/d"})],
        )
        .await;
    assert_eq!(app.patch(&article_path(&article), &json!({"summary": "Last words"})).await.status, 200);
    let last = full(&app, &article).await;
    assert_eq!(app.delete(&article_path(&article)).await.status, 204);
    app.get(&revisions_path(&article)).await.assert_problem(404, "not-found");

    let path = format!("/v1/revisions?article_id={}", id_of(&article));
    let revisions = history(&app, &path, 2).await;
    let changes: Vec<&str> = revisions.iter().map(|r| r["change"].as_str().unwrap()).collect();
    assert_eq!(changes, ["article.deleted", "article.updated", "article.created"]);
    assert_eq!(revisions[0]["diff"], Value::Null);
    assert_eq!(revisions[0]["version"], last["version"]);
    let mut doc = json!({});
    for revision in revisions.iter().rev().filter(|r| !r["diff"].is_null()) {
        merge(&mut doc, &revision["diff"]);
    }
    assert_eq!(without_nulls(&doc), without_nulls(&last));
    // Created again from the rebuilt snapshot, as a new article.
    let mut body = doc.as_object().unwrap().clone();
    for read_only in ["id", "version", "created_at", "updated_at"] {
        body.remove(read_only);
    }
    for list in ["quotes", "related_links"] {
        let items: Vec<Value> = body[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let keep = ["text", "speaker_name", "speaker_title", "context", "url", "title", "relation"];
                Value::Object(
                    item.as_object()
                        .unwrap()
                        .iter()
                        .filter(|(k, v)| keep.contains(&k.as_str()) && !v.is_null())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )
            })
            .collect();
        body.insert(list.to_owned(), Value::Array(items));
    }
    let again = app.create_article(&Value::Object(body)).await;
    assert_eq!((again["title"].clone(), again["summary"].clone()), (last["title"].clone(), json!("Last words")));
    assert_eq!(again["quotes"][0]["text"], "Said.");
    // An article that never existed has no history.
    let none = app.get("/v1/revisions?article_id=0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a").await;
    assert_eq!(none.items(), Vec::<Value>::new());
}

async fn history_is_for_read_drafts_and_the_deleted_history_for_admin(app: TestApp) {
    let article = app.published("Public story").await;
    let revisions = revisions_path(&article);
    let anonymous = app.anonymous();
    anonymous.get(&revisions).await.assert_problem(401, "unauthorized");
    anonymous.get(&format!("{revisions}/1")).await.assert_problem(401, "unauthorized");
    restore(&anonymous, &article, 1, None).await.assert_problem(401, "unauthorized");
    let reader = app.with_token(&app.create_token("reader", &["read:drafts"]).await);
    assert_eq!(reader.get(&revisions).await.items().len(), 1);
    assert_eq!(reader.get(&format!("{revisions}/1")).await.status, 200);
    restore(&reader, &article, 1, None).await.assert_problem(403, "forbidden");
    reader.get(&format!("/v1/revisions?article_id={}", id_of(&article))).await.assert_problem(403, "forbidden");
    let writer = app.with_token(&app.create_token("night desk", &["write", "read:drafts"]).await);
    assert_eq!(writer.patch(&article_path(&article), &json!({"title": "Public story, fixed"})).await.status, 200);
    let newest = &reader.get(&revisions).await.items()[0];
    assert_eq!(newest["by"]["token_name"], "night desk", "the token that wrote it");
}

async fn bad_revision_numbers_and_parameters_are_problems(app: TestApp) {
    let article = app.create_article(&json!({"title": "Numbered", "body": "text"})).await;
    let revisions = revisions_path(&article);
    for bad in ["0", "-1", "abc", "1.5", "99999999999"] {
        app.get(&format!("{revisions}/{bad}")).await.assert_problem(400, "bad-request");
    }
    app.get(&format!("{revisions}/2")).await.assert_problem(404, "not-found");
    restore(&app, &article, 2, None).await.assert_problem(404, "not-found");
    app.get("/v1/articles/no-such-story/revisions").await.assert_problem(404, "not-found");
    app.get(&format!("{revisions}?limit=0")).await.assert_problem(422, "validation-failed");
    app.get(&format!("{revisions}?cursor=made-up")).await.assert_problem(400, "bad-request");
    app.get(&format!("{revisions}?since=1")).await.assert_problem(422, "validation-failed");
    assert_eq!(app.get(&format!("{revisions}?cursor=")).await.items().len(), 1, "an empty cursor is the first page");
    app.get("/v1/revisions").await.assert_problem(422, "validation-failed");
    app.get("/v1/revisions?article_id=nope").await.assert_problem(422, "validation-failed");
    assert_eq!(history(&app, &revisions, 100).await.len(), 1, "nothing was changed");
}

async fn a_restore_racing_a_patch_leaves_one_of_them_whole(app: TestApp) {
    for round in 0..8 {
        let article = app
            .article_with_children(
                &format!("Race {round}"),
                &[json!({"text": "Original quote.", "speaker_name": "Ann"})],
                &[],
            )
            .await;
        let path = article_path(&article);
        assert_eq!(app.patch(&path, &json!({"title": "Second version"})).await.status, 200);
        app.add_quote(&article, &json!({"text": "Added later.", "speaker_name": "Bo"})).await;
        let current = full(&app, &article).await;
        let tag = format!("\"{}\"", current["version"]);
        let patch = app
            .request(Method::PATCH, &path)
            .header("If-Match", tag.as_str())
            .header("Content-Type", "application/merge-patch+json")
            .body(json!({"title": "Patched", "body": "Patched body"}).to_string());
        let (patched, restored) = tokio::join!(app.send(patch), restore(&app, &article, 1, Some(tag.as_str())));
        let statuses = (patched.status, restored.status);
        assert!(statuses == (200, 412) || statuses == (412, 200), "round {round}: {statuses:?}");
        let now = full(&app, &article).await;
        if restored.status == 200 {
            assert_eq!((&now["title"], &now["body"]), (&json!(format!("Race {round}")), &json!("text")));
            assert_eq!(now["quotes"].as_array().unwrap().len(), 1, "the restore's children, all of them");
        } else {
            assert_eq!((&now["title"], &now["body"]), (&json!("Patched"), &json!("Patched body")));
            assert_eq!(now["quotes"].as_array().unwrap().len(), 2, "the patch left the children alone");
        }
        let revisions = history(&app, &revisions_path(&article), 100).await;
        assert_eq!(revisions.len(), 4, "one revision for the winner only");
        assert_eq!(snapshot(&app, &article, 4).await.body, now, "the newest snapshot is what GET shows");
    }
}
