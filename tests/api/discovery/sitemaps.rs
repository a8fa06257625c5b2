//! `GET /v1/sitemaps/news.xml`, `index.xml` and `articles-{n}.xml`.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use newsdesk::db::DbConn;
use serde_json::{Value, json};

use super::{SITE, discovery_app};
use crate::helpers::{Backend, Reply, TestApp, article_path, id_of};

crate::tests![
    sitemaps_answer_503_without_a_public_url,
    the_news_sitemap_holds_the_last_two_days_of_public_articles,
    the_news_sitemap_answers_304_until_an_article_changes,
    the_index_lists_one_file_per_fifty_thousand_articles_and_files_stay_stable,
    sitemap_file_numbers_past_the_last_or_malformed_are_404,
    files_keep_their_articles_through_unpublishing_re_dating_and_deletion,
    a_scheduled_article_is_numbered_when_it_is_announced,
    publication_numbers_stay_unique_under_concurrent_writers,
    the_migration_numbers_the_announced_articles_in_publication_order,
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
/// 2020-01-01, as the oldest of the archive: announced as public and numbered 1 to
/// `n` (as the migration's backfill would number them), so on an empty archive.
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
         INSERT INTO articles (id, slug, title, body, status, published_at, tags, language, version, created_at, \
                               updated_at, announced_public, publication_seq) \
         SELECT {id}, 'old-' || i, 'Old ' || i, 'x', 'published', {at}, '[]', 'en', 1, {at}, {at}, TRUE, i FROM n"
    );
    let inserted = app.db.run(move |c| diesel::sql_query(sql).execute(c)).await.unwrap();
    assert_eq!(inserted, n as usize);
}

/// The path of old article `i` (`load_old_articles`).
fn old_article(i: u32) -> String {
    format!("/v1/articles/00000000-0000-7000-8000-{i:012}")
}

/// The `<loc>`s of sitemap file `n`.
async fn file_locs(app: &TestApp, n: u32) -> Vec<String> {
    elements(&app.anonymous().get(&format!("/v1/sitemaps/articles-{n}.xml")).await, "loc")
}

/// An article's page on the site, as a sitemap lists it.
fn page(article: &Value) -> String {
    format!("{SITE}/{}", article["slug"].as_str().unwrap())
}

