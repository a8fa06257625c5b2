//! `GET /v1/articles`: which articles are listed, the filters, full-text search, the
//! sort orders, keyset pagination (`limit`, `cursor`, `Link`, `count`) and the
//! errors of a bad list request.

use std::cmp::Ordering;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, id_of};

// One file per section; the list below and the helpers the sections share stay
// here, so that every test keeps its name (`articles_list::...`).
mod errors;
mod filters;
mod full_text_search;
mod keyset_while_rows_change;
mod pagination;
mod relevance;
mod sort_orders;
mod what_is_listed;

use errors::*;
use filters::*;
use full_text_search::*;
use keyset_while_rows_change::*;
use pagination::*;
use relevance::*;
use sort_orders::*;
use what_is_listed::*;

crate::tests![
    // What is listed.
    an_empty_list_is_no_items_and_a_null_next_cursor,
    default_list_shows_published_articles_newest_first_and_hides_drafts_archived_and_scheduled_ones,
    status_published_given_explicitly_also_hides_scheduled_articles,
    status_any_lists_every_article_including_scheduled_ones,
    status_draft_lists_only_drafts,
    status_archived_lists_only_archived_articles_whatever_their_date,
    // Filters.
    section_filter_lists_only_that_section,
    source_name_filter_lists_only_that_source,
    language_filter_lists_only_that_language,
    tag_filter_ignores_case,
    repeated_tag_filters_require_every_tag,
    a_tag_page_follows_every_change_of_its_articles,
    published_after_is_inclusive_and_published_before_is_exclusive,
    published_after_and_before_accept_any_utc_offset,
    undated_articles_never_match_a_date_filter,
    date_filter_bounds_beyond_the_year_9999_in_utc_compare_as_times,
    all_filters_combine_and_each_one_excludes_its_own_decoy,
    // Full-text search.
    q_searches_title_summary_and_body,
    q_uses_english_stemming,
    q_requires_every_word_but_the_words_may_sit_in_different_fields,
    q_does_not_find_drafts_by_default,
    fts5_syntax_in_q_is_matched_as_plain_words,
    hostile_q_values_get_200_or_422_and_never_a_server_error,
    q_without_any_letter_or_digit_is_no_search,
    nul_character_in_a_filter_value_is_422_naming_the_parameter,
    // Search that ranks.
    q_sorts_by_relevance_by_default_and_many_mentions_rank_above_one,
    quoted_words_are_a_phrase,
    a_minus_excludes_a_word_or_a_phrase,
    or_gives_either_and_binds_loosest,
    paging_by_relevance_gives_every_hit_once_in_rank_order,
    a_relevance_cursor_continues_only_its_own_search_and_order,
    sort_relevance_without_a_search_is_422_naming_sort,
    snippets_mark_the_matched_words_and_escape_everything_else,
    hostile_queries_give_hits_or_an_empty_list_never_an_error,
    // Sort orders.
    sort_published_at_lists_oldest_first,
    sort_by_updated_at_follows_the_last_change_in_both_directions,
    ties_on_published_at_are_broken_by_id_in_the_sort_direction,
    undated_drafts_come_last_in_both_published_at_orders,
    paging_across_the_boundary_between_dated_and_undated_rows_skips_and_repeats_nothing,
    // Pagination.
    limit_defaults_to_20,
    limit_1_and_limit_100_are_accepted,
    next_cursor_is_null_and_there_is_no_link_when_the_last_page_is_exactly_full,
    following_next_cursor_visits_every_row_once_in_order,
    link_header_is_a_full_url_that_keeps_the_other_parameters_and_gives_the_next_page,
    count_true_adds_the_total_of_all_matching_rows_on_every_page,
    total_is_absent_unless_count_is_true,
    // Keyset pagination while rows come and go.
    keyset_paging_newest_first_neither_skips_nor_repeats_rows_while_others_come_and_go,
    keyset_paging_oldest_first_with_undated_drafts_neither_skips_nor_repeats_rows,
    keyset_paging_newest_first_with_undated_drafts_neither_skips_nor_repeats_rows,
    keyset_paging_by_updated_at_neither_skips_nor_repeats_rows,
    // Errors.
    limit_outside_1_to_100_or_not_an_integer_is_422_naming_limit,
    unknown_query_parameter_is_422_naming_it,
    repeated_single_valued_parameter_is_422_naming_it,
    bad_status_sort_timestamp_or_count_is_422_naming_the_parameter,
    every_bad_parameter_is_reported_in_one_422,
    malformed_cursor_is_400_bad_request,
    cursor_with_any_one_character_changed_is_400_bad_request,
    cursor_made_for_another_sort_is_400_bad_request,
];

const LIST: &str = "/v1/articles";

/// Query parameters as name and value pairs.
type Params<'a> = &'a [(&'a str, &'a str)];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// `GET /v1/articles` with a properly percent-encoded query string.
async fn list<Q: Serialize + ?Sized>(app: &TestApp, query: &Q) -> Reply {
    app.send(app.request(Method::GET, LIST).query(query)).await
}

