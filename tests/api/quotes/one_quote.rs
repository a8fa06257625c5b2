//! Quotes: one quote, read and written with ETags.

use super::*;

pub(super) async fn get_returns_the_quote_with_its_etag(app: TestApp) {
    let article_id = article(&app, "get-one").await;
    let created = app.add_quote(&article_id, &full_quote()).await;

    let reply = app.get(&quote_path(&created)).await;
    let uppercase = app.get(&format!("/v1/quotes/{}", id_of(&created).to_uppercase())).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"1\""));
    assert_eq!(reply.body, created);
    assert_eq!(uppercase.body, created, "an upper-case UUID names the same quote");
}

pub(super) async fn get_with_matching_if_none_match_is_304(app: TestApp) {
    let article_id = article(&app, "cached").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let fresh = send_with(&app, Method::GET, &path, ("if-none-match", "\"1\""), None).await;
    let star = send_with(&app, Method::GET, &path, ("if-none-match", "*"), None).await;
    let stale = send_with(&app, Method::GET, &path, ("if-none-match", "\"2\", \"3\""), None).await;
    app.patch(&path, &json!({"context": "later"})).await;
    let after_change = send_with(&app, Method::GET, &path, ("if-none-match", "\"1\""), None).await;

    assert_eq!(fresh.status, 304);
    assert_eq!(fresh.header("etag"), Some("\"1\""));
    assert!(fresh.text.is_empty());
    assert_eq!(star.status, 304);
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, created);
    assert_eq!(after_change.status, 200, "the old ETag no longer matches");
    assert_eq!(after_change.header("etag"), Some("\"2\""));
    assert_eq!(after_change.body["context"], "later");
}

pub(super) async fn put_replaces_every_field_and_clears_left_out_optional_ones(app: TestApp) {
    let article_id = article(&app, "replaced").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let reply = app.put(&path, &json!({"text": "New text.", "speaker_name": "  Kim Jong Un  "})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let quote = app.get(&path).await.body;
    assert_eq!(quote, reply.body);
    assert_eq!(quote["text"], "New text.");
    assert_eq!(quote["speaker_name"], "Kim Jong Un");
    assert_eq!(quote["speaker_title"], Value::Null);
    assert_eq!(quote["context"], Value::Null);
    assert_eq!(quote["version"], 2);
    assert_eq!(quote["id"], created["id"]);
    assert_eq!(quote["article_id"], created["article_id"]);
    assert_eq!(quote["position"], 0);
    assert_eq!(quote["created_at"], created["created_at"]);
    assert!(time(&quote["updated_at"]) > time(&created["updated_at"]));
}

pub(super) async fn patch_changes_only_the_members_given(app: TestApp) {
    let article_id = article(&app, "patched").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let reply =
        app.patch(&path, &json!({"speaker_title": "Former Foreign Minister", "speaker_name": " Park Jin Jr. "})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("etag"), Some("\"2\""));
    let mut expected = created.clone();
    expected["speaker_title"] = json!("Former Foreign Minister");
    expected["speaker_name"] = json!("Park Jin Jr.");
    expected["version"] = json!(2);
    expected["updated_at"] = reply.body["updated_at"].clone();
    assert_eq!(reply.body, expected);
    assert_eq!(app.get(&path).await.body, expected);
    assert!(time(&expected["updated_at"]) > time(&created["updated_at"]));
}

pub(super) async fn patch_null_clears_speaker_title_and_context(app: TestApp) {
    let article_id = article(&app, "cleared").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let reply = app.patch(&path, &json!({"speaker_title": null, "context": null})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    let quote = app.get(&path).await.body;
    assert_eq!(quote["speaker_title"], Value::Null);
    assert_eq!(quote["context"], Value::Null);
    assert_eq!(quote["text"], created["text"], "members not in the patch stay");
    assert_eq!(quote["speaker_name"], created["speaker_name"]);
    assert_eq!(quote["version"], 2);
}

pub(super) async fn patch_accepts_plain_application_json(app: TestApp) {
    let article_id = article(&app, "plain-json").await;
    let created = app.add_quote(&article_id, &full_quote()).await;

    let reply = app.send_json(Method::PATCH, &quote_path(&created), &json!({"context": "on Twitter"})).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["context"], "on Twitter");
}

pub(super) async fn patch_null_for_a_required_field_is_422_and_changes_nothing(app: TestApp) {
    let article_id = article(&app, "required").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let text = app.patch(&path, &json!({"text": null})).await;
    let speaker = app.patch(&path, &json!({"speaker_name": null, "context": "x"})).await;
    let empty = app.patch(&path, &json!({"text": ""})).await;

    text.assert_problem(422, "validation-failed");
    assert_eq!(text.error_locations(), ["/text"]);
    speaker.assert_problem(422, "validation-failed");
    assert_eq!(speaker.error_locations(), ["/speaker_name"]);
    empty.assert_problem(422, "validation-failed");
    assert_eq!(empty.error_locations(), ["/text"]);
    assert_eq!(app.get(&path).await.body, created);
}

pub(super) async fn unknown_field_is_422_on_post_put_and_patch(app: TestApp) {
    let article_id = article(&app, "unknown-fields").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);
    let mut with_unknown = full_quote();
    with_unknown["mood"] = json!("angry");

    let post = app.post(&quotes_path(&article_id), &with_unknown).await;
    let put = app.put(&path, &with_unknown).await;
    let patch = app.patch(&path, &json!({"mood": "angry"})).await;

    for reply in [&post, &put, &patch] {
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), ["/mood"]);
    }
    assert_eq!(app.get(&path).await.body, created);
    assert_eq!(app.quotes(&article_id).await.len(), 1);
}

