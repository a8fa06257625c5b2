//! `include=quotes,related_links`, nested creates, and cascades enforced by the
//! database itself.

use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

crate::tests![
    a_page_of_fifty_articles_with_children_costs_the_same_queries_as_a_page_of_one,
    a_single_article_with_children_costs_a_fixed_number_of_queries,
    nested_create_stores_the_article_with_its_quotes_and_links_in_order,
    nested_create_with_an_invalid_child_stores_nothing_and_points_at_the_child,
    nested_create_with_a_missing_link_target_stores_nothing,
    nested_create_with_two_links_to_one_target_is_a_409_and_stores_nothing,
    nested_children_of_the_wrong_shape_are_422_with_their_pointer,
    include_embeds_only_what_was_asked_for,
    include_with_an_unknown_value_is_a_422,
    include_reads_repeated_and_comma_separated_values_alike,
    include_etag_changes_when_a_child_changes,
    the_database_cascades_an_article_delete_to_its_children_and_inbound_links,
    a_nested_create_costs_the_same_statements_for_two_children_as_for_forty,
    nested_create_with_positions_orders_children_as_inserting_them_one_by_one_would,
    the_etag_of_a_nested_create_is_the_version_that_if_match_accepts,
];

fn quote(n: usize) -> Value {
    json!({"text": format!("Quote number {n}"), "speaker_name": format!("Speaker {}", n % 3)})
}

/// Creates an article with `quotes` quotes, `internal` links to `targets` and
/// `external` links to URLs.
async fn with_children(app: &TestApp, title: &str, quotes: usize, targets: &[Value], external: usize) -> Value {
    let mut links: Vec<Value> = targets.iter().map(|t| json!({"target_article_id": t["id"]})).collect();
    links.extend((0..external).map(|n| json!({"url": format!("https://example.org/{title}/{n}"), "relation": "more"})));
    app.article_with_children(title, &(0..quotes).map(quote).collect::<Vec<_>>(), &links).await
}

/// SQL statements the service ran while answering `path`.
async fn queries_for(app: &TestApp, path: &str) -> (u64, Value) {
    let before = app.db.queries_run();
    let reply = app.get(path).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    (app.db.queries_run() - before, reply.body)
}

async fn a_page_of_fifty_articles_with_children_costs_the_same_queries_as_a_page_of_one(app: TestApp) {
    let targets = [app.published("Target one").await, app.published("Target two").await];
    for n in 0..50 {
        with_children(&app, &format!("story-{n}"), 10, &targets, 3).await;
    }
    let include = "include=quotes,related_links";

    let (fifty, page) = queries_for(&app, &format!("/v1/articles?limit=50&{include}&sort=-updated_at")).await;
    let (one, _) = queries_for(&app, &format!("/v1/articles?limit=1&{include}")).await;
    let (plain, _) = queries_for(&app, "/v1/articles?limit=50").await;

    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    for article in items {
        assert_eq!(article["quotes"].as_array().unwrap().len(), 10, "{}", article["slug"]);
        assert_eq!(article["related_links"].as_array().unwrap().len(), 5, "{}", article["slug"]);
        assert_eq!(article["related_links"][0]["target"]["title"], "Target one");
    }
    eprintln!(
        "[{:?}] queries per list request: plain page of 50 = {plain}, page of 50 with 500 quotes and 250 links = {fifty}, page of 1 = {one}",
        app.backend
    );
    assert_eq!(fifty, one, "the query count grew with the page");
    assert_eq!(fifty, plain + 2, "one extra query per embedded kind");
}

