//! `fields=`: sparse fieldsets on every read of articles, quotes and related links.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, article_path, backlinks_path, id_of, link_path, links_path, quote_path, quotes_path};

crate::tests![
    fields_shapes_an_article_and_keeps_its_required_members,
    fields_reads_repeated_and_comma_separated_values_alike,
    dot_paths_embed_narrowed_children_without_include,
    include_adds_whole_children_that_fields_does_not_name,
    a_shaped_article_list_keeps_its_paging_and_leaves_the_bodies_out,
    every_read_of_quotes_and_links_takes_fields,
    unknown_fields_are_a_422_listing_the_valid_names,
    a_shaped_read_has_a_weak_etag_of_its_own_that_answers_304,
    head_and_compression_treat_a_shaped_read_as_a_get,
    json_ld_takes_no_fields,
];

/// The member names of a JSON object, sorted.
fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> =
        value.as_object().unwrap_or_else(|| panic!("not an object: {value}")).keys().cloned().collect();
    keys.sort();
    keys
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    names.sort();
    names
}

/// A published article with a long body, two quotes and an external and an
/// internal link.
async fn story(app: &TestApp) -> Value {
    let target = app.published("Background").await;
    app.create_article(&json!({
        "title": "Main story",
        "summary": "The standfirst.",
        "body": "Long text. ".repeat(500),
        "status": "published",
        "tags": ["Korea"],
        "quotes": [
            {"text": "First words", "speaker_name": "Park Jin", "speaker_title": "Minister"},
            {"text": "Second words", "speaker_name": "Kim", "context": "on radio"}
        ],
        "related_links": [{"url": "https://example.org/more", "title": "More"}, {"target_article_id": target["id"]}]
    }))
    .await
}

async fn fields_shapes_an_article_and_keeps_its_required_members(app: TestApp) {
    let article = story(&app).await;

    let shaped = app.get(&format!("{}?fields=title,summary", article_path(&article))).await;

    assert_eq!(shaped.status, 200, "{}", shaped.text);
    assert_eq!(keys(&shaped.body), sorted(&["id", "version", "title", "summary"]));
    assert_eq!(shaped.body["title"], "Main story");
    assert_eq!(shaped.body["id"], article["id"]);
    // By slug too, and naming a required member changes nothing.
    let by_slug = app.get("/v1/articles/main-story?fields=id,version,title,summary").await;
    assert_eq!(by_slug.body, shaped.body);
    // Without fields, everything, the body included.
    let whole = app.get(&article_path(&article)).await;
    assert_eq!(whole.body["body"], article["body"]);
    assert!(whole.body["tags"].is_array() && whole.body.get("quotes").is_none(), "{}", whole.text);
}

async fn fields_reads_repeated_and_comma_separated_values_alike(app: TestApp) {
    let article = story(&app).await;
    let path = article_path(&article);

    let listed = app.get(&format!("{path}?fields=slug,tags,quotes.text")).await;
    let repeated = app.get(&format!("{path}?fields=slug&fields=tags&fields=quotes.text")).await;
    let mixed = app.get(&format!("{path}?fields=slug,%20tags&fields=quotes.text")).await;

    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(keys(&listed.body), sorted(&["id", "version", "slug", "tags", "quotes"]));
    for other in [&repeated, &mixed] {
        assert_eq!(other.text, listed.text);
        assert_eq!(other.header("etag"), listed.header("etag"));
    }
    // The lists take both forms as well.
    let page = app.get("/v1/articles?fields=slug&fields=title").await;
    let page_listed = app.get("/v1/articles?fields=slug,title").await;
    assert_eq!(page.text, page_listed.text);
    assert_eq!(keys(&page.items()[0]), sorted(&["id", "version", "slug", "title"]));
}

