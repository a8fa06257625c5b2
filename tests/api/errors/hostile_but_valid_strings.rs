//! Errors: hostile but valid strings.

use super::*;

pub(super) async fn hostile_strings_are_stored_and_returned_byte_for_byte(app: TestApp) {
    let hostile = [
        r#"She said "no" \ and \\ and \"quoted\" / done"#,
        "'); DROP TABLE articles;--",
        "\" OR 1=1 -- ' OR ''='",
        "Robert'); DELETE FROM article_tags; SELECT ('",
        "<script>alert(\"x\")</script> &amp; &lt;b&gt;",
        "👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 🇰🇷",
        "مرحبا بالعالم \u{202E}gnp.exe\u{202C} שלום",
        "北朝鮮がミサイル発射 한국어 中文",
        "e\u{301} vs é, Z\u{351}\u{364}\u{316}a\u{35b}lgo",
        "line1\r\nline2\n\tindented\rend",
        "%s %d {0} ${HOME} $1 \\N NULL null",
        "zero\u{200b}width\u{feff}joiner\u{200d}",
        "NEAR(\"a\" \"b\") OR title:x AND * ^",
        "\u{1F600}\u{10FFFF}\u{E000}",
    ];
    for (i, text) in hostile.iter().enumerate() {
        let body = json!({
            "title": text,
            "summary": text,
            "body": text,
            "byline": text,
            "section": text,
            "tags": [text],
            "source_name": text,
            "status": "published",
        });
        let reply = app.post(ARTICLES, &body).await;
        assert_eq!(reply.status, 201, "#{i} {text:?} refused: {}", reply.text);
        let created = reply.body;
        for field in ["title", "summary", "body", "byline", "section", "source_name"] {
            assert_eq!(created[field].as_str(), Some(*text), "#{i} {field} changed on create");
        }
        assert_eq!(created["tags"], json!([text]), "#{i} tags changed on create");
        let by_id = app.get(&path_of(&created)).await;
        assert_eq!(by_id.status, 200, "{}", by_id.text);
        assert_eq!(by_id.body, created, "#{i} {text:?} changed on the way back");
        let slug = created["slug"].as_str().unwrap();
        assert_eq!(app.get(&format!("{ARTICLES}/{slug}")).await.body, created, "#{i} by slug");
    }
    assert_eq!(total(&app).await, i64::try_from(hostile.len()).unwrap(), "the tables are all still there");
}

pub(super) async fn whitespace_outside_trimmed_fields_is_kept_exactly(app: TestApp) {
    let padded = "  \r\n\tkept as sent\t\r\n  ";
    let created = app
        .create_article(&json!({
            "title": padded,
            "body": padded,
            "summary": padded,
            "byline": padded,
            "section": padded,
            "source_name": padded,
            "tags": [padded],
        }))
        .await;
    assert_eq!(created["title"], "kept as sent", "the title is trimmed");
    assert_eq!(created["tags"], json!(["kept as sent"]), "tags are trimmed");
    for field in ["body", "summary", "byline", "section", "source_name"] {
        assert_eq!(created[field], padded, "{field} must be stored exactly as sent");
    }
    assert_eq!(app.get(&path_of(&created)).await.body, created);
}

pub(super) async fn body_of_200000_multibyte_characters_round_trips(app: TestApp) {
    let text: String = "aé日😀\u{301}".repeat(40_000);
    assert_eq!(text.chars().count(), 200_000);
    let created = app.create_article(&json!({"title": "Multibyte", "body": text, "status": "published"})).await;
    let stored = created["body"].as_str().unwrap();
    assert_eq!(stored.chars().count(), 200_000);
    assert!(stored == text, "the body changed on create");
    let fetched = app.get(&path_of(&created)).await;
    assert_eq!(fetched.status, 200);
    let fetched_body = fetched.body["body"].as_str().unwrap();
    assert_eq!(fetched_body.chars().count(), 200_000);
    assert!(fetched_body == text, "the body changed on the way back");
}