async fn a_single_article_with_children_costs_a_fixed_number_of_queries(app: TestApp) {
    let target = app.published("Target").await;
    let small = with_children(&app, "small", 1, std::slice::from_ref(&target), 0).await;
    let large = with_children(&app, "large", 40, std::slice::from_ref(&target), 30).await;

    let path = |a: &Value| format!("/v1/articles/{}?include=quotes,related_links", a["id"].as_str().unwrap());
    let (for_small, _) = queries_for(&app, &path(&small)).await;
    let (for_large, body) = queries_for(&app, &path(&large)).await;

    assert_eq!(body["quotes"].as_array().unwrap().len(), 40);
    assert_eq!(body["related_links"].as_array().unwrap().len(), 31);
    eprintln!("[{:?}] queries per single-article request with include: {for_large}", app.backend);
    assert_eq!(for_small, for_large);
}

async fn nested_create_stores_the_article_with_its_quotes_and_links_in_order(app: TestApp) {
    let target = app.published("Background piece").await;

    let reply = app
        .post(
            "/v1/articles",
            &json!({
                "title": "Main story",
                "quotes": [
                    {"text": "First", "speaker_name": "A"},
                    {"text": "Second", "speaker_name": "B", "speaker_title": "Minister", "context": "on radio"},
                    {"text": "Goes first", "speaker_name": "C", "position": 0}
                ],
                "related_links": [
                    {"target_article_id": target["id"]},
                    {"url": "https://example.org/a", "title": "Elsewhere", "relation": "feature"}
                ]
            }),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let texts: Vec<&str> =
        reply.body["quotes"].as_array().unwrap().iter().map(|q| q["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Goes first", "First", "Second"]);
    let positions: Vec<i64> =
        reply.body["quotes"].as_array().unwrap().iter().map(|q| q["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, [0, 1, 2]);
    let links = reply.body["related_links"].as_array().unwrap();
    assert_eq!(links[0]["title"], "Background piece");
    assert_eq!(links[0]["target"]["slug"], "background-piece");
    assert_eq!(links[1]["relation"], "feature");
    let id = reply.body["id"].as_str().unwrap();
    let stored = app.get(&format!("/v1/articles/{id}?include=quotes,related_links")).await;
    assert_eq!(stored.body["quotes"], reply.body["quotes"]);
    assert_eq!(stored.body["related_links"], reply.body["related_links"]);
    let backlinks = app.get("/v1/articles/background-piece/backlinks").await;
    assert_eq!(backlinks.body["items"][0]["id"], id);
}

async fn stored_nothing(app: &TestApp) {
    let articles = app.get("/v1/articles?status=any&count=true").await;
    assert_eq!(articles.body["total"], 1, "only the pre-existing article: {}", articles.text);
    let quotes = app.get("/v1/quotes").await;
    assert_eq!(quotes.body["items"], json!([]), "{}", quotes.text);
}

async fn nested_create_with_an_invalid_child_stores_nothing_and_points_at_the_child(app: TestApp) {
    app.published("Existing").await;

    let reply = app
        .post(
            "/v1/articles",
            &json!({
                "title": "Half right",
                "quotes": [{"text": "fine", "speaker_name": "A"}, {"text": "", "speaker_name": "B"}],
                "related_links": [{"url": "https://ok.example"}, {"url": "ftp://nope"}, {"target_article_id": null}]
            }),
        )
        .await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(
        reply.error_locations(),
        ["/quotes/1/text", "/related_links/1/url", "/related_links/2/target_article_id"]
    );
    stored_nothing(&app).await;
}

async fn nested_create_with_a_missing_link_target_stores_nothing(app: TestApp) {
    app.published("Existing").await;

    let reply = app
        .post(
            "/v1/articles",
            &json!({
                "title": "Dangling",
                "quotes": [{"text": "stored only with the article", "speaker_name": "A"}],
                "related_links": [{"target_article_id": uuid::Uuid::now_v7()}]
            }),
        )
        .await;

    reply.assert_problem(409, "conflict");
    assert!(
        reply.body["detail"].as_str().unwrap().starts_with("/related_links/0: target_article_id"),
        "{}",
        reply.text
    );
    stored_nothing(&app).await;
}

async fn nested_create_with_two_links_to_one_target_is_a_409_and_stores_nothing(app: TestApp) {
    let target = app.published("Existing").await;

    let reply = app
        .post(
            "/v1/articles",
            &json!({
                "title": "Doubled",
                "quotes": [{"text": "q", "speaker_name": "A"}],
                "related_links": [{"target_article_id": target["id"]}, {"target_article_id": target["id"], "title": "again"}]
            }),
        )
        .await;

    reply.assert_problem(409, "conflict");
    assert!(reply.body["detail"].as_str().unwrap().contains("/related_links/1"), "{}", reply.text);
    stored_nothing(&app).await;
}

async fn nested_children_of_the_wrong_shape_are_422_with_their_pointer(app: TestApp) {
    app.published("Existing").await;
    let cases = [
        (json!({"title": "t", "quotes": "not a list"}), "/quotes"),
        (json!({"title": "t", "quotes": [{"text": "x", "speaker_name": "A", "mood": "angry"}]}), "/quotes/0/mood"),
        (json!({"title": "t", "quotes": [{"text": "x"}]}), "/quotes/0/speaker_name"),
        (json!({"title": "t", "related_links": [{"url": 5}]}), "/related_links/0/url"),
        (
            json!({"title": "t", "related_links": [{"target_article_id": "not-a-uuid"}]}),
            "/related_links/0/target_article_id",
        ),
    ];
    for (body, pointer) in cases {
        let reply = app.post("/v1/articles", &body).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), [pointer], "{body}");
    }
    stored_nothing(&app).await;
}

async fn include_embeds_only_what_was_asked_for(app: TestApp) {
    let target = app.published("Target").await;
    let article = with_children(&app, "with-children", 2, std::slice::from_ref(&target), 1).await;
    let path = format!("/v1/articles/{}", article["id"].as_str().unwrap());

    let plain = app.get(&path).await;
    let quotes_only = app.get(&format!("{path}?include=quotes")).await;
    let both = app.get(&format!("{path}?include=related_links,quotes")).await;
    let childless =
        app.get(&format!("/v1/articles/{}?include=quotes,related_links", target["id"].as_str().unwrap())).await;
    let listed = app.get("/v1/articles?include=related_links").await;

    assert!(plain.body.get("quotes").is_none() && plain.body.get("related_links").is_none(), "{}", plain.text);
    assert_eq!(plain.header("etag"), Some("\"1\""));
    assert_eq!(quotes_only.body["quotes"].as_array().unwrap().len(), 2);
    assert!(quotes_only.body.get("related_links").is_none());
    assert_eq!(both.body["related_links"].as_array().unwrap().len(), 2);
    assert_eq!(childless.body["quotes"], json!([]));
    assert_eq!(childless.body["related_links"], json!([]));
    for item in listed.body["items"].as_array().unwrap() {
        assert!(item["related_links"].is_array() && item.get("quotes").is_none(), "{item}");
    }
}

async fn include_with_an_unknown_value_is_a_422(app: TestApp) {
    let article = app.published("Story").await;

    for path in [
        format!("/v1/articles/{}?include=comments", article["id"].as_str().unwrap()),
        "/v1/articles?include=quotes,x".into(),
    ] {
        let reply = app.get(&path).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["include"], "{path}");
    }
}