async fn dot_paths_embed_narrowed_children_without_include(app: TestApp) {
    let article = story(&app).await;

    let shaped = app
        .get(&format!(
            "{}?fields=id,slug,title,quotes.text,quotes.speaker_name,related_links.url",
            article_path(&article)
        ))
        .await;

    assert_eq!(shaped.status, 200, "{}", shaped.text);
    assert_eq!(keys(&shaped.body), sorted(&["id", "version", "slug", "title", "quotes", "related_links"]));
    let quotes = shaped.body["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 2);
    for (quote, stored) in quotes.iter().zip(article["quotes"].as_array().unwrap()) {
        assert_eq!(keys(quote), sorted(&["id", "article_id", "version", "text", "speaker_name"]));
        assert_eq!((&quote["id"], &quote["text"]), (&stored["id"], &stored["text"]));
    }
    let links = shaped.body["related_links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(keys(&links[0]), sorted(&["id", "article_id", "version", "url"]));
    assert_eq!(links[0]["url"], "https://example.org/more");
    assert_eq!(links[1]["url"], Value::Null, "an internal link has no url");
    // A collection named whole shows every member of its items.
    let whole = app.get(&format!("{}?fields=quotes", article_path(&article))).await;
    assert_eq!(whole.body["quotes"], article["quotes"]);
    assert!(whole.body.get("related_links").is_none(), "{}", whole.text);
    // The same on a list page.
    let page = app.get("/v1/articles?fields=title,quotes.speaker_name").await;
    let mine = page.items().into_iter().find(|a| a["id"] == article["id"]).unwrap();
    assert_eq!(
        mine["quotes"][1],
        json!({"id": article["quotes"][1]["id"], "article_id": article["id"],
        "speaker_name": "Kim", "version": 1})
    );
    let other = page.items().into_iter().find(|a| a["id"] != article["id"]).unwrap();
    assert_eq!(other["quotes"], json!([]), "an article without quotes embeds an empty list");
}

async fn include_adds_whole_children_that_fields_does_not_name(app: TestApp) {
    let article = story(&app).await;
    let path = article_path(&article);

    let added = app.get(&format!("{path}?include=quotes&fields=title")).await;
    assert_eq!(keys(&added.body), sorted(&["id", "version", "title", "quotes"]));
    assert_eq!(added.body["quotes"], article["quotes"]);

    let narrowed = app.get(&format!("{path}?include=quotes,related_links&fields=title,quotes.text")).await;
    assert_eq!(keys(&narrowed.body), sorted(&["id", "version", "title", "quotes", "related_links"]));
    assert_eq!(keys(&narrowed.body["quotes"][0]), sorted(&["id", "article_id", "version", "text"]));
    assert_eq!(narrowed.body["related_links"], article["related_links"]);

    let page = app.get("/v1/articles?include=related_links&fields=title").await;
    let mine = page.items().into_iter().find(|a| a["id"] == article["id"]).unwrap();
    assert_eq!(keys(&mine), sorted(&["id", "version", "title", "related_links"]));
    assert_eq!(mine["related_links"], article["related_links"]);
}

async fn a_shaped_article_list_keeps_its_paging_and_leaves_the_bodies_out(app: TestApp) {
    for n in 0..3 {
        app.create_article(
            &json!({"title": format!("Story {n}"), "body": "Body text. ".repeat(200), "status": "published"}),
        )
        .await;
    }
    let every = "slug,title,summary,byline,status,published_at,section,tags,language,source_name,source_url,image,created_at,updated_at";

    let first = app.get(&format!("/v1/articles?limit=2&count=true&fields={every}")).await;

    let items = first.items();
    assert_eq!(items.len(), 2);
    for item in &items {
        assert!(item.get("body").is_none(), "{item}");
        assert_eq!(keys(item).len(), 16, "every member but the body: {item}");
    }
    assert_eq!(first.body["total"], 3);
    assert!(first.body["next_cursor"].is_string(), "{}", first.text);
    assert!(!first.text.contains("Body text."), "{}", first.text);
    let whole = app.get("/v1/articles?limit=2&count=true").await;
    assert!(first.text.len() * 5 < whole.text.len(), "{} bytes shaped, {} whole", first.text.len(), whole.text.len());
    // The Link keeps `fields`, so the next page is shaped alike.
    let second = app.next_page(&first).await.unwrap();
    let rest = second.items();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].get("body").is_none(), "{}", second.text);
    assert_eq!(second.body["next_cursor"], Value::Null);
    // A body asked for is read: the same items as the whole page, member for member.
    let with_body = app.get(&format!("/v1/articles?limit=2&count=true&fields={every},body")).await;
    assert_eq!(with_body.body, whole.body);
}

