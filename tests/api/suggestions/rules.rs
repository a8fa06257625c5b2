//! What is suggested and what never is, the threshold, parameters and visibility.

use reqwest::Method;
use serde_json::json;

use super::{story, suggested_ids, suggestions, suggestions_path};
use crate::helpers::{TestApp, id_of};

crate::tests![
    suggestions_are_published_articles_alike_by_terms_and_tags,
    suggestions_leave_out_the_article_itself_and_what_it_links_to,
    drafts_archived_and_scheduled_articles_are_never_suggested,
    an_article_with_nothing_distinctive_in_common_gets_an_empty_list,
    limit_must_be_an_integer_from_1_to_10,
    suggestions_of_an_unknown_article_are_404,
    a_drafts_suggestions_are_hidden_like_the_draft,
];

/// Unrelated published stories, so that the shared words of a test's stories are
/// in at most half of the archive (more common than that, a word tells nothing).
async fn background(app: &TestApp) {
    // Each with the function words of English prose, which SQLite's index keeps.
    let stories = [
        ("Bakers fear flour shortage", "The price of flour doubled and a bakery in the town cut its hours.", "Food"),
        (
            "Orchestra opens season",
            "The orchestra played a symphony to a full hall in the capital and its fans.",
            "Music",
        ),
        ("Marathon record falls", "A runner broke the record of the marathon in the cold and rain.", "Sport"),
        ("Storm floods towns", "The heavy rain flooded streets and a harbour in the north of the region.", "Weather"),
        ("Museum restores painting", "Restorers cleaned the varnish of a medieval painting in its frame.", "Art"),
        ("Startup builds electric ferry", "An electric ferry with batteries crossed the fjord to the island.", "Tech"),
    ];
    for (title, body, tag) in stories {
        story(app, title, body, &[tag]).await;
    }
}

const MISSILES: &str = "North Korea fired two ballistic missiles into the sea off its east coast, \
    the missiles flew toward Japan, and Pyongyang called the launch a test.";

async fn suggestions_are_published_articles_alike_by_terms_and_tags(app: TestApp) {
    background(&app).await;
    let source = story(&app, "North Korea fires ballistic missiles", MISSILES, &["North Korea", "Defence"]).await;
    let close = story(
        &app,
        "Pyongyang test-fires missiles again",
        "Pyongyang launched ballistic missiles toward Japan in another test by North Korea.",
        &["North Korea", "Defence"],
    )
    .await;
    let looser = story(
        &app,
        "Japan protests over launch",
        "Japan protested after North Korea launched ballistic missiles toward its sea.",
        &["Japan"],
    )
    .await;

    let reply = suggestions(&app.anonymous(), id_of(&source)).await;
    assert_eq!(suggested_ids(&reply), [id_of(&close), id_of(&looser)], "{}", reply.text);
    let items = reply.items();
    let best = &items[0];
    assert_eq!(best["slug"], close["slug"]);
    assert_eq!(best["title"], close["title"]);
    assert_eq!(best["published_at"], close["published_at"]);
    assert_eq!(best["section"], close["section"]);
    assert_eq!(best["tags"], json!(["North Korea", "Defence"]));
    let scores: Vec<f64> = items.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(scores[0] > scores[1] && scores[1] >= 0.15 && scores[0] <= 1.0, "{scores:?}");
    assert!(best.get("body").is_none(), "a summary, not the article: {best}");

    // By slug too; tagged and validated like the other reads.
    let by_slug = suggestions(&app.anonymous(), source["slug"].as_str().unwrap()).await;
    assert_eq!(suggested_ids(&by_slug), suggested_ids(&reply));
    let cache_tags = reply.header("cache-tag").unwrap();
    for tag in ["articles".to_owned(), format!("article-{}", id_of(&source)), format!("article-{}", id_of(&close))] {
        assert!(cache_tags.split(',').any(|t| t == tag), "{tag} not in {cache_tags}");
    }
    let etag = reply.header("etag").unwrap().to_owned();
    let path = suggestions_path(id_of(&source));
    let again = app.anonymous().send(app.anonymous().request(Method::GET, &path).header("if-none-match", &etag)).await;
    assert_eq!(again.status, 304, "{}", again.text);
}

async fn suggestions_leave_out_the_article_itself_and_what_it_links_to(app: TestApp) {
    background(&app).await;
    let source = story(&app, "North Korea fires ballistic missiles", MISSILES, &["North Korea"]).await;
    let linked = story(&app, "North Korea missiles fly toward Japan", MISSILES, &["North Korea"]).await;
    let other = story(&app, "Ballistic missiles test by Pyongyang", MISSILES, &["North Korea"]).await;
    app.add_link(id_of(&source), &json!({"target_article_id": id_of(&linked)})).await;
    app.add_link(id_of(&source), &json!({"url": "https://example.org/korea"})).await;

    let ids = suggested_ids(&suggestions(&app, id_of(&source)).await);
    assert_eq!(ids, [id_of(&other)]);
    // The link is one way: the linked article may still suggest the source.
    let back = suggested_ids(&suggestions(&app, id_of(&linked)).await);
    assert!(back.contains(&id_of(&source).to_owned()), "{back:?}");
    assert!(!back.contains(&id_of(&linked).to_owned()), "{back:?}");
}

