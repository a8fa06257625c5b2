//! Related links: create (internal and external), the link rules, positions, the
//! list `PUT`, single-link reads and writes, the per-article list, backlinks and
//! the cascades when an article is deleted.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, article_path, backlinks_path, id_of, ids, link_path, links_path};

// One file per section; the list below and the helpers the sections share stay
// here, so that every test keeps its name (`related_links::...`).
mod backlinks;
mod cascades;
mod create;
mod list_put;
mod per_article_list;
mod positions;
mod rules;
mod single_link;

use backlinks::*;
use cascades::*;
use create::*;
use list_put::*;
use per_article_list::*;
use positions::*;
use rules::*;
use single_link::*;

crate::tests![
    // create
    creating_an_internal_link_returns_201_with_location_etag_and_target,
    creating_an_external_link_by_slug_has_no_target,
    an_internal_link_without_title_follows_the_target_title,
    a_link_title_is_stored_trimmed_and_measured_as_sent,
    creating_a_link_on_an_unknown_article_is_a_404,
    // rules
    a_link_with_both_target_article_id_and_url_is_refused,
    a_link_with_neither_target_article_id_nor_url_is_refused,
    a_link_naming_the_other_target_as_null_is_refused,
    an_article_cannot_link_to_itself,
    a_link_to_an_article_that_does_not_exist_is_refused,
    the_same_target_article_twice_in_one_article_is_a_409,
    the_same_url_twice_in_one_article_is_a_409,
    non_http_urls_are_refused,
    titles_over_300_characters_are_refused,
    an_unknown_relation_is_refused,
    a_position_past_the_end_is_refused,
    // positions
    links_without_position_are_appended_at_0_1_2,
    inserting_at_position_0_shifts_the_others_down,
    patching_the_position_moves_a_link_up_and_down_without_gaps,
    patching_the_position_past_the_end_is_refused,
    deleting_a_link_closes_the_gap,
    // the list PUT
    put_replaces_the_whole_ordered_list,
    put_by_slug_replaces_the_list,
    put_with_an_empty_array_clears_the_list,
    put_items_have_no_position,
    put_with_an_invalid_third_item_leaves_the_list_unchanged,
    put_with_a_missing_target_in_the_third_item_leaves_the_list_unchanged,
    put_repeating_an_earlier_target_is_a_409_and_leaves_the_list_unchanged,
    put_repeating_an_earlier_url_is_a_409_and_leaves_the_list_unchanged,
    put_accepts_200_links_and_refuses_201,
    put_on_an_unknown_article_is_a_404,
    // single link
    get_returns_the_link_with_its_etag_and_honours_if_none_match,
    patch_changes_only_the_members_given_and_grows_the_version,
    stale_if_match_is_a_412_and_changes_nothing,
    matching_if_match_lets_the_write_through,
    patch_title_null_shows_the_target_title_again,
    patch_cannot_change_a_links_target,
    a_link_id_that_is_not_a_uuid_is_a_400,
    an_unknown_link_id_is_a_404,
    put_on_a_single_link_is_a_405_with_allow,
    delete_returns_204_then_404,
    // list
    list_is_in_position_order,
    list_pages_with_limit_and_cursor,
    list_of_an_unknown_article_is_a_404,
    // backlinks
    backlinks_list_each_linking_article_once,
    backlinks_page_with_limit_and_cursor,
    backlinks_of_an_unknown_article_is_a_404,
    // cascades
    deleting_an_article_deletes_its_own_links,
    deleting_a_target_deletes_the_links_to_it_and_closes_up_the_lists,
];

// ---------------------------------------------------------------------------
// helpers

/// Adds an external link to `url`.
async fn add_url(app: &TestApp, article: &Value, url: &str) -> Value {
    app.add_link(article, &json!({ "url": url })).await
}

/// Adds an internal link to `target`.
async fn add_target(app: &TestApp, article: &Value, target: &Value) -> Value {
    app.add_link(article, &json!({ "target_article_id": id_of(target) })).await
}

/// Where a link points: the target article's id or the URL.
fn endpoint(link: &Value) -> String {
    link["target_article_id"]
        .as_str()
        .or(link["url"].as_str())
        .unwrap_or_else(|| panic!("link without target or url: {link}"))
        .to_owned()
}

/// `(position, endpoint)` of each link in list order.
fn layout(links: &[Value]) -> Vec<(i64, String)> {
    links.iter().map(|l| (l["position"].as_i64().expect("position"), endpoint(l))).collect()
}

/// The expected layout: the endpoints at 0..n.
fn expected_layout(endpoints: &[&str]) -> Vec<(i64, String)> {
    endpoints.iter().enumerate().map(|(i, e)| (i64::try_from(i).unwrap(), (*e).to_owned())).collect()
}

/// A random id that names no article and no link.
fn unknown_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[track_caller]
fn assert_json(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "body: {}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"), "body: {}", reply.text);
}
