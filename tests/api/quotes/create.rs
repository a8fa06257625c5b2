//! Quotes: create.

use super::*;

pub(super) async fn create_returns_201_with_location_etag_and_the_stored_quote(app: TestApp) {
    let article_id = article(&app, "missiles").await;

    let reply = app.post(&quotes_path(&article_id), &full_quote()).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let id = id_of(&reply.body);
    let uuid = uuid::Uuid::parse_str(id).unwrap();
    assert_eq!(uuid.get_version_num(), 7);
    assert_eq!(id, uuid.hyphenated().to_string(), "canonical lowercase form");
    assert_eq!(reply.header("location"), Some(format!("/v1/quotes/{id}").as_str()));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    let quote = &reply.body;
    for (field, value) in full_quote().as_object().unwrap() {
        assert_eq!(&quote[field], value, "{field}");
    }
    assert_eq!(quote["article_id"], article_id.as_str());
    assert_eq!(quote["position"], 0);
    assert_eq!(quote["version"], 1);
    assert_eq!(quote["created_at"], quote["updated_at"]);
    let created_at = quote["created_at"].as_str().unwrap();
    assert!(created_at.ends_with('Z'), "{created_at}");
    chrono::DateTime::parse_from_rfc3339(created_at).unwrap();
    let fetched = app.get(&format!("/v1/quotes/{id}")).await;
    assert_eq!(fetched.status, 200, "{}", fetched.text);
    assert_eq!(&fetched.body, quote, "GET shows what POST returned");
}

pub(super) async fn create_by_article_slug_adds_the_quote_to_that_article(app: TestApp) {
    let article_id = article(&app, "by-slug").await;
    let other = article(&app, "other").await;

    let reply = app.post("/v1/articles/by-slug/quotes", &full_quote()).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["article_id"], article_id.as_str());
    let listed_by_id = app.quotes(&article_id).await;
    assert_eq!(listed_by_id, vec![reply.body.clone()]);
    assert!(app.quotes(&other).await.is_empty());
}

pub(super) async fn optional_fields_left_out_are_null(app: TestApp) {
    let article_id = article(&app, "minimal").await;

    let quote = app.add_quote(&article_id, &json!({"text": "Yes.", "speaker_name": "A spokesman"})).await;

    assert_eq!(quote["speaker_title"], Value::Null);
    assert_eq!(quote["context"], Value::Null);
    let fetched = app.get(&quote_path(&quote)).await.body;
    assert_eq!(fetched["speaker_title"], Value::Null);
    assert_eq!(fetched["context"], Value::Null);
}

pub(super) async fn speaker_name_is_trimmed_but_every_other_string_is_stored_as_sent(app: TestApp) {
    let article_id = article(&app, "trimming").await;
    let sent = json!({
        "text": "  Padded text.  ",
        "speaker_name": " \t Kim  Yo-jong \n",
        "speaker_title": "  Vice department director  ",
        "context": " in a statement\n"
    });

    let quote = app.add_quote(&article_id, &sent).await;

    let fetched = app.get(&quote_path(&quote)).await.body;
    for stored in [&quote, &fetched] {
        assert_eq!(stored["speaker_name"], "Kim  Yo-jong", "only the ends are trimmed");
        assert_eq!(stored["text"], sent["text"]);
        assert_eq!(stored["speaker_title"], sent["speaker_title"]);
        assert_eq!(stored["context"], sent["context"]);
    }
}

pub(super) async fn text_with_quotes_newlines_and_any_script_comes_back_byte_for_byte(app: TestApp) {
    let article_id = article(&app, "scripts").await;
    let text = concat!(
        "  \"We will not tolerate 'provocations',\" she said.\n",
        "\tSecond line\r\nThird line with a backslash \\ and </script>\n",
        "우리는 단호히 대응할 것이다. ",
        "سنرد بحزم على أي استفزاز. ",
        "🚀🇰🇷👩‍👩‍👧 ",
        "e\u{301} vs \u{e9}, n\u{303}, \u{200f}rtl mark, zero\u{200b}width  "
    );
    let speaker = "김여정 (Kim Yo-jong) 👩‍💼";

    let created = app.add_quote(&article_id, &json!({"text": text, "speaker_name": speaker, "context": text})).await;

    let fetched = app.get(&quote_path(&created)).await;
    let list = app.quotes(&article_id).await;
    let searched = search(&app, &[("article", article_id.as_str())]).await;
    assert_eq!(searched.status, 200, "{}", searched.text);
    for (source, quote) in
        [("create", &created), ("get", &fetched.body), ("list", &list[0]), ("search", &searched.body["items"][0])]
    {
        assert_eq!(quote["text"].as_str().unwrap().as_bytes(), text.as_bytes(), "{source}");
        assert_eq!(quote["context"].as_str(), Some(text), "{source}");
        assert_eq!(quote["speaker_name"].as_str(), Some(speaker), "{source}");
    }
    assert!(
        fetched.text.contains("우리는") && fetched.text.contains("🚀"),
        "sent as UTF-8, not escaped: {}",
        fetched.text
    );
}

pub(super) async fn create_on_an_unknown_article_is_404_and_on_a_malformed_key_is_400(app: TestApp) {
    article(&app, "exists").await;

    let unknown_slug = app.post("/v1/articles/no-such-article/quotes", &full_quote()).await;
    let unknown_id = app.post(&quotes_path(&uuid::Uuid::now_v7().to_string()), &full_quote()).await;
    let malformed = app.post("/v1/articles/Not_A_Slug!/quotes", &full_quote()).await;

    unknown_slug.assert_problem(404, "not-found");
    unknown_id.assert_problem(404, "not-found");
    malformed.assert_problem(400, "bad-request");
    let all = search(&app, &[]).await;
    assert_eq!(ids(&all.items()), Vec::<String>::new(), "nothing was stored");
}
