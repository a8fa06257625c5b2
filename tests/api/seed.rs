//! `newsdesk seed`: the example newsroom as the API shows it, and the refusal to
//! load it into a database that already holds articles (unless forced).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

crate::tests![
    seeding_an_empty_database_lists_the_published_examples_and_hides_the_others,
    seeded_articles_embed_quotes_and_links_with_internal_targets_resolved,
    a_seeded_speaker_is_found_by_the_quote_search,
    seeding_again_without_force_fails_and_changes_nothing,
    seeding_a_database_holding_only_a_draft_is_refused,
    seeding_with_force_adds_a_second_copy_with_its_own_slugs_and_links,
];

/// Runs the seed off the async executor, as the CLI would run it.
async fn seed(app: &TestApp, force: bool) -> anyhow::Result<usize> {
    let db = app.db.clone();
    actix_web::web::block(move || newsdesk::cli::seed::run(&db, force)).await.expect("seed thread")
}

/// Every article of any status, with children embedded.
async fn everything(app: &TestApp) -> Vec<Value> {
    let reply = app.get("/v1/articles?status=any&limit=100&count=true&include=quotes,related_links").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.body["items"].as_array().unwrap().clone();
    assert_eq!(reply.body["total"], items.len(), "all on one page");
    items
}

fn slugs<'a>(articles: impl IntoIterator<Item = &'a Value>) -> HashSet<String> {
    articles.into_iter().map(|a| a["slug"].as_str().unwrap().to_owned()).collect()
}

fn slugs_of(numbered: &[(String, i64)]) -> HashSet<String> {
    numbered.iter().map(|(slug, _)| slug.clone()).collect()
}

fn internal_links(article: &Value) -> impl Iterator<Item = &Value> {
    article["related_links"].as_array().unwrap().iter().filter(|l| !l["target_article_id"].is_null())
}

async fn seeding_an_empty_database_lists_the_published_examples_and_hides_the_others(app: TestApp) {
    let loaded = seed(&app, false).await.expect("seeding an empty database works");

    let all = everything(&app).await;
    assert_eq!(all.len(), loaded);
    let now = Utc::now();
    let published_at = |a: &Value| a["published_at"].as_str().map(|t| t.parse::<DateTime<Utc>>().unwrap());
    let is = |a: &Value, status: &str| a["status"] == status;
    let out: Vec<&Value> = all.iter().filter(|a| is(a, "published") && published_at(a) <= Some(now)).collect();
    let scheduled = all.iter().filter(|a| is(a, "published") && published_at(a) > Some(now)).count();
    assert!(out.len() >= 6, "most examples are out: {}", out.len());
    assert!(scheduled >= 1 && all.iter().any(|a| is(a, "draft")) && all.iter().any(|a| is(a, "archived")));

    let pictured: Vec<&Value> = all.iter().filter(|a| !a["image"].is_null()).collect();
    assert!(!pictured.is_empty(), "an example has a lead image");
    for article in pictured {
        let image = &article["image"];
        assert!(image["url"].as_str().is_some_and(|u| u.starts_with("https://")), "{image}");
        assert!(image["alt"].as_str().is_some_and(|a| !a.trim().is_empty()), "{image}");
    }

    let listed = app.get("/v1/articles?limit=100&count=true").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(slugs(items), slugs(out.iter().copied()), "the default list shows exactly the published examples");
    assert_eq!(listed.body["total"], out.len());
    // Each public example took the next publication number as it was created; the
    // scheduled, draft and archived ones have none yet.
    let numbered: Vec<(String, i64)> =
        app.publication_numbers().into_iter().filter_map(|(slug, n)| Some((slug, n?))).collect();
    assert_eq!(slugs_of(&numbered), slugs(out.iter().copied()));
    let mut numbers: Vec<i64> = numbered.iter().map(|(_, n)| *n).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=out.len() as i64).collect::<Vec<_>>());
    let sections: HashSet<&str> = items.iter().filter_map(|a| a["section"].as_str()).collect();
    assert!(sections.len() >= 4, "several sections: {sections:?}");
}