/// `include=quotes&include=related_links` (what clients that explode arrays send,
/// openapi-python-client among them) reads as `include=quotes,related_links`; it was
/// refused as a repeated parameter. The forms mix, and a bad value in any is a 422.
async fn include_reads_repeated_and_comma_separated_values_alike(app: TestApp) {
    let target = app.published("Target").await;
    let article = with_children(&app, "both-forms", 2, std::slice::from_ref(&target), 1).await;
    let id = article["id"].as_str().unwrap();
    let path = format!("/v1/articles/{id}");
    let comma = app.get(&format!("{path}?include=quotes,related_links")).await;
    assert_eq!(comma.status, 200, "{}", comma.text);
    for query in ["include=quotes&include=related_links", "include=related_links&include=quotes,quotes"] {
        let repeated = app.get(&format!("{path}?{query}")).await;
        assert_eq!(repeated.status, 200, "{query}: {}", repeated.text);
        assert_eq!(repeated.body, comma.body, "{query}");
        assert_eq!(repeated.header("etag"), comma.header("etag"), "{query}");
    }
    let listed = app.get("/v1/articles?include=quotes&include=related_links").await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let mine = listed.body["items"].as_array().unwrap().iter().find(|a| a["id"] == id).cloned().unwrap();
    assert_eq!(mine["quotes"].as_array().unwrap().len(), 2, "{mine}");
    assert_eq!(mine["related_links"].as_array().unwrap().len(), 2, "{mine}");
    for query in ["include=quotes&include=comments", "include=quotes&include="] {
        let reply = app.get(&format!("/v1/articles?{query}")).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["include"], "{query}");
    }
}

