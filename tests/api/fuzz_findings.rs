//! Regressions for what schemathesis (`tests/fuzz/run`) found: schema-valid input that
//! the service refused or mishandled, and input the spec rules out that the service
//! accepted anyway.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use newsdesk::config::HttpSettings;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, article_path, link_path, quote_path};

crate::tests![
    published_at_far_from_1970_is_accepted_and_kept_to_the_microsecond,
    conditional_headers_outside_entity_tag_syntax_are_refused,
    if_match_compares_entity_tags_as_spelled,
    ids_are_accepted_in_the_hyphenated_form_only,
    slugs_are_read_exactly_as_sent,
    text_limits_count_the_characters_as_sent,
    merge_patch_members_that_name_no_field_are_refused_even_when_null,
    client_request_timeout_is_the_configured_one,
    an_empty_cursor_is_the_first_page_on_every_list,
];

/// Any RFC 3339 time in the years 0001..=9999 is valid; a nanosecond count in an
/// i64 (1677..=2262) once made years such as 0332 or 9000 a 422.
async fn published_at_far_from_1970_is_accepted_and_kept_to_the_microsecond(app: TestApp) {
    for (sent, stored) in [
        ("0332-03-11T10:02:41+04:07", "0332-03-11T05:55:41Z"),
        ("1600-01-01T00:00:00.1234567Z", "1600-01-01T00:00:00.123456Z"),
        ("9000-12-31T23:59:59.999999999Z", "9000-12-31T23:59:59.999999Z"),
    ] {
        let created = app.create_article(&json!({"title": "Old news", "published_at": sent})).await;
        assert_eq!(created["published_at"], stored, "{sent}");
        let path = format!("/v1/articles/{}", created["id"].as_str().unwrap());
        let patched = app.patch(&path, &json!({"published_at": sent})).await;
        assert_eq!(patched.status, 200, "{}", patched.text);
        assert_eq!(patched.body["published_at"], stored, "{sent}");
    }
}

/// A published article with one quote and one link: the paths of the three.
async fn article_quote_and_link(app: &TestApp) -> (String, String, String) {
    let article = app
        .article_with_children(
            "Talks",
            &[json!({"text": "We will talk.", "speaker_name": "A. Speaker"})],
            &[json!({"url": "https://example.org/analysis"})],
        )
        .await;
    (article_path(&article), link_path(&article["related_links"][0]), quote_path(&article["quotes"][0]))
}

async fn patch_with(app: &TestApp, path: &str, if_match: &str, body: &Value) -> Reply {
    let request = app
        .request(Method::PATCH, path)
        .header("if-match", if_match)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string());
    app.send(request).await
}

/// An entity tag's opaque part is visible ASCII other than `"` and `,` (the spec's
/// pattern). `"1 "` or `"a b"` used to pass as tags: `If-None-Match` then answered
/// 200 (schemathesis: schema-violating request accepted on GET
/// /v1/related-links/{id}); now it is a 400, and so is such an `If-Match` (it failed
/// closed with a 412 until a stock schemathesis run reported `If-Match: {}` accepted:
/// a malformed header is refused as one; a well-formed tag that does not match stays
/// a 412).
/// What RFC 9110 lets a list hold is read as such: spaces around the value (HTTP
/// drops them) and empty elements (ignored). An empty `If-None-Match`, a list of no
/// tags, matches nothing (it was a 400, which schemathesis reported as a
/// schema-valid request rejected on GET /v1/articles/{article} and /v1/quotes/{id}).
async fn conditional_headers_outside_entity_tag_syntax_are_refused(app: TestApp) {
    let (_, link, _) = article_quote_and_link(&app).await;
    for value in ["\"1 \"", "\"a b\"", "*, \"1\"", "1", "W/ \"1\""] {
        let get = app.send(app.request(Method::GET, &link).header("if-none-match", value)).await;
        get.assert_problem(400, "bad-request");
        patch_with(&app, &link, value, &json!({"title": "Changed"})).await.assert_problem(400, "bad-request");
    }
    for (value, status) in [("", 200), (",", 200), (", \"2\",", 200), ("\"1\" \t", 304), (",,\"1\"", 304)] {
        let get = app.send(app.request(Method::GET, &link).header("if-none-match", value)).await;
        assert_eq!(get.status, status, "If-None-Match: {value:?}: {}", get.text);
    }
    for value in ["", " , "] {
        patch_with(&app, &link, value, &json!({"title": "Changed"})).await.assert_problem(412, "precondition-failed");
    }
    let patched = patch_with(&app, &link, "\"2\" , ,\"1\" ", &json!({"title": "Changed"})).await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(app.get(&link).await.body["version"], 2);
}

/// Strong comparison is character by character: `"01"` or `"+1"` is not the ETag
/// `"1"`, though each once matched version 1 (they were read as numbers).
async fn if_match_compares_entity_tags_as_spelled(app: TestApp) {
    let (article, link, quote) = article_quote_and_link(&app).await;
    for path in [&article, &link, &quote] {
        for other_spelling in ["\"01\"", "\"+1\"", "\"1.0\""] {
            patch_with(&app, path, other_spelling, &json!({})).await.assert_problem(412, "precondition-failed");
        }
        assert_eq!(app.get(path).await.body["version"], 1, "{path} changed");
    }
}

