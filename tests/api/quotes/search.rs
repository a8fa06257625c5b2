//! Quotes: search.

use super::*;

pub(super) async fn search_by_speaker_ignores_case(app: TestApp) {
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

pub(super) async fn search_by_article_takes_its_id_or_its_slug(app: TestApp) {
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

pub(super) async fn search_q_uses_english_stemming_and_requires_every_word(app: TestApp) {
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

pub(super) async fn search_follows_changes_to_text_and_speaker(app: TestApp) {
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

pub(super) async fn search_filters_combine(app: TestApp) {
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

pub(super) async fn search_lists_newest_first(app: TestApp) {
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

pub(super) async fn search_pages_through_many_quotes_without_skips_or_repeats(app: TestApp) {
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

pub(super) async fn search_unknown_or_invalid_parameter_is_422_and_bad_cursor_400(app: TestApp) {
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

pub(super) async fn hostile_q_values_never_cause_a_server_error(app: TestApp) {
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
