//! Quotes: create (by article id or slug), positions within an article (insert,
//! move, delete, concurrent writers), the per-article list and its paging, single
//! quote reads and writes with ETags, validation, the cross-article search
//! `GET /v1/quotes`, and the cascade when an article goes.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, id_of, ids, quote_path, quotes_path};

// One file per section; the list below and the helpers the sections share stay
// here, so that every test keeps its name (`quotes::...`).
mod cascade;
mod create;
mod one_quote;
mod per_article_list;
mod positions;
mod relevance;
mod search;
mod validation;

use cascade::*;
use create::*;
use one_quote::*;
use per_article_list::*;
use positions::*;
use relevance::*;
use search::*;
use validation::*;

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
    // Search that ranks.
    quote_search_with_q_ranks_by_relevance_and_carries_search,
    quote_search_has_phrases_exclusions_and_or,
    quote_search_pages_by_rank_without_skips_or_repeats,
    quote_sort_relevance_without_q_or_an_unknown_sort_is_422,
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
