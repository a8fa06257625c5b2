//! Quotes: positions.

use super::*;

pub(super) async fn appended_quotes_take_positions_0_1_2_per_article(app: TestApp) {
    let first = article(&app, "first").await;
    let second = article(&app, "second").await;

    let created = add_all(&app, &first, &["A", "B", "C"]).await;
    let other = add_text(&app, &second, "X").await;

    let positions: Vec<_> = created.iter().map(|q| q["position"].clone()).collect();
    assert_eq!(positions, [json!(0), json!(1), json!(2)]);
    assert_eq!(other["position"], 0, "positions count per article");
    assert_eq!(texts(&app, &first).await, ["A", "B", "C"]);
    assert_eq!(texts(&app, &second).await, ["X"]);
}

pub(super) async fn inserting_at_position_0_moves_every_other_quote_down(app: TestApp) {
    let article_id = article(&app, "front").await;
    add_all(&app, &article_id, &["A", "B", "C"]).await;

    let front = app.add_quote(&article_id, &json!({"text": "F", "speaker_name": "S", "position": 0})).await;

    assert_eq!(front["position"], 0);
    assert_eq!(texts(&app, &article_id).await, ["F", "A", "B", "C"]);
}

pub(super) async fn inserting_in_the_middle_moves_only_the_later_quotes_down(app: TestApp) {
    let article_id = article(&app, "middle").await;
    let before = add_all(&app, &article_id, &["A", "B", "C", "D"]).await;

    let middle = app.add_quote(&article_id, &json!({"text": "M", "speaker_name": "S", "position": 2})).await;

    assert_eq!(middle["position"], 2);
    let list = app.quotes(&article_id).await;
    let order: Vec<_> = list.iter().map(|q| q["text"].clone()).collect();
    assert_eq!(order, [json!("A"), json!("B"), json!("M"), json!("C"), json!("D")]);
    assert_eq!(list[0]["id"], before[0]["id"]);
    assert_eq!(list[4]["id"], before[3]["id"]);
}

pub(super) async fn position_equal_to_the_count_appends(app: TestApp) {
    let article_id = article(&app, "at-end").await;
    add_all(&app, &article_id, &["A", "B"]).await;

    let end = app.add_quote(&article_id, &json!({"text": "E", "speaker_name": "S", "position": 2})).await;
    let first_of_other =
        app.add_quote(&article(&app, "empty").await, &json!({"text": "Z", "speaker_name": "S", "position": 0})).await;

    assert_eq!(end["position"], 2);
    assert_eq!(first_of_other["position"], 0);
    assert_eq!(texts(&app, &article_id).await, ["A", "B", "E"]);
}

/// Where the list ends depends on what is stored now: a conflict, not bad syntax.
pub(super) async fn position_past_the_end_is_409_and_stores_nothing(app: TestApp) {
    let article_id = article(&app, "past-end").await;
    add_all(&app, &article_id, &["A", "B"]).await;

    let reply = app.post(&quotes_path(&article_id), &json!({"text": "E", "speaker_name": "S", "position": 3})).await;
    let on_empty = app
        .post(&quotes_path(&article(&app, "empty").await), &json!({"text": "E", "speaker_name": "S", "position": 1}))
        .await;

    reply.assert_problem(409, "conflict");
    assert!(reply.body["detail"].as_str().unwrap().contains("at most 2"), "{}", reply.text);
    on_empty.assert_problem(409, "conflict");
    assert!(on_empty.body["detail"].as_str().unwrap().contains("at most 0"), "{}", on_empty.text);
    assert_eq!(texts(&app, &article_id).await, ["A", "B"]);
    assert!(texts(&app, "empty").await.is_empty());
}