async fn seeded_articles_embed_quotes_and_links_with_internal_targets_resolved(app: TestApp) {
    seed(&app, false).await.expect("seed");
    let all = everything(&app).await;
    let seeded = slugs(&all);

    let mut internal = 0;
    for article in &all {
        let quotes = article["quotes"].as_array().unwrap();
        assert!((1..=4).contains(&quotes.len()), "{}: {} quotes", article["slug"], quotes.len());
        assert!(quotes.iter().all(|q| q["speaker_name"].is_string() && q["text"].is_string()));
        assert!(!article["related_links"].as_array().unwrap().is_empty(), "{} has no links", article["slug"]);
        for link in internal_links(article) {
            internal += 1;
            let target = &link["target"];
            assert_eq!(target["id"], link["target_article_id"]);
            assert!(seeded.contains(target["slug"].as_str().unwrap()), "{link}");
            assert!(link["title"].is_string(), "an internal link shows a title: {link}");
        }
    }
    assert!(internal >= 3, "{internal} internal links");

    let source = all.iter().find(|a| a["status"] == "published" && internal_links(a).next().is_some()).unwrap();
    let target = internal_links(source).next().unwrap()["target"]["slug"].as_str().unwrap();
    let backlinks = app.get(&format!("/v1/articles/{target}/backlinks")).await;
    assert_eq!(backlinks.status, 200, "{}", backlinks.text);
    assert!(backlinks.body["items"].as_array().unwrap().iter().any(|a| a["id"] == source["id"]), "{}", backlinks.text);
}

async fn a_seeded_speaker_is_found_by_the_quote_search(app: TestApp) {
    seed(&app, false).await.expect("seed");
    let listed = app.get("/v1/articles?include=quotes").await;
    let quote = listed.body["items"][0]["quotes"][0].clone();
    let speaker = quote["speaker_name"].as_str().unwrap();

    let found = app.send(app.request(Method::GET, "/v1/quotes").query(&[("speaker", speaker.to_uppercase())])).await;

    assert_eq!(found.status, 200, "{}", found.text);
    let items = found.body["items"].as_array().unwrap();
    assert!(items.iter().any(|q| q["id"] == quote["id"]), "{speaker} not found: {}", found.text);
    assert!(items.iter().all(|q| q["speaker_name"] == speaker), "{}", found.text);
}

async fn seeding_again_without_force_fails_and_changes_nothing(app: TestApp) {
    let loaded = seed(&app, false).await.expect("first seed");
    let before = everything(&app).await;

    let error = seed(&app, false).await.expect_err("a second seed is refused");

    let message = format!("{error:#}");
    assert!(message.contains(&format!("already holds {loaded} article")), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(everything(&app).await, before);
}

async fn seeding_a_database_holding_only_a_draft_is_refused(app: TestApp) {
    app.create_article(&json!({"title": "My own draft"})).await;

    let error = seed(&app, false).await.expect_err("refused");

    assert!(format!("{error:#}").contains("already holds 1 article"), "{error:#}");
    let all = everything(&app).await;
    assert_eq!(slugs(&all), HashSet::from(["my-own-draft".to_owned()]));
}

async fn seeding_with_force_adds_a_second_copy_with_its_own_slugs_and_links(app: TestApp) {
    let loaded = seed(&app, false).await.expect("first seed");
    let first = slugs(&everything(&app).await);

    assert_eq!(seed(&app, true).await.expect("forced seed"), loaded);

    let all = everything(&app).await;
    assert_eq!(all.len(), 2 * loaded);
    let second: Vec<&Value> = all.iter().filter(|a| !first.contains(a["slug"].as_str().unwrap())).collect();
    assert_eq!(second.len(), loaded, "every slug is new");
    assert!(second.iter().all(|a| a["slug"].as_str().unwrap().ends_with("-2")), "derived slugs get a suffix");
    let second_slugs = slugs(second.iter().copied());
    for article in &second {
        for link in internal_links(article) {
            assert!(second_slugs.contains(link["target"]["slug"].as_str().unwrap()), "links stay in the copy: {link}");
        }
    }
}
