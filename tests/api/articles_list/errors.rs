//! Articles list: errors.

use super::*;

pub(super) async fn limit_outside_1_to_100_or_not_an_integer_is_422_naming_limit(app: TestApp) {
    article(&app, "Something to list", json!({})).await;

    for limit in ["0", "101", "abc", "-1", "1.5", "", "1000000000000000000000", "ten"] {
        let reply = list(&app, &[("limit", limit)]).await;
        assert_invalid(&reply, &["limit"], &format!("limit={limit:?}"));
    }
}

pub(super) async fn unknown_query_parameter_is_422_naming_it(app: TestApp) {
    for (name, value) in [("limt", "5"), ("page", "2"), ("offset", "10"), ("Status", "any"), ("tags", "korea")] {
        let reply = list(&app, &[(name, value)]).await;
        assert_invalid(&reply, &[name], &format!("{name}={value}"));
    }
    let mixed = list(&app, &[("limit", "5"), ("sort_by", "title")]).await;
    assert_invalid(&mixed, &["sort_by"], "a valid and an unknown parameter");
}

pub(super) async fn repeated_single_valued_parameter_is_422_naming_it(app: TestApp) {
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

pub(super) async fn bad_status_sort_timestamp_or_count_is_422_naming_the_parameter(app: TestApp) {
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

pub(super) async fn every_bad_parameter_is_reported_in_one_422(app: TestApp) {
    let reply = list(
        &app,
        &[("status", "live"), ("limit", "0"), ("sort", "title"), ("published_before", "soon"), ("q", &"x".repeat(501))],
    )
    .await;

    assert_invalid(&reply, &["status", "limit", "sort", "published_before", "q"], "five bad parameters");
}

pub(super) async fn malformed_cursor_is_400_bad_request(app: TestApp) {
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

pub(super) async fn cursor_with_any_one_character_changed_is_400_bad_request(app: TestApp) {
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

pub(super) async fn cursor_made_for_another_sort_is_400_bad_request(app: TestApp) {
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
