//! Articles list: full-text search.

use super::*;

/// The tests of what matches keep to one order: newest first.
const BY_DATE: (&str, &str) = ("sort", "-published_at");

pub(super) async fn q_searches_title_summary_and_body(app: TestApp) {
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
        let reply = list(&app, &[("q", q), BY_DATE]).await;
        assert_eq!(titles(&reply), ["Weekly roundup", "Airship news", "Zeppelin lands"], "q={q}");
    }
    assert_eq!(titles(&list(&app, &[("q", "airship"), BY_DATE]).await), ["Airship news"], "a title word");
    assert_eq!(titles(&list(&app, &[("q", "happened"), BY_DATE]).await), ["Weekly roundup"], "a summary word");
    assert_eq!(titles(&list(&app, &[("q", "flew"), BY_DATE]).await), ["Weekly roundup"], "a body word");
    assert_eq!(titles(&list(&app, &[("q", "walrus"), BY_DATE]).await), Vec::<String>::new());
}

pub(super) async fn q_uses_english_stemming(app: TestApp) {
    article(&app, "Election results are in", json!({"body": "Counting is over.", "published_at": day(1)})).await;
    article(&app, "Weather", json!({"body": "Two elections were held on rainy days.", "published_at": day(2)})).await;
    article(&app, "Sport", json!({"body": "The match was drawn.", "published_at": day(3)})).await;

    assert_eq!(titles(&list(&app, &[("q", "elections"), BY_DATE]).await), ["Weather", "Election results are in"]);
    assert_eq!(titles(&list(&app, &[("q", "election"), BY_DATE]).await), ["Weather", "Election results are in"]);
    assert_eq!(titles(&list(&app, &[("q", "counted"), BY_DATE]).await), ["Election results are in"]);
    assert_eq!(titles(&list(&app, &[("q", "matches"), BY_DATE]).await), ["Sport"]);
}

pub(super) async fn q_requires_every_word_but_the_words_may_sit_in_different_fields(app: TestApp) {
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
        assert_eq!(titles(&list(&app, &[("q", q), BY_DATE]).await), ["Roundup", "Zeppelin lands"], "q={q:?}");
    }
    assert_eq!(titles(&list(&app, &[("q", "zeppelin hills"), BY_DATE]).await), ["Zeppelin sighted"]);
    assert_eq!(titles(&list(&app, &[("q", "zeppelin walrus"), BY_DATE]).await), Vec::<String>::new());
}

pub(super) async fn q_does_not_find_drafts_by_default(app: TestApp) {
    article(&app, "Published zeppelin", json!({"published_at": day(1)})).await;
    article(&app, "Draft zeppelin", json!({"status": "draft"})).await;
    article(&app, "Scheduled zeppelin", json!({"published_at": "2099-01-01T00:00:00Z"})).await;

    assert_eq!(titles(&list(&app, &[("q", "zeppelin"), BY_DATE]).await), ["Published zeppelin"]);
    let any = list(&app, &[("q", "zeppelin"), ("status", "any"), BY_DATE]).await;
    assert_eq!(titles(&any), ["Scheduled zeppelin", "Published zeppelin", "Draft zeppelin"]);
}

pub(super) async fn fts5_syntax_in_q_is_matched_as_plain_words(app: TestApp) {
    article(&app, "Missile launch", json!({"body": "A missile was launched over the sea.", "published_at": day(1)}))
        .await;
    article(&app, "Zebra crossing", json!({"body": "A zebra crossed the road.", "published_at": day(2)})).await;

    // Only quotes, a leading `-` and `or` are syntax (see `relevance` for them).
    let cases: [(&str, &[&str]); 10] = [
        ("missile | zebra", &[]),
        ("missile AND zebra", &[]),
        ("missile NOT zebra", &[]),
        ("body:zebra", &[]),
        ("zeb*", &[]),
        ("NEAR(missile zebra)", &[]),
        ("1' OR '1'='1", &[]),
        ("missile'; --", &["Missile launch"]),
        ("zebra) OR (missile", &["Zebra crossing", "Missile launch"]),
        ("{title}: zebra", &[]),
    ];
    for (q, expected) in cases {
        assert_eq!(titles(&list(&app, &[("q", q), BY_DATE]).await), expected, "q={q:?}");
    }
}

pub(super) async fn hostile_q_values_get_200_or_422_and_never_a_server_error(app: TestApp) {
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
        let reply = list(&app, &[("q", q), BY_DATE]).await;
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
    let mut found = items(&list(&app, &[("q", "missile"), BY_DATE]).await);
    assert!(found[0]["search"]["snippet"].is_string(), "{found:?}");
    found[0].as_object_mut().unwrap().remove("search");
    assert_eq!(found, [stored.body]);
}

/// A blank search box sends `q=`: text with nothing to search for means no search.
pub(super) async fn q_without_any_letter_or_digit_is_no_search(app: TestApp) {
    article(&app, "Missile launch", json!({"published_at": day(1)})).await;
    article(&app, "Rocket test", json!({"published_at": day(2)})).await;

    for q in ["", " ", "!!!", "\"", "'", "*", "-", "()", "&&", "||", "🚀", "…"] {
        let reply = list(&app, &[("q", q), BY_DATE]).await;
        assert_eq!(titles(&reply), ["Rocket test", "Missile launch"], "q={q:?}");
    }
    assert_eq!(titles(&list(&app, &[("q", "rocket!"), BY_DATE]).await), ["Rocket test"]);
}

pub(super) async fn nul_character_in_a_filter_value_is_422_naming_the_parameter(app: TestApp) {
    article(&app, "Missile launch", json!({"section": "World", "tags": ["Korea"]})).await;

    for name in ["q", "section", "source_name", "language", "tag"] {
        let reply = list(&app, &[(name, "Korea\0missile")]).await;
        assert_invalid(&reply, &[name], &format!("{name} with NUL"));
    }
}
