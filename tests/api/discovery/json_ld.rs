//! `GET /v1/articles/{article}` with `Accept: application/ld+json`.

use reqwest::Method;
use serde_json::json;

use super::{SITE, discovery_app};
use crate::helpers::{Reply, TestApp, id_of};

crate::tests![
    json_ld_is_a_news_article_with_its_quotes_as_quotations,
    json_is_still_the_default_and_both_vary_on_accept,
    json_ld_hides_what_json_hides,
    json_ld_answers_503_without_a_public_url_while_json_works,
    json_ld_answers_304_until_the_article_or_a_quote_changes,
];

const LD: &str = "application/ld+json";

async fn ld(app: &TestApp, key: &str) -> Reply {
    app.send(app.request(Method::GET, &format!("/v1/articles/{key}")).header("accept", LD)).await
}

fn vary(reply: &Reply) -> Vec<String> {
    reply.headers.get_all("vary").iter().filter_map(|v| v.to_str().ok()).map(str::to_ascii_lowercase).collect()
}

async fn json_ld_is_a_news_article_with_its_quotes_as_quotations(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app
        .create_article(&json!({
            "title": "Talks resume", "summary": "Both sides return.", "body": "Talks *resumed*.",
            "byline": "Ana Reporter", "status": "published", "published_at": "2024-03-08T09:30:00Z",
            "section": "World", "tags": ["Diplomacy", "Peace"], "language": "en-GB",
            "source_name": "Wire", "source_url": "https://wire.example.org/a",
            "quotes": [
                {"text": "We are back.", "speaker_name": "Pat Doe", "speaker_title": "Foreign Minister",
                 "context": "in a statement"},
                {"text": "Finally.", "speaker_name": "Sam Roe"},
            ],
        }))
        .await;
    let reply = ld(&app.anonymous(), article["slug"].as_str().unwrap()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some(LD));
    let url = format!("{SITE}/world/talks-resume");
    let body = &reply.body;
    assert_eq!(body["@context"], "https://schema.org");
    assert_eq!(body["@type"], "NewsArticle");
    assert_eq!((&body["url"], &body["@id"]), (&json!(url), &json!(url)));
    assert_eq!(body["mainEntityOfPage"], json!({"@type": "WebPage", "@id": url}));
    assert_eq!(body["headline"], "Talks resume");
    assert_eq!(body["description"], "Both sides return.");
    assert_eq!(body["articleBody"], "Talks *resumed*.");
    assert_eq!(body["datePublished"], "2024-03-08T09:30:00Z");
    assert_eq!(body["dateModified"], format!("{}Z", &article["updated_at"].as_str().unwrap()[..19]));
    assert_eq!(body["author"], json!([{"@type": "Person", "name": "Ana Reporter"}]));
    assert_eq!(body["publisher"]["name"], "The Example Times");
    assert_eq!(body["articleSection"], "World");
    assert_eq!(body["keywords"], json!(["Diplomacy", "Peace"]));
    assert_eq!(body["inLanguage"], "en-GB");
    assert_eq!(
        body["isBasedOn"],
        json!({"@type": "CreativeWork", "name": "Wire", "url": "https://wire.example.org/a"})
    );
    let minister = json!({"@type": "Person", "name": "Pat Doe", "jobTitle": "Foreign Minister"});
    assert_eq!(
        body["hasPart"],
        json!([
            {"@type": "Quotation", "text": "We are back.", "spokenByCharacter": minister, "creator": minister,
             "description": "in a statement"},
            {"@type": "Quotation", "text": "Finally.", "spokenByCharacter": {"@type": "Person", "name": "Sam Roe"},
             "creator": {"@type": "Person", "name": "Sam Roe"}},
        ])
    );
    // By id too; an article without the optional fields leaves them out.
    let bare = app.published("Bare").await;
    let reply = ld(&app.anonymous(), id_of(&bare)).await;
    for absent in ["description", "author", "articleSection", "keywords", "isBasedOn", "hasPart"] {
        assert!(reply.body.get(absent).is_none(), "{absent}: {}", reply.text);
    }
}

async fn json_is_still_the_default_and_both_vary_on_accept(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app.published("Plain").await;
    let path = format!("/v1/articles/{}", id_of(&article));
    for accept in [None, Some("application/json"), Some("*/*"), Some("application/ld+json;q=0.5, application/json")] {
        let mut request = app.anonymous().request(Method::GET, &path);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let reply = app.send(request).await;
        assert_eq!(reply.header("content-type"), Some("application/json"), "{accept:?}");
        assert_eq!(reply.body["id"], article["id"]);
        assert!(vary(&reply).contains(&"accept".to_owned()), "{:?}", reply.headers);
    }
    let reply = ld(&app.anonymous(), id_of(&article)).await;
    assert!(vary(&reply).contains(&"accept".to_owned()) && vary(&reply).contains(&"authorization".to_owned()));
}

async fn json_ld_hides_what_json_hides(app: TestApp) {
    let app = discovery_app(&app).await;
    let tomorrow = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
    for body in [
        json!({"title": "Draft", "body": "x"}),
        json!({"title": "Archived", "body": "x", "status": "archived"}),
        json!({"title": "Scheduled", "body": "x", "status": "published", "published_at": tomorrow}),
    ] {
        let article = app.create_article(&body).await;
        ld(&app.anonymous(), id_of(&article)).await.assert_problem(404, "not-found");
        let reader = app.with_token(&app.create_token("reader", &["read:drafts"]).await);
        assert_eq!(ld(&reader, id_of(&article)).await.body["headline"], body["title"]);
    }
}

async fn json_ld_answers_503_without_a_public_url_while_json_works(app: TestApp) {
    let article = app.published("Unconfigured").await;
    let reply = ld(&app.anonymous(), id_of(&article)).await;
    reply.assert_problem(503, "service-unavailable");
    assert!(reply.body["detail"].as_str().unwrap().contains("NEWSDESK_PUBLIC_URL"));
    assert_eq!(app.anonymous().get(&format!("/v1/articles/{}", id_of(&article))).await.status, 200);
}

async fn json_ld_answers_304_until_the_article_or_a_quote_changes(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app.article_with_children("Cached", &[json!({"text": "One.", "speaker_name": "A"})], &[]).await;
    let anonymous = app.anonymous();
    let path = format!("/v1/articles/{}", id_of(&article));
    let etag = ld(&anonymous, id_of(&article)).await.header("etag").unwrap().to_owned();
    assert!(etag.starts_with("W/"), "{etag}");
    let json_etag = anonymous.get(&path).await.header("etag").unwrap().to_owned();
    assert_ne!(etag, json_etag, "each representation has its own ETag");
    let cached = |tag: String| {
        let request = anonymous.request(Method::GET, &path).header("accept", LD).header("if-none-match", tag);
        anonymous.send(request)
    };
    assert_eq!(cached(etag.clone()).await.status, 304);
    let quote = &article["quotes"][0];
    let reply = app.patch(&format!("/v1/quotes/{}", id_of(quote)), &json!({"text": "Two."})).await;
    assert_eq!(reply.status, 200);
    let changed = cached(etag).await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.body["hasPart"][0]["text"], "Two.");
}
