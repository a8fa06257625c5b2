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
    search_syntax_in_q_is_matched_as_plain_words,
    hostile_q_values_get_200_or_422_and_never_a_server_error,
    q_without_any_letter_or_digit_is_no_search,
    nul_character_in_a_filter_value_is_422_naming_the_parameter,
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

// ---------------------------------------------------------------------------
// What is listed
// ---------------------------------------------------------------------------

async fn an_empty_list_is_no_items_and_a_null_next_cursor(app: TestApp) {
    let reply = app.get(LIST).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, json!({"items": [], "next_cursor": null}));
    assert_eq!(reply.header("link"), None);
}

async fn default_list_shows_published_articles_newest_first_and_hides_drafts_archived_and_scheduled_ones(app: TestApp) {
    let now = Utc::now();
    let older = article(&app, "Older story", json!({"published_at": day(1)})).await;
    let newer = article(&app, "Newer story", json!({"published_at": day(2)})).await;
    let minute_ago =
        article(&app, "Story from a minute ago", json!({"published_at": stamp(now - TimeDelta::minutes(1))})).await;
    let dated_now = article(&app, "Story published without a date", json!({})).await;
    article(&app, "Dated draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;
    article(&app, "Archived story", json!({"status": "archived", "published_at": day(4)})).await;
    article(&app, "Scheduled in ten minutes", json!({"published_at": stamp(now + TimeDelta::minutes(10))})).await;
    article(&app, "Scheduled next century", json!({"published_at": "2099-01-01T00:00:00Z"})).await;

    let reply = app.get(LIST).await;

    let listed = items(&reply);
    let expected = [dated_now, minute_ago, newer, older];
    assert_eq!(titles_of(&listed), titles_of(&expected));
    for (item, created) in listed.iter().zip(&expected) {
        let single = app.get(&format!("{LIST}/{}", id_of(created))).await;
        assert_eq!(single.status, 200, "{}", single.text);
        assert_eq!(item, &single.body, "a listed item is the article as GET shows it");
    }
    assert_eq!(reply.body["next_cursor"], Value::Null);
    let keys: Vec<String> = reply.body.as_object().unwrap().keys().cloned().collect();
    assert_eq!(sorted(keys), ["items", "next_cursor"], "no total without count=true: {}", reply.text);
}

async fn status_published_given_explicitly_also_hides_scheduled_articles(app: TestApp) {
    article(&app, "Out already", json!({"published_at": day(1)})).await;
    article(&app, "Out in an hour", json!({"published_at": stamp(Utc::now() + TimeDelta::hours(1))})).await;
    article(&app, "A draft", json!({"status": "draft"})).await;

    let reply = list(&app, &[("status", "published")]).await;

    assert_eq!(titles(&reply), ["Out already"]);
}

async fn status_any_lists_every_article_including_scheduled_ones(app: TestApp) {
    article(&app, "Published", json!({"published_at": day(2)})).await;
    article(&app, "Dated draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;
    article(&app, "Archived", json!({"status": "archived", "published_at": day(4)})).await;
    article(&app, "Scheduled", json!({"published_at": "2099-01-01T00:00:00Z"})).await;

    let reply = list(&app, &[("status", "any")]).await;

    assert_eq!(titles(&reply), ["Scheduled", "Archived", "Dated draft", "Published", "Undated draft"]);
    let statuses: Vec<&Value> = reply.body["items"].as_array().unwrap().iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses, ["published", "archived", "draft", "published", "draft"]);
}

async fn status_draft_lists_only_drafts(app: TestApp) {
    article(&app, "Published", json!({"published_at": day(2)})).await;
    article(&app, "Dated draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;
    article(&app, "Archived", json!({"status": "archived", "published_at": day(4)})).await;

    let reply = list(&app, &[("status", "draft")]).await;

    assert_eq!(titles(&reply), ["Dated draft", "Undated draft"]);
}

async fn status_archived_lists_only_archived_articles_whatever_their_date(app: TestApp) {
    article(&app, "Published", json!({"published_at": day(2)})).await;
    article(&app, "Draft", json!({"status": "draft", "published_at": day(3)})).await;
    article(&app, "Archived", json!({"status": "archived", "published_at": day(4)})).await;
    article(&app, "Archived undated", json!({"status": "archived"})).await;
    article(&app, "Archived future-dated", json!({"status": "archived", "published_at": "2099-01-01T00:00:00Z"})).await;

    let reply = list(&app, &[("status", "archived")]).await;

    assert_eq!(titles(&reply), ["Archived future-dated", "Archived", "Archived undated"]);
}

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

async fn section_filter_lists_only_that_section(app: TestApp) {
    article(&app, "World one", json!({"section": "World", "published_at": day(1)})).await;
    article(&app, "World two", json!({"section": "World", "published_at": day(2)})).await;
    article(&app, "Business", json!({"section": "Business", "published_at": day(3)})).await;
    article(&app, "No section", json!({"published_at": day(4)})).await;
    article(&app, "World draft", json!({"section": "World", "status": "draft"})).await;
    article(&app, "Arts", json!({"section": "Arts & Culture", "published_at": day(5)})).await;

    assert_eq!(titles(&list(&app, &[("section", "World")]).await), ["World two", "World one"]);
    assert_eq!(titles(&list(&app, &[("section", "Business")]).await), ["Business"]);
    assert_eq!(titles(&list(&app, &[("section", "Arts & Culture")]).await), ["Arts"]);
    assert_eq!(titles(&list(&app, &[("section", "Sport")]).await), Vec::<String>::new());
    assert_eq!(
        titles(&list(&app, &[("section", "World"), ("status", "any")]).await),
        ["World two", "World one", "World draft"]
    );
}

async fn source_name_filter_lists_only_that_source(app: TestApp) {
    article(&app, "From the wire", json!({"source_name": "Example Wire", "published_at": day(1)})).await;
    article(&app, "From elsewhere", json!({"source_name": "Other Wire", "published_at": day(2)})).await;
    article(&app, "Unsourced", json!({"published_at": day(3)})).await;
    article(&app, "Also from the wire", json!({"source_name": "Example Wire", "published_at": day(4)})).await;
    article(&app, "From the sons", json!({"source_name": "Smith & Sons; Ltd.", "published_at": day(5)})).await;

    assert_eq!(titles(&list(&app, &[("source_name", "Example Wire")]).await), ["Also from the wire", "From the wire"]);
    assert_eq!(titles(&list(&app, &[("source_name", "Other Wire")]).await), ["From elsewhere"]);
    assert_eq!(titles(&list(&app, &[("source_name", "Smith & Sons; Ltd.")]).await), ["From the sons"]);
    assert_eq!(titles(&list(&app, &[("source_name", "Example")]).await), Vec::<String>::new());
}

async fn language_filter_lists_only_that_language(app: TestApp) {
    article(&app, "English by default", json!({"published_at": day(1)})).await;
    article(&app, "En français", json!({"language": "fr", "published_at": day(2)})).await;
    article(&app, "Auf Deutsch", json!({"language": "de", "published_at": day(3)})).await;
    article(&app, "Encore en français", json!({"language": "fr", "published_at": day(4)})).await;

    assert_eq!(titles(&list(&app, &[("language", "fr")]).await), ["Encore en français", "En français"]);
    assert_eq!(titles(&list(&app, &[("language", "de")]).await), ["Auf Deutsch"]);
    assert_eq!(titles(&list(&app, &[("language", "en")]).await), ["English by default"]);
    assert_eq!(titles(&list(&app, &[("language", "ko")]).await), Vec::<String>::new());
}

async fn tag_filter_ignores_case(app: TestApp) {
    article(&app, "Tagged North Korea", json!({"tags": ["North Korea", "Defence"], "published_at": day(1)})).await;
    article(&app, "Tagged north korea", json!({"tags": ["north korea"], "published_at": day(2)})).await;
    article(&app, "Tagged Élysée", json!({"tags": ["Élysée"], "published_at": day(3)})).await;
    article(&app, "Untagged", json!({"published_at": day(4)})).await;

    for value in ["North Korea", "north korea", "NORTH KOREA", "nOrTh KoReA"] {
        let reply = list(&app, &[("tag", value)]).await;
        assert_eq!(titles(&reply), ["Tagged north korea", "Tagged North Korea"], "tag={value}");
    }
    for value in ["élysée", "ÉLYSÉE", "Élysée"] {
        assert_eq!(titles(&list(&app, &[("tag", value)]).await), ["Tagged Élysée"], "tag={value}");
    }
    assert_eq!(titles(&list(&app, &[("tag", "Korea")]).await), Vec::<String>::new(), "no partial match");
}

/// One tag alone, newest first, is read off the tag rows' own index, which repeat
/// each article's status and date: every page must still be what the general query
/// gives (the same tag twice takes that path), through publishing, archiving,
/// re-dating and retagging, with ties on the date broken by id.
async fn a_tag_page_follows_every_change_of_its_articles(app: TestApp) {
    let tagged = json!(["Budget"]);
    let mut ids = Vec::new();
    for (i, d) in [1, 2, 2, 2, 3, 5, 8].iter().enumerate() {
        let created = article(&app, &format!("Budget {i}"), json!({"tags": tagged, "published_at": day(*d)})).await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let draft = article(&app, "Budget draft", json!({"tags": tagged, "status": "draft"})).await;
    article(&app, "Budget archived", json!({"tags": tagged, "status": "archived", "published_at": day(4)})).await;
    article(&app, "Budget scheduled", json!({"tags": tagged, "published_at": "2999-01-01T00:00:00Z"})).await;
    article(&app, "Other tag", json!({"tags": ["Economy"], "published_at": day(6)})).await;

    let check = |expected_len: usize, context: &'static str| {
        let app = app.clone();
        async move {
            let fast = all_pages(&app, &[("tag", "budget")], 2).await;
            let general = all_pages(&app, &[("tag", "Budget"), ("tag", "BUDGET")], 3).await;
            assert_eq!(fast, general, "{context}");
            assert_eq!(fast.len(), expected_len, "{context}: {fast:?}");
            fast
        }
    };
    let first = check(7, "as created").await;
    assert_eq!(first[..2], ["Budget 6", "Budget 5"]);

    let path = |id: &str| format!("/v1/articles/{id}");
    let reply =
        app.patch(&path(draft["id"].as_str().unwrap()), &json!({"status": "published", "published_at": day(7)})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(check(8, "a draft published").await[1], "Budget draft");
    let reply = app.patch(&path(&ids[6]), &json!({"status": "archived"})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(!check(7, "an article archived").await.contains(&"Budget 6".to_owned()));
    let reply = app.patch(&path(&ids[0]), &json!({"published_at": day(9)})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(check(7, "an article re-dated").await[0], "Budget 0");
    let reply = app.patch(&path(&ids[1]), &json!({"tags": ["Economy"]})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(!check(6, "an article retagged").await.contains(&"Budget 1".to_owned()));
}

async fn repeated_tag_filters_require_every_tag(app: TestApp) {
    article(&app, "Korea and defence", json!({"tags": ["North Korea", "Defence"], "published_at": day(1)})).await;
    article(&app, "Korea only", json!({"tags": ["North Korea"], "published_at": day(2)})).await;
    article(&app, "Defence only", json!({"tags": ["Defence"], "published_at": day(3)})).await;
    article(
        &app,
        "Korea, defence and economy",
        json!({"tags": ["Economy", "defence", "NORTH KOREA"], "published_at": day(4)}),
    )
    .await;

    let both = list(&app, &[("tag", "north korea"), ("tag", "DEFENCE")]).await;
    assert_eq!(titles(&both), ["Korea, defence and economy", "Korea and defence"]);
    let three = list(&app, &[("tag", "Defence"), ("tag", "economy"), ("tag", "North Korea")]).await;
    assert_eq!(titles(&three), ["Korea, defence and economy"]);
    let unmatched = list(&app, &[("tag", "north korea"), ("tag", "Sport")]).await;
    assert_eq!(titles(&unmatched), Vec::<String>::new());
    let twice = list(&app, &[("tag", "Defence"), ("tag", "defence")]).await;
    assert_eq!(titles(&twice), ["Korea, defence and economy", "Defence only", "Korea and defence"]);
}

async fn published_after_is_inclusive_and_published_before_is_exclusive(app: TestApp) {
    for (name, at) in [
        ("Nine", "2024-03-28T09:00:00Z"),
        ("Ten", "2024-03-28T10:00:00Z"),
        ("Ten and a microsecond", "2024-03-28T10:00:00.000001Z"),
        ("Eleven", "2024-03-28T11:00:00Z"),
        ("Twelve", "2024-03-28T12:00:00Z"),
    ] {
        article(&app, name, json!({"published_at": at})).await;
    }
    let cases: [(Params, &[&str]); 6] = [
        (&[("published_after", "2024-03-28T10:00:00Z")], &["Twelve", "Eleven", "Ten and a microsecond", "Ten"]),
        (&[("published_before", "2024-03-28T11:00:00Z")], &["Ten and a microsecond", "Ten", "Nine"]),
        (
            &[("published_after", "2024-03-28T10:00:00Z"), ("published_before", "2024-03-28T12:00:00Z")],
            &["Eleven", "Ten and a microsecond", "Ten"],
        ),
        (&[("published_after", "2024-03-28T10:00:00.000001Z")], &["Twelve", "Eleven", "Ten and a microsecond"]),
        (&[("published_before", "2024-03-28T10:00:00.000001Z")], &["Ten", "Nine"]),
        (&[("published_after", "2024-03-28T12:00:00Z"), ("published_before", "2024-03-28T12:00:00Z")], &[]),
    ];
    for (query, expected) in cases {
        assert_eq!(titles(&list(&app, query).await), expected, "{query:?}");
    }
}

async fn published_after_and_before_accept_any_utc_offset(app: TestApp) {
    article(&app, "Nine", json!({"published_at": "2024-03-28T09:00:00Z"})).await;
    article(&app, "Ten", json!({"published_at": "2024-03-28T10:00:00Z"})).await;
    article(&app, "Eleven", json!({"published_at": "2024-03-28T11:00:00Z"})).await;

    // 11:00+01:00 is 10:00Z: inclusive.
    let after = list(&app, &[("published_after", "2024-03-28T11:00:00+01:00")]).await;
    assert_eq!(titles(&after), ["Eleven", "Ten"]);
    // 06:00-05:00 is 11:00Z: exclusive.
    let before = list(&app, &[("published_before", "2024-03-28T06:00:00-05:00")]).await;
    assert_eq!(titles(&before), ["Ten", "Nine"]);
    // Lowercase separators are RFC 3339 too.
    let lower = list(&app, &[("published_after", "2024-03-28t10:30:00z")]).await;
    assert_eq!(titles(&lower), ["Eleven"]);
}

async fn undated_articles_never_match_a_date_filter(app: TestApp) {
    article(&app, "Dated", json!({"published_at": day(2)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;

    for (name, value) in [("published_after", "2000-01-01T00:00:00Z"), ("published_before", "2100-01-01T00:00:00Z")] {
        let reply = list(&app, &[("status", "any"), (name, value)]).await;
        assert_eq!(titles(&reply), ["Dated"], "{name}={value}");
    }
}

async fn date_filter_bounds_beyond_the_year_9999_in_utc_compare_as_times(app: TestApp) {
    article(&app, "Dated", json!({"published_at": day(2)})).await;
    // A valid RFC 3339 time that is 10000-01-01T23:58:59Z: later than every article.
    let far = "9999-12-31T23:59:59-23:59";

    for (name, expected) in [("published_before", vec!["Dated"]), ("published_after", vec![])] {
        let reply = list(&app, &[(name, far)]).await;
        if reply.status == 422 {
            assert_invalid(&reply, &[name], &format!("{name}={far}"));
        } else {
            assert_eq!(titles(&reply), expected, "{name}={far}");
        }
    }
}

async fn all_filters_combine_and_each_one_excludes_its_own_decoy(app: TestApp) {
    let base = json!({
        "title": "Missile launch condemned",
        "body": "The missile launch drew protests.",
        "section": "World",
        "source_name": "Example Wire",
        "language": "fr",
        "tags": ["Korea", "Defence"],
        "published_at": day(10),
        "status": "published",
    });
    let variant = |title: &str, change: Value| {
        let mut body = base.clone();
        body["title"] = json!(title);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    app.create_article(&base).await;
    let decoys = [
        ("section", variant("Other section", json!({"section": "Business"}))),
        ("source_name", variant("Other source", json!({"source_name": "Other Wire"}))),
        ("language", variant("Other language", json!({"language": "de"}))),
        ("tag", variant("Missing a tag", json!({"tags": ["Korea"]}))),
        ("published_after", variant("Too early", json!({"published_at": day(1)}))),
        ("published_before", variant("Too late", json!({"published_at": day(20)}))),
        ("q", variant("Rocket launch condemned", json!({"body": "The rocket launch drew protests."}))),
    ];
    for (_, decoy) in &decoys {
        app.create_article(decoy).await;
    }
    app.create_article(&variant("Draft version", json!({"status": "draft", "published_at": day(11)}))).await;
    let (after, before) = (day(5), day(20));
    let filters = [
        ("section", "World"),
        ("source_name", "Example Wire"),
        ("language", "fr"),
        ("tag", "korea"),
        ("tag", "DEFENCE"),
        ("published_after", after.as_str()),
        ("published_before", before.as_str()),
        ("q", "missile launch"),
    ];

    assert_eq!(titles(&list(&app, &filters).await), ["Missile launch condemned"]);
    let mut with_any = filters.to_vec();
    with_any.push(("status", "any"));
    assert_eq!(titles(&list(&app, &with_any).await), ["Draft version", "Missile launch condemned"]);
    let mut with_draft = filters.to_vec();
    with_draft.push(("status", "draft"));
    assert_eq!(titles(&list(&app, &with_draft).await), ["Draft version"]);
    // Each decoy fails exactly one filter: leaving that filter out lists it too.
    for (parameter, decoy) in &decoys {
        let without: Vec<(&str, &str)> = filters.iter().filter(|(k, _)| k != parameter).copied().collect();
        let expected = sorted(vec!["Missile launch condemned".to_owned(), title(decoy).to_owned()]);
        assert_eq!(sorted(titles(&list(&app, &without).await)), expected, "without {parameter}");
    }
}

// ---------------------------------------------------------------------------
// Full-text search
// ---------------------------------------------------------------------------

async fn q_searches_title_summary_and_body(app: TestApp) {
    article(&app, "Zeppelin lands", json!({"body": "Crowds gathered.", "published_at": day(1)})).await;
    article(
        &app,
        "Airship news",
        json!({"summary": "A zeppelin was seen.", "body": "Crowds gathered.", "published_at": day(2)}),
    )
    .await;
    article(
        &app,
        "Weekly roundup",
        json!({"summary": "Things happened.", "body": "Later a zeppelin flew over.", "published_at": day(3)}),
    )
    .await;
    article(&app, "Unrelated", json!({"summary": "Nothing.", "body": "Nothing here.", "published_at": day(4)})).await;

    for q in ["zeppelin", "Zeppelin", "ZEPPELIN"] {
        let reply = list(&app, &[("q", q)]).await;
        assert_eq!(titles(&reply), ["Weekly roundup", "Airship news", "Zeppelin lands"], "q={q}");
    }
    assert_eq!(titles(&list(&app, &[("q", "airship")]).await), ["Airship news"], "a title word");
    assert_eq!(titles(&list(&app, &[("q", "happened")]).await), ["Weekly roundup"], "a summary word");
    assert_eq!(titles(&list(&app, &[("q", "flew")]).await), ["Weekly roundup"], "a body word");
    assert_eq!(titles(&list(&app, &[("q", "walrus")]).await), Vec::<String>::new());
}

async fn q_uses_english_stemming(app: TestApp) {
    article(&app, "Election results are in", json!({"body": "Counting is over.", "published_at": day(1)})).await;
    article(&app, "Weather", json!({"body": "Two elections were held on rainy days.", "published_at": day(2)})).await;
    article(&app, "Sport", json!({"body": "The match was drawn.", "published_at": day(3)})).await;

    assert_eq!(titles(&list(&app, &[("q", "elections")]).await), ["Weather", "Election results are in"]);
    assert_eq!(titles(&list(&app, &[("q", "election")]).await), ["Weather", "Election results are in"]);
    assert_eq!(titles(&list(&app, &[("q", "counted")]).await), ["Election results are in"]);
    assert_eq!(titles(&list(&app, &[("q", "matches")]).await), ["Sport"]);
}

async fn q_requires_every_word_but_the_words_may_sit_in_different_fields(app: TestApp) {
    article(&app, "Zeppelin lands", json!({"body": "It came down near the harbour.", "published_at": day(1)})).await;
    article(&app, "Zeppelin sighted", json!({"body": "It flew over the hills.", "published_at": day(2)})).await;
    article(&app, "Harbour news", json!({"summary": "Boats.", "body": "Fish.", "published_at": day(3)})).await;
    article(
        &app,
        "Roundup",
        json!({"summary": "A zeppelin again.", "body": "Seen from the harbour wall.", "published_at": day(4)}),
    )
    .await;

    for q in ["zeppelin harbour", "harbour zeppelin", "  Harbour,   ZEPPELIN!  "] {
        assert_eq!(titles(&list(&app, &[("q", q)]).await), ["Roundup", "Zeppelin lands"], "q={q:?}");
    }
    assert_eq!(titles(&list(&app, &[("q", "zeppelin hills")]).await), ["Zeppelin sighted"]);
    assert_eq!(titles(&list(&app, &[("q", "zeppelin walrus")]).await), Vec::<String>::new());
}

async fn q_does_not_find_drafts_by_default(app: TestApp) {
    article(&app, "Published zeppelin", json!({"published_at": day(1)})).await;
    article(&app, "Draft zeppelin", json!({"status": "draft"})).await;
    article(&app, "Scheduled zeppelin", json!({"published_at": "2099-01-01T00:00:00Z"})).await;

    assert_eq!(titles(&list(&app, &[("q", "zeppelin")]).await), ["Published zeppelin"]);
    let any = list(&app, &[("q", "zeppelin"), ("status", "any")]).await;
    assert_eq!(titles(&any), ["Scheduled zeppelin", "Published zeppelin", "Draft zeppelin"]);
}

async fn search_syntax_in_q_is_matched_as_plain_words(app: TestApp) {
    article(&app, "Missile launch", json!({"body": "A missile was launched over the sea.", "published_at": day(1)}))
        .await;
    article(&app, "Zebra crossing", json!({"body": "A zebra crossed the road.", "published_at": day(2)})).await;

    let cases: [(&str, &[&str]); 10] = [
        ("missile OR zebra", &[]),
        ("missile | zebra", &[]),
        ("-missile", &["Missile launch"]),
        ("\"missile\"", &["Missile launch"]),
        ("body:zebra", &[]),
        ("zeb*", &[]),
        ("NEAR(missile zebra)", &[]),
        ("1' OR '1'='1", &[]),
        ("missile'; --", &["Missile launch"]),
        ("zebra) OR (missile", &[]),
    ];
    for (q, expected) in cases {
        assert_eq!(titles(&list(&app, &[("q", q)]).await), expected, "q={q:?}");
    }
}

async fn hostile_q_values_get_200_or_422_and_never_a_server_error(app: TestApp) {
    let seeded = article(&app, "Missile launch", json!({"body": "A missile was launched.", "section": "World"})).await;
    let long_word = "a".repeat(500);
    let many_words = vec!["x"; 250].join(" ");
    let hostile = [
        "\"",
        "'",
        "OR",
        "AND",
        "NOT",
        "NEAR(",
        "NEAR(missile",
        "*",
        "missile*",
        "body:x",
        "title:missile",
        "{title body}: missile",
        "'; DROP TABLE articles; --",
        "\"; DROP TABLE articles; --",
        "1' OR '1'='1",
        "1; SELECT pg_sleep(5)",
        "missile\" OR \"x",
        "(missile",
        "missile)",
        "^missile",
        "+missile",
        "a & b | !c <-> d",
        "missile:*",
        "%",
        "_",
        "\\",
        "\\x",
        "$1",
        "?",
        "--",
        "/* comment */",
        "🚀",
        "missile 🚀",
        "🚀missile🚀",
        "👩‍👩‍👧",
        "\u{200b}",
        "e\u{301}",
        "\u{301}",
        "ǅ",
        "١٢٣",
        "İstanbul",
        "ß",
        "𞤀𞤁",
        "漢字",
        "\t\n",
        long_word.as_str(),
        many_words.as_str(),
    ];
    for q in hostile {
        let reply = list(&app, &[("q", q)]).await;
        assert_eq!(reply.status, 200, "q={q:?}: {}", reply.text);
        items(&reply);
    }
    for (name, value) in [
        ("section", "'; DROP TABLE articles; --"),
        ("source_name", "\" OR 1=1 --"),
        ("language", "en' OR 'a'='a"),
        ("tag", "x') OR ('a'='a"),
    ] {
        let reply = list(&app, &[(name, value)]).await;
        assert_eq!(titles(&reply), Vec::<String>::new(), "{name}={value:?}");
    }

    // Nothing was dropped or changed by any of them.
    let stored = app.get(&format!("{LIST}/{}", id_of(&seeded))).await;
    assert_eq!(stored.body["version"], 1, "{}", stored.text);
    assert_eq!(items(&app.get(LIST).await), std::slice::from_ref(&stored.body));
    assert_eq!(items(&list(&app, &[("q", "missile")]).await), [stored.body]);
}

/// A blank search box sends `q=`: text with nothing to search for means no search.
async fn q_without_any_letter_or_digit_is_no_search(app: TestApp) {
    article(&app, "Missile launch", json!({"published_at": day(1)})).await;
    article(&app, "Rocket test", json!({"published_at": day(2)})).await;

    for q in ["", " ", "!!!", "\"", "'", "*", "-", "()", "&&", "||", "🚀", "…"] {
        let reply = list(&app, &[("q", q)]).await;
        assert_eq!(titles(&reply), ["Rocket test", "Missile launch"], "q={q:?}");
    }
    assert_eq!(titles(&list(&app, &[("q", "rocket!")]).await), ["Rocket test"]);
}

async fn nul_character_in_a_filter_value_is_422_naming_the_parameter(app: TestApp) {
    article(&app, "Missile launch", json!({"section": "World", "tags": ["Korea"]})).await;

    for name in ["q", "section", "source_name", "language", "tag"] {
        let reply = list(&app, &[(name, "Korea\0missile")]).await;
        assert_invalid(&reply, &[name], &format!("{name} with NUL"));
    }
}

// ---------------------------------------------------------------------------
// Sort orders
// ---------------------------------------------------------------------------

async fn sort_published_at_lists_oldest_first(app: TestApp) {
    article(&app, "Middle", json!({"published_at": day(2)})).await;
    article(&app, "Oldest", json!({"published_at": day(1)})).await;
    article(&app, "Newest", json!({"published_at": day(3)})).await;
    article(&app, "Draft", json!({"status": "draft", "published_at": day(4)})).await;

    assert_eq!(titles(&list(&app, &[("sort", "published_at")]).await), ["Oldest", "Middle", "Newest"]);
    assert_eq!(titles(&list(&app, &[("sort", "-published_at")]).await), ["Newest", "Middle", "Oldest"]);
}

async fn sort_by_updated_at_follows_the_last_change_in_both_directions(app: TestApp) {
    let alpha = article(&app, "Alpha", json!({"published_at": day(1)})).await;
    article(&app, "Bravo", json!({"published_at": day(2)})).await;
    article(&app, "Charlie", json!({"published_at": day(3)})).await;
    article(&app, "Delta draft", json!({"status": "draft"})).await;
    let patched = app.patch(&format!("{LIST}/{}", id_of(&alpha)), &json!({"summary": "Updated."})).await;
    assert_eq!(patched.status, 200, "{}", patched.text);

    assert_eq!(titles(&list(&app, &[("sort", "-updated_at")]).await), ["Alpha", "Charlie", "Bravo"]);
    assert_eq!(titles(&list(&app, &[("sort", "updated_at")]).await), ["Bravo", "Charlie", "Alpha"]);
    assert_eq!(titles(&app.get(LIST).await), ["Charlie", "Bravo", "Alpha"], "the default order is unchanged");
    let with_drafts = list(&app, &[("sort", "-updated_at"), ("status", "any")]).await;
    assert_eq!(titles(&with_drafts), ["Alpha", "Delta draft", "Charlie", "Bravo"]);
    let oldest_change_first = list(&app, &[("sort", "updated_at"), ("status", "any")]).await;
    assert_eq!(titles(&oldest_change_first), ["Bravo", "Charlie", "Delta draft", "Alpha"]);
}

async fn ties_on_published_at_are_broken_by_id_in_the_sort_direction(app: TestApp) {
    article(&app, "Earlier", json!({"published_at": day(4)})).await;
    let mut tied = Vec::new();
    for n in 1..=4 {
        tied.push(article(&app, &format!("Tied {n}"), json!({"published_at": "2024-03-05T12:00:00Z"})).await);
    }
    article(&app, "Later", json!({"published_at": day(6)})).await;
    tied.sort_by(|a, b| id_of(a).cmp(id_of(b)));
    let by_id_ascending = titles_of(&tied);
    let by_id_descending: Vec<String> = by_id_ascending.iter().rev().cloned().collect();

    let newest_first = [vec!["Later".to_owned()], by_id_descending, vec!["Earlier".to_owned()]].concat();
    let oldest_first = [vec!["Earlier".to_owned()], by_id_ascending, vec!["Later".to_owned()]].concat();
    for (sort, expected) in [("-published_at", newest_first), ("published_at", oldest_first)] {
        assert_eq!(titles(&list(&app, &[("sort", sort)]).await), expected, "sort={sort}");
        for limit in [1, 2, 3] {
            assert_eq!(all_pages(&app, &[("sort", sort)], limit).await, expected, "sort={sort} limit={limit}");
        }
    }
}

async fn undated_drafts_come_last_in_both_published_at_orders(app: TestApp) {
    article(&app, "Archived March 1", json!({"status": "archived", "published_at": day(1)})).await;
    let mut undated = Vec::new();
    for n in 1..=3 {
        undated.push(article(&app, &format!("Undated draft {n}"), json!({"status": "draft"})).await);
    }
    article(&app, "Published March 2", json!({"published_at": day(2)})).await;
    article(&app, "Draft March 3", json!({"status": "draft", "published_at": day(3)})).await;
    undated.sort_by(|a, b| id_of(a).cmp(id_of(b)));
    let undated_ascending = titles_of(&undated);
    let undated_descending: Vec<String> = undated_ascending.iter().rev().cloned().collect();

    let newest_first = list(&app, &[("status", "any"), ("sort", "-published_at")]).await;
    let expected: Vec<String> = ["Draft March 3", "Published March 2", "Archived March 1"]
        .map(str::to_owned)
        .into_iter()
        .chain(undated_descending)
        .collect();
    assert_eq!(titles(&newest_first), expected);
    let oldest_first = list(&app, &[("status", "any"), ("sort", "published_at")]).await;
    let expected: Vec<String> = ["Archived March 1", "Published March 2", "Draft March 3"]
        .map(str::to_owned)
        .into_iter()
        .chain(undated_ascending.clone())
        .collect();
    assert_eq!(titles(&oldest_first), expected);
    let drafts = list(&app, &[("status", "draft"), ("sort", "published_at")]).await;
    let expected: Vec<String> = std::iter::once("Draft March 3".to_owned()).chain(undated_ascending).collect();
    assert_eq!(titles(&drafts), expected);
}

async fn paging_across_the_boundary_between_dated_and_undated_rows_skips_and_repeats_nothing(app: TestApp) {
    let mut rows = Vec::new();
    for (title, extra) in [
        ("Undated draft 1", json!({"status": "draft"})),
        ("Published March 1", json!({"published_at": day(1)})),
        ("Archived March 2", json!({"status": "archived", "published_at": day(2)})),
        ("Undated draft 2", json!({"status": "draft"})),
        ("Draft March 2", json!({"status": "draft", "published_at": day(2)})),
        ("Published March 3", json!({"published_at": day(3)})),
        ("Undated draft 3", json!({"status": "draft"})),
    ] {
        rows.push(article(&app, title, extra).await);
    }

    for sort in ["-published_at", "published_at"] {
        let expected = in_order(sort, &rows);
        let single = list(&app, &[("status", "any"), ("sort", sort), ("limit", "100")]).await;
        assert_eq!(titles(&single), expected, "sort={sort}");
        for limit in 1..=rows.len() {
            let paged = all_pages(&app, &[("status", "any"), ("sort", sort)], limit).await;
            assert_eq!(paged, expected, "sort={sort} limit={limit}");
        }
    }
}

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

/// Creates `n` published articles an hour apart; `Article 0` is the oldest.
async fn hourly_articles(app: &TestApp, n: i64) {
    let start = DateTime::parse_from_rfc3339("2024-03-01T00:00:00Z").unwrap().to_utc();
    for i in 0..n {
        article(app, &format!("Article {i}"), json!({"published_at": stamp(start + TimeDelta::hours(i))})).await;
    }
}

fn numbered(range: impl DoubleEndedIterator<Item = i64>) -> Vec<String> {
    range.rev().map(|i| format!("Article {i}")).collect()
}

async fn limit_defaults_to_20(app: TestApp) {
    hourly_articles(&app, 21).await;

    let first = app.get(LIST).await;

    assert_eq!(titles(&first), numbered(1..21));
    let cursor = next_cursor(&first).expect("a next page");
    let second = list(&app, &[("cursor", cursor.as_str())]).await;
    assert_eq!(titles(&second), ["Article 0"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
}

async fn limit_1_and_limit_100_are_accepted(app: TestApp) {
    hourly_articles(&app, 21).await;

    let one = list(&app, &[("limit", "1")]).await;
    assert_eq!(titles(&one), ["Article 20"]);
    assert!(next_cursor(&one).is_some());
    let hundred = list(&app, &[("limit", "100")]).await;
    assert_eq!(titles(&hundred), numbered(0..21));
    assert_eq!(hundred.body["next_cursor"], Value::Null);
}

async fn next_cursor_is_null_and_there_is_no_link_when_the_last_page_is_exactly_full(app: TestApp) {
    hourly_articles(&app, 4).await;

    let exact = list(&app, &[("limit", "4")]).await;
    assert_eq!(titles(&exact), numbered(0..4));
    assert_eq!(exact.body["next_cursor"], Value::Null, "no empty page after a full last page");
    assert_eq!(exact.header("link"), None);

    let first = list(&app, &[("limit", "2")]).await;
    assert_eq!(titles(&first), numbered(2..4));
    let second = list(&app, &[("limit", "2"), ("cursor", &next_cursor(&first).expect("a next page"))]).await;
    assert_eq!(titles(&second), numbered(0..2));
    assert_eq!(second.body["next_cursor"], Value::Null);
    assert_eq!(second.header("link"), None);
}

async fn following_next_cursor_visits_every_row_once_in_order(app: TestApp) {
    let mut rows = Vec::new();
    for (n, d) in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5].into_iter().enumerate() {
        rows.push(article(&app, &format!("Story {n}"), json!({"published_at": day(d)})).await);
    }
    // Change some rows so that the update order differs from the creation order.
    for index in [4, 0, 7] {
        let reply = app.patch(&format!("{LIST}/{}", id_of(&rows[index])), &json!({"byline": "Ed"})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        rows[index] = reply.body;
    }

    for sort in ["-published_at", "published_at", "-updated_at", "updated_at"] {
        let expected = in_order(sort, &rows);
        for limit in [1, 2, 3, 5, 10, 11, 12] {
            let paged = all_pages(&app, &[("sort", sort)], limit).await;
            assert_eq!(paged, expected, "sort={sort} limit={limit}");
        }
    }
}

async fn link_header_is_a_full_url_that_keeps_the_other_parameters_and_gives_the_next_page(app: TestApp) {
    for n in 1..=3 {
        article(
            &app,
            &format!("Match {n}"),
            json!({
                "section": "World",
                "source_name": "Smith & Sons; Ltd.",
                "tags": ["Korea", "Defence Policy"],
                "body": "A missile launch was reported.",
                "published_at": day(n),
            }),
        )
        .await;
    }
    article(&app, "Wrong tags", json!({"section": "World", "tags": ["Korea"], "body": "A missile launch."})).await;
    article(&app, "Wrong words", json!({"section": "World", "tags": ["Korea", "Defence Policy"]})).await;
    let params = [
        ("section", "World"),
        ("source_name", "Smith & Sons; Ltd."),
        ("tag", "korea"),
        ("tag", "defence policy"),
        ("q", "missile launch"),
        ("sort", "published_at"),
        ("limit", "1"),
        ("count", "true"),
    ];
    let expected_params = sorted(params.iter().map(|(k, v)| format!("{k}={v}")).collect());

    let mut reply = list(&app, &params).await;
    for n in 1..=2 {
        assert_eq!(titles(&reply), [format!("Match {n}")]);
        assert_eq!(reply.body["total"], 3);
        let cursor = next_cursor(&reply).expect("a next page");
        let url = app.next_link(&reply).expect("a Link header");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let cursors: Vec<&String> = pairs.iter().filter(|(k, _)| k == "cursor").map(|(_, v)| v).collect();
        assert_eq!(cursors, [&cursor], "exactly one cursor, the next_cursor: {url}");
        let kept = sorted(pairs.iter().filter(|(k, _)| k != "cursor").map(|(k, v)| format!("{k}={v}")).collect());
        assert_eq!(kept, expected_params, "{url}");

        let by_cursor = list(&app, &[params.as_slice(), &[("cursor", cursor.as_str())]].concat()).await;
        reply = app.send(app.client.get(url)).await;
        assert_eq!(items(&reply), items(&by_cursor), "the Link leads where next_cursor does");
    }
    assert_eq!(titles(&reply), ["Match 3"]);
    assert_eq!(reply.body["total"], 3);
    assert_eq!(reply.body["next_cursor"], Value::Null);
}

async fn count_true_adds_the_total_of_all_matching_rows_on_every_page(app: TestApp) {
    for n in 1..=5 {
        article(&app, &format!("World {n}"), json!({"section": "World", "published_at": day(n)})).await;
    }
    article(&app, "World draft", json!({"section": "World", "status": "draft"})).await;
    article(&app, "World scheduled", json!({"section": "World", "published_at": "2099-01-01T00:00:00Z"})).await;
    article(&app, "Business 1", json!({"section": "Business", "published_at": day(6)})).await;
    article(&app, "Business 2", json!({"section": "Business", "published_at": day(7)})).await;

    let mut query = vec![("section", "World".to_owned()), ("count", "true".to_owned()), ("limit", "2".to_owned())];
    let mut pages = Vec::new();
    loop {
        let reply = list(&app, &query).await;
        assert_eq!(reply.body["total"], 5, "every page counts all matching rows: {}", reply.text);
        pages.push(titles(&reply));
        let Some(cursor) = next_cursor(&reply) else {
            break;
        };
        query.retain(|(k, _)| *k != "cursor");
        query.push(("cursor", cursor));
    }
    assert_eq!(pages, [vec!["World 5", "World 4"], vec!["World 3", "World 2"], vec!["World 1"]]);

    assert_eq!(list(&app, &[("count", "true")]).await.body["total"], 7);
    assert_eq!(list(&app, &[("count", "true"), ("status", "any")]).await.body["total"], 9);
    assert_eq!(list(&app, &[("count", "true"), ("section", "Sport")]).await.body["total"], 0);
}

async fn total_is_absent_unless_count_is_true(app: TestApp) {
    hourly_articles(&app, 3).await;

    for query in [&[][..], &[("count", "false")][..], &[("limit", "1")][..]] {
        let reply = list(&app, query).await;
        items(&reply);
        assert!(reply.body.get("total").is_none(), "{query:?}: {}", reply.text);
    }
    let counted = list(&app, &[("count", "true"), ("limit", "1")]).await;
    assert_eq!(titles(&counted), ["Article 2"]);
    assert_eq!(counted.body["total"], 3);
}

// ---------------------------------------------------------------------------
// Keyset pagination while rows come and go
// ---------------------------------------------------------------------------

async fn keyset_paging_newest_first_neither_skips_nor_repeats_rows_while_others_come_and_go(app: TestApp) {
    let mut live = seed_for_paging(&app).await;

    page_while_rows_come_and_go(&app, "published", "-published_at", &mut live).await;
}

async fn keyset_paging_oldest_first_with_undated_drafts_neither_skips_nor_repeats_rows(app: TestApp) {
    let mut live = seed_for_paging(&app).await;

    page_while_rows_come_and_go(&app, "any", "published_at", &mut live).await;
}

async fn keyset_paging_newest_first_with_undated_drafts_neither_skips_nor_repeats_rows(app: TestApp) {
    let mut live = seed_for_paging(&app).await;

    page_while_rows_come_and_go(&app, "any", "-published_at", &mut live).await;
}

async fn keyset_paging_by_updated_at_neither_skips_nor_repeats_rows(app: TestApp) {
    let mut live = seed_for_paging(&app).await;
    // Change two rows so that the update order differs from the creation order.
    for index in [0, 5] {
        let reply = app.patch(&format!("{LIST}/{}", id_of(&live[index])), &json!({"summary": "Changed."})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        live[index] = reply.body;
    }

    page_while_rows_come_and_go(&app, "any", "-updated_at", &mut live).await;
    page_while_rows_come_and_go(&app, "any", "updated_at", &mut live).await;
    page_while_rows_come_and_go(&app, "published", "updated_at", &mut live).await;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

async fn limit_outside_1_to_100_or_not_an_integer_is_422_naming_limit(app: TestApp) {
    article(&app, "Something to list", json!({})).await;

    for limit in ["0", "101", "abc", "-1", "1.5", "", "1000000000000000000000", "ten"] {
        let reply = list(&app, &[("limit", limit)]).await;
        assert_invalid(&reply, &["limit"], &format!("limit={limit:?}"));
    }
}

async fn unknown_query_parameter_is_422_naming_it(app: TestApp) {
    for (name, value) in [("limt", "5"), ("page", "2"), ("offset", "10"), ("Status", "any"), ("tags", "korea")] {
        let reply = list(&app, &[(name, value)]).await;
        assert_invalid(&reply, &[name], &format!("{name}={value}"));
    }
    let mixed = list(&app, &[("limit", "5"), ("sort_by", "title")]).await;
    assert_invalid(&mixed, &["sort_by"], "a valid and an unknown parameter");
}

async fn repeated_single_valued_parameter_is_422_naming_it(app: TestApp) {
    for (name, first, second) in [
        ("limit", "1", "2"),
        ("limit", "5", "5"),
        ("status", "any", "draft"),
        ("sort", "published_at", "-published_at"),
        ("section", "World", "Business"),
        ("q", "missile", "launch"),
        ("count", "true", "true"),
        ("published_after", "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z"),
    ] {
        let reply = list(&app, &[(name, first), (name, second)]).await;
        assert_invalid(&reply, &[name], &format!("{name} twice"));
    }
}

async fn bad_status_sort_timestamp_or_count_is_422_naming_the_parameter(app: TestApp) {
    for (name, value) in [
        ("status", "live"),
        ("status", "Published"),
        ("status", ""),
        ("status", "published,draft"),
        ("sort", "title"),
        ("sort", "+published_at"),
        ("sort", "-title"),
        ("sort", "published_at,-updated_at"),
        ("sort", "PUBLISHED_AT"),
        ("published_after", "yesterday"),
        ("published_after", "2024-03-28"),
        ("published_after", "2024-03-28T09:30:00"),
        ("published_after", "1711618200"),
        ("published_before", "2024-13-01T00:00:00Z"),
        ("published_before", "2024-02-30T00:00:00Z"),
        ("count", "yes"),
    ] {
        let reply = list(&app, &[(name, value)]).await;
        assert_invalid(&reply, &[name], &format!("{name}={value:?}"));
    }
}

async fn every_bad_parameter_is_reported_in_one_422(app: TestApp) {
    let reply = list(
        &app,
        &[("status", "live"), ("limit", "0"), ("sort", "title"), ("published_before", "soon"), ("q", &"x".repeat(501))],
    )
    .await;

    assert_invalid(&reply, &["status", "limit", "sort", "published_before", "q"], "five bad parameters");
}

async fn malformed_cursor_is_400_bad_request(app: TestApp) {
    for n in 1..=3 {
        article(&app, &format!("Story {n}"), json!({"published_at": day(n)})).await;
    }
    let good = next_cursor(&list(&app, &[("limit", "1")]).await).expect("a cursor");
    let some_id = uuid::Uuid::now_v7().simple().to_string();
    let encoded = |plain: &str| URL_SAFE_NO_PAD.encode(plain);
    let malformed = [
        "garbage".to_owned(),
        "!!!".to_owned(),
        " ".to_owned(),
        "%".to_owned(),
        "\u{1F680}".to_owned(),
        "A".repeat(4096),
        good[..good.len() - 1].to_owned(),
        good[..good.len() / 2].to_owned(),
        good[1..].to_owned(),
        format!("{good}A"),
        format!("{good}=="),
        format!("{good}{good}"),
        encoded("hello"),
        encoded(&format!("a2|-published_at|-|{some_id}")),
        encoded(&format!("a1|-published_at|soon|{some_id}")),
        encoded(&format!("a1|-published_at|99999999999999999999|{some_id}")),
        encoded("a1|-published_at|-|not-a-uuid"),
        encoded(&format!("a1|-published_at|-|{some_id}|extra")),
    ];
    for cursor in malformed {
        let reply = list(&app, &[("limit", "1"), ("cursor", cursor.as_str())]).await;
        assert_eq!(reply.status, 400, "cursor={cursor:?}: {}", reply.text);
        reply.assert_problem(400, "bad-request");
    }
    // The good one still works.
    assert_eq!(titles(&list(&app, &[("limit", "1"), ("cursor", good.as_str())]).await), ["Story 2"]);
}

async fn cursor_with_any_one_character_changed_is_400_bad_request(app: TestApp) {
    for n in 1..=3 {
        article(&app, &format!("Story {n}"), json!({"published_at": day(n)})).await;
    }
    let good = next_cursor(&list(&app, &[("limit", "1")]).await).expect("a cursor");

    let mut accepted = Vec::new();
    for index in 0..good.len() {
        let mut chars: Vec<char> = good.chars().collect();
        let original = chars[index];
        chars[index] = if original == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        let reply = list(&app, &[("limit", "1"), ("cursor", tampered.as_str())]).await;
        if reply.status == 400 {
            reply.assert_problem(400, "bad-request");
        } else {
            assert_ne!(reply.status, 500, "{}", reply.text);
            accepted.push(format!(
                "{index}: {original:?}->{:?} gave {}",
                tampered.chars().nth(index).unwrap(),
                reply.status
            ));
        }
    }
    assert!(accepted.is_empty(), "tampered cursors were not refused ({good}): {accepted:#?}");
}

async fn cursor_made_for_another_sort_is_400_bad_request(app: TestApp) {
    for n in 1..=3 {
        article(&app, &format!("Story {n}"), json!({"published_at": day(n)})).await;
    }
    for (made_for, used_with) in [
        ("-updated_at", "-published_at"),
        ("-published_at", "published_at"),
        ("published_at", "-published_at"),
        ("updated_at", "-updated_at"),
        ("-published_at", "updated_at"),
    ] {
        let first = list(&app, &[("limit", "1"), ("sort", made_for)]).await;
        let cursor = next_cursor(&first).expect("a cursor");

        let reply = list(&app, &[("limit", "1"), ("sort", used_with), ("cursor", cursor.as_str())]).await;

        assert_eq!(reply.status, 400, "cursor for {made_for} used with {used_with}: {}", reply.text);
        reply.assert_problem(400, "bad-request");
        // The same cursor with its own sort is fine.
        let own = list(&app, &[("limit", "1"), ("sort", made_for), ("cursor", cursor.as_str())]).await;
        assert_eq!(titles(&own), ["Story 2"], "sort={made_for}");
    }
    // The default sort is -published_at: a cursor from it fails with an explicit other sort.
    let default_cursor = next_cursor(&list(&app, &[("limit", "1")]).await).expect("a cursor");
    let reply = list(&app, &[("limit", "1"), ("sort", "-updated_at"), ("cursor", default_cursor.as_str())]).await;
    reply.assert_problem(400, "bad-request");
}
