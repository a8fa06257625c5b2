//! What anonymous callers may see: published articles whose time has come, and
//! their children. Drafts, archived articles and scheduled articles are absent
//! from every read path (a 404 where addressed directly), and a `read:drafts`
//! token sees them all.

use std::collections::BTreeSet;

use diesel::prelude::*;
use newsdesk::db::DbConn;
use newsdesk::db::schema::articles;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, ids};

crate::tests![
    anonymous_reads_of_unpublished_articles_by_id_or_slug_are_404,
    anonymous_lists_show_only_published_articles_whatever_the_status_filter,
    anonymous_full_text_search_finds_only_published_articles,
    anonymous_include_leaves_out_links_to_unpublished_targets,
    anonymous_child_lists_of_unpublished_articles_are_404_and_hide_unpublished_targets,
    anonymous_backlinks_hide_unpublished_sources,
    anonymous_quote_and_link_reads_by_id_are_404_when_hidden,
    anonymous_quote_search_finds_only_quotes_in_published_articles,
    a_read_drafts_token_sees_everything,
    a_scheduled_article_appears_once_its_time_has_come,
];

/// The four kinds of article, each with a quote by "Pat Doe" holding the word
/// "zebra", and a published hub linking to the other three and to a URL.
struct Newsroom {
    hub: Value,
    hidden: Vec<Value>,
}

async fn newsroom(app: &TestApp) -> Newsroom {
    let tomorrow = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
    let quote = json!([{"text": "The zebra crossed.", "speaker_name": "Pat Doe"}]);
    let mut hidden = Vec::new();
    for (title, status, published_at) in [
        ("Draft zebra story", "draft", Value::Null),
        ("Archived zebra story", "archived", json!("2020-01-01T00:00:00Z")),
        ("Scheduled zebra story", "published", json!(tomorrow)),
    ] {
        let body =
            json!({"title": title, "body": "zebra", "status": status, "published_at": published_at, "quotes": quote});
        hidden.push(app.create_article(&body).await);
    }
    let mut links: Vec<Value> = hidden.iter().map(|a| json!({"target_article_id": a["id"]})).collect();
    links.push(json!({"url": "https://example.org/elsewhere"}));
    let hub = app
        .create_article(&json!({
            "title": "Published zebra story", "body": "zebra", "status": "published",
            "published_at": "2024-01-01T00:00:00Z", "quotes": quote, "related_links": links,
        }))
        .await;
    // The hidden articles link back to the hub.
    for article in &hidden {
        app.add_link(article, &json!({"target_article_id": hub["id"]})).await;
    }
    Newsroom { hub, hidden }
}

/// The ids on a list page, as a set.
fn id_set(page: &Value) -> BTreeSet<String> {
    ids(page["items"].as_array().unwrap()).into_iter().collect()
}

async fn anonymous_reads_of_unpublished_articles_by_id_or_slug_are_404(app: TestApp) {
    let room = newsroom(&app).await;
    let anonymous = app.anonymous();
    for article in &room.hidden {
        for key in [id_of(article), article["slug"].as_str().unwrap()] {
            let reply = anonymous.get(&format!("/v1/articles/{key}")).await;
            reply.assert_problem(404, "not-found");
            let with_children = anonymous.get(&format!("/v1/articles/{key}?include=quotes,related_links")).await;
            with_children.assert_problem(404, "not-found");
        }
    }
    assert_eq!(anonymous.get(&format!("/v1/articles/{}", id_of(&room.hub))).await.status, 200);
}

