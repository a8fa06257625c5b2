//! Errors: 422 for bodies that parse but break the contract, naming each fault.

use super::*;

/// Posts each body, expecting a 422 naming exactly the given pointers, and checks
/// nothing was stored.
pub(super) async fn assert_each_refused(app: &TestApp, cases: &[(Value, &[&str])]) {
    let count = total(app).await;
    for (body, pointers) in cases {
        let reply = app.post(ARTICLES, body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_invalid(&reply, ARTICLES, pointers);
    }
    assert_eq!(total(app).await, count, "a refused create stored something");
}

pub(super) async fn wrong_json_types_are_422_with_pointers(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (json!({"title": 5}), &["/title"]),
        (json!({"title": null}), &["/title"]),
        (json!({"title": ["a"]}), &["/title"]),
        (with("tags", json!("x")), &["/tags"]),
        (with("tags", json!([1])), &["/tags/0"]),
        (with("tags", json!(["ok", {"a": 1}])), &["/tags/1"]),
        (with("status", json!("live")), &["/status"]),
        (with("status", json!("Published")), &["/status"]),
        (with("published_at", json!("yesterday")), &["/published_at"]),
        (with("published_at", json!("2024-03-28")), &["/published_at"]),
        (with("published_at", json!(1_711_618_200)), &["/published_at"]),
        (with("summary", json!(5)), &["/summary"]),
        (with("body", json!(false)), &["/body"]),
        (with("body", json!(null)), &["/body"]),
        (with("byline", json!({"name": "Jane"})), &["/byline"]),
        (with("language", json!(1)), &["/language"]),
        (with("slug", json!(12)), &["/slug"]),
        (with("source_url", json!(true)), &["/source_url"]),
    ];
    assert_each_refused(&app, cases).await;
}

pub(super) async fn missing_or_blank_title_is_422(app: TestApp) {
    let mut missing = valid_article();
    missing.as_object_mut().unwrap().remove("title");
    let cases: &[(Value, &[&str])] = &[
        (json!({}), &["/title"]),
        (json!({"body": "text"}), &["/title"]),
        (missing, &["/title"]),
        (with("title", json!("")), &["/title"]),
        (with("title", json!("   ")), &["/title"]),
        (with("title", json!(" \t\r\n \u{3000}\u{a0}")), &["/title"]),
    ];
    assert_each_refused(&app, cases).await;
}

pub(super) async fn unknown_field_is_422_naming_it(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (with("foo", json!(1)), &["/foo"]),
        (with("Title", json!("x")), &["/Title"]),
        (with("id", json!(uuid::Uuid::now_v7().to_string())), &["/id"]),
        (with("version", json!(7)), &["/version"]),
        (with("a/b~c", json!(null)), &["/a~1b~0c"]),
    ];
    assert_each_refused(&app, cases).await;
}