pub(super) async fn every_write_grows_the_version_by_one(app: TestApp) {
    let article_id = article(&app, "versions").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[0]);

    let patched = app.patch(&path, &json!({"context": "c"})).await;
    let put = app.put(&path, &json!({"text": "A", "speaker_name": "S"})).await;
    let moved = app.patch(&path, &json!({"position": 1})).await;

    assert_eq!([&patched, &put, &moved].map(|r| r.body["version"].clone()), [json!(2), json!(3), json!(4)]);
    assert_eq!(moved.header("etag"), Some("\"4\""));
    assert_eq!(app.get(&path).await.header("etag"), Some("\"4\""));
}

pub(super) async fn stale_if_match_is_412_and_changes_nothing(app: TestApp) {
    let article_id = article(&app, "guarded").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[0]);
    let changed = app.patch(&path, &json!({"context": "v2"})).await.body;
    assert_eq!(changed["version"], 2);

    let put = app
        .send(
            app.request(Method::PUT, &path)
                .header("if-match", "\"1\"")
                .json(&json!({"text": "X", "speaker_name": "S", "position": 1})),
        )
        .await;
    let patch =
        send_with(&app, Method::PATCH, &path, ("if-match", "\"1\""), Some(&json!({"text": "X", "position": 1}))).await;
    let weak = send_with(&app, Method::PATCH, &path, ("if-match", "W/\"2\""), Some(&json!({"text": "X"}))).await;
    let delete = send_with(&app, Method::DELETE, &path, ("if-match", "\"1\""), None).await;

    for reply in [&put, &patch, &weak, &delete] {
        reply.assert_problem(412, "precondition-failed");
    }
    assert_eq!(app.get(&path).await.body, changed);
    assert_eq!(texts(&app, &article_id).await, ["A", "B"]);
}

pub(super) async fn matching_if_match_lets_writes_through(app: TestApp) {
    let article_id = article(&app, "if-match").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = quote_path(&created);

    let put = app
        .send(
            app.request(Method::PUT, &path)
                .header("if-match", "\"1\"")
                .json(&json!({"text": "T2", "speaker_name": "S"})),
        )
        .await;
    let patch = send_with(&app, Method::PATCH, &path, ("if-match", "\"9\", \"2\""), Some(&json!({"text": "T3"}))).await;
    let delete = send_with(&app, Method::DELETE, &path, ("if-match", "\"3\""), None).await;

    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(patch.status, 200, "{}", patch.text);
    assert_eq!(patch.body["text"], "T3");
    assert_eq!(delete.status, 204, "{}", delete.text);
    app.get(&path).await.assert_problem(404, "not-found");
}

pub(super) async fn non_uuid_quote_id_is_400(app: TestApp) {
    let article_id = article(&app, "bad-ids").await;
    app.add_quote(&article_id, &full_quote()).await;

    for id in ["not-a-uuid", "bad-ids", "12345"] {
        let path = format!("/v1/quotes/{id}");
        let get = app.get(&path).await;
        let put = app.put(&path, &full_quote()).await;
        let patch = app.patch(&path, &json!({"text": "x"})).await;
        let delete = app.delete(&path).await;

        for reply in [&get, &put, &patch, &delete] {
            reply.assert_problem(400, "bad-request");
        }
    }
    assert_eq!(app.quotes(&article_id).await.len(), 1);
}

pub(super) async fn unknown_quote_id_is_404(app: TestApp) {
    let article_id = article(&app, "missing").await;
    let created = app.add_quote(&article_id, &full_quote()).await;
    let path = format!("/v1/quotes/{}", uuid::Uuid::now_v7());

    let get = app.get(&path).await;
    let put = app.put(&path, &full_quote()).await;
    let patch = app.patch(&path, &json!({"text": "x"})).await;
    let delete = app.delete(&path).await;
    let article_as_quote = app.get(&format!("/v1/quotes/{article_id}")).await;

    for reply in [&get, &put, &patch, &delete, &article_as_quote] {
        reply.assert_problem(404, "not-found");
    }
    assert_eq!(app.quotes(&article_id).await, vec![created]);
}

pub(super) async fn delete_returns_204_then_404(app: TestApp) {
    let article_id = article(&app, "deleted").await;
    let q = add_all(&app, &article_id, &["A", "B"]).await;
    let path = quote_path(&q[0]);

    let first = app.delete(&path).await;
    let second = app.delete(&path).await;

    assert_eq!(first.status, 204, "{}", first.text);
    assert!(first.text.is_empty());
    second.assert_problem(404, "not-found");
    app.get(&path).await.assert_problem(404, "not-found");
    app.patch(&path, &json!({"text": "x"})).await.assert_problem(404, "not-found");
    assert_eq!(texts(&app, &article_id).await, ["B"]);
    assert_eq!(ids(&search(&app, &[]).await.items()), [id_of(&q[1])]);
}