async fn include_etag_changes_when_a_child_changes(app: TestApp) {
    let article = with_children(&app, "etagged", 2, &[], 0).await;
    let path = format!("/v1/articles/{}?include=quotes", article["id"].as_str().unwrap());
    let first = app.get(&path).await;
    let tag = first.header("etag").unwrap().to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");

    let cached = app.send(app.request(Method::GET, &path).header("if-none-match", &tag)).await;
    let quote_id = first.body["quotes"][0]["id"].as_str().unwrap();
    assert_eq!(app.patch(&format!("/v1/quotes/{quote_id}"), &json!({"context": "later"})).await.status, 200);
    let changed = app.send(app.request(Method::GET, &path).header("if-none-match", &tag)).await;

    assert_eq!(cached.status, 304);
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
    assert_eq!(changed.body["quotes"][0]["context"], "later");
}

async fn the_database_cascades_an_article_delete_to_its_children_and_inbound_links(app: TestApp) {
    // Deleting the row with plain SQL, bypassing the service, shows the foreign keys
    // themselves remove the children.
    let target = app.published("Target").await;
    let doomed = with_children(&app, "doomed", 3, std::slice::from_ref(&target), 2).await;
    let linker = with_children(&app, "linker", 1, std::slice::from_ref(&doomed), 1).await;
    let doomed_id = doomed["id"].as_str().unwrap().to_owned();

    let deleted = app
        .db
        .run(move |c| diesel::sql_query("DELETE FROM articles WHERE id = $1").bind::<Text, _>(doomed_id).execute(c))
        .await
        .unwrap();

    assert_eq!(deleted, 1);
    for quote in doomed["quotes"].as_array().unwrap() {
        app.get(&format!("/v1/quotes/{}", quote["id"].as_str().unwrap())).await.assert_problem(404, "not-found");
    }
    for link in doomed["related_links"].as_array().unwrap() {
        app.get(&format!("/v1/related-links/{}", link["id"].as_str().unwrap())).await.assert_problem(404, "not-found");
    }
    let inbound = linker["related_links"][0]["id"].as_str().unwrap();
    app.get(&format!("/v1/related-links/{inbound}")).await.assert_problem(404, "not-found");
    let remaining = app.get(&format!("/v1/articles/{}?include=related_links", linker["id"].as_str().unwrap())).await;
    assert_eq!(remaining.body["related_links"].as_array().unwrap().len(), 1, "the external link stays");
    assert_eq!(app.get("/v1/articles/target/backlinks").await.body["items"], json!([]));
}