pub(super) async fn body_that_is_not_an_object_is_422(app: TestApp) {
    app.create_article(&json!({"title": "Already here"})).await;
    for body in [r"[]", r#""just a string""#, r"42", r"true", r"null"] {
        let reply = post_text(&app, body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_invalid(&reply, ARTICLES, &[""]);
    }
    assert_eq!(total(&app).await, 1);
}

pub(super) async fn positional_array_body_is_not_taken_for_an_article(app: TestApp) {
    // Arrays parse as JSON but are not article objects, whatever they hold: the
    // problem is the whole body (pointer ""), not a member of it. The first one
    // has one element per field, in the order the fields are declared.
    let positional =
        json!(["positional", "Positional title", null, "text", null, "published", null, null, [], "en", null, null]);
    let bodies = [positional, json!([{"title": "x"}]), json!(["North Korea fires missiles"])];
    for body in &bodies {
        let reply = app.post(ARTICLES, body).await;
        assert_eq!(reply.status, 422, "the array body {body} was not refused: {}", reply.text);
        assert_invalid(&reply, ARTICLES, &[""]);
    }
    assert_eq!(total(&app).await, 0);
    assert_eq!(app.get("/v1/articles/positional").await.status, 404);
}

pub(super) async fn over_long_fields_are_422(app: TestApp) {
    let many_tags: Vec<String> = (0..51).map(|i| format!("tag {i}")).collect();
    let long_url = format!("https://example.org/{}", "a".repeat(2049 - "https://example.org/".len()));
    assert_eq!(long_url.len(), 2049);
    let cases: &[(Value, &[&str])] = &[
        (with("title", json!("t".repeat(301))), &["/title"]),
        (with("title", json!("é".repeat(301))), &["/title"]),
        (with("summary", json!("s".repeat(1001))), &["/summary"]),
        (with("body", json!("b".repeat(200_001))), &["/body"]),
        (with("body", json!("ü".repeat(200_001))), &["/body"]),
        (with("byline", json!("b".repeat(201))), &["/byline"]),
        (with("section", json!("s".repeat(101))), &["/section"]),
        (with("source_name", json!("s".repeat(201))), &["/source_name"]),
        (with("tags", json!(["ok", "t".repeat(65)])), &["/tags/1"]),
        (with("tags", json!(many_tags)), &["/tags"]),
        (with("source_url", json!(long_url)), &["/source_url"]),
        (with("slug", json!("s".repeat(201))), &["/slug"]),
    ];
    assert_each_refused(&app, cases).await;
}

pub(super) async fn fields_at_their_maximum_lengths_are_accepted(app: TestApp) {
    // Limits count characters, not bytes: use multibyte characters throughout.
    let tags: Vec<String> = (0..50).map(|i| format!("{i:02}{}", "ж".repeat(62))).collect();
    let url = format!("https://example.org/{}", "a".repeat(2048 - "https://example.org/".len()));
    let body = json!({
        "slug": "s".repeat(200),
        "title": "é".repeat(300),
        "summary": "ü".repeat(1000),
        "body": "日".repeat(200_000),
        "byline": "ж".repeat(200),
        "section": "北".repeat(100),
        "tags": tags,
        "source_name": "ñ".repeat(200),
        "source_url": url,
    });
    let created = app.create_article(&body).await;
    for (field, value) in body.as_object().unwrap() {
        assert_eq!(&created[field], value, "{field}");
    }
    assert_eq!(app.get(&path_of(&created)).await.body, created);
}

pub(super) async fn duplicate_tags_differing_in_case_are_422(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (with("tags", json!(["Korea", "KOREA"])), &["/tags/1"]),
        (with("tags", json!(["a", "b", " A "])), &["/tags/2"]),
        (with("tags", json!(["Straße", "STRASSE", "straße"])), &["/tags/2"]),
        (with("tags", json!(["ok", "  "])), &["/tags/1"]),
        (with("tags", json!([""])), &["/tags/0"]),
    ];
    assert_each_refused(&app, cases).await;
}

pub(super) async fn non_http_source_url_is_422(app: TestApp) {
    let cases: Vec<(Value, &[&str])> = [
        "javascript:alert(1)",
        "ftp://x",
        "ftp://example.org/file",
        "/relative/path",
        "relative/path",
        "example.org/news",
        "https://",
        "http://exa mple.org/",
        "mailto:desk@example.org",
        "data:text/html,<script>alert(1)</script>",
        "",
    ]
    .into_iter()
    .map(|url| (with("source_url", json!(url)), &["/source_url"][..]))
    .collect();
    assert_each_refused(&app, &cases).await;
}

pub(super) async fn bad_language_is_422(app: TestApp) {
    let cases: Vec<(Value, &[&str])> = ["english", "en_US", "", "e", "en-", "12", "en US"]
        .into_iter()
        .map(|language| (with("language", json!(language)), &["/language"][..]))
        .collect();
    assert_each_refused(&app, &cases).await;
}

pub(super) async fn bad_slug_is_422(app: TestApp) {
    let uuid = uuid::Uuid::now_v7();
    let cases: Vec<(Value, &[&str])> = [
        "Upper".to_owned(),
        "a--b".to_owned(),
        "-lead".to_owned(),
        "trail-".to_owned(),
        "with space".to_owned(),
        "ü".to_owned(),
        "under_score".to_owned(),
        String::new(),
        uuid.to_string(),
        uuid.simple().to_string(),
    ]
    .into_iter()
    .map(|slug| (with("slug", json!(slug)), &["/slug"][..]))
    .collect();
    assert_each_refused(&app, &cases).await;
}

