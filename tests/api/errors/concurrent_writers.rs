//! Errors: concurrent writers.

use super::*;

/// Statuses of the replies, for messages.
pub(super) fn statuses(replies: &[Reply]) -> Vec<u16> {
    replies.iter().map(|r| r.status).collect()
}

/// Fails on any 5xx, showing its body.
#[track_caller]
pub(super) fn assert_no_server_error(replies: &[Reply]) {
    for reply in replies {
        assert!(reply.status < 500, "a concurrent write got {}: {}", reply.status, reply.text);
    }
}

pub(super) async fn concurrent_creates_with_the_same_title_get_distinct_slugs(app: TestApp) {
    let replies = concurrently(&app, 20, |_, app| async move {
        app.post(ARTICLES, &json!({"title": "Breaking: Same Headline", "body": "text"})).await
    })
    .await;
    assert_no_server_error(&replies);
    assert!(
        replies.iter().all(|r| r.status == 201),
        "statuses: {:?}, e.g. {}",
        statuses(&replies),
        replies.iter().find(|r| r.status != 201).map_or("", |r| r.text.as_str())
    );
    let mut slugs: Vec<&str> = replies.iter().map(|r| r.body["slug"].as_str().unwrap()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), 20, "slugs: {slugs:?}");
    assert!(slugs.iter().all(|s| s.starts_with("breaking-same-headline")), "{slugs:?}");
    assert_eq!(total(&app).await, 20);
}

pub(super) async fn concurrent_patches_of_different_fields_all_apply(app: TestApp) {
    let created = app.create_article(&json!({"title": "Contended"})).await;
    let path = path_of(&created);
    let patches = [
        json!({"summary": "patched summary"}),
        json!({"byline": "patched byline"}),
        json!({"section": "patched section"}),
        json!({"source_name": "patched source"}),
        json!({"source_url": "https://example.org/patched"}),
        json!({"language": "ko"}),
        json!({"tags": ["patched"]}),
        json!({"body": "patched body"}),
        json!({"published_at": "2024-03-28T09:30:00Z"}),
        json!({"slug": "patched-slug"}),
    ];
    let replies = concurrently(&app, patches.len(), |i, app| {
        let (path, patch) = (path.clone(), patches[i].clone());
        async move { app.patch(&path, &patch).await }
    })
    .await;
    assert_no_server_error(&replies);
    for reply in &replies {
        assert_eq!(reply.status, 200, "a PATCH without If-Match was refused: {}", reply.text);
    }
    let mut versions: Vec<i64> = replies.iter().map(|r| r.body["version"].as_i64().unwrap()).collect();
    versions.sort_unstable();
    assert_eq!(versions, (2..=11).collect::<Vec<_>>(), "each write gets its own version");

    let last = app.get(&path).await;
    assert_eq!(last.body["version"], 11, "{}", last.text);
    for patch in &patches {
        for (field, value) in patch.as_object().unwrap() {
            assert_eq!(&last.body[field], value, "the patch of {field} was lost: {}", last.text);
        }
    }
    assert_eq!(last.body["title"], "Contended");
}

pub(super) async fn concurrent_patches_with_the_same_if_match_let_exactly_one_through(app: TestApp) {
    let created = app.create_article(&json!({"title": "Race"})).await;
    let path = path_of(&created);
    let replies = concurrently(&app, 10, |i, app| {
        let path = path.clone();
        async move {
            let request = app
                .request(Method::PATCH, &path)
                .header("if-match", "\"1\"")
                .header("content-type", "application/merge-patch+json")
                .body(json!({"summary": format!("writer {i}")}).to_string());
            app.send(request).await
        }
    })
    .await;
    assert_no_server_error(&replies);
    let winners: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "statuses: {:?}", statuses(&replies));
    for reply in replies.iter().filter(|r| r.status != 200) {
        assert_problem_at(reply, 412, "precondition-failed", &path);
    }
    let last = app.get(&path).await;
    assert_eq!(last.body["version"], 2);
    assert_eq!(last.body, winners[0].body, "the stored article is the one write that won");
}