/// Creates an article: a published one with a body unless `extra` says otherwise.
async fn article(app: &TestApp, title: &str, extra: Value) -> Value {
    let mut body = json!({"title": title, "body": "Some text.", "status": "published"});
    let fields = body.as_object_mut().expect("object");
    for (key, value) in extra.as_object().expect("extra fields are an object") {
        fields.insert(key.clone(), value.clone());
    }
    app.create_article(&body).await
}

/// Noon on a day of March 2024.
fn day(d: u32) -> String {
    format!("2024-03-{d:02}T12:00:00Z")
}

/// A timestamp as the API writes it.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn title(article: &Value) -> &str {
    article["title"].as_str().expect("article title")
}

fn titles_of(articles: &[Value]) -> Vec<String> {
    articles.iter().map(|a| title(a).to_owned()).collect()
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

/// Asserts a well-formed 200 list page and returns its items. On every page the
/// `Link` header is there exactly when `next_cursor` is.
#[track_caller]
fn items(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "body: {}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"), "body: {}", reply.text);
    let next = reply.body.get("next_cursor").unwrap_or_else(|| panic!("no next_cursor: {}", reply.text));
    assert!(next.is_null() || next.as_str().is_some_and(|c| !c.is_empty()), "next_cursor: {next}");
    assert_eq!(
        reply.header("link").is_some(),
        next.is_string(),
        "a Link header goes with a next_cursor and only with one: {:?} / {}",
        reply.headers,
        reply.text
    );
    reply.body["items"].as_array().unwrap_or_else(|| panic!("no items array: {}", reply.text)).clone()
}

#[track_caller]
fn titles(reply: &Reply) -> Vec<String> {
    titles_of(&items(reply))
}

fn next_cursor(reply: &Reply) -> Option<String> {
    reply.body["next_cursor"].as_str().map(str::to_owned)
}

/// Asserts a 422 `validation-failed` whose `errors` name exactly these parameters.
#[track_caller]
fn assert_invalid(reply: &Reply, parameters: &[&str], context: &str) {
    assert_eq!(reply.status, 422, "{context}: {}", reply.text);
    reply.assert_problem(422, "validation-failed");
    assert_eq!(
        sorted(reply.error_locations()),
        sorted(parameters.iter().map(|p| (*p).to_owned()).collect()),
        "{context}"
    );
    for error in reply.body["errors"].as_array().expect("errors") {
        assert!(error["parameter"].is_string(), "{context}: a query error names its parameter: {error}");
        assert!(error["detail"].as_str().is_some_and(|d| !d.is_empty()), "{context}: {error}");
    }
}

/// Follows `next_cursor` from the first page to the last with `limit`, checking
/// each page, and returns the titles in the order they came.
async fn all_pages(app: &TestApp, params: Params<'_>, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut query: Vec<(&str, String)> = params.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        query.push(("limit", limit.to_string()));
        if let Some(cursor) = cursor.take() {
            query.push(("cursor", cursor));
        }
        let reply = list(app, &query).await;
        let page = titles(&reply);
        assert!(page.len() <= limit, "{} rows on a page of {limit}", page.len());
        seen.extend(page.iter().cloned());
        match next_cursor(&reply) {
            Some(next) => {
                assert_eq!(page.len(), limit, "a page that has a next page is full");
                cursor = Some(next);
            }
            None => return seen,
        }
    }
    panic!("paging did not end after 100 pages");
}

/// The value a sort order sorts on (`None` for an undated article).
fn sort_key(sort: &str, article: &Value) -> Option<DateTime<Utc>> {
    let field = sort.trim_start_matches('-');
    article[field]
        .as_str()
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap_or_else(|e| panic!("{field} `{t}`: {e}")).to_utc())
}

/// The contract's order: by the sort key in the sort direction, undated rows last
/// in both directions, ties broken by id in the sort direction.
fn compare(sort: &str, a: &Value, b: &Value) -> Ordering {
    let descending = sort.starts_with('-');
    let directed = |o: Ordering| if descending { o.reverse() } else { o };
    let by_key = match (sort_key(sort, a), sort_key(sort, b)) {
        (Some(x), Some(y)) => directed(x.cmp(&y)),
        (x, y) => x.is_none().cmp(&y.is_none()),
    };
    by_key.then_with(|| directed(id_of(a).cmp(id_of(b))))
}

/// The titles of `articles` in the contract's order for `sort`.
fn in_order(sort: &str, articles: &[Value]) -> Vec<String> {
    let mut articles = articles.to_vec();
    articles.sort_by(|a, b| compare(sort, a, b));
    titles_of(&articles)
}

/// Whether `article` is in the list for `status=any` or `status=published` now.
fn listed(status: &str, article: &Value) -> bool {
    status == "any"
        || (article["status"] == "published" && sort_key("published_at", article).is_some_and(|at| at <= Utc::now()))
}