/// `format: uuid` is the hyphenated form; the simple (32 hex digits), braced and
/// URN forms that the `uuid` crate also reads were taken as ids. Hex digits may be
/// upper case.
async fn ids_are_accepted_in_the_hyphenated_form_only(app: TestApp) {
    let (article, link, quote) = article_quote_and_link(&app).await;
    for path in [&article, &link, &quote] {
        let (prefix, id) = path.rsplit_once('/').unwrap();
        assert_eq!(app.get(&format!("{prefix}/{}", id.to_uppercase())).await.status, 200, "{path}");
        for other_form in [id.replace('-', ""), format!("%7B{id}%7D"), format!("urn:uuid:{id}")] {
            app.get(&format!("{prefix}/{other_form}")).await.assert_problem(400, "bad-request");
        }
    }
    let article_id = article.rsplit_once('/').unwrap().1.to_owned();
    let simple = article_id.replace('-', "");
    let reply = app.post(&format!("{article}/related-links"), &json!({"target_article_id": simple})).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/target_article_id"]);
    let reply = app.put(&format!("{article}/related-links"), &json!([{"target_article_id": simple}])).await;
    reply.assert_problem(422, "validation-failed");
    let quotes = app.get(&format!("/v1/quotes?article={}", article_id.to_uppercase())).await;
    assert_eq!(quotes.status, 200, "{}", quotes.text);
    assert_eq!(quotes.body["items"].as_array().map(Vec::len), Some(1));
}

/// A slug is `^[a-z0-9]+(-[a-z0-9]+)*$`: surrounding spaces are no part of it (they
/// were trimmed, in bodies and in paths).
async fn slugs_are_read_exactly_as_sent(app: TestApp) {
    let reply = app.post("/v1/articles", &json!({"title": "Padded", "slug": " padded "})).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/slug"]);
    app.create_article(&json!({"title": "Padded", "slug": "padded"})).await;
    assert_eq!(app.get("/v1/articles/padded").await.status, 200);
    app.get("/v1/articles/%20padded").await.assert_problem(400, "bad-request");
    app.get("/v1/articles/padded%20").await.assert_problem(400, "bad-request");
}

/// `maxLength` counts the characters as sent; a title of 300 characters after a
/// leading form feed (301 sent) passed because it was measured after trimming.
async fn text_limits_count_the_characters_as_sent(app: TestApp) {
    let title = format!("\u{c}{}", "é".repeat(300));
    let reply = app.post("/v1/articles", &json!({"title": title})).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/title"]);
    let reply = app.post("/v1/articles", &json!({"title": "Tags", "tags": [format!(" {}", "t".repeat(64))]})).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/tags/0"]);
    let created = app.create_article(&json!({"title": format!(" {} ", "é".repeat(298))})).await;
    assert_eq!(created["title"], "é".repeat(298));
}

/// The patch schemas allow no other members. `{"": null}` or `{"extra": null}`
/// was a no-op 200 (removing a member that is not there), which schemathesis
/// reported as a schema-violating request accepted on PATCH /v1/related-links/{id}.
async fn merge_patch_members_that_name_no_field_are_refused_even_when_null(app: TestApp) {
    let (article, link, quote) = article_quote_and_link(&app).await;
    for path in [&article, &link, &quote] {
        for (patch, pointer) in [(json!({"": null}), "/"), (json!({"extra": null}), "/extra")] {
            let reply = app.patch(path, &patch).await;
            reply.assert_problem(422, "validation-failed");
            assert_eq!(reply.error_locations(), [pointer], "{path} {patch}");
        }
        assert_eq!(app.get(path).await.body["version"], 1, "{path} changed");
    }
}

/// A connection that sends no request head gets actix's 408 after the configured
/// `client_request_timeout`, not after actix's 5 s default, which answered 408 to
/// requests already waiting in the socket of a worker starved of CPU on a busy host.
async fn client_request_timeout_is_the_configured_one(app: TestApp) {
    assert!(HttpSettings::default().client_request_timeout_secs >= 30);
    assert!(HttpSettings::default().keep_alive_secs > 60);
    let quick =
        TestApp::spawn_with(app.backend, HttpSettings { client_request_timeout_secs: 1, ..HttpSettings::default() })
            .await;
    let host = quick.address.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let reply = actix_web::web::block(move || {
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        stream.write_all(b"GET /healthz HTTP/1.1\r\n").expect("send half a head");
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        String::from_utf8_lossy(&raw).into_owned()
    })
    .await
    .expect("blocking read");
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
}

/// `cursor=` (empty) is how forms and many clients ask for the first page; it was a
/// 400 on all five paged lists (a stock schemathesis run: schema-valid request
/// rejected). A cursor of blanks is still a malformed one.
async fn an_empty_cursor_is_the_first_page_on_every_list(app: TestApp) {
    let (article, _, _) = article_quote_and_link(&app).await;
    let linker = app
        .create_article(&json!({
            "title": "Linker", "body": "Text.", "status": "published",
            "related_links": [{"target_article_id": article.rsplit_once('/').unwrap().1}]
        }))
        .await;
    assert!(linker["id"].is_string(), "{linker}");
    let id = article.rsplit_once('/').unwrap().1;
    for list in [
        "/v1/articles".to_owned(),
        format!("/v1/quotes?article={id}"),
        format!("{article}/quotes"),
        format!("{article}/related-links"),
        format!("{article}/backlinks"),
    ] {
        let sep = if list.contains('?') { '&' } else { '?' };
        let first = app.get(&list).await;
        assert_eq!(first.status, 200, "{list}: {}", first.text);
        let empty = app.get(&format!("{list}{sep}cursor=")).await;
        assert_eq!(empty.status, 200, "{list} with cursor=: {}", empty.text);
        assert_eq!(empty.body["items"], first.body["items"], "{list}: cursor= is not the first page");
        assert!(!first.body["items"].as_array().unwrap().is_empty(), "{list} is empty");
        app.get(&format!("{list}{sep}cursor=%20")).await.assert_problem(400, "bad-request");
    }
}
