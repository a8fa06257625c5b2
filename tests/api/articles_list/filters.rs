//! Articles list: filters.

use super::*;

pub(super) async fn section_filter_lists_only_that_section(app: TestApp) {
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

pub(super) async fn source_name_filter_lists_only_that_source(app: TestApp) {
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

pub(super) async fn language_filter_lists_only_that_language(app: TestApp) {
    article(&app, "English by default", json!({"published_at": day(1)})).await;
    article(&app, "En français", json!({"language": "fr", "published_at": day(2)})).await;
    article(&app, "Auf Deutsch", json!({"language": "de", "published_at": day(3)})).await;
    article(&app, "Encore en français", json!({"language": "fr", "published_at": day(4)})).await;

    assert_eq!(titles(&list(&app, &[("language", "fr")]).await), ["Encore en français", "En français"]);
    assert_eq!(titles(&list(&app, &[("language", "de")]).await), ["Auf Deutsch"]);
    assert_eq!(titles(&list(&app, &[("language", "en")]).await), ["English by default"]);
    assert_eq!(titles(&list(&app, &[("language", "ko")]).await), Vec::<String>::new());
}

pub(super) async fn tag_filter_ignores_case(app: TestApp) {
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
pub(super) async fn a_tag_page_follows_every_change_of_its_articles(app: TestApp) {
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

pub(super) async fn repeated_tag_filters_require_every_tag(app: TestApp) {
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

pub(super) async fn published_after_is_inclusive_and_published_before_is_exclusive(app: TestApp) {
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

pub(super) async fn published_after_and_before_accept_any_utc_offset(app: TestApp) {
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

pub(super) async fn undated_articles_never_match_a_date_filter(app: TestApp) {
    article(&app, "Dated", json!({"published_at": day(2)})).await;
    article(&app, "Undated draft", json!({"status": "draft"})).await;

    for (name, value) in [("published_after", "2000-01-01T00:00:00Z"), ("published_before", "2100-01-01T00:00:00Z")] {
        let reply = list(&app, &[("status", "any"), (name, value)]).await;
        assert_eq!(titles(&reply), ["Dated"], "{name}={value}");
    }
}

pub(super) async fn date_filter_bounds_beyond_the_year_9999_in_utc_compare_as_times(app: TestApp) {
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

pub(super) async fn all_filters_combine_and_each_one_excludes_its_own_decoy(app: TestApp) {
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
        ("sort", "-published_at"),
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
