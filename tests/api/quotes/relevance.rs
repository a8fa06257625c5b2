//! Quotes: search that ranks (`sort=relevance`, the `search` member, the syntax).

use super::*;

fn rank(item: &Value) -> f64 {
    item["search"]["rank"].as_f64().unwrap_or_else(|| panic!("no search.rank: {item}"))
}

fn snippet(item: &Value) -> &str {
    item["search"]["snippet"].as_str().unwrap_or_else(|| panic!("no search.snippet: {item}"))
}

pub(super) async fn quote_search_with_q_ranks_by_relevance_and_carries_search(app: TestApp) {
    let one = article(&app, "ranked").await;
    let many = add_text(&app, &one, "Sanctions, sanctions and more sanctions: sanctions work.").await;
    let once = add_text(&app, &one, "We talked about the weather and sanctions at length today.").await;
    add_text(&app, &one, "Nothing to do with it.").await;

    let by_default = search(&app, &[("q", "sanctions")]).await;
    let asked = search(&app, &[("q", "sanctions"), ("sort", "relevance")]).await;
    let newest = search(&app, &[("q", "sanctions"), ("sort", "-created_at")]).await;
    let unsearched = search(&app, &[("speaker", "Park Jin")]).await;

    assert_eq!(ids(&by_default.items()), [id_of(&many), id_of(&once)]);
    assert_eq!(by_default.body, asked.body);
    let items = by_default.items();
    assert!(rank(&items[0]) > rank(&items[1]), "{items:?}");
    assert!(snippet(&items[1]).contains("<mark>sanctions</mark>"), "{}", snippet(&items[1]));
    assert_eq!(ids(&newest.items()), [id_of(&once), id_of(&many)]);
    assert_eq!(rank(&newest.items()[1]), rank(&items[0]));
    assert!(unsearched.items().iter().all(|q| q.get("search").is_none()), "{}", unsearched.text);
    // The quote itself is whole beside its search member.
    let mut first = items[0].clone();
    first.as_object_mut().unwrap().remove("search");
    assert_eq!(first, many);
}

pub(super) async fn quote_search_has_phrases_exclusions_and_or(app: TestApp) {
    let one = article(&app, "syntax").await;
    let a = add_text(&app, &one, "The short range missile test failed.").await;
    let b = add_text(&app, &one, "A range of short answers about the missile.").await;
    let c = add_text(&app, &one, "A zebra crossing.").await;
    let sorted_ids = |reply: &Reply| {
        let mut found = ids(&reply.items());
        found.sort();
        found
    };
    let expect = |quotes: &[&Value]| {
        let mut wanted: Vec<String> = quotes.iter().map(|q| id_of(q).to_owned()).collect();
        wanted.sort();
        wanted
    };

    assert_eq!(sorted_ids(&search(&app, &[("q", "\"short range\"")]).await), expect(&[&a]));
    assert_eq!(sorted_ids(&search(&app, &[("q", "short range")]).await), expect(&[&a, &b]));
    assert_eq!(sorted_ids(&search(&app, &[("q", "missile -test")]).await), expect(&[&b]));
    assert_eq!(sorted_ids(&search(&app, &[("q", "zebra or test")]).await), expect(&[&a, &c]));
    assert_eq!(sorted_ids(&search(&app, &[("q", "-missile")]).await), expect(&[]));
    for q in ["\"", "-", "*", "NEAR(", "AND", "\"short", "short\" \"", "-\"", "missile NOT", "(", "^"] {
        let reply = search(&app, &[("q", q)]).await;
        assert_eq!(reply.status, 200, "q={q:?}: {}", reply.text);
        for item in reply.items() {
            if let Some(snippet) = item["search"]["snippet"].as_str() {
                assert!(!snippet.replace("<mark>", "").replace("</mark>", "").contains('<'), "{snippet}");
            }
        }
    }
}

pub(super) async fn quote_search_pages_by_rank_without_skips_or_repeats(app: TestApp) {
    let one = article(&app, "paged").await;
    for n in 0..13 {
        let text = format!("Quote {n}: {}.", vec!["sanctions"; 1 + n % 3].join(" and "));
        add_text(&app, &one, &text).await;
    }
    add_text(&app, &one, "No match here.").await;

    let whole = search(&app, &[("q", "sanctions"), ("limit", "100")]).await.items();
    assert_eq!(whole.len(), 13);
    for pair in whole.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(rank(a) > rank(b) || (rank(a) == rank(b) && id_of(a) > id_of(b)), "out of order: {a} then {b}");
    }
    for limit in ["1", "5"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        for _ in 0..20 {
            let reply = search(&app, &[("q", "sanctions"), ("limit", limit), ("cursor", &cursor)]).await;
            seen.extend(reply.items());
            match reply.body["next_cursor"].as_str() {
                Some(next) => cursor = next.to_owned(),
                None => break,
            }
        }
        assert_eq!(seen, whole, "limit={limit}");
    }
    // A relevance cursor continues neither another search nor the date order.
    let first = search(&app, &[("q", "sanctions"), ("limit", "1")]).await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    for params in [
        vec![("q", "quote"), ("limit", "1"), ("cursor", cursor.as_str())],
        vec![("q", "sanctions"), ("sort", "-created_at"), ("cursor", cursor.as_str())],
        vec![("cursor", cursor.as_str())],
    ] {
        search(&app, &params).await.assert_problem(400, "bad-request");
    }
}

pub(super) async fn quote_sort_relevance_without_q_or_an_unknown_sort_is_422(app: TestApp) {
    for params in [vec![("sort", "relevance")], vec![("sort", "relevance"), ("q", "!")], vec![("sort", "newest")]] {
        let reply = search(&app, &params).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["sort"], "{params:?}");
    }
}
