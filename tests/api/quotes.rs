//! Quotes: create (by article id or slug), positions within an article (insert,
//! move, delete, concurrent writers), the per-article list and its paging, single
//! quote reads and writes with ETags, validation, the cross-article search
//! `GET /v1/quotes`, and the cascade when an article goes.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, id_of, ids, quote_path, quotes_path};

crate::tests![
    // Create.
    create_returns_201_with_location_etag_and_the_stored_quote,
    create_by_article_slug_adds_the_quote_to_that_article,
    optional_fields_left_out_are_null,
    speaker_name_is_trimmed_but_every_other_string_is_stored_as_sent,
    text_with_quotes_newlines_and_any_script_comes_back_byte_for_byte,
    create_on_an_unknown_article_is_404_and_on_a_malformed_key_is_400,
    // Positions.
    appended_quotes_take_positions_0_1_2_per_article,
    inserting_at_position_0_moves_every_other_quote_down,
    inserting_in_the_middle_moves_only_the_later_quotes_down,
    position_equal_to_the_count_appends,
    position_past_the_end_is_409_and_stores_nothing,
    negative_or_non_integer_position_is_422,
    a_whole_number_written_with_a_fraction_is_an_integer_position,
    patch_position_moves_a_quote_down_and_up_keeping_positions_gap_free,
    put_with_a_new_position_moves_the_quote,
    put_without_position_keeps_the_quote_in_place,
    moving_past_the_end_is_409_and_changes_nothing,
    deleting_a_quote_closes_the_gap,
    a_quote_shifted_by_a_neighbours_change_no_longer_matches_its_old_etag,
    twenty_concurrent_appends_get_positions_0_to_19,
    concurrent_moves_deletes_and_appends_leave_a_gap_free_sequence,
    patching_only_the_text_while_earlier_quotes_are_deleted_keeps_its_place,
    // The per-article list.
    list_is_in_position_order_and_an_article_without_quotes_lists_none,
    list_pages_with_limit_next_cursor_and_link,
    deleting_an_earlier_quote_while_paging_the_list_skips_nothing,
    deleting_the_last_quote_shown_while_paging_the_list_skips_nothing,
    inserting_at_the_front_while_paging_the_list_repeats_nothing,
    list_of_an_unknown_article_is_404,
    list_limit_outside_1_to_100_is_422_naming_limit,
    list_malformed_or_foreign_cursor_is_400,
    // One quote.
    get_returns_the_quote_with_its_etag,
    get_with_matching_if_none_match_is_304,
    put_replaces_every_field_and_clears_left_out_optional_ones,
    patch_changes_only_the_members_given,
    patch_null_clears_speaker_title_and_context,
    patch_accepts_plain_application_json,
    patch_null_for_a_required_field_is_422_and_changes_nothing,
    unknown_field_is_422_on_post_put_and_patch,
    every_write_grows_the_version_by_one,
    stale_if_match_is_412_and_changes_nothing,
    matching_if_match_lets_writes_through,
    non_uuid_quote_id_is_400,
    unknown_quote_id_is_404,
    delete_returns_204_then_404,
    // Validation.
    empty_text_is_422,
    text_may_hold_5000_characters_but_not_5001,
    speaker_name_blank_or_over_200_characters_is_422,
    speaker_title_over_300_and_context_over_500_characters_are_422,
    nul_character_in_any_string_is_422,
    several_invalid_fields_are_reported_together,
    wrong_json_types_are_422_naming_the_field,
    // Search.
    search_by_speaker_ignores_case,
    search_by_article_takes_its_id_or_its_slug,
    search_q_uses_english_stemming_and_requires_every_word,
    search_follows_changes_to_text_and_speaker,
    search_filters_combine,
    search_lists_newest_first,
    search_pages_through_many_quotes_without_skips_or_repeats,
    search_unknown_or_invalid_parameter_is_422_and_bad_cursor_400,
    hostile_q_values_never_cause_a_server_error,
    // Cascade.
    deleting_the_article_deletes_its_quotes,
];

// ---------------------------------------------------------------------------
// Helpers.

/// Creates a published article with the given slug and returns its id.
async fn article(app: &TestApp, slug: &str) -> String {
    let created = app
        .create_article(&json!({"title": format!("Article {slug}"), "slug": slug, "body": "b", "status": "published"}))
        .await;
    created["id"].as_str().unwrap().to_owned()
}

/// Appends a quote with the given text by a default speaker.
async fn add_text(app: &TestApp, article: &str, text: &str) -> Value {
    app.add_quote(article, &json!({"text": text, "speaker_name": "Park Jin"})).await
}

/// The texts of the article's quotes in list order (positions checked).
async fn texts(app: &TestApp, article: &str) -> Vec<String> {
    app.quotes(article).await.iter().map(|q| q["text"].as_str().unwrap().to_owned()).collect()
}

/// Appends quotes with the given texts, in order, and returns them.
async fn add_all(app: &TestApp, article: &str, labels: &[&str]) -> Vec<Value> {
    let mut created = Vec::new();
    for label in labels {
        created.push(add_text(app, article, label).await);
    }
    created
}

/// A search request with its parameters encoded.
async fn search(app: &TestApp, params: &[(&str, &str)]) -> Reply {
    app.send(app.request(Method::GET, "/v1/quotes").query(params)).await
}

/// The texts of a list reply's items.
fn item_texts(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["items"].as_array().unwrap().iter().map(|q| q["text"].as_str().unwrap().to_owned()).collect()
}

async fn send_with(app: &TestApp, method: Method, path: &str, header: (&str, &str), body: Option<&Value>) -> Reply {
    let mut request = app.request(method, path).header(header.0, header.1);
    if let Some(body) = body {
        request = request.header("content-type", "application/merge-patch+json").body(body.to_string());
    }
    app.send(request).await
}

/// An RFC 3339 timestamp member as a time.
fn time(value: &Value) -> chrono::DateTime<chrono::Utc> {
    let text = value.as_str().unwrap_or_else(|| panic!("not a timestamp: {value}"));
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| (*s).to_owned()).collect()
}

fn full_quote() -> Value {
    json!({
        "text": "We will respond firmly to any provocation.",
        "speaker_name": "Park Jin",
        "speaker_title": "Foreign Minister",
        "context": "in a statement carried by the state news agency"
    })
}

// ---------------------------------------------------------------------------
// Create.