pub(super) async fn negative_or_non_integer_position_is_422(app: TestApp) {
    let article_id = article(&app, "bad-positions").await;
    add_text(&app, &article_id, "A").await;

    for position in [json!(-1), json!(i64::MIN), json!(1.5), json!(1e300), json!(u64::MAX), json!("0"), json!(true)] {
        let reply =
            app.post(&quotes_path(&article_id), &json!({"text": "E", "speaker_name": "S", "position": position})).await;

        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/position"], "position {position}");
    }
    assert_eq!(texts(&app, &article_id).await, ["A"]);
}

/// JSON has one number type, and JSON Schema counts `1.0` as the integer 1.
pub(super) async fn a_whole_number_written_with_a_fraction_is_an_integer_position(app: TestApp) {
    let article_id = article(&app, "float-positions").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;

    let created =
        app.post(&quotes_path(&article_id), &json!({"text": "C", "speaker_name": "S", "position": 1.0})).await;
    let moved = app.patch(&quote_path(&q[0]), &json!({"position": 2.0})).await;

    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["position"], 1);
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(texts(&app, &article_id).await, ["C", "B", "A"]);
}

pub(super) async fn patch_position_moves_a_quote_down_and_up_keeping_positions_gap_free(app: TestApp) {
    let article_id = article(&app, "moves").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D", "E"]).await;

    // A from the top to the middle.
    let moved = app.patch(&quote_path(&q[0]), &json!({"position": 2})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["position"], 2);
    assert_eq!(texts(&app, &article_id).await, ["B", "C", "A", "D", "E"]);

    // E from the bottom to the top.
    let moved = app.patch(&quote_path(&q[4]), &json!({"position": 0})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(texts(&app, &article_id).await, ["E", "B", "C", "A", "D"]);

    // B to the last place.
    let moved = app.patch(&quote_path(&q[1]), &json!({"position": 4})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["position"], 4);
    assert_eq!(texts(&app, &article_id).await, ["E", "C", "A", "D", "B"]);

    // D one place up.
    let moved = app.patch(&quote_path(&q[3]), &json!({"position": 2})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(texts(&app, &article_id).await, ["E", "C", "D", "A", "B"]);

    // C to where it already is.
    let stay = app.patch(&quote_path(&q[2]), &json!({"position": 1})).await;
    assert_eq!(stay.status, 200, "{}", stay.text);
    assert_eq!(stay.body["position"], 1);
    assert_eq!(texts(&app, &article_id).await, ["E", "C", "D", "A", "B"]);

    // Each response's position is the one the list shows.
    let list = app.quotes(&article_id).await;
    for quote in &list {
        let fetched = app.get(&quote_path(quote)).await.body;
        assert_eq!(fetched["position"], quote["position"], "{}", quote["text"]);
    }
}

pub(super) async fn put_with_a_new_position_moves_the_quote(app: TestApp) {
    let article_id = article(&app, "put-moves").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D"]).await;

    let down = app.put(&quote_path(&q[0]), &json!({"text": "A2", "speaker_name": "S", "position": 3})).await;
    assert_eq!(down.status, 200, "{}", down.text);
    assert_eq!(down.body["position"], 3);
    assert_eq!(texts(&app, &article_id).await, ["B", "C", "D", "A2"]);

    let up = app.put(&quote_path(&q[2]), &json!({"text": "C2", "speaker_name": "S", "position": 0})).await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.body["position"], 0);
    assert_eq!(texts(&app, &article_id).await, ["C2", "B", "D", "A2"]);
}

pub(super) async fn put_without_position_keeps_the_quote_in_place(app: TestApp) {
    let article_id = article(&app, "put-stays").await;
    let q = add_all(&app, &article_id, &["A", "B", "C"]).await;

    let reply = app.put(&quote_path(&q[1]), &json!({"text": "B2", "speaker_name": "S"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["position"], 1);
    assert_eq!(texts(&app, &article_id).await, ["A", "B2", "C"]);
}

pub(super) async fn moving_past_the_end_is_409_and_changes_nothing(app: TestApp) {
    let article_id = article(&app, "move-past-end").await;
    let q = add_all(&app, &article_id, &["A", "B", "C"]).await;

    let patch = app.patch(&quote_path(&q[0]), &json!({"position": 3})).await;
    let put = app.put(&quote_path(&q[0]), &json!({"text": "A2", "speaker_name": "S", "position": 3})).await;
    let negative = app.patch(&quote_path(&q[0]), &json!({"position": -1})).await;

    for reply in [&patch, &put] {
        reply.assert_problem(409, "conflict");
        assert!(reply.body["detail"].as_str().unwrap().contains("at most 2"), "{}", reply.text);
    }
    negative.assert_problem(422, "validation-failed");
    assert_eq!(negative.error_locations(), ["/position"]);
    assert_eq!(texts(&app, &article_id).await, ["A", "B", "C"]);
    let unchanged = app.get(&quote_path(&q[0])).await;
    assert_eq!(unchanged.body["version"], 1);
    assert_eq!(unchanged.body, q[0]);
}

pub(super) async fn deleting_a_quote_closes_the_gap(app: TestApp) {
    let article_id = article(&app, "gaps").await;
    let q = add_all(&app, &article_id, &["A", "B", "C", "D", "E"]).await;

    assert_eq!(app.delete(&quote_path(&q[2])).await.status, 204);
    assert_eq!(texts(&app, &article_id).await, ["A", "B", "D", "E"]);

    assert_eq!(app.delete(&quote_path(&q[0])).await.status, 204);
    assert_eq!(texts(&app, &article_id).await, ["B", "D", "E"]);

    assert_eq!(app.delete(&quote_path(&q[4])).await.status, 204);
    assert_eq!(texts(&app, &article_id).await, ["B", "D"]);

    let appended = add_text(&app, &article_id, "F").await;
    assert_eq!(appended["position"], 2, "appends after the last one left");
    assert_eq!(texts(&app, &article_id).await, ["B", "D", "F"]);
}

pub(super) async fn a_quote_shifted_by_a_neighbours_change_no_longer_matches_its_old_etag(app: TestApp) {
    let article_id = article(&app, "shifted").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[1]);
    let cached = app.get(&path).await;
    assert_eq!(cached.header("etag"), Some("\"1\""));
    assert_eq!(cached.body["position"], 1);

    assert_eq!(app.delete(&quote_path(&q[0])).await.status, 204);
    let revalidated = send_with(&app, Method::GET, &path, ("if-none-match", "\"1\""), None).await;

    assert_eq!(
        revalidated.status, 200,
        "B's position changed, so its strong ETag \"1\" must no longer match: {}",
        revalidated.text
    );
    assert_eq!(revalidated.body["position"], 0);
    assert_ne!(revalidated.header("etag"), Some("\"1\""));
}

pub(super) async fn twenty_concurrent_appends_get_positions_0_to_19(app: TestApp) {
    let article_id = article(&app, "busy").await;

    let handles: Vec<_> = (0..20)
        .map(|i| {
            let app = app.clone();
            let path = quotes_path(&article_id);
            actix_web::rt::spawn(async move {
                app.post(&path, &json!({"text": format!("quote {i}"), "speaker_name": "S"})).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for handle in handles {
        replies.push(handle.await.expect("task finished"));
    }

    for reply in &replies {
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let mut positions: Vec<i64> = replies.iter().map(|r| r.body["position"].as_i64().unwrap()).collect();
    positions.sort_unstable();
    assert_eq!(positions, (0..20).collect::<Vec<i64>>(), "no duplicates");
    let list = app.quotes(&article_id).await;
    assert_eq!(list.len(), 20);
    for reply in &replies {
        let at = reply.body["position"].as_u64().unwrap() as usize;
        assert_eq!(list[at]["id"], reply.body["id"], "the list agrees with the 201s");
    }
}

pub(super) async fn concurrent_moves_deletes_and_appends_leave_a_gap_free_sequence(app: TestApp) {
    let article_id = article(&app, "churn").await;
    let labels: Vec<String> = (0..10).map(|i| format!("old {i}")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let old = add_all(&app, &article_id, &labels).await;
    // old[0..5] are deleted; old[5..10] are moved by PATCH and by PUT, always to a
    // position below 5, which exists whatever order the writes run in.
    let mut handles = Vec::new();
    for (i, quote) in old.iter().enumerate() {
        let path = quote_path(quote);
        if i < 5 {
            let app = app.clone();
            handles.push(actix_web::rt::spawn(async move { (204_u16, app.delete(&path).await) }));
        } else {
            let (patch_app, put_app, put_path) = (app.clone(), app.clone(), path.clone());
            let text = quote["text"].clone();
            handles.push(actix_web::rt::spawn(async move {
                (200_u16, patch_app.patch(&path, &json!({"position": i % 5})).await)
            }));
            handles.push(actix_web::rt::spawn(async move {
                let body = json!({"text": text, "speaker_name": "S", "position": (i + 2) % 5});
                (200_u16, put_app.put(&put_path, &body).await)
            }));
        }
    }
    for i in 0..10 {
        let app = app.clone();
        let path = quotes_path(&article_id);
        handles.push(actix_web::rt::spawn(async move {
            (201_u16, app.post(&path, &json!({"text": format!("new {i}"), "speaker_name": "S"})).await)
        }));
    }

    for handle in handles {
        let (expected, reply) = handle.await.expect("task finished");
        assert_eq!(reply.status, expected, "{}", reply.text);
    }
    let list = app.quotes(&article_id).await;
    let mut found: Vec<String> = list.iter().map(|q| q["text"].as_str().unwrap().to_owned()).collect();
    found.sort();
    let mut expected: Vec<String> =
        (5..10).map(|i| format!("old {i}")).chain((0..10).map(|i| format!("new {i}"))).collect();
    expected.sort();
    assert_eq!(found, expected);
}

pub(super) async fn patching_only_the_text_while_earlier_quotes_are_deleted_keeps_its_place(app: TestApp) {
    let article_id = article(&app, "patch-race").await;
    let labels: Vec<String> = (0..12).map(|i| format!("q{i:02}")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let q = add_all(&app, &article_id, &labels).await;
    // q[0..8] are deleted while q[9] (in the middle) and q[11] (the last one) get
    // text-only patches: neither may move, nor be refused.
    let mut handles = Vec::new();
    for quote in &q[..8] {
        let (app, path) = (app.clone(), quote_path(quote));
        handles.push(actix_web::rt::spawn(async move { (204_u16, app.delete(&path).await) }));
    }
    // One task per patched quote, its patches one after another: concurrent
    // patches of the same quote are not what this test is about.
    let mut patchers = Vec::new();
    for target in [&q[9], &q[11]] {
        let (app, path) = (app.clone(), quote_path(target));
        let label = target["text"].as_str().unwrap().to_owned();
        patchers.push(actix_web::rt::spawn(async move {
            let mut replies = Vec::new();
            for round in 0..4 {
                let text = format!("{label} edit {round}");
                replies.push(app.patch(&path, &json!({"text": text})).await);
            }
            replies
        }));
    }

    for handle in handles {
        let (expected, reply) = handle.await.expect("task finished");
        assert_eq!(reply.status, expected, "{}", reply.text);
    }
    for patcher in patchers {
        for reply in patcher.await.expect("task finished") {
            assert_eq!(reply.status, 200, "a text-only patch: {}", reply.text);
        }
    }
    let order: Vec<String> = app.quotes(&article_id).await.iter().map(|q| id_of(q).to_owned()).collect();
    let expected: Vec<String> = q[8..].iter().map(|q| id_of(q).to_owned()).collect();
    assert_eq!(order, expected, "text-only patches never move a quote");
}