/// Seeds a mix for the keyset tests: ten published rows (three at the same moment),
/// a dated draft, an archived and a scheduled row, and four undated drafts.
async fn seed_for_paging(app: &TestApp) -> Vec<Value> {
    let mut rows = Vec::new();
    for (n, d) in [1, 2, 3, 4, 5, 5, 5, 6, 7, 8].into_iter().enumerate() {
        rows.push(article(app, &format!("Published {n}"), json!({"published_at": day(d)})).await);
    }
    rows.push(article(app, "Dated draft", json!({"status": "draft", "published_at": day(4)})).await);
    rows.push(article(app, "Archived", json!({"status": "archived", "published_at": day(9)})).await);
    rows.push(article(app, "Scheduled", json!({"published_at": "2099-01-01T00:00:00Z"})).await);
    for n in 1..=4 {
        rows.push(article(app, &format!("Undated draft {n}"), json!({"status": "draft"})).await);
    }
    rows
}

/// New rows around `at`'s position: just before, at and just after its sort key (for
/// a dated `published_at` position), a dated row otherwise, and an undated draft.
async fn insert_around(app: &TestApp, sort: &str, at: &Value, round: usize) -> Vec<Value> {
    let name = |n: &str| format!("Inserted in round {round} {n}");
    let mut rows = Vec::new();
    match sort_key(sort, at) {
        Some(key) if sort.ends_with("published_at") => {
            for (n, when) in [
                ("before", key - TimeDelta::seconds(1)),
                ("at the same time", key),
                ("after", key + TimeDelta::seconds(1)),
            ] {
                rows.push(article(app, &name(n), json!({"published_at": stamp(when)})).await);
            }
        }
        _ => rows.push(article(app, &name("dated"), json!({"published_at": day(15)})).await),
    }
    rows.push(article(app, &name("undated draft"), json!({"status": "draft"})).await);
    rows
}

/// Pages through the list with `limit=3` while, between page requests, the row that
/// would come next (and, every other time, the row the cursor stands on) is deleted
/// and rows are inserted before, at and after the cursor's position. Every page must be exactly
/// what the contract predicts from the rows that exist when it is asked for; every
/// row present throughout is returned exactly once, and no row twice.
async fn page_while_rows_come_and_go(app: &TestApp, status: &str, sort: &str, live: &mut Vec<Value>) {
    const LIMIT: usize = 3;
    let present_at_start: Vec<String> =
        live.iter().filter(|a| listed(status, a)).map(|a| id_of(a).to_owned()).collect();
    let mut deleted: Vec<String> = Vec::new();
    let mut returned: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut position: Option<Value> = None;
    for round in 0.. {
        assert!(round < 50, "sort={sort}: paging did not end");
        let mut query = vec![("status", status.to_owned()), ("sort", sort.to_owned()), ("limit", LIMIT.to_string())];
        if let Some(cursor) = cursor.take() {
            query.push(("cursor", cursor));
        }
        let reply = list(app, &query).await;
        let page = items(&reply);

        let mut ahead: Vec<Value> = live
            .iter()
            .filter(|a| listed(status, a))
            .filter(|a| position.as_ref().is_none_or(|p| compare(sort, a, p) == Ordering::Greater))
            .cloned()
            .collect();
        ahead.sort_by(|a, b| compare(sort, a, b));
        assert_eq!(
            titles_of(&page),
            titles_of(&ahead[..ahead.len().min(LIMIT)]),
            "status={status} sort={sort}, page {round}"
        );
        assert_eq!(next_cursor(&reply).is_some(), ahead.len() > LIMIT, "sort={sort}, page {round}: {}", reply.text);
        returned.extend(page.iter().cloned());
        let Some(next) = next_cursor(&reply) else {
            break;
        };
        let last = page.last().expect("a page with a next page has rows").clone();

        // The cursor's own row goes on every other round; the next row always.
        let doomed = if round % 2 == 0 { vec![&last, &ahead[LIMIT]] } else { vec![&ahead[LIMIT]] };
        for gone in doomed {
            let reply = app.delete(&format!("{LIST}/{}", id_of(gone))).await;
            assert_eq!(reply.status, 204, "{}", reply.text);
            deleted.push(id_of(gone).to_owned());
            live.retain(|a| id_of(a) != id_of(gone));
        }
        live.extend(insert_around(app, sort, &last, round).await);
        position = Some(last);
        cursor = Some(next);
    }
    for keeper in present_at_start.iter().filter(|k| !deleted.contains(k)) {
        let times = returned.iter().filter(|a| id_of(a) == keeper).count();
        assert_eq!(times, 1, "sort={sort}: row {keeper}, present throughout, was returned {times} times");
    }
    let mut ids: Vec<&str> = returned.iter().map(id_of).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), returned.len(), "sort={sort}: a row was returned twice: {:?}", titles_of(&returned));
}
