//! `POST /v1/imports`: a scraped page stored as an article with its quotes and
//! related links; dry runs; NDJSON batches; bad bodies refused whole.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, article_path};

crate::tests![
    the_seed_page_is_stored_with_its_quotes_and_links,
    titles_that_match_no_article_are_listed_unresolved,
    a_published_import_is_dated_by_the_date_line,
    a_dry_run_answers_the_same_body_and_stores_nothing,
    an_idempotency_key_replays_the_import,
    bodies_that_are_not_pages_are_refused_whole,
    a_page_with_two_thousand_quotation_marks_is_imported_whole,
    bad_parameters_and_media_types_are_refused,
    imports_need_the_write_scope,
    an_ndjson_batch_answers_one_line_per_page,
    an_ndjson_batch_over_a_thousand_lines_is_refused,
];

const SEED: &str = include_str!("../import/00-seed-article.txt");
const SEED_URL: &str = "https://news.example.org/world/kim-trump";

async fn import(app: &TestApp, query: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Reply {
    let request =
        app.request(Method::POST, &format!("/v1/imports{query}")).header("content-type", content_type).body(body);
    app.send(request).await
}

async fn import_text(app: &TestApp, query: &str, text: &str) -> Reply {
    import(app, query, "text/plain; charset=utf-8", text.to_owned()).await
}

/// Stores the seed's three "More:" stories and its feature, titled as another site
/// would (other quotation marks, case and spacing), and returns their ids in order.
async fn seed_targets(app: &TestApp) -> Vec<String> {
    let titles = [
        "'Human scum': North Korea says leaflets put Seoul pact at risk",
        "“Accounts to settle”: North Korea cuts hotline with South over balloon  leaflets",
        "North Korea's Kim vows to further bolster nuclear war deterrence",
        "#SingaporeSummit: what happened when Trump met Kim?",
    ];
    let mut ids = Vec::new();
    for title in titles {
        ids.push(app.published(title).await["id"].as_str().unwrap().to_owned());
    }
    ids
}

async fn the_seed_page_is_stored_with_its_quotes_and_links(app: TestApp) {
    let targets = seed_targets(&app).await;

    let reply = import_text(&app, &format!("?source_url={SEED_URL}"), SEED).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let body = &reply.body;
    let location = format!("/v1/articles/{}", body["id"].as_str().unwrap());
    assert_eq!(reply.header("location"), Some(location.as_str()));
    assert_eq!(body["title"], "North Korea says it sees no point in maintaining Kim-Trump ties");
    assert_eq!(
        body["summary"],
        "The two leaders first met at a breakthrough summit in Singapore in June 2018, but talks have made little progress."
    );
    assert_eq!(body["status"], "draft");
    assert_eq!(body["source_name"], "Read Full Article");
    assert_eq!(body["source_url"], SEED_URL);
    let text = body["body"].as_str().unwrap();
    assert!(text.starts_with("North Korea sees little use in maintaining a"), "{text}");
    assert!(text.ends_with("name, the Democratic People’s Republic of Korea."), "{text}");
    for gone in ["More:", "Human scum", "The Stream", "Source:", "Related Posts"] {
        assert!(!text.contains(gone), "{gone} left in the body");
    }
    assert!(text.contains(
        "programme, and the US responded by leading an international effort to tighten sanctions.\n\nRelations improved"
    ));

    let quotes = body["quotes"].as_array().unwrap();
    assert_eq!(quotes.len(), 7, "{}", reply.text);
    assert_eq!(quotes[0]["speaker_name"], "Ri Son Gwon");
    assert_eq!(quotes[0]["speaker_title"], "Foreign Minister");
    assert_eq!(quotes[0]["context"], "in a statement carried by state news agency KCNA");
    assert_eq!(quotes[2]["text"], "flexible approach to reach a balanced agreement");
    assert_eq!(quotes[2]["speaker_name"], "State Department spokesperson");
    assert_eq!(quotes[5]["text"], "That hasn’t changed.");
    assert_eq!(quotes[5]["context"], "on Twitter");

    let links = body["related_links"].as_array().unwrap();
    let got: Vec<(&str, &str)> =
        links.iter().map(|l| (l["target_article_id"].as_str().unwrap(), l["relation"].as_str().unwrap())).collect();
    let want: Vec<(&str, &str)> = targets.iter().map(String::as_str).zip(["more", "more", "more", "feature"]).collect();
    assert_eq!(got, want, "{}", reply.text);
    assert_eq!(links[0]["title"], "‘Human scum’: North Korea says leaflets put Seoul pact at risk");
    assert_eq!(body["import"], json!({"unresolved_links": [], "warnings": []}));

    // Stored exactly as answered: the article read back with its children.
    let stored = app
        .get(&format!("{}?include=quotes,related_links", article_path(&body["id"].as_str().unwrap().to_owned())))
        .await;
    assert_eq!(stored.status, 200);
    let mut answered = body.clone();
    answered.as_object_mut().unwrap().remove("import");
    assert_eq!(stored.body, answered);
}

async fn titles_that_match_no_article_are_listed_unresolved(app: TestApp) {
    app.published("Human scum").await;

    let reply = import_text(&app, "", SEED).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["related_links"], json!([]));
    assert_eq!(
        reply.body["import"]["unresolved_links"],
        json!([
            "‘Human scum’: North Korea says leaflets put Seoul pact at risk",
            "‘Accounts to settle’: North Korea cuts hotline with South over balloon leaflets",
            "North Korea’s Kim vows to further bolster nuclear war deterrence",
            "#SingaporeSummit: What happened when Trump met Kim?"
        ])
    );
}