/// SQL statements the service ran while creating `body`, and the created article.
async fn statements_to_create(app: &TestApp, body: &Value) -> (u64, Value) {
    let before = app.db.queries_run();
    let reply = app.post("/v1/articles", body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (app.db.queries_run() - before, reply.body)
}

async fn a_nested_create_costs_the_same_statements_for_two_children_as_for_forty(app: TestApp) {
    let target = app.published("Target").await;
    let body = |title: &str, n: usize| {
        let mut links = vec![json!({"target_article_id": target["id"]})];
        links.extend((1..n).map(|i| json!({"url": format!("https://example.org/{n}/{i}")})));
        json!({"title": title, "body": "text", "tags": ["a"], "quotes": (0..n).map(quote).collect::<Vec<_>>(), "related_links": links})
    };
    let (small, created) = statements_to_create(&app, &body("two of each", 2)).await;
    let (large, big) = statements_to_create(&app, &body("forty of each", 40)).await;
    assert_eq!(created["quotes"].as_array().unwrap().len(), 2);
    assert_eq!(created["related_links"].as_array().unwrap().len(), 2);
    assert_eq!(big["quotes"].as_array().unwrap().len(), 40);
    assert_eq!(big["related_links"][0]["target"]["title"], "Target");
    eprintln!(
        "[{:?}] statements for a create with 2 quotes and 2 links: {small}; with 40 of each: {large}",
        app.backend
    );
    // The token check, the idempotency layer, the write itself and its change
    // records, each a fixed cost. The change log's share is one statement: the
    // records are built from the rows just inserted, the announced visibility is
    // stored with the article's row, and on PostgreSQL the append takes its lock.
    // The revision is one more: its snapshot is built from those records too.
    assert_eq!(small, large, "the statement count grew with the children");
    let bound = match app.backend {
        crate::helpers::Backend::Sqlite => 13,
        crate::helpers::Backend::Postgres => 14,
    };
    assert!(small <= bound, "{small} statements for a create with 2 quotes and 2 links");
}

async fn nested_create_with_positions_orders_children_as_inserting_them_one_by_one_would(app: TestApp) {
    let created = app
        .create_article(&json!({
            "title": "Positions", "body": "text",
            "quotes": [
                {"text": "first sent", "speaker_name": "A"},
                {"text": "second sent", "speaker_name": "B", "position": 0},
                {"text": "third sent", "speaker_name": "C", "position": 1},
            ],
            "related_links": [
                {"url": "https://example.org/one"},
                {"url": "https://example.org/two", "position": 0},
            ],
        }))
        .await;
    let texts: Vec<_> = created["quotes"].as_array().unwrap().iter().map(|q| q["text"].clone()).collect();
    assert_eq!(texts, vec![json!("second sent"), json!("third sent"), json!("first sent")]);
    let positions: Vec<_> = created["quotes"].as_array().unwrap().iter().map(|q| q["position"].clone()).collect();
    assert_eq!(positions, vec![json!(0), json!(1), json!(2)]);
    // The first quote was moved down twice by the later ones, as a series of inserts moves it.
    let versions: Vec<_> = created["quotes"].as_array().unwrap().iter().map(|q| q["version"].clone()).collect();
    assert_eq!(versions, vec![json!(1), json!(1), json!(3)]);
    let urls: Vec<_> = created["related_links"].as_array().unwrap().iter().map(|l| l["url"].clone()).collect();
    assert_eq!(urls, vec![json!("https://example.org/two"), json!("https://example.org/one")]);
    let stored = app.get(&format!("/v1/articles/{}/quotes", created["id"].as_str().unwrap())).await;
    assert_eq!(stored.body["items"][2]["text"], "first sent");
    assert_eq!(stored.body["items"][2]["version"], 3);
}

async fn the_etag_of_a_nested_create_is_the_version_that_if_match_accepts(app: TestApp) {
    let body = json!({"title": "With children", "body": "text", "quotes": [quote(1)], "related_links": []});
    let created = app.post("/v1/articles", &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let tag = created.header("etag").unwrap().to_owned();
    assert_eq!(tag, "\"1\"");
    let path = format!("/v1/articles/{}", created.body["id"].as_str().unwrap());
    let request = app
        .request(Method::PATCH, &path)
        .header("If-Match", &tag)
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"title": "Renamed"}).to_string());
    let changed = app.send(request).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["title"], "Renamed");
}