async fn every_read_of_quotes_and_links_takes_fields(app: TestApp) {
    let article = story(&app).await;
    let quote = &article["quotes"][0];
    let link = &article["related_links"][1];
    let quote_keys = sorted(&["id", "article_id", "version", "text"]);

    let one = app.get(&format!("{}?fields=text", quote_path(quote))).await;
    assert_eq!(keys(&one.body), quote_keys);
    assert_eq!(one.body["text"], "First words");
    let listed = app.get(&format!("{}?fields=text&limit=1", quotes_path(&article))).await;
    assert_eq!(listed.items().iter().map(keys).collect::<Vec<_>>(), std::slice::from_ref(&quote_keys));
    assert!(listed.body["next_cursor"].is_string(), "{}", listed.text);
    let found = app.get("/v1/quotes?speaker=Kim&fields=speaker_name,context").await;
    assert_eq!(
        found.items(),
        [json!({"id": article["quotes"][1]["id"], "article_id": article["id"],
        "speaker_name": "Kim", "context": "on radio", "version": 1})]
    );

    let one = app.get(&format!("{}?fields=target,title", link_path(link))).await;
    assert_eq!(keys(&one.body), sorted(&["id", "article_id", "version", "target", "title"]));
    assert_eq!(one.body["target"]["slug"], "background");
    let listed = app.get(&format!("{}?fields=url", links_path(&article))).await;
    let urls: Vec<Value> = listed.items().iter().map(|l| l["url"].clone()).collect();
    assert_eq!(urls, [json!("https://example.org/more"), Value::Null]);
    assert!(listed.items().iter().all(|l| keys(l) == sorted(&["id", "article_id", "version", "url"])));

    let backlinks = app.get(&format!("{}?fields=slug", backlinks_path("background"))).await;
    assert_eq!(backlinks.items(), [json!({"id": article["id"], "slug": "main-story", "version": 1})]);
}

async fn unknown_fields_are_a_422_listing_the_valid_names(app: TestApp) {
    let article = story(&app).await;
    let quote = &article["quotes"][0];
    let link = &article["related_links"][0];
    let cases = [
        (format!("{}?fields=title,headline", article_path(&article)), "`headline`", "quotes.speaker_name"),
        ("/v1/articles?fields=quotes.name".to_owned(), "`quotes.name`", "related_links.target"),
        (format!("{}?fields=title", quote_path(quote)), "`title`", "speaker_name"),
        (format!("{}?fields=", quotes_path(&article)), "``", "speaker_title"),
        ("/v1/quotes?fields=text.x".to_owned(), "`text.x`", "context"),
        (format!("{}?fields=speaker_name", link_path(link)), "`speaker_name`", "target_article_id"),
        (format!("{}?fields=body&fields=quotes", links_path(&article)), "`body`, `quotes`", "relation"),
        (format!("{}?fields=quotes.text", backlinks_path("background")), "`quotes.text`", "source_url"),
    ];
    for (path, unknown, valid) in &cases {
        let reply = app.get(path).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["fields"], "{path}");
        let detail = reply.body["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.contains(&format!(": {unknown}; the members are id, ")), "{path}: {detail}");
        assert!(detail.contains(valid), "{path}: {detail}");
    }
    // Backlinks never embed children, so they do not offer them.
    let reply = app.get(&format!("{}?fields=quotes", backlinks_path("background"))).await;
    assert!(!reply.body["errors"][0]["detail"].as_str().unwrap().contains("quotes."), "{}", reply.text);
    // One 422 for every bad parameter of a list.
    let reply = app.get("/v1/articles?limit=0&fields=nope").await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["limit", "fields"]);
    let reply = app.get(&format!("{}?include=nope&fields=nope", article_path(&article))).await;
    assert_eq!(reply.error_locations(), ["include", "fields"]);
    // A read that takes only `fields` refuses any other parameter.
    let reply = app.get(&format!("{}?feilds=text", quote_path(quote))).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["feilds"]);
}

