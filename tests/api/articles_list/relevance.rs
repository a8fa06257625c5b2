//! Articles list: search that ranks (`sort=relevance`, the `search` member, the
//! query syntax).

use super::*;

/// `GET /v1/articles` with `q` and these further parameters.
async fn search(app: &TestApp, q: &str, more: Params<'_>) -> Reply {
    let mut query = vec![("q", q)];
    query.extend_from_slice(more);
    list(app, &query).await
}

fn rank(item: &Value) -> f64 {
    item["search"]["rank"].as_f64().unwrap_or_else(|| panic!("no search.rank: {item}"))
}

fn snippet(item: &Value) -> &str {
    item["search"]["snippet"].as_str().unwrap_or_else(|| panic!("no search.snippet: {item}"))
}

/// The words a snippet marks, lowercased (FTS5 marks a phrase as one span,
/// PostgreSQL each of its words).
fn marked(snippet: &str) -> Vec<String> {
    snippet
        .split("<mark>")
        .skip(1)
        .flat_map(|s| s.split("</mark>").next().unwrap_or_default().split_whitespace())
        .map(str::to_lowercase)
        .collect()
}

/// Asserts that, but for its `<mark>` tags, a snippet is escaped HTML text: no tag,
/// no quote character, and every `&` the start of one of the five entities.
#[track_caller]
fn assert_escaped(snippet: &str) {
    let text = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!text.contains(['<', '>', '"', '\'']), "unescaped markup in {snippet:?}");
    for (at, _) in text.match_indices('&') {
        let rest = &text[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| rest.starts_with(e)),
            "a bare & in {snippet:?}"
        );
    }
    assert_eq!(snippet.matches("<mark>").count(), snippet.matches("</mark>").count(), "{snippet:?}");
}

pub(super) async fn q_sorts_by_relevance_by_default_and_many_mentions_rank_above_one(app: TestApp) {
    article(
        &app,
        "Zeppelin over the harbour",
        json!({"body": "The zeppelin circled. Zeppelin crews waved; the zeppelin landed.", "published_at": day(1)}),
    )
    .await;
    article(&app, "Harbour news", json!({"body": "Boats, fish and one zeppelin.", "published_at": day(2)})).await;
    article(&app, "Unrelated", json!({"body": "Nothing to see.", "published_at": day(3)})).await;

    let by_default = search(&app, "zeppelin", &[]).await;
    let asked = search(&app, "zeppelin", &[("sort", "relevance")]).await;
    let by_date = search(&app, "zeppelin", &[("sort", "-published_at")]).await;

    assert_eq!(titles(&by_default), ["Zeppelin over the harbour", "Harbour news"]);
    assert_eq!(by_default.body, asked.body);
    let hits = items(&by_default);
    assert!(rank(&hits[0]) > rank(&hits[1]), "{hits:?}");
    assert!(rank(&hits[1]) > 0.0, "{hits:?}");
    assert_eq!(hits[0]["search"].as_object().unwrap().len(), 2, "search is rank and snippet: {}", hits[0]);
    // Another order keeps the search member, with the same ranks.
    assert_eq!(titles(&by_date), ["Harbour news", "Zeppelin over the harbour"]);
    let dated = items(&by_date);
    assert_eq!(rank(&dated[1]), rank(&hits[0]));
    assert_eq!(marked(snippet(&dated[0])), ["zeppelin"], "{}", dated[0]);
    // Without q, no search member.
    for item in items(&app.get(LIST).await) {
        assert!(item.get("search").is_none(), "{item}");
    }
}

pub(super) async fn quoted_words_are_a_phrase(app: TestApp) {
    article(&app, "Test one", json!({"body": "A short range missile flew.", "published_at": day(1)})).await;
    article(&app, "Test two", json!({"body": "The range of the short missile.", "published_at": day(2)})).await;

    assert_eq!(titles(&search(&app, "\"short range\"", &[]).await), ["Test one"]);
    assert_eq!(titles(&search(&app, "\"short range missile\"", &[]).await), ["Test one"]);
    assert_eq!(titles(&search(&app, "\"range short\"", &[]).await), Vec::<String>::new());
    assert_eq!(sorted(titles(&search(&app, "short range", &[]).await)), ["Test one", "Test two"]);
    // An unclosed quote runs to the end.
    assert_eq!(titles(&search(&app, "missile \"short range", &[]).await), ["Test one"]);
    let hit = &items(&search(&app, "\"short range\"", &[]).await)[0];
    assert_eq!(marked(snippet(hit)), ["short", "range"], "{hit}");
}

