//! Quotes: validation.

use super::*;

pub(super) async fn empty_text_is_422(app: TestApp) {
    let article_id = article(&app, "empty-text").await;

    let reply = app.post(&quotes_path(&article_id), &json!({"text": "", "speaker_name": "S"})).await;
    let missing = app.post(&quotes_path(&article_id), &json!({"speaker_name": "S"})).await;

    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/text"]);
    assert_eq!(reply.body["instance"], quotes_path(&article_id));
    missing.assert_problem(422, "validation-failed");
    assert_eq!(missing.error_locations(), ["/text"]);
    assert!(app.quotes(&article_id).await.is_empty());
}

pub(super) async fn text_may_hold_5000_characters_but_not_5001(app: TestApp) {
    let article_id = article(&app, "long-text").await;
    let longest = "한".repeat(5000);

    let accepted = app.post(&quotes_path(&article_id), &json!({"text": longest, "speaker_name": "S"})).await;
    let too_long = app.post(&quotes_path(&article_id), &json!({"text": "a".repeat(5001), "speaker_name": "S"})).await;
    let too_long_put =
        app.put(&quote_path(&accepted.body), &json!({"text": "한".repeat(5001), "speaker_name": "S"})).await;

    assert_eq!(accepted.status, 201, "5,000 characters (15,000 bytes) fit");
    assert_eq!(accepted.body["text"].as_str(), Some(longest.as_str()));
    too_long.assert_problem(422, "validation-failed");
    assert_eq!(too_long.error_locations(), ["/text"]);
    too_long_put.assert_problem(422, "validation-failed");
    assert_eq!(too_long_put.error_locations(), ["/text"]);
    assert_eq!(app.quotes(&article_id).await.len(), 1);
}

pub(super) async fn speaker_name_blank_or_over_200_characters_is_422(app: TestApp) {
    let article_id = article(&app, "speakers").await;
    let path = quotes_path(&article_id);

    for bad in [json!(""), json!(" \t\n "), json!("é".repeat(201))] {
        let reply = app.post(&path, &json!({"text": "T", "speaker_name": bad})).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/speaker_name"], "{bad}");
    }
    // The limit counts the characters as sent (the spec's maxLength); blanks around
    // the name are trimmed off when it is stored.
    let padded = app.post(&path, &json!({"text": "T", "speaker_name": format!(" {}", "é".repeat(200))})).await;
    padded.assert_problem(422, "validation-failed");
    let longest = app.post(&path, &json!({"text": "T", "speaker_name": format!(" {} ", "é".repeat(198))})).await;
    assert_eq!(longest.status, 201, "200 characters as sent: {}", longest.text);
    assert_eq!(longest.body["speaker_name"].as_str(), Some("é".repeat(198).as_str()));
    assert_eq!(app.quotes(&article_id).await.len(), 1);
}

pub(super) async fn speaker_title_over_300_and_context_over_500_characters_are_422(app: TestApp) {
    let article_id = article(&app, "limits").await;
    let path = quotes_path(&article_id);

    let title = app.post(&path, &json!({"text": "T", "speaker_name": "S", "speaker_title": "x".repeat(301)})).await;
    let context = app.post(&path, &json!({"text": "T", "speaker_name": "S", "context": "ü".repeat(501)})).await;
    let longest = app
        .post(
            &path,
            &json!({"text": "T", "speaker_name": "S", "speaker_title": "x".repeat(300), "context": "ü".repeat(500)}),
        )
        .await;
    let patched = app.patch(&quote_path(&longest.body), &json!({"context": "ü".repeat(501)})).await;

    title.assert_problem(422, "validation-failed");
    assert_eq!(title.error_locations(), ["/speaker_title"]);
    context.assert_problem(422, "validation-failed");
    assert_eq!(context.error_locations(), ["/context"]);
    assert_eq!(longest.status, 201, "{}", longest.text);
    patched.assert_problem(422, "validation-failed");
    assert_eq!(patched.error_locations(), ["/context"]);
    assert_eq!(app.get(&quote_path(&longest.body)).await.body, longest.body);
}

pub(super) async fn nul_character_in_any_string_is_422(app: TestApp) {
    let article_id = article(&app, "nul").await;
    let path = quotes_path(&article_id);
    let created = app.add_quote(&article_id, &full_quote()).await;

    for field in ["text", "speaker_name", "speaker_title", "context"] {
        let mut body = full_quote();
        body[field] = json!("before\u{0}after");

        let post = app.post(&path, &body).await;
        let patch = app.patch(&quote_path(&created), &json!({field: "nul\u{0}"})).await;

        post.assert_problem(422, "validation-failed");
        assert_eq!(post.error_locations(), [format!("/{field}")]);
        patch.assert_problem(422, "validation-failed");
        assert_eq!(patch.error_locations(), [format!("/{field}")]);
    }
    assert_eq!(app.quotes(&article_id).await, vec![created]);
}

pub(super) async fn several_invalid_fields_are_reported_together(app: TestApp) {
    let article_id = article(&app, "many-errors").await;

    let reply = app
        .post(
            &quotes_path(&article_id),
            &json!({
                "text": "",
                "speaker_name": "   ",
                "speaker_title": "t".repeat(301),
                "context": "c".repeat(501),
                "position": -1
            }),
        )
        .await;

    reply.assert_problem(422, "validation-failed");
    let mut locations = reply.error_locations();
    locations.sort();
    assert_eq!(locations, strings(&["/context", "/position", "/speaker_name", "/speaker_title", "/text"]));
    for error in reply.body["errors"].as_array().unwrap() {
        assert!(error["detail"].as_str().is_some_and(|d| !d.is_empty()), "{error}");
    }
    assert_eq!(reply.body["detail"], "5 fields are invalid");
    assert!(app.quotes(&article_id).await.is_empty());
}

pub(super) async fn wrong_json_types_are_422_naming_the_field(app: TestApp) {
    let article_id = article(&app, "types").await;
    let path = quotes_path(&article_id);

    for (field, value) in [
        ("text", json!(5)),
        ("speaker_name", json!(["Kim"])),
        ("speaker_title", json!({"a": 1})),
        ("context", json!(false)),
    ] {
        let mut body = full_quote();
        body[field] = value;

        let reply = app.post(&path, &body).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), [format!("/{field}")]);
    }
    let broken = app
        .send(
            app.request(Method::POST, &path)
                .header("content-type", "application/json")
                .body("{\"text\": \"unterminated"),
        )
        .await;
    broken.assert_problem(400, "bad-request");
    assert!(app.quotes(&article_id).await.is_empty());
}