fn number_of(app: &TestApp, article: &Value) -> Option<i64> {
    let slug = article["slug"].as_str().unwrap().to_owned();
    app.publication_numbers().into_iter().find(|(s, _)| *s == slug).unwrap().1
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

/// A file's articles stay in it whatever happens to the others: an article
/// published with a past date joins the last file (by date it would sit at the
/// start of file 1 and push the others along); one unpublished leaves a gap and,
/// published again, comes back to its place; re-dated, it stays; a deleted one
/// leaves a hole; a file whose articles all went private is listed and empty.
async fn files_keep_their_articles_through_unpublishing_re_dating_and_deletion(app: TestApp) {
    let app = discovery_app(&app).await;
    load_old_articles(&app, 50_000).await;
    let first = file_locs(&app, 1).await;
    assert_eq!(first.len(), 50_000);
    app.anonymous().get("/v1/sitemaps/articles-2.xml").await.assert_problem(404, "not-found");

    let new = app.published("New").await;
    let backdated = app
        .create_article(&json!({"title": "Backdated", "body": "x", "status": "published",
                                "published_at": "2019-06-01T00:00:00Z"}))
        .await;
    assert_eq!((number_of(&app, &new), number_of(&app, &backdated)), (Some(50_001), Some(50_002)));
    assert_eq!(file_locs(&app, 2).await, [page(&new), page(&backdated)]);
    assert_eq!(file_locs(&app, 1).await, first, "file 1 is untouched by a backdated article");

    assert_eq!(app.patch(&old_article(1), &json!({"status": "draft"})).await.status, 200);
    assert_eq!(file_locs(&app, 1).await, first[1..], "an unpublished article leaves a gap");
    assert_eq!(file_locs(&app, 2).await, [page(&new), page(&backdated)], "and nothing moves into it");
    assert_eq!(app.patch(&old_article(1), &json!({"status": "published"})).await.status, 200);
    assert_eq!(file_locs(&app, 1).await, first, "published again, it is back in its place");

    let redated = app.patch(&article_path(&backdated), &json!({"published_at": "2018-01-01T00:00:00Z"})).await;
    assert_eq!(redated.status, 200, "{}", redated.text);
    assert_eq!(app.patch(&article_path(&new), &json!({"title": "New, edited"})).await.status, 200);
    assert_eq!(file_locs(&app, 2).await, [page(&new), page(&backdated)], "edits and re-dating move nothing");
    assert_eq!((number_of(&app, &new), number_of(&app, &backdated)), (Some(50_001), Some(50_002)));

    assert_eq!(app.delete(&old_article(2)).await.status, 204);
    assert_eq!(file_locs(&app, 1).await.len(), 49_999, "a deleted article leaves a hole");
    assert_eq!(file_locs(&app, 1).await[..2], [first[0].clone(), first[2].clone()]);

    for article in [&new, &backdated] {
        assert_eq!(app.patch(&article_path(article), &json!({"status": "archived"})).await.status, 200);
    }
    let index = app.anonymous().get("/v1/sitemaps/index.xml").await;
    assert_eq!(elements(&index, "loc").len(), 2, "a file whose articles all went private is still listed");
    assert!(file_locs(&app, 2).await.is_empty(), "and it is an empty urlset");
    app.anonymous().get("/v1/sitemaps/articles-3.xml").await.assert_problem(404, "not-found");
    // Published again, they keep their numbers; the next article takes the next one.
    assert_eq!(app.patch(&article_path(&new), &json!({"status": "published"})).await.status, 200);
    let newer = app.published("Newer").await;
    assert_eq!(file_locs(&app, 2).await, [page(&new), page(&newer)]);
    assert_eq!(number_of(&app, &newer), Some(50_003));
}

/// A scheduled article has no number until the scheduler announces it; then it
/// takes the next one, after an article published meanwhile.
async fn a_scheduled_article_is_numbered_when_it_is_announced(app: TestApp) {
    let app = discovery_app(&app).await;
    let soon = (chrono::Utc::now() + chrono::TimeDelta::seconds(2)).to_rfc3339();
    let scheduled = app
        .create_article(&json!({"title": "Scheduled", "body": "x", "status": "published", "published_at": soon}))
        .await;
    let draft = app.create_article(&json!({"title": "Draft", "body": "x"})).await;
    let now = app.published("Now").await;
    assert_eq!(number_of(&app, &scheduled), None);
    assert_eq!(number_of(&app, &draft), None);
    assert_eq!(number_of(&app, &now), Some(1));
    assert_eq!(file_locs(&app, 1).await, [page(&now)]);

    let deadline = Instant::now() + Duration::from_secs(15);
    while number_of(&app, &scheduled).is_none() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(number_of(&app, &scheduled), Some(2), "numbered by the scheduler's announcement");
    assert_eq!(file_locs(&app, 1).await, [page(&now), page(&scheduled)]);
    assert_eq!(number_of(&app, &draft), None);
}

/// Writers that publish at the same moment (creates and status changes, on
/// PostgreSQL each on its own connection) all get distinct numbers, 1 to n.
async fn publication_numbers_stay_unique_under_concurrent_writers(app: TestApp) {
    const EACH: usize = 12;
    let mut drafts = Vec::new();
    for i in 0..EACH {
        drafts.push(app.create_article(&json!({"title": format!("Draft {i}"), "body": "x"})).await);
    }
    let publishes = drafts.iter().map(|d| {
        let app = app.clone();
        let path = article_path(d);
        async move { app.patch(&path, &json!({"status": "published"})).await.status }
    });
    let creates = (0..EACH).map(|i| {
        let app = app.clone();
        async move {
            let body = json!({"title": format!("Race {i}"), "body": "x", "status": "published"});
            app.post("/v1/articles", &body).await.status
        }
    });
    let (published, created) =
        tokio::join!(futures_util::future::join_all(publishes), futures_util::future::join_all(creates));
    assert!(published.iter().all(|s| *s == 200), "{published:?}");
    assert!(created.iter().all(|s| *s == 201), "{created:?}");
    let mut given: Vec<i64> =
        app.publication_numbers().into_iter().map(|(_, n)| n.expect("every article numbered")).collect();
    given.sort_unstable();
    assert_eq!(given, (1..=2 * EACH as i64).collect::<Vec<_>>());
}

/// The migration's backfill, run again over stored rows (its down.sql, then its
/// up.sql, as on an archive that existed before it): the articles announced as
/// public are numbered 1, 2, 3 … in (published_at, id) order, the others not; the
/// next article published takes the next number.
async fn the_migration_numbers_the_announced_articles_in_publication_order(app: TestApp) {
    let app = discovery_app(&app).await;
    let rows = [
        // (id suffix, status, published_at, announced)
        ("3", "published", "'2020-01-03 00:00:00'", true),
        ("1", "published", "'2020-01-01 00:00:00'", true),
        ("2", "draft", "NULL", false),
        ("4", "published", "'2020-01-03 00:00:00'", true),
        ("5", "published", "'2100-01-01 00:00:00'", false),
        ("6", "archived", "'2019-01-01 00:00:00'", false),
        ("7", "published", "'2019-12-31 00:00:00'", true),
    ];
    let values: Vec<String> = rows
        .iter()
        .map(|(n, status, at, announced)| {
            format!(
                "('00000000-0000-7000-8000-00000000000{n}', 'm-{n}', 'M {n}', 'x', '{status}', {at}, '[]', 'en', 1, \
                 '2020-01-01 00:00:00', '2020-01-01 00:00:00', {announced})"
            )
        })
        .collect();
    let insert = format!(
        "INSERT INTO articles (id, slug, title, body, status, published_at, tags, language, version, created_at, \
                               updated_at, announced_public) VALUES {}",
        values.join(", ")
    );
    app.db
        .run(move |c| -> diesel::QueryResult<()> {
            let (down, up) = match c {
                DbConn::Pg(_) => (
                    include_str!("../../../migrations/postgres/2026-12-07-000023_publication_seq/down.sql"),
                    include_str!("../../../migrations/postgres/2026-12-07-000023_publication_seq/up.sql"),
                ),
                DbConn::Sqlite(_) => (
                    include_str!("../../../migrations/sqlite/2026-12-07-000023_publication_seq/down.sql"),
                    include_str!("../../../migrations/sqlite/2026-12-07-000023_publication_seq/up.sql"),
                ),
            };
            diesel::sql_query(insert).execute(c)?;
            c.batch_execute(down)?;
            c.batch_execute(up)
        })
        .await
        .unwrap();
    let expected = [
        ("m-1", Some(2)),
        ("m-2", None),
        ("m-3", Some(3)),
        ("m-4", Some(4)),
        ("m-5", None),
        ("m-6", None),
        ("m-7", Some(1)),
    ];
    let expected: Vec<(String, Option<i64>)> = expected.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect();
    assert_eq!(app.publication_numbers(), expected);
    let next = app.published("Next").await;
    assert_eq!(number_of(&app, &next), Some(5));
    assert_eq!(
        file_locs(&app, 1).await,
        [format!("{SITE}/m-7"), format!("{SITE}/m-1"), format!("{SITE}/m-3"), format!("{SITE}/m-4"), page(&next)]
    );
}

async fn hostile_titles_stay_escaped_in_the_news_sitemap(app: TestApp) {
    let app = discovery_app(&app).await;
    let title = "<script>x</script> & ]]> \u{1}\u{202e}";
    app.create_article(&json!({"title": title, "body": "x", "status": "published"})).await;
    let reply = app.anonymous().get("/v1/sitemaps/news.xml").await;
    assert_eq!(elements(&reply, "news:title"), ["&lt;script&gt;x&lt;/script&gt; &amp; ]]&gt; \u{fffd}\u{202e}"]);
}