pub(super) async fn a_minus_excludes_a_word_or_a_phrase(app: TestApp) {
    article(&app, "Launch", json!({"body": "The missile launch went ahead.", "published_at": day(1)})).await;
    article(&app, "Test", json!({"body": "A missile test failed.", "published_at": day(2)})).await;
    article(&app, "Both", json!({"body": "A missile test, then a launch.", "published_at": day(3)})).await;

    assert_eq!(titles(&search(&app, "missile -test", &[]).await), ["Launch"]);
    assert_eq!(titles(&search(&app, "missile - test", &[]).await), ["Launch"]);
    assert_eq!(sorted(titles(&search(&app, "missile -\"missile test\"", &[]).await)), ["Launch"]);
    assert_eq!(sorted(titles(&search(&app, "missile -\"test missile\"", &[]).await)), ["Both", "Launch", "Test"]);
    assert_eq!(titles(&search(&app, "missile -test -launch", &[]).await), Vec::<String>::new());
    // Exclusions alone narrow nothing down: no hits, not every other article.
    for q in ["-missile", "-zebra", "-\"missile test\""] {
        assert_eq!(titles(&search(&app, q, &[]).await), Vec::<String>::new(), "q={q:?}");
    }
    // A dash inside a word is part of it.
    article(&app, "Hyphen", json!({"body": "A short-range launch.", "published_at": day(4)})).await;
    assert_eq!(titles(&search(&app, "short-range", &[]).await), ["Hyphen"]);
}

pub(super) async fn or_gives_either_and_binds_loosest(app: TestApp) {
    article(&app, "Zebra", json!({"body": "A zebra crossed.", "published_at": day(1)})).await;
    article(&app, "Launch", json!({"body": "A missile launch.", "published_at": day(2)})).await;
    article(&app, "Missile", json!({"body": "A missile, no more.", "published_at": day(3)})).await;

    for q in ["zebra or launch", "zebra OR launch", "zebra Or launch", "or zebra or or launch or"] {
        assert_eq!(sorted(titles(&search(&app, q, &[]).await)), ["Launch", "Zebra"], "q={q:?}");
    }
    // `missile launch or zebra` is (missile and launch) or zebra.
    assert_eq!(sorted(titles(&search(&app, "missile launch or zebra", &[]).await)), ["Launch", "Zebra"]);
    assert_eq!(sorted(titles(&search(&app, "missile -launch or zebra", &[]).await)), ["Missile", "Zebra"]);
    // An `or` branch of exclusions alone adds nothing.
    assert_eq!(titles(&search(&app, "zebra or -zebra", &[]).await), ["Zebra"]);
    // Quoted, it is a word.
    assert_eq!(titles(&search(&app, "zebra \"or\" launch", &[]).await), Vec::<String>::new());
}

pub(super) async fn paging_by_relevance_gives_every_hit_once_in_rank_order(app: TestApp) {
    for n in 0..23 {
        let mentions = vec!["zeppelin"; 1 + n % 4].join(" and ");
        let title = if n % 5 == 0 { format!("Zeppelin {n:02}") } else { format!("Hit {n:02}") };
        article(&app, &title, json!({"body": format!("Seen: {mentions}."), "published_at": day(1 + n as u32)})).await;
    }
    for n in 0..3 {
        article(&app, &format!("Decoy {n}"), json!({"body": "An airship.", "published_at": day(1)})).await;
    }

    let whole = search(&app, "zeppelin", &[("limit", "100"), ("count", "true")]).await;
    let all = items(&whole);
    assert_eq!(all.len(), 23);
    assert_eq!(whole.body["total"], 23);
    for pair in all.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(rank(a) > rank(b) || (rank(a) == rank(b) && id_of(a) > id_of(b)), "out of order: {a} then {b}");
    }
    assert!(titles_of(&all[..5]).iter().all(|t| t.starts_with("Zeppelin")), "title hits first: {:?}", titles_of(&all));
    for limit in [1, 4, 10] {
        let mut seen: Vec<Value> = Vec::new();
        let mut cursor = String::new();
        for _ in 0..30 {
            let limit = limit.to_string();
            let reply = search(&app, "zeppelin", &[("limit", &limit), ("cursor", &cursor), ("count", "true")]).await;
            assert_eq!(reply.body["total"], 23, "{}", reply.text);
            seen.extend(items(&reply));
            match next_cursor(&reply) {
                Some(next) => cursor = next,
                None => break,
            }
        }
        assert_eq!(seen, all, "limit={limit}");
    }
}

pub(super) async fn a_relevance_cursor_continues_only_its_own_search_and_order(app: TestApp) {
    for n in 1..=3 {
        article(&app, &format!("Zeppelin {n}"), json!({"body": "Zeppelin airship.", "published_at": day(n)})).await;
    }
    let first = search(&app, "zeppelin", &[("limit", "1")]).await;
    let cursor = next_cursor(&first).expect("a next page");

    let same = search(&app, "zeppelin", &[("limit", "1"), ("cursor", &cursor)]).await;
    let spaced_otherwise = search(&app, "  zeppelin ", &[("limit", "1"), ("cursor", &cursor)]).await;
    let other_query = search(&app, "airship", &[("limit", "1"), ("cursor", &cursor)]).await;
    let other_sort = search(&app, "zeppelin", &[("limit", "1"), ("sort", "-published_at"), ("cursor", &cursor)]).await;

    assert_eq!(items(&same).len(), 1);
    assert_ne!(items(&same), items(&first));
    assert_eq!(spaced_otherwise.body, same.body, "the same search, spaced otherwise");
    for reply in [&other_query, &other_sort] {
        reply.assert_problem(400, "bad-request");
    }
    assert!(other_query.body["detail"].as_str().unwrap().contains("another search"), "{}", other_query.text);
}