async fn a_published_import_is_dated_by_the_date_line(app: TestApp) {
    let reply = import_text(&app, "?status=published", SEED).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["status"], "published");
    assert_eq!(reply.body["published_at"], "2024-03-28T00:00:00Z");
    // Published by the import, it has its place in the sitemap archive.
    let slug = reply.body["slug"].as_str().unwrap().to_owned();
    assert_eq!(app.publication_numbers(), [(slug, Some(1))]);
}

async fn a_dry_run_answers_the_same_body_and_stores_nothing(app: TestApp) {
    seed_targets(&app).await;
    let before = app.articles_stored();

    let dry = import_text(&app, "?dry_run=true", SEED).await;

    assert_eq!(dry.status, 200, "{}", dry.text);
    assert!(dry.header("location").is_none());
    assert_eq!(app.articles_stored(), before, "a dry run stores nothing");
    let stored = import_text(&app, "", SEED).await;
    assert_eq!(stored.status, 201);
    let strip = |v: &Value| {
        let mut v = v.clone();
        for member in ["id", "created_at", "updated_at"] {
            v.as_object_mut().unwrap().remove(member);
        }
        for list in ["quotes", "related_links"] {
            for child in v[list].as_array_mut().unwrap() {
                for member in ["id", "article_id", "created_at", "updated_at"] {
                    child.as_object_mut().unwrap().remove(member);
                }
            }
        }
        v
    };
    assert_eq!(strip(&dry.body), strip(&stored.body), "the dry run answers what the import stores");
    assert_eq!(dry.body["quotes"].as_array().map(Vec::len), Some(7));
}

async fn an_idempotency_key_replays_the_import(app: TestApp) {
    let send = || {
        app.send(
            app.request(Method::POST, "/v1/imports")
                .header("content-type", "text/plain; charset=utf-8")
                .header("idempotency-key", "import-1")
                .body(SEED),
        )
    };
    let first = send().await;
    let retry = send().await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.text, first.text);
    assert_eq!(app.articles_stored(), 1);
}