async fn a_shaped_read_has_a_weak_etag_of_its_own_that_answers_304(app: TestApp) {
    let article = story(&app).await;
    let quote = &article["quotes"][0];
    for path in [quote_path(quote), link_path(&article["related_links"][0]), article_path(&article)] {
        let whole = app.get(&path).await;
        let shaped_path = format!("{path}?fields=id");
        let shaped = app.get(&shaped_path).await;
        let (whole_tag, tag) = (whole.header("etag").unwrap(), shaped.header("etag").unwrap());
        assert_eq!(whole_tag, "\"1\"", "{path}");
        assert!(tag.starts_with("W/\"1-"), "{path}: {tag}");
        // The whole representation's tag does not validate the shaped one.
        let request = app.request(Method::GET, &shaped_path).header("if-none-match", whole_tag);
        assert_eq!(app.send(request).await.status, 200, "{path}");
        let request = app.request(Method::GET, &shaped_path).header("if-none-match", tag);
        let cached = app.send(request).await;
        assert_eq!(cached.status, 304, "{path}");
        assert_eq!(cached.header("etag"), Some(tag));
        assert_eq!(cached.text, "");
        // Another selection is another representation.
        let other = app.get(&format!("{path}?fields=id,created_at")).await;
        assert_ne!(other.header("etag"), Some(tag), "{path}");
    }
    // A change to a selected member makes the tag stale; for `If-Match` the
    // `version` member serves.
    let shaped_path = format!("{}?fields=speaker_name", quote_path(quote));
    let before = app.get(&shaped_path).await;
    let request = app
        .request(Method::PATCH, &quote_path(quote))
        .header("content-type", "application/merge-patch+json")
        .header("if-match", format!("\"{}\"", before.body["version"]))
        .body(json!({"speaker_name": "Park Jin-woo"}).to_string());
    assert_eq!(app.send(request).await.status, 200);
    let request = app.request(Method::GET, &shaped_path).header("if-none-match", before.header("etag").unwrap());
    let after = app.send(request).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.body["speaker_name"], "Park Jin-woo");
    assert!(after.header("etag").unwrap().starts_with("W/\"2-"), "{:?}", after.header("etag"));
}

async fn head_and_compression_treat_a_shaped_read_as_a_get(app: TestApp) {
    let article = story(&app).await;
    // Big enough to be compressed: the body, without the rest.
    let path = format!("{}?fields=body", article_path(&article));
    let get = app.get(&path).await;
    let head = app.send(app.request(Method::HEAD, &path)).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.text, "");
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("content-length"), Some(get.text.len().to_string().as_str()));

    let request = app.request(Method::GET, &path).header("accept-encoding", "gzip");
    let zipped = app.send(request).await;
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    let tag = zipped.header("etag").unwrap();
    let identity = get.header("etag").unwrap();
    assert_eq!(tag, format!("{}-gzip\"", identity.trim_end_matches('"')));
    // Either coding's tag names the same representation.
    for sent in [tag, identity] {
        let request = app.request(Method::GET, &path).header("accept-encoding", "gzip").header("if-none-match", sent);
        assert_eq!(app.send(request).await.status, 304, "{sent}");
    }
    let request = app.request(Method::HEAD, "/v1/articles?fields=title").header("accept-encoding", "gzip");
    assert_eq!(app.send(request).await.status, 200);
}

async fn json_ld_takes_no_fields(app: TestApp) {
    let article = story(&app).await;

    let request = app
        .request(Method::GET, &format!("{}?fields=title", article_path(&article)))
        .header("accept", "application/ld+json");
    let reply = app.send(request).await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["fields"]);
    // Asked for JSON, the same request is answered.
    let request = app
        .request(Method::GET, &format!("{}?fields=title", article_path(&article)))
        .header("accept", "application/json");
    assert_eq!(app.send(request).await.status, 200);
    assert_eq!(id_of(&app.get(&article_path(&article)).await.body), id_of(&article));
}