async fn create_returns_201_with_location_etag_and_the_stored_quote(app: TestApp) {
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

async fn create_by_article_slug_adds_the_quote_to_that_article(app: TestApp) {
    let article_id = article(&app, "by-slug").await;
    let other = article(&app, "other").await;

    let reply = app.post("/v1/articles/by-slug/quotes", &full_quote()).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["article_id"], article_id.as_str());
    let listed_by_id = app.quotes(&article_id).await;
    assert_eq!(listed_by_id, vec![reply.body.clone()]);
    assert!(app.quotes(&other).await.is_empty());
}

async fn optional_fields_left_out_are_null(app: TestApp) {
    let article_id = article(&app, "minimal").await;

    let quote = app.add_quote(&article_id, &json!({"text": "Yes.", "speaker_name": "A spokesman"})).await;

    assert_eq!(quote["speaker_title"], Value::Null);
    assert_eq!(quote["context"], Value::Null);
    let fetched = app.get(&quote_path(&quote)).await.body;
    assert_eq!(fetched["speaker_title"], Value::Null);
    assert_eq!(fetched["context"], Value::Null);
}

async fn speaker_name_is_trimmed_but_every_other_string_is_stored_as_sent(app: TestApp) {
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

async fn text_with_quotes_newlines_and_any_script_comes_back_byte_for_byte(app: TestApp) {
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

async fn create_on_an_unknown_article_is_404_and_on_a_malformed_key_is_400(app: TestApp) {
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

// ---------------------------------------------------------------------------
// Positions.

async fn appended_quotes_take_positions_0_1_2_per_article(app: TestApp) {
    let first = article(&app, "first").await;
    let second = article(&app, "second").await;

    let created = add_all(&app, &first, &["A", "B", "C"]).await;
    let other = add_text(&app, &second, "X").await;

    let positions: Vec<_> = created.iter().map(|q| q["position"].clone()).collect();
    assert_eq!(positions, [json!(0), json!(1), json!(2)]);
    assert_eq!(other["position"], 0, "positions count per article");
    assert_eq!(texts(&app, &first).await, ["A", "B", "C"]);
    assert_eq!(texts(&app, &second).await, ["X"]);
}

async fn inserting_at_position_0_moves_every_other_quote_down(app: TestApp) {
    let article_id = article(&app, "front").await;
    add_all(&app, &article_id, &["A", "B", "C"]).await;

    let front = app.add_quote(&article_id, &json!({"text": "F", "speaker_name": "S", "position": 0})).await;

    assert_eq!(front["position"], 0);
    assert_eq!(texts(&app, &article_id).await, ["F", "A", "B", "C"]);
}

async fn inserting_in_the_middle_moves_only_the_later_quotes_down(app: TestApp) {
    let article_id = article(&app, "middle").await;
    let before = add_all(&app, &article_id, &["A", "B", "C", "D"]).await;

    let middle = app.add_quote(&article_id, &json!({"text": "M", "speaker_name": "S", "position": 2})).await;

    assert_eq!(middle["position"], 2);
    let list = app.quotes(&article_id).await;
    let order: Vec<_> = list.iter().map(|q| q["text"].clone()).collect();
    assert_eq!(order, [json!("A"), json!("B"), json!("M"), json!("C"), json!("D")]);
    assert_eq!(list[0]["id"], before[0]["id"]);
    assert_eq!(list[4]["id"], before[3]["id"]);
}

async fn position_equal_to_the_count_appends(app: TestApp) {
    let article_id = article(&app, "at-end").await;
    add_all(&app, &article_id, &["A", "B"]).await;

    let end = app.add_quote(&article_id, &json!({"text": "E", "speaker_name": "S", "position": 2})).await;
    let first_of_other =
        app.add_quote(&article(&app, "empty").await, &json!({"text": "Z", "speaker_name": "S", "position": 0})).await;

    assert_eq!(end["position"], 2);
    assert_eq!(first_of_other["position"], 0);
    assert_eq!(texts(&app, &article_id).await, ["A", "B", "E"]);
}

/// Where the list ends depends on what is stored now: a conflict, not bad syntax.
async fn position_past_the_end_is_409_and_stores_nothing(app: TestApp) {
    let article_id = article(&app, "past-end").await;
    add_all(&app, &article_id, &["A", "B"]).await;

    let reply = app.post(&quotes_path(&article_id), &json!({"text": "E", "speaker_name": "S", "position": 3})).await;
    let on_empty = app
        .post(&quotes_path(&article(&app, "empty").await), &json!({"text": "E", "speaker_name": "S", "position": 1}))
        .await;

    reply.assert_problem(409, "conflict");
    assert!(reply.body["detail"].as_str().unwrap().contains("at most 2"), "{}", reply.text);
    on_empty.assert_problem(409, "conflict");
    assert!(on_empty.body["detail"].as_str().unwrap().contains("at most 0"), "{}", on_empty.text);
    assert_eq!(texts(&app, &article_id).await, ["A", "B"]);
    assert!(texts(&app, "empty").await.is_empty());
}

async fn negative_or_non_integer_position_is_422(app: TestApp) {
    let article_id = article(&app, "bad-positions").await;
    add_text(&app, &article_id, "A").await;

    for position in [json!(-1), json!(i64::MIN), json!(1.5), json!(1e300), json!(u64::MAX), json!("0"), json!(true)] {
        let reply =
            app.post(&quotes_path(&article_id), &json!({"text": "E", "speaker_name": "S", "position": position})).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/position"], "position {position}");
    }
    assert_eq!(texts(&app, &article_id).await, ["A"]);
}

/// JSON has one number type, and JSON Schema counts `1.0` as the integer 1.
async fn a_whole_number_written_with_a_fraction_is_an_integer_position(app: TestApp) {
    let article_id = article(&app, "float-positions").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;

    let created =
        app.post(&quotes_path(&article_id), &json!({"text": "C", "speaker_name": "S", "position": 1.0})).await;
    let moved = app.patch(&quote_path(&q[0]), &json!({"position": 2.0})).await;

    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["position"], 1);
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(texts(&app, &article_id).await, ["C", "B", "A"]);
}

async fn patch_position_moves_a_quote_down_and_up_keeping_positions_gap_free(app: TestApp) {
    let article_id = article(&app, "moves").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D", "E"]).await;

    // A from the top to the middle.
    let moved = app.patch(&quote_path(&q[0]), &json!({"position": 2})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["position"], 2);
    assert_eq!(texts(&app, &article_id).await, ["B", "C", "A", "D", "E"]);

    // E from the bottom to the top.
    let moved = app.patch(&quote_path(&q[4]), &json!({"position": 0})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(texts(&app, &article_id).await, ["E", "B", "C", "A", "D"]);

    // B to the last place.
    let moved = app.patch(&quote_path(&q[1]), &json!({"position": 4})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["position"], 4);
    assert_eq!(texts(&app, &article_id).await, ["E", "C", "A", "D", "B"]);

    // D one place up.
    let moved = app.patch(&quote_path(&q[3]), &json!({"position": 2})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(texts(&app, &article_id).await, ["E", "C", "D", "A", "B"]);

    // C to where it already is.
    let stay = app.patch(&quote_path(&q[2]), &json!({"position": 1})).await;
    assert_eq!(stay.status, 200, "{}", stay.text);
    assert_eq!(stay.body["position"], 1);
    assert_eq!(texts(&app, &article_id).await, ["E", "C", "D", "A", "B"]);

    // Each response's position is the one the list shows.
    let list = app.quotes(&article_id).await;
    for quote in &list {
        let fetched = app.get(&quote_path(quote)).await.body;
        assert_eq!(fetched["position"], quote["position"], "{}", quote["text"]);
    }
}

async fn put_with_a_new_position_moves_the_quote(app: TestApp) {
    let article_id = article(&app, "put-moves").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D"]).await;

    let down = app.put(&quote_path(&q[0]), &json!({"text": "A2", "speaker_name": "S", "position": 3})).await;
    assert_eq!(down.status, 200, "{}", down.text);
    assert_eq!(down.body["position"], 3);
    assert_eq!(texts(&app, &article_id).await, ["B", "C", "D", "A2"]);

    let up = app.put(&quote_path(&q[2]), &json!({"text": "C2", "speaker_name": "S", "position": 0})).await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.body["position"], 0);
    assert_eq!(texts(&app, &article_id).await, ["C2", "B", "D", "A2"]);
}

async fn put_without_position_keeps_the_quote_in_place(app: TestApp) {
    let article_id = article(&app, "put-stays").await;
    let q = add_all(&app, &article_id, &["A", "B", "C"]).await;

    let reply = app.put(&quote_path(&q[1]), &json!({"text": "B2", "speaker_name": "S"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["position"], 1);
    assert_eq!(texts(&app, &article_id).await, ["A", "B2", "C"]);
}

async fn moving_past_the_end_is_409_and_changes_nothing(app: TestApp) {
    let article_id = article(&app, "move-past-end").await;
    let q = add_all(&app, &article_id, &["A", "B", "C"]).await;

    let patch = app.patch(&quote_path(&q[0]), &json!({"position": 3})).await;
    let put = app.put(&quote_path(&q[0]), &json!({"text": "A2", "speaker_name": "S", "position": 3})).await;
    let negative = app.patch(&quote_path(&q[0]), &json!({"position": -1})).await;

    for reply in [&patch, &put] {
        reply.assert_problem(409, "conflict");
        assert!(reply.body["detail"].as_str().unwrap().contains("at most 2"), "{}", reply.text);
    }
    negative.assert_problem(422, "validation-failed");
    assert_eq!(negative.error_locations(), ["/position"]);
    assert_eq!(texts(&app, &article_id).await, ["A", "B", "C"]);
    let unchanged = app.get(&quote_path(&q[0])).await;
    assert_eq!(unchanged.body["version"], 1);
    assert_eq!(unchanged.body, q[0]);
}

async fn deleting_a_quote_closes_the_gap(app: TestApp) {
    let article_id = article(&app, "gaps").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D", "E"]).await;

    assert_eq!(app.delete(&quote_path(&q[2])).await.status, 204);
    assert_eq!(texts(&app, &article_id).await, ["A", "B", "D", "E"]);

    assert_eq!(app.delete(&quote_path(&q[0])).await.status, 204);
    assert_eq!(texts(&app, &article_id).await, ["B", "D", "E"]);

    assert_eq!(app.delete(&quote_path(&q[4])).await.status, 204);
    assert_eq!(texts(&app, &article_id).await, ["B", "D"]);

    let appended = add_text(&app, &article_id, "F").await;
    assert_eq!(appended["position"], 2, "appends after the last one left");
    assert_eq!(texts(&app, &article_id).await, ["B", "D", "F"]);
}

async fn a_quote_shifted_by_a_neighbours_change_no_longer_matches_its_old_etag(app: TestApp) {
    let article_id = article(&app, "shifted").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[1]);
    let cached = app.get(&path).await;
    assert_eq!(cached.header("etag"), Some("\"1\""));
    assert_eq!(cached.body["position"], 1);

    assert_eq!(app.delete(&quote_path(&q[0])).await.status, 204);
    let revalidated = send_with(&app, Method::GET, &path, ("if-none-match", "\"1\""), None).await;

    assert_eq!(
        revalidated.status, 200,
        "B's position changed, so its strong ETag \"1\" must no longer match: {}",
        revalidated.text
    );
    assert_eq!(revalidated.body["position"], 0);
    assert_ne!(revalidated.header("etag"), Some("\"1\""));
}

async fn twenty_concurrent_appends_get_positions_0_to_19(app: TestApp) {
    let article_id = article(&app, "busy").await;

    let handles: Vec<_> = (0..20)
        .map(|i| {
            let app = app.clone();
            let path = quotes_path(&article_id);
            actix_web::rt::spawn(async move {
                app.post(&path, &json!({"text": format!("quote {i}"), "speaker_name": "S"})).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for handle in handles {
        replies.push(handle.await.expect("task finished"));
    }

    for reply in &replies {
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let mut positions: Vec<i64> = replies.iter().map(|r| r.body["position"].as_i64().unwrap()).collect();
    positions.sort_unstable();
    assert_eq!(positions, (0..20).collect::<Vec<i64>>(), "no duplicates");
    let list = app.quotes(&article_id).await;
    assert_eq!(list.len(), 20);
    for reply in &replies {
        let at = reply.body["position"].as_u64().unwrap() as usize;
        assert_eq!(list[at]["id"], reply.body["id"], "the list agrees with the 201s");
    }
}

async fn concurrent_moves_deletes_and_appends_leave_a_gap_free_sequence(app: TestApp) {
    let article_id = article(&app, "churn").await;
    let labels: Vec<String> = (0..10).map(|i| format!("old {i}")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let old = add_all(&app, &article_id, &labels).await;
    // old[0..5] are deleted; old[5..10] are moved by PATCH and by PUT, always to a
    // position below 5, which exists whatever order the writes run in.
    let mut handles = Vec::new();
    for (i, quote) in old.iter().enumerate() {
        let path = quote_path(quote);
        if i < 5 {
            let app = app.clone();
            handles.push(actix_web::rt::spawn(async move { (204_u16, app.delete(&path).await) }));
        } else {
            let (patch_app, put_app, put_path) = (app.clone(), app.clone(), path.clone());
            let text = quote["text"].clone();
            handles.push(actix_web::rt::spawn(async move {
                (200_u16, patch_app.patch(&path, &json!({"position": i % 5})).await)
            }));
            handles.push(actix_web::rt::spawn(async move {
                let body = json!({"text": text, "speaker_name": "S", "position": (i + 2) % 5});
                (200_u16, put_app.put(&put_path, &body).await)
            }));
        }
    }
    for i in 0..10 {
        let app = app.clone();
        let path = quotes_path(&article_id);
        handles.push(actix_web::rt::spawn(async move {
            (201_u16, app.post(&path, &json!({"text": format!("new {i}"), "speaker_name": "S"})).await)
        }));
    }

    for handle in handles {
        let (expected, reply) = handle.await.expect("task finished");
        assert_eq!(reply.status, expected, "{}", reply.text);
    }
    let list = app.quotes(&article_id).await;
    let mut found: Vec<String> = list.iter().map(|q| q["text"].as_str().unwrap().to_owned()).collect();
    found.sort();
    let mut expected: Vec<String> =
        (5..10).map(|i| format!("old {i}")).chain((0..10).map(|i| format!("new {i}"))).collect();
    expected.sort();
    assert_eq!(found, expected);
}

async fn patching_only_the_text_while_earlier_quotes_are_deleted_keeps_its_place(app: TestApp) {
    let article_id = article(&app, "patch-race").await;
    let labels: Vec<String> = (0..12).map(|i| format!("q{i:02}")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let q = add_all(&app, &article_id, &labels).await;
    // q[0..8] are deleted while q[9] (in the middle) and q[11] (the last one) get
    // text-only patches: neither may move, nor be refused.
    let mut handles = Vec::new();
    for quote in &q[..8] {
        let (app, path) = (app.clone(), quote_path(quote));
        handles.push(actix_web::rt::spawn(async move { (204_u16, app.delete(&path).await) }));
    }
    // One task per patched quote, its patches one after another: concurrent
    // patches of the same quote are not what this test is about.
    let mut patchers = Vec::new();
    for target in [&q[9], &q[11]] {
        let (app, path) = (app.clone(), quote_path(target));
        let label = target["text"].as_str().unwrap().to_owned();
        patchers.push(actix_web::rt::spawn(async move {
            let mut replies = Vec::new();
            for round in 0..4 {
                let text = format!("{label} edit {round}");
                replies.push(app.patch(&path, &json!({"text": text})).await);
            }
            replies
        }));
    }

    for handle in handles {
        let (expected, reply) = handle.await.expect("task finished");
        assert_eq!(reply.status, expected, "{}", reply.text);
    }
    for patcher in patchers {
        for reply in patcher.await.expect("task finished") {
            assert_eq!(reply.status, 200, "a text-only patch: {}", reply.text);
        }
    }
    let order: Vec<String> = app.quotes(&article_id).await.iter().map(|q| id_of(q).to_owned()).collect();
    let expected: Vec<String> = q[8..].iter().map(|q| id_of(q).to_owned()).collect();
    assert_eq!(order, expected, "text-only patches never move a quote");
}

// ---------------------------------------------------------------------------
// The per-article list.

async fn list_is_in_position_order_and_an_article_without_quotes_lists_none(app: TestApp) {
    let article_id = article(&app, "ordered").await;
    let empty = article(&app, "no-quotes").await;
    add_all(&app, &article_id, &["A", "B"]).await;
    app.add_quote(&article_id, &json!({"text": "Z", "speaker_name": "S", "position": 0})).await;

    let by_id = app.get(&quotes_path(&article_id)).await;
    let by_slug = app.get("/v1/articles/ordered/quotes").await;
    let none = app.get(&quotes_path(&empty)).await;

    assert_eq!(item_texts(&by_id), ["Z", "A", "B"]);
    assert_eq!(by_id.body["next_cursor"], Value::Null);
    assert_eq!(by_id.header("link"), None);
    assert_eq!(by_slug.body, by_id.body);
    assert_eq!(none.status, 200, "{}", none.text);
    assert_eq!(none.body, json!({"items": [], "next_cursor": null}));
}

async fn list_pages_with_limit_next_cursor_and_link(app: TestApp) {
    let article_id = article(&app, "paged").await;
    add_all(&app, &article_id, &["A", "B", "C", "D", "E"]).await;
    let path = quotes_path(&article_id);

    let first = app.get(&format!("{path}?limit=2")).await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let link = app.next_link(&first).expect("a Link header on a page with a next page");
    let second = app.send(app.request(Method::GET, &path).query(&[("limit", "2"), ("cursor", cursor.as_str())])).await;
    let via_link = app.next_page(&first).await.expect("the page the Link leads to");
    let third = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "2"), ("cursor", second.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(item_texts(&first), ["A", "B"]);
    assert!(link.as_str().starts_with(&format!("{}{path}?", app.address)), "a full URL: {link}");
    assert!(link.as_str().contains("limit=2"), "keeps the limit: {link}");
    assert_eq!(item_texts(&second), ["C", "D"]);
    assert_eq!(via_link.body, second.body, "the Link gives the next page");
    assert_eq!(item_texts(&third), ["E"]);
    assert_eq!(third.body["next_cursor"], Value::Null);
    assert_eq!(app.next_link(&third), None);
    let exact = app.get(&format!("{path}?limit=5")).await;
    assert_eq!(item_texts(&exact).len(), 5);
    assert_eq!(exact.body["next_cursor"], Value::Null, "an exactly full last page");
}

async fn deleting_an_earlier_quote_while_paging_the_list_skips_nothing(app: TestApp) {
    let article_id = article(&app, "paging-delete").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D", "E", "F"]).await;
    let path = quotes_path(&article_id);
    let first = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(item_texts(&first), ["A", "B"]);

    assert_eq!(app.delete(&quote_path(&q[0])).await.status, 204);
    let rest = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "10"), ("cursor", first.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(
        item_texts(&rest),
        ["C", "D", "E", "F"],
        "a row deleted before the cursor must not make the next page skip one"
    );
}

async fn deleting_the_last_quote_shown_while_paging_the_list_skips_nothing(app: TestApp) {
    let article_id = article(&app, "paging-delete-cursor-row").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D"]).await;
    let path = quotes_path(&article_id);
    let first = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(item_texts(&first), ["A", "B"]);

    assert_eq!(app.delete(&quote_path(&q[1])).await.status, 204);
    let rest = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "10"), ("cursor", first.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(item_texts(&rest), ["C", "D"], "the row the cursor names is gone; the page after it still starts at C");
}

async fn inserting_at_the_front_while_paging_the_list_repeats_nothing(app: TestApp) {
    let article_id = article(&app, "paging-insert").await;
    add_all(&app, &article_id, &["A", "B", "C", "D"]).await;
    let path = quotes_path(&article_id);
    let first = app.get(&format!("{path}?limit=2")).await;
    assert_eq!(item_texts(&first), ["A", "B"]);

    app.add_quote(&article_id, &json!({"text": "Z", "speaker_name": "S", "position": 0})).await;
    let rest = app
        .send(
            app.request(Method::GET, &path)
                .query(&[("limit", "10"), ("cursor", first.body["next_cursor"].as_str().unwrap())]),
        )
        .await;

    assert_eq!(
        item_texts(&rest),
        ["C", "D"],
        "a row inserted before the cursor must not make the next page repeat one"
    );
}

async fn list_of_an_unknown_article_is_404(app: TestApp) {
    article(&app, "known").await;

    let by_slug = app.get("/v1/articles/unknown/quotes").await;
    let by_id = app.get(&quotes_path(&uuid::Uuid::now_v7().to_string())).await;

    by_slug.assert_problem(404, "not-found");
    by_id.assert_problem(404, "not-found");
}

async fn list_limit_outside_1_to_100_is_422_naming_limit(app: TestApp) {
    let article_id = article(&app, "limits").await;
    add_text(&app, &article_id, "A").await;
    let path = quotes_path(&article_id);

    for limit in ["0", "101", "-1", "abc", "1.5", ""] {
        let reply = app.send(app.request(Method::GET, &path).query(&[("limit", limit)])).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["limit"], "limit={limit}");
    }
    for limit in ["1", "100"] {
        let reply = app.send(app.request(Method::GET, &path).query(&[("limit", limit)])).await;
        assert_eq!(item_texts(&reply), ["A"], "limit={limit}");
    }
}

async fn list_malformed_or_foreign_cursor_is_400(app: TestApp) {
    let article_id = article(&app, "cursors").await;
    add_all(&app, &article_id, &["A", "B", "C"]).await;
    let search_page = search(&app, &[("limit", "1")]).await;
    let search_cursor = search_page.body["next_cursor"].as_str().unwrap().to_owned();
    let list_page = app.get(&format!("{}?limit=1", quotes_path(&article_id))).await;
    let list_cursor = list_page.body["next_cursor"].as_str().unwrap().to_owned();
    let mut tampered = list_cursor.clone().into_bytes();
    tampered[2] ^= 1;
    let tampered = String::from_utf8(tampered).unwrap();

    for cursor in ["garbage", "!!!", " ", search_cursor.as_str(), tampered.as_str()] {
        let reply = app.send(app.request(Method::GET, &quotes_path(&article_id)).query(&[("cursor", cursor)])).await;

        reply.assert_problem(400, "bad-request");
    }
    let on_search = search(&app, &[("cursor", list_cursor.as_str())]).await;
    on_search.assert_problem(400, "bad-request");
}

// ---------------------------------------------------------------------------
// One quote.

async fn get_returns_the_quote_with_its_etag(app: TestApp) {
    let article_id = article(&app, "get-one").await;
    let created = app.add_quote(&article_id, &full_quote()).await;

    let reply = app.get(&quote_path(&created)).await;
    let uppercase = app.get(&format!("/v1/quotes/{}", id_of(&created).to_uppercase())).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(reply.body, created);
    assert_eq!(uppercase.body, created, "an upper-case UUID names the same quote");
}

async fn get_with_matching_if_none_match_is_304(app: TestApp) {
    let article_id = article(&app, "cached").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let fresh = send_with(&app, Method::GET, &path, ("if-none-match", "\"1\""), None).await;
    let star = send_with(&app, Method::GET, &path, ("if-none-match", "*"), None).await;
    let stale = send_with(&app, Method::GET, &path, ("if-none-match", "\"2\", \"3\""), None).await;
    app.patch(&path, &json!({"context": "later"})).await;
    let after_change = send_with(&app, Method::GET, &path, ("if-none-match", "\"1\""), None).await;

    assert_eq!(fresh.status, 304);
    assert_eq!(fresh.header("etag"), Some("\"1\""));
    assert!(fresh.text.is_empty());
    assert_eq!(star.status, 304);
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, created);
    assert_eq!(after_change.status, 200, "the old ETag no longer matches");
    assert_eq!(after_change.header("etag"), Some("\"2\""));
    assert_eq!(after_change.body["context"], "later");
}

async fn put_replaces_every_field_and_clears_left_out_optional_ones(app: TestApp) {
    let article_id = article(&app, "replaced").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let reply = app.put(&path, &json!({"text": "New text.", "speaker_name": "  Kim Jong Un  "})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let quote = app.get(&path).await.body;
    assert_eq!(quote, reply.body);
    assert_eq!(quote["text"], "New text.");
    assert_eq!(quote["speaker_name"], "Kim Jong Un");
    assert_eq!(quote["speaker_title"], Value::Null);
    assert_eq!(quote["context"], Value::Null);
    assert_eq!(quote["version"], 2);
    assert_eq!(quote["id"], created["id"]);
    assert_eq!(quote["article_id"], created["article_id"]);
    assert_eq!(quote["position"], 0);
    assert_eq!(quote["created_at"], created["created_at"]);
    assert!(time(&quote["updated_at"]) > time(&created["updated_at"]));
}

async fn patch_changes_only_the_members_given(app: TestApp) {
    let article_id = article(&app, "patched").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let reply =
        app.patch(&path, &json!({"speaker_title": "Former Foreign Minister", "speaker_name": " Park Jin Jr. "})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let mut expected = created.clone();
    expected["speaker_title"] = json!("Former Foreign Minister");
    expected["speaker_name"] = json!("Park Jin Jr.");
    expected["version"] = json!(2);
    expected["updated_at"] = reply.body["updated_at"].clone();
    assert_eq!(reply.body, expected);
    assert_eq!(app.get(&path).await.body, expected);
    assert!(time(&expected["updated_at"]) > time(&created["updated_at"]));
}

async fn patch_null_clears_speaker_title_and_context(app: TestApp) {
    let article_id = article(&app, "cleared").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let reply = app.patch(&path, &json!({"speaker_title": null, "context": null})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let quote = app.get(&path).await.body;
    assert_eq!(quote["speaker_title"], Value::Null);
    assert_eq!(quote["context"], Value::Null);
    assert_eq!(quote["text"], created["text"], "members not in the patch stay");
    assert_eq!(quote["speaker_name"], created["speaker_name"]);
    assert_eq!(quote["version"], 2);
}

async fn patch_accepts_plain_application_json(app: TestApp) {
    let article_id = article(&app, "plain-json").await;
    let created = app.add_quote(&article_id, &full_quote()).await;

    let reply = app.send_json(Method::PATCH, &quote_path(&created), &json!({"context": "on Twitter"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["context"], "on Twitter");
}

async fn patch_null_for_a_required_field_is_422_and_changes_nothing(app: TestApp) {
    let article_id = article(&app, "required").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let text = app.patch(&path, &json!({"text": null})).await;
    let speaker = app.patch(&path, &json!({"speaker_name": null, "context": "x"})).await;
    let empty = app.patch(&path, &json!({"text": ""})).await;

    text.assert_problem(422, "validation-failed");
    assert_eq!(text.error_locations(), ["/text"]);
    speaker.assert_problem(422, "validation-failed");
    assert_eq!(speaker.error_locations(), ["/speaker_name"]);
    empty.assert_problem(422, "validation-failed");
    assert_eq!(empty.error_locations(), ["/text"]);
    assert_eq!(app.get(&path).await.body, created);
}

async fn unknown_field_is_422_on_post_put_and_patch(app: TestApp) {
    let article_id = article(&app, "unknown-fields").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);
    let mut with_unknown = full_quote();
    with_unknown["mood"] = json!("angry");

    let post = app.post(&quotes_path(&article_id), &with_unknown).await;
    let put = app.put(&path, &with_unknown).await;
    let patch = app.patch(&path, &json!({"mood": "angry"})).await;

    for reply in [&post, &put, &patch] {
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/mood"]);
    }
    assert_eq!(app.get(&path).await.body, created);
    assert_eq!(app.quotes(&article_id).await.len(), 1);
}

async fn every_write_grows_the_version_by_one(app: TestApp) {
    let article_id = article(&app, "versions").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[0]);

    let patched = app.patch(&path, &json!({"context": "c"})).await;
    let put = app.put(&path, &json!({"text": "A", "speaker_name": "S"})).await;
    let moved = app.patch(&path, &json!({"position": 1})).await;

    assert_eq!([&patched, &put, &moved].map(|r| r.body["version"].clone()), [json!(2), json!(3), json!(4)]);
    assert_eq!(moved.header("etag"), Some("\"4\""));
    assert_eq!(app.get(&path).await.header("etag"), Some("\"4\""));
}

async fn stale_if_match_is_412_and_changes_nothing(app: TestApp) {
    let article_id = article(&app, "guarded").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[0]);
    let changed = app.patch(&path, &json!({"context": "v2"})).await.body;
    assert_eq!(changed["version"], 2);

    let put = app
        .send(
            app.request(Method::PUT, &path)
                .header("if-match", "\"1\"")
                .json(&json!({"text": "X", "speaker_name": "S", "position": 1})),
        )
        .await;
    let patch =
        send_with(&app, Method::PATCH, &path, ("if-match", "\"1\""), Some(&json!({"text": "X", "position": 1}))).await;
    let weak = send_with(&app, Method::PATCH, &path, ("if-match", "W/\"2\""), Some(&json!({"text": "X"}))).await;
    let delete = send_with(&app, Method::DELETE, &path, ("if-match", "\"1\""), None).await;

    for reply in [&put, &patch, &weak, &delete] {
        reply.assert_problem(412, "precondition-failed");
    }
    assert_eq!(app.get(&path).await.body, changed);
    assert_eq!(texts(&app, &article_id).await, ["A", "B"]);
}

async fn matching_if_match_lets_writes_through(app: TestApp) {
    let article_id = article(&app, "if-match").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let put = app
        .send(
            app.request(Method::PUT, &path)
                .header("if-match", "\"1\"")
                .json(&json!({"text": "T2", "speaker_name": "S"})),
        )
        .await;
    let patch = send_with(&app, Method::PATCH, &path, ("if-match", "\"9\", \"2\""), Some(&json!({"text": "T3"}))).await;
    let delete = send_with(&app, Method::DELETE, &path, ("if-match", "\"3\""), None).await;

    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(patch.status, 200, "{}", patch.text);
    assert_eq!(patch.body["text"], "T3");
    assert_eq!(delete.status, 204, "{}", delete.text);
    app.get(&path).await.assert_problem(404, "not-found");
}

async fn non_uuid_quote_id_is_400(app: TestApp) {
    let article_id = article(&app, "bad-ids").await;
    app.add_quote(&article_id, &full_quote()).await;

    for id in ["not-a-uuid", "bad-ids", "12345"] {
        let path = format!("/v1/quotes/{id}");
        let get = app.get(&path).await;
        let put = app.put(&path, &full_quote()).await;
        let patch = app.patch(&path, &json!({"text": "x"})).await;
        let delete = app.delete(&path).await;

        for reply in [&get, &put, &patch, &delete] {
            reply.assert_problem(400, "bad-request");
        }
    }
    assert_eq!(app.quotes(&article_id).await.len(), 1);
}

async fn unknown_quote_id_is_404(app: TestApp) {
    let article_id = article(&app, "missing").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = format!("/v1/quotes/{}", uuid::Uuid::now_v7());

    let get = app.get(&path).await;
    let put = app.put(&path, &full_quote()).await;
    let patch = app.patch(&path, &json!({"text": "x"})).await;
    let delete = app.delete(&path).await;
    let article_as_quote = app.get(&format!("/v1/quotes/{article_id}")).await;

    for reply in [&get, &put, &patch, &delete, &article_as_quote] {
        reply.assert_problem(404, "not-found");
    }
    assert_eq!(app.quotes(&article_id).await, vec![created]);
}

async fn delete_returns_204_then_404(app: TestApp) {
    let article_id = article(&app, "deleted").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[0]);

    let first = app.delete(&path).await;
    let second = app.delete(&path).await;

    assert_eq!(first.status, 204, "{}", first.text);
    assert!(first.text.is_empty());
    second.assert_problem(404, "not-found");
    app.get(&path).await.assert_problem(404, "not-found");
    app.patch(&path, &json!({"text": "x"})).await.assert_problem(404, "not-found");
    assert_eq!(texts(&app, &article_id).await, ["B"]);
    assert_eq!(ids(&search(&app, &[]).await.items()), [id_of(&q[1])]);
}

// ---------------------------------------------------------------------------
// Validation.

async fn empty_text_is_422(app: TestApp) {
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

async fn text_may_hold_5000_characters_but_not_5001(app: TestApp) {
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

async fn speaker_name_blank_or_over_200_characters_is_422(app: TestApp) {
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

async fn speaker_title_over_300_and_context_over_500_characters_are_422(app: TestApp) {
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

async fn nul_character_in_any_string_is_422(app: TestApp) {
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

async fn several_invalid_fields_are_reported_together(app: TestApp) {
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

async fn wrong_json_types_are_422_naming_the_field(app: TestApp) {
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

// ---------------------------------------------------------------------------
// Search.

async fn search_by_speaker_ignores_case(app: TestApp) {
    let one = article(&app, "one").await;
    let two = article(&app, "two").await;
    let a = app.add_quote(&one, &json!({"text": "First.", "speaker_name": "Kim Yo-jong"})).await;
    let b = app.add_quote(&two, &json!({"text": "Second.", "speaker_name": "kim yo-jong"})).await;
    app.add_quote(&one, &json!({"text": "Other.", "speaker_name": "Kim Jong Un"})).await;
    app.add_quote(&two, &json!({"text": "Partial.", "speaker_name": "Kim Yo-jong Jr."})).await;
    let accented = app.add_quote(&two, &json!({"text": "Uruguay.", "speaker_name": "José Mujica"})).await;

    let upper = search(&app, &[("speaker", "KIM YO-JONG")]).await;
    let exact = search(&app, &[("speaker", "Kim Yo-jong")]).await;
    let different = search(&app, &[("speaker", "Park Jin")]).await;
    let non_ascii = search(&app, &[("speaker", "JOSÉ MUJICA")]).await;

    assert_eq!(ids(&upper.items()), [id_of(&b), id_of(&a)], "both spellings, newest first");
    assert_eq!(ids(&exact.items()), ids(&upper.items()));
    assert_eq!(ids(&different.items()), Vec::<String>::new());
    assert_eq!(ids(&non_ascii.items()), [id_of(&accented)]);
    assert_eq!(upper.body["items"][1], a, "items are whole quotes");
}

async fn search_by_article_takes_its_id_or_its_slug(app: TestApp) {
    let one = article(&app, "article-one").await;
    let two = article(&app, "article-two").await;
    let q1 = add_all(&app, &one, &["A", "B"]).await;
    add_text(&app, &two, "C").await;

    let by_id = search(&app, &[("article", one.as_str())]).await;
    let by_slug = search(&app, &[("article", "article-one")]).await;
    let unknown = search(&app, &[("article", "no-such-article")]).await;

    assert_eq!(ids(&by_id.items()), [id_of(&q1[1]), id_of(&q1[0])]);
    assert_eq!(by_slug.body, by_id.body);
    assert_eq!(ids(&unknown.items()), Vec::<String>::new());
}

async fn search_q_uses_english_stemming_and_requires_every_word(app: TestApp) {
    let article_id = article(&app, "stemming").await;
    let provocation = app
        .add_quote(
            &article_id,
            &json!({"text": "We will respond firmly to any provocation.", "speaker_name": "Park Jin"}),
        )
        .await;
    let elections = app
        .add_quote(
            &article_id,
            &json!({"text": "The elections were neither free nor fair.", "speaker_name": "Observer"}),
        )
        .await;
    app.add_quote(
        &article_id,
        &json!({"text": "Nothing to see here.", "speaker_name": "Park Jin", "context": "provocation"}),
    )
    .await;

    let stemmed = search(&app, &[("q", "provocations")]).await;
    let both_words = search(&app, &[("q", "firmly provocation")]).await;
    let one_missing = search(&app, &[("q", "provocation banana")]).await;
    let other_stem = search(&app, &[("q", "election")]).await;
    let upper = search(&app, &[("q", "PROVOCATION")]).await;

    assert_eq!(ids(&stemmed.items()), [id_of(&provocation)], "context is not searched");
    assert_eq!(ids(&both_words.items()), [id_of(&provocation)]);
    assert_eq!(ids(&one_missing.items()), Vec::<String>::new(), "every word must match");
    assert_eq!(ids(&other_stem.items()), [id_of(&elections)]);
    assert_eq!(ids(&upper.items()), [id_of(&provocation)]);
}

async fn search_follows_changes_to_text_and_speaker(app: TestApp) {
    let article_id = article(&app, "changes").await;
    let quote = app.add_quote(&article_id, &json!({"text": "The harvest failed.", "speaker_name": "Farmer Lee"})).await;

    let reply = app
        .patch(&quote_path(&quote), &json!({"text": "The reservoir overflowed.", "speaker_name": "Engineer Choi"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    assert_eq!(ids(&search(&app, &[("q", "harvest")]).await.items()), Vec::<String>::new());
    assert_eq!(ids(&search(&app, &[("q", "reservoir")]).await.items()), [id_of(&quote)]);
    assert_eq!(ids(&search(&app, &[("speaker", "farmer lee")]).await.items()), Vec::<String>::new());
    assert_eq!(ids(&search(&app, &[("speaker", "ENGINEER CHOI")]).await.items()), [id_of(&quote)]);
}

async fn search_filters_combine(app: TestApp) {
    let one = article(&app, "combo-one").await;
    let two = article(&app, "combo-two").await;
    let target = app.add_quote(&one, &json!({"text": "Sanctions will fail.", "speaker_name": "Kim Yo-jong"})).await;
    // Each decoy misses exactly one of the three filters.
    app.add_quote(&two, &json!({"text": "Sanctions will fail.", "speaker_name": "Kim Yo-jong"})).await;
    app.add_quote(&one, &json!({"text": "Sanctions will fail.", "speaker_name": "Park Jin"})).await;
    app.add_quote(&one, &json!({"text": "Talks will fail.", "speaker_name": "Kim Yo-jong"})).await;

    let reply = search(&app, &[("speaker", "kim yo-jong"), ("article", "combo-one"), ("q", "sanction")]).await;
    let two_filters = search(&app, &[("speaker", "kim yo-jong"), ("q", "sanctions")]).await;

    assert_eq!(ids(&reply.items()), [id_of(&target)]);
    assert_eq!(ids(&two_filters.items()).len(), 2);
}

async fn search_lists_newest_first(app: TestApp) {
    let one = article(&app, "newest-one").await;
    let two = article(&app, "newest-two").await;
    let mut created = Vec::new();
    for i in 0..6 {
        let article_id = if i % 2 == 0 { &one } else { &two };
        created.push(add_text(&app, article_id, &format!("quote {i}")).await);
    }

    let reply = search(&app, &[]).await;

    let expected: Vec<String> = created.iter().rev().map(|q| id_of(q).to_owned()).collect();
    assert_eq!(ids(&reply.items()), expected);
    assert_eq!(reply.body["next_cursor"], Value::Null);
    let times: Vec<chrono::DateTime<chrono::Utc>> = reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["created_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}

async fn search_pages_through_many_quotes_without_skips_or_repeats(app: TestApp) {
    let articles = [article(&app, "many-a").await, article(&app, "many-b").await, article(&app, "many-c").await];
    let mut created = Vec::new();
    for i in 0..45 {
        created.push(add_text(&app, &articles[i % 3], &format!("quote {i}")).await);
    }
    let newest_first: Vec<String> = created.iter().rev().map(|q| id_of(q).to_owned()).collect();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    let mut late = None;
    loop {
        let mut params = vec![("limit", "7".to_owned())];
        if let Some(cursor) = &cursor {
            params.push(("cursor", cursor.clone()));
        }
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = search(&app, &params).await;
        seen.extend(ids(&page.items()));
        pages += 1;
        assert!(pages <= 10, "paging does not end");
        if pages == 2 {
            // Rows come and go while the client pages: a new quote (newer than the
            // cursor) and the deletion of one not yet seen.
            late = Some(add_text(&app, &articles[0], "late").await);
            let doomed = &newest_first[30];
            assert_eq!(app.delete(&format!("/v1/quotes/{doomed}")).await.status, 204);
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => {
                assert!(app.next_link(&page).is_some(), "Link repeats next_cursor");
                cursor = Some(next.to_owned());
            }
            None => {
                assert_eq!(app.next_link(&page), None);
                break;
            }
        }
    }

    let mut expected = newest_first.clone();
    expected.remove(30);
    assert_eq!(seen, expected, "every row once, newest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len());
    assert_eq!(pages, 7, "44 rows in pages of 7");
    let everything = search(&app, &[("limit", "100")]).await;
    assert_eq!(ids(&everything.items())[0], id_of(late.as_ref().unwrap()));
    assert_eq!(ids(&everything.items()).len(), 45);
}

async fn search_unknown_or_invalid_parameter_is_422_and_bad_cursor_400(app: TestApp) {
    let article_id = article(&app, "params").await;
    add_text(&app, &article_id, "A").await;

    let long_speaker = "x".repeat(201);
    for (params, location) in [
        (vec![("speakr", "Kim")], "speakr"),
        (vec![("sort", "created_at")], "sort"),
        (vec![("limit", "0")], "limit"),
        (vec![("limit", "101")], "limit"),
        (vec![("article", "Not A Slug!")], "article"),
        (vec![("speaker", long_speaker.as_str())], "speaker"),
        (vec![("speaker", "a\u{0}b")], "speaker"),
        (vec![("q", "a\u{0}b")], "q"),
    ] {
        let reply = search(&app, &params).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), [location], "{params:?}");
    }
    let both = search(&app, &[("limit", "0"), ("article", "Bad Slug")]).await;
    both.assert_problem(422, "validation-failed");
    let mut locations = both.error_locations();
    locations.sort();
    assert_eq!(locations, ["article", "limit"]);
    search(&app, &[("cursor", "not-a-cursor")]).await.assert_problem(400, "bad-request");
}

async fn hostile_q_values_never_cause_a_server_error(app: TestApp) {
    let article_id = article(&app, "hostile").await;
    let quote = app
        .add_quote(
            &article_id,
            &json!({"text": "We will respond firmly to any provocation.", "speaker_name": "Park Jin"}),
        )
        .await;
    let long = "provocation ".repeat(41);
    let hostile = [
        "\"",
        "'",
        "\"provocation",
        "provocation\"",
        "NEAR(",
        "NEAR(provocation firmly",
        "NEAR(provocation firmly, 2)",
        "*",
        "provocation*",
        "provocation:*",
        "-provocation",
        "^provocation",
        "text:provocation",
        "{text}: provocation",
        "(provocation",
        "provocation)",
        "provocation AND",
        "OR provocation",
        "NOT provocation",
        "provocation & firmly | !x",
        "!!",
        "&|!():*",
        "' OR 1=1 --",
        "'; DROP TABLE quotes; --",
        "provocation'); DELETE FROM quotes; --",
        "%",
        "_",
        "\\",
        "provocation\\",
        "\u{0}",
        "한국 🚀",
        "the",
        long.as_str(),
    ];

    for q in hostile {
        let reply = search(&app, &[("q", q)]).await;

        assert!(reply.status == 200 || reply.status == 422, "q={q:?}: {} {}", reply.status, reply.text);
        if reply.status == 422 {
            reply.assert_problem(422, "validation-failed");
            assert_eq!(reply.error_locations(), ["q"], "q={q:?}");
        } else {
            assert_eq!(reply.header("content-type"), Some("application/json"));
            assert!(reply.body["items"].is_array(), "q={q:?}: {}", reply.text);
        }
    }
    for q in
        ["\"provocation", "provocation\"", "provocation*", "provocation:*", "(provocation)", "provocation & firmly"]
    {
        let reply = search(&app, &[("q", q)]).await;
        assert!(
            ids(&reply.items()).contains(&id_of(&quote).to_owned()),
            "syntax is read as plain words: q={q:?}: {}",
            reply.text
        );
    }
    assert_eq!(app.get(&quote_path(&quote)).await.body, quote, "nothing was harmed");
}

// ---------------------------------------------------------------------------
// Cascade.

async fn deleting_the_article_deletes_its_quotes(app: TestApp) {
    let doomed = article(&app, "doomed").await;
    let kept = article(&app, "kept").await;
    let gone = app.add_quote(&doomed, &json!({"text": "The bridge collapsed.", "speaker_name": "Mayor Han"})).await;
    let gone_too = add_text(&app, &doomed, "Second quote.").await;
    let stays = app.add_quote(&kept, &json!({"text": "The bridge stood.", "speaker_name": "Mayor Han"})).await;

    assert_eq!(app.delete("/v1/articles/doomed").await.status, 204);

    app.get(&quote_path(&gone)).await.assert_problem(404, "not-found");
    app.get(&quote_path(&gone_too)).await.assert_problem(404, "not-found");
    app.delete(&quote_path(&gone)).await.assert_problem(404, "not-found");
    app.get(&quotes_path(&doomed)).await.assert_problem(404, "not-found");
    assert_eq!(ids(&search(&app, &[("speaker", "mayor han")]).await.items()), [id_of(&stays)]);
    assert_eq!(ids(&search(&app, &[("q", "bridge")]).await.items()), [id_of(&stays)]);
    assert_eq!(ids(&search(&app, &[("article", doomed.as_str())]).await.items()), Vec::<String>::new());
    assert_eq!(ids(&search(&app, &[]).await.items()), [id_of(&stays)]);
    assert_eq!(app.quotes(&kept).await, vec![stays]);
}
