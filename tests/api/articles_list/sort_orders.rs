//! Articles list: sort orders.

use super::*;

pub(super) async fn sort_published_at_lists_oldest_first(app: TestApp) {
    article(&app, "Middle", json!({"published_at": day(2)})).await;
    article(&app, "Oldest", json!({"published_at": day(1)})).await;
    article(&app, "Newest", json!({"published_at": day(3)})).await;
    article(&app, "Draft", json!({"status": "draft", "published_at": day(4)})).await;

    assert_eq!(titles(&list(&app, &[("sort", "published_at")]).await), ["Oldest", "Middle", "Newest"]);
    assert_eq!(titles(&list(&app, &[("sort", "-published_at")]).await), ["Newest", "Middle", "Oldest"]);
}

pub(super) async fn sort_by_updated_at_follows_the_last_change_in_both_directions(app: TestApp) {
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

pub(super) async fn ties_on_published_at_are_broken_by_id_in_the_sort_direction(app: TestApp) {
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

pub(super) async fn undated_drafts_come_last_in_both_published_at_orders(app: TestApp) {
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

pub(super) async fn paging_across_the_boundary_between_dated_and_undated_rows_skips_and_repeats_nothing(app: TestApp) {
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