pub(super) async fn sort_relevance_without_a_search_is_422_naming_sort(app: TestApp) {
    article(&app, "Zeppelin", json!({"published_at": day(1)})).await;

    for query in
        [vec![("sort", "relevance")], vec![("sort", "relevance"), ("q", "")], vec![("sort", "relevance"), ("q", "?!")]]
    {
        assert_invalid(&list(&app, &query).await, &["sort"], &format!("{query:?}"));
    }
    let reply = list(&app, &[("sort", "best")]).await;
    assert_invalid(&reply, &["sort"], "an unknown sort");
    assert!(reply.text.contains("relevance"), "the values are listed: {}", reply.text);
}

pub(super) async fn snippets_mark_the_matched_words_and_escape_everything_else(app: TestApp) {
    let body = "<script>alert(\"zeppelin\")</script> Tom & Jerry's \"zeppelin\" <b>landed</b> at 5 > 4 & 3 < 4.";
    article(&app, "Hostile <i>title</i> & co", json!({"summary": "A 'zeppelin' & \"more\".", "body": body})).await;
    let forged = "\u{e000}forged\u{e001} text \u{e000} and a zeppelin \u{e001} here";
    article(&app, "Private use", json!({"body": forged})).await;

    let hits = items(&search(&app, "zeppelin", &[("limit", "10")]).await);
    assert_eq!(hits.len(), 2, "{hits:?}");
    for hit in &hits {
        let snippet = snippet(hit);
        assert_escaped(snippet);
        assert!(!marked(snippet).is_empty(), "{snippet:?}");
        assert!(marked(snippet).iter().all(|w| w == "zeppelin"), "{snippet:?}");
        assert!(!snippet.contains("<script") && !snippet.contains("<b>"), "{snippet:?}");
    }
    let hostile = hits.iter().find(|h| title(h).starts_with("Hostile")).unwrap();
    assert!(snippet(hostile).contains("&amp;"), "{}", snippet(hostile));
    assert!(snippet(hostile).contains("&quot;") || snippet(hostile).contains("&#39;"), "{}", snippet(hostile));
    let private = hits.iter().find(|h| title(h) == "Private use").unwrap();
    assert_eq!(marked(snippet(private)), ["zeppelin"], "no stored text forges a mark: {}", snippet(private));
    // The article itself is unchanged.
    assert_eq!(hostile["body"], body);
}

pub(super) async fn hostile_queries_give_hits_or_an_empty_list_never_an_error(app: TestApp) {
    article(&app, "Missile launch", json!({"body": "A missile \"test\" was launched.", "published_at": day(1)})).await;
    let hostile = [
        "\"",
        "\"\"",
        "\"\"\"",
        "-",
        "--",
        "- -",
        "-\"",
        "*",
        "**",
        "NEAR(",
        "NEAR(missile, 2)",
        "AND",
        "OR",
        "NOT",
        "or",
        "-or",
        "\"or\"",
        "missile AND",
        "AND missile",
        "missile OR",
        "missile NOT",
        "NOT missile",
        "\"missile",
        "missile\"",
        "\"missile\" \"",
        "-\"missile",
        "missile -\"",
        "missile -",
        "missile --test",
        "(",
        ")",
        "()",
        "(missile",
        "missile)",
        "^missile",
        "missile^2",
        "+missile",
        "missile*",
        "*missile",
        "missile:*",
        "title:missile",
        "{title body}:missile",
        "col:",
        ":",
        "''",
        "'",
        "\\",
        "\\\"",
        "missile\\",
        "&",
        "|",
        "!",
        "<->",
        "a <-> b",
        "missile & !test",
        "🚀",
        "missile 🚀",
        "ि",
        "\u{301}missile",
        "ǅ",
        "١٢٣",
        "漢字",
        "\u{200b}missile",
    ];
    for q in hostile {
        for sort in ["relevance", "-published_at"] {
            let reply = list(&app, &[("q", q), ("sort", sort), ("count", "true")]).await;
            if reply.status == 422 {
                // Text without letters or digits is no search, and relevance needs one.
                assert_invalid(&reply, &["sort"], &format!("q={q:?}"));
                continue;
            }
            assert_eq!(reply.status, 200, "q={q:?} sort={sort}: {}", reply.text);
            for hit in items(&reply) {
                if let Some(snippet) = hit["search"]["snippet"].as_str() {
                    assert_escaped(snippet);
                }
            }
        }
    }
    assert_eq!(titles(&search(&app, "\"missile", &[]).await), ["Missile launch"]);
    assert_eq!(titles(&search(&app, "missile -", &[]).await), ["Missile launch"]);
    assert_eq!(titles(&search(&app, "missile -\"", &[]).await), ["Missile launch"]);
    assert_eq!(titles(&search(&app, "NEAR(missile", &[]).await), Vec::<String>::new());
}