async fn bodies_that_are_not_pages_are_refused_whole(app: TestApp) {
    let not_utf8 = import(&app, "", "text/plain; charset=utf-8", vec![b'H', 0xff, 0xfe, b'\n']).await;
    not_utf8.assert_problem(400, "bad-request");
    let empty = import_text(&app, "", "").await;
    empty.assert_problem(422, "validation-failed");
    let blank = import_text(&app, "", " \n\n \t\n").await;
    blank.assert_problem(422, "validation-failed");
    let binary: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    import(&app, "", "text/plain", binary).await.assert_problem(400, "bad-request");
    let control = import_text(&app, "", "Headline\n\n\u{0}\u{1}\u{2}\u{3}").await;
    control.assert_problem(422, "validation-failed");
    let huge = "Headline\n\nStandfirst.\n\n".to_owned() + &"“Words,” he said. ".repeat(600_000);
    assert!(huge.len() > 10_000_000);
    import_text(&app, "", &huge).await.assert_problem(413, "payload-too-large");
    let no_headline_but_long = "x".repeat(301);
    let reply = import_text(&app, "", &no_headline_but_long).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), vec!["/title"]);
    assert_eq!(app.articles_stored(), 0, "nothing stored from any of them");
}

async fn a_page_with_two_thousand_quotation_marks_is_imported_whole(app: TestApp) {
    let mut page = String::from("Monday, 3 Jun 2024\n\nMarks\n\nA page of marks.\n\nJane Roe said it was so.\n\n");
    for i in 0..1000 {
        page.push_str(&format!("“Point number {i} is made here,” she said. "));
    }
    assert_eq!(page.matches(['“', '”']).count(), 2000);
    let mut straight = String::from("Marks\n\nStandfirst.\n\n");
    straight.push_str(&"\"".repeat(2000));

    let reply = import_text(&app, "", &page).await;
    let odd = import_text(&app, "", &straight).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["quotes"].as_array().map(Vec::len), Some(1000));
    assert_eq!(reply.body["quotes"][999]["speaker_name"], "Jane Roe");
    let stored =
        app.get(&format!("{}/quotes?limit=100", article_path(&reply.body["id"].as_str().unwrap().to_owned()))).await;
    assert_eq!(stored.status, 200);
    assert!(odd.status == 201 || (400..500).contains(&odd.status), "{}", odd.text);
}

async fn bad_parameters_and_media_types_are_refused(app: TestApp) {
    let reply = import_text(&app, "?status=live&dry_run=maybe&source_url=ftp://x", SEED).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), vec!["source_url", "status", "dry_run"]);
    import_text(&app, "?colour=red", SEED).await.assert_problem(422, "validation-failed");
    import(&app, "", "application/json", SEED).await.assert_problem(415, "unsupported-media-type");
    import(&app, "", "text/plain; charset=latin1", SEED).await.assert_problem(415, "unsupported-media-type");
    assert_eq!(app.articles_stored(), 0);
}

async fn imports_need_the_write_scope(app: TestApp) {
    let reader = app.with_token(&app.create_token("reader", &["read:drafts"]).await);
    import_text(&app.anonymous(), "", SEED).await.assert_problem(401, "unauthorized");
    import_text(&reader, "", SEED).await.assert_problem(403, "forbidden");
    assert_eq!(app.articles_stored(), 0);
}

async fn an_ndjson_batch_answers_one_line_per_page(app: TestApp) {
    let lines = [
        json!({"text": SEED, "source_url": SEED_URL}).to_string(),
        "{not json".to_owned(),
        json!({"text": ""}).to_string(),
        json!({"text": "Second story\n\nStandfirst.\n\n“It works,” said Jane Roe."}).to_string(),
        json!({"text": "x", "extra": 1}).to_string(),
    ];
    let body = lines.join("\n") + "\n";

    let reply = import(&app, "", "application/x-ndjson", body).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/x-ndjson"));
    let results: Vec<Value> = reply.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let statuses: Vec<u64> = results.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![201, 400, 422, 201, 422], "{}", reply.text);
    let numbers: Vec<u64> = results.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
    assert_eq!(results[1]["problem"]["type"], "/problems/bad-request");
    let first = app.get(results[0]["location"].as_str().unwrap()).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["source_url"], SEED_URL);
    assert_eq!(first.body["id"], results[0]["id"]);
    assert_eq!(app.articles_stored(), 2);
}

async fn an_ndjson_batch_over_a_thousand_lines_is_refused(app: TestApp) {
    let line = json!({"text": "Headline\n\nStandfirst."}).to_string();
    let body = vec![line; 1001].join("\n");

    let reply = import(&app, "", "application/x-ndjson", body).await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(app.articles_stored(), 0);
}