async fn drafts_archived_and_scheduled_articles_are_never_suggested(app: TestApp) {
    background(&app).await;
    let source = story(&app, "North Korea fires ballistic missiles", MISSILES, &["North Korea"]).await;
    let title = "North Korea missiles";
    let body = |status: &str| json!({"title": title, "body": MISSILES, "status": status, "tags": ["North Korea"]});
    app.create_article(&body("draft")).await;
    let archived = app.create_article(&body("published")).await;
    let patched = app.patch(&format!("/v1/articles/{}", id_of(&archived)), &json!({"status": "archived"})).await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let scheduled = json!({"title": title, "body": MISSILES, "status": "published",
                           "published_at": "2999-01-01T00:00:00Z", "tags": ["North Korea"]});
    app.create_article(&scheduled).await;
    let public = story(&app, title, MISSILES, &["North Korea"]).await;

    // Not even for a caller who may read drafts.
    assert_eq!(suggested_ids(&suggestions(&app, id_of(&source)).await), [id_of(&public)]);
    assert_eq!(suggested_ids(&suggestions(&app.anonymous(), id_of(&source)).await), [id_of(&public)]);
}

async fn an_article_with_nothing_distinctive_in_common_gets_an_empty_list(app: TestApp) {
    background(&app).await;
    story(&app, "North Korea fires ballistic missiles", MISSILES, &["North Korea"]).await;
    story(&app, "Pyongyang missiles test", MISSILES, &["North Korea"]).await;
    // Shares no term and no tag with any other article.
    let loner = story(&app, "Beekeepers count hives", "Apiarists tallied colonies after winter.", &["Bees"]).await;
    let reply = suggestions(&app, id_of(&loner)).await;
    assert_eq!(reply.items(), Vec::<serde_json::Value>::new());
    // One shared word among many is a weak match: below the threshold, not shown.
    let weak = story(
        &app,
        "Gardeners sow tulips",
        "Gardeners planted tulip bulbs, raked compost, pruned roses and watered seedlings near the coast.",
        &["Gardens"],
    )
    .await;
    let reply = suggestions(&app, id_of(&weak)).await;
    assert_eq!(reply.items(), Vec::<serde_json::Value>::new(), "{}", reply.text);
}

async fn limit_must_be_an_integer_from_1_to_10(app: TestApp) {
    background(&app).await;
    let source = story(&app, "North Korea fires ballistic missiles", MISSILES, &["North Korea"]).await;
    for _ in 0..3 {
        story(&app, "North Korea missiles", MISSILES, &["North Korea"]).await;
    }
    let path = suggestions_path(id_of(&source));
    for bad in ["0", "11", "-1", "five", "2.5", ""] {
        let reply = app.get(&format!("{path}?limit={bad}")).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["limit"], "{bad}: {}", reply.text);
    }
    app.get(&format!("{path}?limit=1&limit=2")).await.assert_problem(422, "validation-failed");
    app.get(&format!("{path}?page=2")).await.assert_problem(422, "validation-failed");
    assert_eq!(app.get(&format!("{path}?limit=1")).await.items().len(), 1);
    assert_eq!(app.get(&format!("{path}?limit=10")).await.items().len(), 3);
    assert_eq!(app.get(&path).await.items().len(), 3);
}

async fn suggestions_of_an_unknown_article_are_404(app: TestApp) {
    for key in ["0192f0a0-0000-7000-8000-000000000001", "no-such-story"] {
        suggestions(&app, key).await.assert_problem(404, "not-found");
    }
    suggestions(&app, "Not%20A%20Slug").await.assert_problem(400, "bad-request");
}

async fn a_drafts_suggestions_are_hidden_like_the_draft(app: TestApp) {
    background(&app).await;
    let draft = app
        .create_article(&json!({"title": "North Korea fires missiles", "body": MISSILES, "tags": ["North Korea"]}))
        .await;
    let public = story(&app, "North Korea missiles", MISSILES, &["North Korea"]).await;
    for key in [id_of(&draft), draft["slug"].as_str().unwrap()] {
        let anonymous = suggestions(&app.anonymous(), key).await;
        let plain = app.anonymous().get(&format!("/v1/articles/{key}")).await;
        assert_eq!(anonymous.status, plain.status, "{}", anonymous.text);
        anonymous.assert_problem(404, "not-found");
    }
    let reader = app.with_token(&app.create_token("preview", &["read:drafts"]).await);
    assert_eq!(suggested_ids(&suggestions(&reader, id_of(&draft)).await), [id_of(&public)]);
}