pub(super) async fn nul_character_is_422_never_500(app: TestApp) {
    let nul = "before\u{0}after";
    let cases: &[(Value, &[&str])] = &[
        (with("title", json!(nul)), &["/title"]),
        (with("body", json!(nul)), &["/body"]),
        (with("body", json!("\u{0}")), &["/body"]),
        (with("summary", json!(nul)), &["/summary"]),
        (with("byline", json!(nul)), &["/byline"]),
        (with("section", json!(nul)), &["/section"]),
        (with("source_name", json!(nul)), &["/source_name"]),
        (with("tags", json!(["ok", nul])), &["/tags/1"]),
        (with("slug", json!("a\u{0}b")), &["/slug"]),
        (with("language", json!("en\u{0}")), &["/language"]),
        (with("source_url", json!("https://example.org/\u{0}")), &["/source_url"]),
    ];
    assert_each_refused(&app, cases).await;
    // The escape as it appears on the wire.
    let reply = post_text(&app, r#"{"title": "a\u0000b"}"#).await;
    assert_invalid(&reply, ARTICLES, &["/title"]);
}

pub(super) async fn nul_character_in_put_and_patch_is_422_and_changes_nothing(app: TestApp) {
    let before = target(&app).await;
    for (member, pointer) in [("title", "/title"), ("body", "/body"), ("summary", "/summary")] {
        let reply = app.put(&before.path, &with(member, json!("x\u{0}y"))).await;
        assert_invalid(&reply, &before.path, &[pointer]);
        let reply = app.patch(&before.path, &json!({member: "x\u{0}y"})).await;
        assert_invalid(&reply, &before.path, &[pointer]);
    }
    let reply = app.patch(&before.path, &json!({"tags": ["fine", "x\u{0}"]})).await;
    assert_invalid(&reply, &before.path, &["/tags/1"]);
    before.assert_unchanged(&app, "NUL in PUT and PATCH").await;
}

pub(super) async fn published_with_an_empty_body_is_refused(app: TestApp) {
    let cases: &[(Value, &[&str])] = &[
        (json!({"title": "Empty", "status": "published"}), &["/body"]),
        (json!({"title": "Empty", "status": "published", "body": ""}), &["/body"]),
        (with("body", json!("")), &["/body"]),
    ];
    assert_each_refused(&app, cases).await;

    // A draft may be empty, but publishing it is refused until it has a body. A PUT
    // says it all itself (422); a PATCH that sets only `status` is fine on its own
    // and conflicts with the stored, empty body (409).
    let draft = app.create_article(&json!({"title": "Draft", "body": ""})).await;
    let before = Snapshot::take(&app, &path_of(&draft)).await;
    let reply = app.patch(&before.path, &json!({"status": "published"})).await;
    assert_problem_at(&reply, 409, "conflict", &before.path);
    assert!(reply.body["detail"].as_str().unwrap().contains("/body must not be empty"), "{}", reply.text);
    let reply = app.patch(&before.path, &json!({"status": "published", "body": " "})).await;
    assert_invalid(&reply, &before.path, &["/body"]);
    let reply = app.put(&before.path, &json!({"title": "Draft", "status": "published"})).await;
    assert_invalid(&reply, &before.path, &["/body"]);
    before.assert_unchanged(&app, "publishing an empty draft").await;

    // Emptying a published article's body conflicts with its stored status.
    let published = app.create_article(&json!({"title": "Live", "body": "Text", "status": "published"})).await;
    let before = Snapshot::take(&app, &path_of(&published)).await;
    for patch in [json!({"body": ""}), json!({"body": null})] {
        let reply = app.patch(&before.path, &patch).await;
        assert_problem_at(&reply, 409, "conflict", &before.path);
    }
    let too_long = app.patch(&before.path, &json!({"body": "x".repeat(200_001)})).await;
    assert_invalid(&too_long, &before.path, &["/body"]);
    before.assert_unchanged(&app, "emptying a published body").await;
}

pub(super) async fn several_rule_violations_are_reported_together(app: TestApp) {
    let body = json!({
        "slug": "Bad Slug",
        "title": "   ",
        "summary": "s".repeat(1001),
        "tags": ["Korea", "korea"],
        "language": "english",
        "source_url": "ftp://x",
    });
    let reply = app.post(ARTICLES, &body).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, ["/language", "/slug", "/source_url", "/summary", "/tags/1", "/title"], "{}", reply.text);
    assert_eq!(reply.body["detail"], "6 fields are invalid");
    assert_eq!(total(&app).await, 0);
}

