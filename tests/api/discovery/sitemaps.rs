//! `GET /v1/sitemaps/news.xml`, `index.xml` and `articles-{n}.xml`.

use std::time::Instant;

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use super::{SITE, discovery_app};
use crate::helpers::{Backend, Reply, TestApp, id_of};

crate::tests![
    sitemaps_answer_503_without_a_public_url,
    the_news_sitemap_holds_the_last_two_days_of_public_articles,
    the_news_sitemap_answers_304_until_an_article_changes,
    the_index_lists_one_file_per_fifty_thousand_articles_and_files_stay_stable,
    sitemap_file_numbers_past_the_last_or_malformed_are_404,
    hostile_titles_stay_escaped_in_the_news_sitemap,
];

const ALL: [&str; 3] = ["/v1/sitemaps/news.xml", "/v1/sitemaps/index.xml", "/v1/sitemaps/articles-1.xml"];

/// The texts of the `<name>` elements of a document, in order.
fn elements(reply: &Reply, name: &str) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/xml"));
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    reply.text.split(&open).skip(1).map(|rest| rest.split(&close).next().unwrap().to_owned()).collect()
}

async fn sitemaps_answer_503_without_a_public_url(app: TestApp) {
    for path in ALL {
        let reply = app.anonymous().get(path).await;
        reply.assert_problem(503, "service-unavailable");
        assert!(reply.body["detail"].as_str().unwrap().contains("NEWSDESK_PUBLIC_URL"));
    }
}

async fn the_news_sitemap_holds_the_last_two_days_of_public_articles(app: TestApp) {
    let app = discovery_app(&app).await;
    let hours_ago = |h: i64| (chrono::Utc::now() - chrono::TimeDelta::hours(h)).to_rfc3339();
    let recent = app
        .create_article(&json!({"title": "Recent", "body": "x", "status": "published", "section": "World",
                                "published_at": hours_ago(3), "language": "pt-BR"}))
        .await;
    let newest = app
        .create_article(&json!({"title": "Newest", "body": "x", "status": "published", "published_at": hours_ago(1)}))
        .await;
    for (title, status, published_at) in [
        ("Too old", "published", json!(hours_ago(49))),
        ("Draft", "draft", Value::Null),
        ("Archived", "archived", json!(hours_ago(2))),
        ("Scheduled", "published", json!((chrono::Utc::now() + chrono::TimeDelta::hours(2)).to_rfc3339())),
    ] {
        app.create_article(&json!({"title": title, "body": "x", "status": status, "published_at": published_at})).await;
    }
    let reply = app.anonymous().get("/v1/sitemaps/news.xml").await;
    assert_eq!(elements(&reply, "news:title"), ["Newest", "Recent"]);
    assert_eq!(
        elements(&reply, "loc"),
        [format!("{SITE}/{}", newest["slug"].as_str().unwrap()), format!("{SITE}/world/recent")]
    );
    assert_eq!(elements(&reply, "news:name"), ["The Example Times"; 2]);
    assert_eq!(elements(&reply, "news:language"), ["en", "pt"]);
    let dates = elements(&reply, "news:publication_date");
    assert_eq!(dates[1], format!("{}Z", &recent["published_at"].as_str().unwrap()[..19]));
    assert!(reply.text.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""));
}

async fn the_news_sitemap_answers_304_until_an_article_changes(app: TestApp) {
    let app = discovery_app(&app).await;
    let article = app.published("Fresh").await;
    let anonymous = app.anonymous();
    for path in ["/v1/sitemaps/news.xml", "/v1/sitemaps/index.xml"] {
        let first = anonymous.get(path).await;
        let etag = first.header("etag").unwrap().to_owned();
        let cached = anonymous.send(anonymous.request(reqwest::Method::GET, path).header("if-none-match", &etag)).await;
        assert_eq!(cached.status, 304, "{path}");
        let modified = first.header("last-modified").unwrap().to_owned();
        let cached =
            anonymous.send(anonymous.request(reqwest::Method::GET, path).header("if-modified-since", &modified)).await;
        assert_eq!(cached.status, 304, "{path}");
    }
    let etag = anonymous.get("/v1/sitemaps/news.xml").await.header("etag").unwrap().to_owned();
    app.patch(&format!("/v1/articles/{}", id_of(&article)), &json!({"title": "Fresher"})).await;
    let changed = anonymous
        .send(anonymous.request(reqwest::Method::GET, "/v1/sitemaps/news.xml").header("if-none-match", &etag))
        .await;
    assert_eq!(elements(&changed, "news:title"), ["Fresher"]);
}