async fn anonymous_lists_show_only_published_articles_whatever_the_status_filter(app: TestApp) {
    let room = newsroom(&app).await;
    let anonymous = app.anonymous();
    let hub = BTreeSet::from([id_of(&room.hub).to_owned()]);
    for query in ["", "?status=published", "?status=any", "?sort=-updated_at&status=any", "?include=quotes"] {
        let page = anonymous.get(&format!("/v1/articles{query}")).await;
        assert_eq!(page.status, 200, "{query}: {}", page.text);
        assert_eq!(id_set(&page.body), hub, "{query}");
    }
    for query in ["?status=draft", "?status=archived"] {
        let page = anonymous.get(&format!("/v1/articles{query}&count=true")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(page.body["items"], json!([]), "{query}");
        assert_eq!(page.body["total"], 0, "{query}");
    }
    assert_eq!(anonymous.get("/v1/articles?status=any&count=true").await.body["total"], 1);
}

async fn anonymous_full_text_search_finds_only_published_articles(app: TestApp) {
    let room = newsroom(&app).await;
    let page = app.anonymous().get("/v1/articles?q=zebra&status=any&count=true").await;
    assert_eq!(id_set(&page.body), BTreeSet::from([id_of(&room.hub).to_owned()]));
    assert_eq!(page.body["total"], 1);
    assert_eq!(app.get("/v1/articles?q=zebra&status=any&count=true").await.body["total"], 4);
}

async fn anonymous_include_leaves_out_links_to_unpublished_targets(app: TestApp) {
    let room = newsroom(&app).await;
    let anonymous = app.anonymous();
    let one = anonymous.get(&format!("/v1/articles/{}?include=related_links,quotes", id_of(&room.hub))).await;
    let links = one.body["related_links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{}", one.text);
    assert_eq!(links[0]["url"], "https://example.org/elsewhere");
    assert_eq!(one.body["quotes"].as_array().unwrap().len(), 1);
    let page = anonymous.get("/v1/articles?include=related_links").await;
    assert_eq!(page.body["items"][0]["related_links"].as_array().unwrap().len(), 1, "{}", page.text);
    for hidden in &room.hidden {
        assert!(!one.text.contains(id_of(hidden)) && !page.text.contains(id_of(hidden)), "leaked {}", id_of(hidden));
    }
    // The admin sees all four.
    let full = app.get(&format!("/v1/articles/{}?include=related_links", id_of(&room.hub))).await;
    assert_eq!(full.body["related_links"].as_array().unwrap().len(), 4);
}

async fn anonymous_child_lists_of_unpublished_articles_are_404_and_hide_unpublished_targets(app: TestApp) {
    let room = newsroom(&app).await;
    let anonymous = app.anonymous();
    for hidden in &room.hidden {
        for list in ["quotes", "related-links", "backlinks"] {
            let reply = anonymous.get(&format!("/v1/articles/{}/{list}", id_of(hidden))).await;
            reply.assert_problem(404, "not-found");
        }
    }
    let links = anonymous.get(&format!("/v1/articles/{}/related-links", id_of(&room.hub))).await;
    assert_eq!(links.status, 200);
    let items = links.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", links.text);
    assert_eq!(items[0]["url"], "https://example.org/elsewhere");
    let quotes = anonymous.get(&format!("/v1/articles/{}/quotes", id_of(&room.hub))).await;
    assert_eq!(quotes.body["items"].as_array().unwrap().len(), 1);
}

async fn anonymous_backlinks_hide_unpublished_sources(app: TestApp) {
    let room = newsroom(&app).await;
    let path = format!("/v1/articles/{}/backlinks", id_of(&room.hub));
    let anonymous = app.anonymous().get(&path).await;
    assert_eq!(anonymous.status, 200);
    assert_eq!(anonymous.body["items"], json!([]), "{}", anonymous.text);
    let all: BTreeSet<String> = room.hidden.iter().map(|a| id_of(a).to_owned()).collect();
    assert_eq!(id_set(&app.get(&path).await.body), all);
}

async fn anonymous_quote_and_link_reads_by_id_are_404_when_hidden(app: TestApp) {
    let room = newsroom(&app).await;
    let anonymous = app.anonymous();
    for hidden in &room.hidden {
        let quote = id_of(&hidden["quotes"][0]);
        anonymous.get(&format!("/v1/quotes/{quote}")).await.assert_problem(404, "not-found");
        assert_eq!(app.get(&format!("/v1/quotes/{quote}")).await.status, 200);
        // The link from the hidden article back to the hub.
        let links = app.get(&format!("/v1/articles/{}/related-links", id_of(hidden))).await;
        let link = links.body["items"][0]["id"].as_str().unwrap().to_owned();
        anonymous.get(&format!("/v1/related-links/{link}")).await.assert_problem(404, "not-found");
    }
    // The hub's links to hidden targets are hidden too; its external link is not.
    for link in room.hub["related_links"].as_array().unwrap() {
        let reply = anonymous.get(&format!("/v1/related-links/{}", id_of(link))).await;
        let expected = if link["url"].is_string() { 200 } else { 404 };
        assert_eq!(reply.status, expected, "{}", reply.text);
        assert_eq!(app.get(&format!("/v1/related-links/{}", id_of(link))).await.status, 200);
    }
    assert_eq!(anonymous.get(&format!("/v1/quotes/{}", id_of(&room.hub["quotes"][0]))).await.status, 200);
}

async fn anonymous_quote_search_finds_only_quotes_in_published_articles(app: TestApp) {
    let room = newsroom(&app).await;
    let anonymous = app.anonymous();
    let hub_quote = BTreeSet::from([id_of(&room.hub["quotes"][0]).to_owned()]);
    for query in ["", "?q=zebra", "?speaker=pat%20doe"] {
        let page = anonymous.get(&format!("/v1/quotes{query}")).await;
        assert_eq!(page.status, 200, "{query}");
        assert_eq!(id_set(&page.body), hub_quote, "{query}");
        assert_eq!(app.get(&format!("/v1/quotes{query}")).await.body["items"].as_array().unwrap().len(), 4);
    }
    for hidden in &room.hidden {
        let page = anonymous.get(&format!("/v1/quotes?article={}", id_of(hidden))).await;
        assert_eq!(page.body["items"], json!([]));
    }
}

async fn a_read_drafts_token_sees_everything(app: TestApp) {
    let room = newsroom(&app).await;
    let reader = app.with_token(&app.create_token("preview", &["read:drafts"]).await);
    for hidden in &room.hidden {
        assert_eq!(reader.get(&format!("/v1/articles/{}", id_of(hidden))).await.status, 200);
        assert_eq!(reader.get(&format!("/v1/quotes/{}", id_of(&hidden["quotes"][0]))).await.status, 200);
        let links = reader.get(&format!("/v1/articles/{}/related-links", id_of(hidden))).await;
        assert_eq!(links.body["items"].as_array().unwrap().len(), 1);
    }
    assert_eq!(reader.get("/v1/articles?status=any&count=true").await.body["total"], 4);
    assert_eq!(reader.get("/v1/articles?status=draft&count=true").await.body["total"], 1);
    assert_eq!(reader.get("/v1/quotes?q=zebra").await.body["items"].as_array().unwrap().len(), 4);
    let hub = reader.get(&format!("/v1/articles/{}?include=related_links", id_of(&room.hub))).await;
    assert_eq!(hub.body["related_links"].as_array().unwrap().len(), 4);
    let backlinks = reader.get(&format!("/v1/articles/{}/backlinks", id_of(&room.hub))).await;
    assert_eq!(backlinks.body["items"].as_array().unwrap().len(), 3);
}

async fn a_scheduled_article_appears_once_its_time_has_come(app: TestApp) {
    let tomorrow = chrono::Utc::now() + chrono::TimeDelta::days(1);
    let article = app
        .create_article(
            &json!({"title": "Soon", "body": "b", "status": "published", "published_at": tomorrow.to_rfc3339()}),
        )
        .await;
    let anonymous = app.anonymous();
    let path = format!("/v1/articles/{}", id_of(&article));
    anonymous.get(&path).await.assert_problem(404, "not-found");
    // Let its time come: move published_at into the past in the database.
    let article_id = id_of(&article).to_owned();
    let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1);
    app.db
        .blocking(move |c: &mut DbConn| {
            diesel::update(articles::table.filter(articles::id.eq(&article_id)))
                .set(articles::published_at.eq(Some(past)))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(anonymous.get(&path).await.status, 200);
    assert_eq!(id_set(&anonymous.get("/v1/articles").await.body), BTreeSet::from([id_of(&article).to_owned()]));
}
