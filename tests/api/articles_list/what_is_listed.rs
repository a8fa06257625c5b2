//! Articles list: what is listed.

use super::*;

pub(super) async fn an_empty_list_is_no_items_and_a_null_next_cursor(app: TestApp) {
    let reply = app.get(LIST).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, json!({"items": [], "next_cursor": null}));
    assert_eq!(reply.header("link"), None);
}

pub(super) async fn default_list_shows_published_articles_newest_first_and_hides_drafts_archived_and_scheduled_ones(
    app: TestApp,
) {
    let now = Utc::now();
    let older = article(&app, "Older story", json!({"published_at": day(1)})).await;
    let newer = article(&app, "Newer story", json!({"published_at": day(2)})).await;
    let minute_ago =
        article(&app, "Story from a minute ago", json!({"published_at": stamp(now - TimeDelta::minutes(1))})).await;
    let dated_now = article(&app, "Story published without a date", json!({})).await;
    article(&app, "Dated draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;
    article(&app, "Archived story", json!({"status": "archived", "published_at": day(4)})).await;
    article(&app, "Scheduled in ten minutes", json!({"published_at": stamp(now + TimeDelta::minutes(10))})).await;
    article(&app, "Scheduled next century", json!({"published_at": "2099-01-01T00:00:00Z"})).await;

    let reply = app.get(LIST).await;

    let listed = items(&reply);
    let expected = [dated_now, minute_ago, newer, older];
    assert_eq!(titles_of(&listed), titles_of(&expected));
    for (item, created) in listed.iter().zip(&expected) {
        let single = app.get(&format!("{LIST}/{}", id_of(created))).await;
        assert_eq!(single.status, 200, "{}", single.text);
        assert_eq!(item, &single.body, "a listed item is the article as GET shows it");
    }
    assert_eq!(reply.body["next_cursor"], Value::Null);
    let keys: Vec<String> = reply.body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(sorted(keys), ["items", "next_cursor"], "no total without count=true: {}", reply.text);
}

pub(super) async fn status_published_given_explicitly_also_hides_scheduled_articles(app: TestApp) {
    article(&app, "Out already", json!({"published_at": day(1)})).await;
    article(&app, "Out in an hour", json!({"published_at": stamp(Utc::now() + TimeDelta::hours(1))})).await;
    article(&app, "A draft", json!({"status": "draft"})).await;

    let reply = list(&app, &[("status", "published")]).await;

    assert_eq!(titles(&reply), ["Out already"]);
}

pub(super) async fn status_any_lists_every_article_including_scheduled_ones(app: TestApp) {
    article(&app, "Published", json!({"published_at": day(2)})).await;
    article(&app, "Dated draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;
    article(&app, "Archived", json!({"status": "archived", "published_at": day(4)})).await;
    article(&app, "Scheduled", json!({"published_at": "2099-01-01T00:00:00Z"})).await;

    let reply = list(&app, &[("status", "any")]).await;

    assert_eq!(titles(&reply), ["Scheduled", "Archived", "Dated draft", "Published", "Undated draft"]);
    let statuses: Vec<&Value> = reply.body["items"].as_array().unwrap().iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses, ["published", "archived", "draft", "published", "draft"]);
}

pub(super) async fn status_draft_lists_only_drafts(app: TestApp) {
    article(&app, "Published", json!({"published_at": day(2)})).await;
    article(&app, "Dated draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;
    article(&app, "Archived", json!({"status": "archived", "published_at": day(4)})).await;

    let reply = list(&app, &[("status", "draft")]).await;

    assert_eq!(titles(&reply), ["Dated draft", "Undated draft"]);
}

pub(super) async fn status_archived_lists_only_archived_articles_whatever_their_date(app: TestApp) {
    article(&app, "Published", json!({"published_at": day(2)})).await;
    article(&app, "Draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Archived", json!({"status": "archived", "published_at": day(4)})).await;
    article(&app, "Archived undated", json!({"status": "archived"})).await;
    article(&app, "Archived future-dated", json!({"status": "archived", "published_at": "2099-01-01T00:00:00Z"})).await;

    let reply = list(&app, &[("status", "archived")]).await;

    assert_eq!(titles(&reply), ["Archived future-dated", "Archived", "Archived undated"]);
}