/// Stores `n` published articles straight in the database, one second apart from
/// 2020-01-01, as the oldest of the archive.
async fn load_old_articles(app: &TestApp, n: u32) {
    let (id, at) = match app.backend {
        Backend::Postgres => {
            ("'00000000-0000-7000-8000-' || lpad(i::text, 12, '0')", "TIMESTAMP '2020-01-01' + i * INTERVAL '1 second'")
        }
        Backend::Sqlite => (
            "'00000000-0000-7000-8000-' || printf('%012d', i)",
            "strftime('%Y-%m-%d %H:%M:%S', '2020-01-01', '+' || i || ' seconds')",
        ),
    };
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO articles (id, slug, title, body, status, published_at, tags, language, version, created_at, updated_at) \
         SELECT {id}, 'old-' || i, 'Old ' || i, 'x', 'published', {at}, '[]', 'en', 1, {at}, {at} FROM n"
    );
    let inserted = app.db.run(move |c| diesel::sql_query(sql).execute(c)).await.unwrap();
    assert_eq!(inserted, n as usize);
}

async fn the_index_lists_one_file_per_fifty_thousand_articles_and_files_stay_stable(app: TestApp) {
    let app = discovery_app(&app).await;
    let anonymous = app.anonymous();
    // An empty archive has one, empty, file.
    let index = anonymous.get("/v1/sitemaps/index.xml").await;
    assert_eq!(elements(&index, "loc").len(), 1);
    assert!(elements(&anonymous.get("/v1/sitemaps/articles-1.xml").await, "loc").is_empty());
    load_old_articles(&app, 50_001).await;
    app.create_article(&json!({"title": "Hidden draft", "body": "x"})).await;
    let index = anonymous.get("/v1/sitemaps/index.xml").await;
    let files = elements(&index, "loc");
    assert_eq!(files.len(), 2, "{}", index.text);
    assert!(files[1].ends_with("/v1/sitemaps/articles-2.xml"), "{files:?}");
    let started = Instant::now();
    let first = anonymous.get("/v1/sitemaps/articles-1.xml").await;
    let elapsed = started.elapsed();
    let locs = elements(&first, "loc");
    eprintln!("{:?}: a full sitemap file (50,000 entries, {} bytes) in {elapsed:?}", app.backend, first.text.len());
    assert_eq!(locs.len(), 50_000);
    assert_eq!((locs[0].as_str(), locs[49_999].as_str()), (&*format!("{SITE}/old-1"), &*format!("{SITE}/old-50000")));
    assert_eq!(elements(&first, "lastmod")[0], "2020-01-01T00:00:01Z");
    assert!(first.header("transfer-encoding").is_some_and(|t| t.contains("chunked")), "streamed: {:?}", first.headers);
    assert_eq!(elements(&anonymous.get("/v1/sitemaps/articles-2.xml").await, "loc"), [format!("{SITE}/old-50001")]);
    // A new article joins the last file; the first stays exactly as it was.
    let new = app.published("Brand new").await;
    assert_eq!(anonymous.get("/v1/sitemaps/articles-1.xml").await.text, first.text);
    assert_eq!(
        elements(&anonymous.get("/v1/sitemaps/articles-2.xml").await, "loc"),
        [format!("{SITE}/old-50001"), format!("{SITE}/{}", new["slug"].as_str().unwrap())]
    );
}

async fn sitemap_file_numbers_past_the_last_or_malformed_are_404(app: TestApp) {
    let app = discovery_app(&app).await;
    app.published("One").await;
    for n in ["2", "0", "-1", "01", "x", "99999999999999999999", "1e3"] {
        app.anonymous().get(&format!("/v1/sitemaps/articles-{n}.xml")).await.assert_problem(404, "not-found");
    }
}

async fn hostile_titles_stay_escaped_in_the_news_sitemap(app: TestApp) {
    let app = discovery_app(&app).await;
    let title = "<script>x</script> & ]]> \u{1}\u{202e}";
    app.create_article(&json!({"title": title, "body": "x", "status": "published"})).await;
    let reply = app.anonymous().get("/v1/sitemaps/news.xml").await;
    assert_eq!(elements(&reply, "news:title"), ["&lt;script&gt;x&lt;/script&gt; &amp; ]]&gt; \u{fffd}\u{202e}"]);
}