pub(super) async fn wrong_types_in_several_fields_are_all_reported(app: TestApp) {
    // The contract: `errors[]` holds one entry per invalid field, so a client fixing
    // a request learns about every member of the wrong type at once. Rules on the
    // values (such as the URL scheme) are checked once every type is right.
    let body = json!({"title": 5, "tags": "x", "status": "live", "language": ["en"], "source_url": "ftp://x"});
    let reply = app.post(ARTICLES, &body).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, ["/language", "/status", "/tags", "/title"], "{}", reply.text);

    let typed = json!({"title": "t", "tags": ["x"], "language": "english", "source_url": "ftp://x"});
    let reply = app.post(ARTICLES, &typed).await;
    assert_problem_at(&reply, 422, "validation-failed", ARTICLES);
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, ["/language", "/source_url"], "{}", reply.text);
    assert_eq!(total(&app).await, 0);
}

pub(super) async fn merge_patch_setting_title_to_null_is_422(app: TestApp) {
    let before = target(&app).await;
    let reply = app.patch(&before.path, &json!({"title": null})).await;
    assert_invalid(&reply, &before.path, &["/title"]);
    let reply = app.patch(&before.path, &json!({"title": null, "summary": "changed"})).await;
    assert_invalid(&reply, &before.path, &["/title"]);
    let reply = app.patch(&before.path, &json!({"title": "  "})).await;
    assert_invalid(&reply, &before.path, &["/title"]);
    before.assert_unchanged(&app, "patching the title away").await;
}

pub(super) async fn non_object_merge_patch_is_422(app: TestApp) {
    let before = target(&app).await;
    for body in ["[]", r#"[{"title": "x"}]"#, r#""title""#, "5", "null", "true"] {
        let reply = send_raw(&app, Method::PATCH, &before.path, Some("application/merge-patch+json"), body).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.text);
        assert_invalid(&reply, &before.path, &[""]);
    }
    before.assert_unchanged(&app, "non-object merge patches").await;
}

pub(super) async fn invalid_put_and_patch_change_nothing(app: TestApp) {
    let before = target(&app).await;
    let puts: &[(Value, &str)] = &[
        (json!({"summary": "no title"}), "/title"),
        (with("tags", json!([1])), "/tags/0"),
        (with("status", json!("live")), "/status"),
        (with("source_url", json!("javascript:alert(1)")), "/source_url"),
        (with("foo", json!(1)), "/foo"),
        (with("title", json!("t".repeat(301))), "/title"),
        (with("slug", json!("Upper")), "/slug"),
    ];
    for (body, pointer) in puts {
        let reply = app.put(&before.path, body).await;
        assert_invalid(&reply, &before.path, &[pointer]);
    }
    let patches: &[(Value, &str)] = &[
        (json!({"tags": "x"}), "/tags"),
        (json!({"tags": ["a", "A"]}), "/tags/1"),
        (json!({"published_at": "yesterday"}), "/published_at"),
        (json!({"language": "en_US"}), "/language"),
        (json!({"foo": 1}), "/foo"),
        (json!({"body": "", "status": "published"}), "/body"),
        (json!({"summary": "s".repeat(1001)}), "/summary"),
    ];
    for (body, pointer) in patches {
        let reply = app.patch(&before.path, body).await;
        assert_invalid(&reply, &before.path, &[pointer]);
    }
    before.assert_unchanged(&app, "invalid PUT and PATCH").await;
}
