//! An article's lead `image`: its rules (each broken one a 422 naming
//! `/image/...`), the round trip through create, read, replace and merge patch,
//! `fields=image`, and revisions recording and restoring it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, article_path};

crate::tests![
    broken_image_rules_are_422_naming_each_member,
    an_image_round_trips_through_create_get_and_put,
    a_merge_patch_merges_into_the_image_and_null_removes_it,
    a_merge_patch_that_leaves_the_merged_image_invalid_is_422,
    fields_selects_the_image,
    revisions_record_an_image_change_and_a_restore_brings_it_back,
];

const ARTICLES: &str = "/v1/articles";

fn image() -> Value {
    json!({
        "url": "https://images.example.com/2024/03/launch.jpg",
        "alt": "A missile rises from a launch pad",
        "caption": "A test launch on Thursday.",
        "credit": "Photograph: Example Agency",
        "width": 1600,
        "height": 900,
    })
}

fn article_with(image: Value) -> Value {
    json!({"title": "Launch", "body": "text", "status": "published", "image": image})
}

/// `image()` with `member` set to `value` (or removed, for `None`).
fn image_with(member: &str, value: Option<Value>) -> Value {
    let mut image = image();
    match value {
        Some(value) => image[member] = value,
        None => {
            image.as_object_mut().unwrap().remove(member);
        }
    }
    image
}

async fn broken_image_rules_are_422_naming_each_member(app: TestApp) {
    let stored = app.articles_stored();
    let long = |n: usize| json!("x".repeat(n));
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (image_with("alt", None), vec!["/image/alt"]),
        (json!({}), vec!["/image/url", "/image/alt"]),
        (json!({"caption": "only a caption"}), vec!["/image/url", "/image/alt"]),
        (image_with("alt", Some(json!(" \t "))), vec!["/image/alt"]),
        (image_with("alt", Some(json!(null))), vec!["/image/alt"]),
        (image_with("url", Some(json!("/img/launch.jpg"))), vec!["/image/url"]),
        (image_with("url", Some(json!("images.example.com/a.jpg"))), vec!["/image/url"]),
        (image_with("url", Some(json!("javascript:alert(1)"))), vec!["/image/url"]),
        (image_with("url", Some(json!("data:image/png;base64,AAAA"))), vec!["/image/url"]),
        (image_with("url", Some(json!(format!("https://i.example.com/{}", "a".repeat(2048))))), vec!["/image/url"]),
        (image_with("alt", Some(long(501))), vec!["/image/alt"]),
        (image_with("caption", Some(long(1001))), vec!["/image/caption"]),
        (image_with("credit", Some(long(301))), vec!["/image/credit"]),
        (image_with("credit", Some(json!("a\u{0}b"))), vec!["/image/credit"]),
        (image_with("width", Some(json!(-5))), vec!["/image/width"]),
        (image_with("width", Some(json!(0))), vec!["/image/width"]),
        (image_with("height", Some(json!(65_536))), vec!["/image/height"]),
        (image_with("width", Some(json!(1.5))), vec!["/image/width"]),
        (image_with("width", Some(json!("1600"))), vec!["/image/width"]),
        (image_with("alt", Some(json!(5))), vec!["/image/alt"]),
        (image_with("url", Some(json!(["https://i.example.com/a.jpg"]))), vec!["/image/url"]),
        (image_with("focus", Some(json!("centre"))), vec!["/image/focus"]),
        (json!("https://i.example.com/a.jpg"), vec!["/image"]),
        (json!([image()]), vec!["/image"]),
    ];
    for (image, pointers) in cases {
        let reply = app.post(ARTICLES, &article_with(image.clone())).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), pointers, "{image}: {}", reply.text);
    }
    assert_eq!(app.articles_stored(), stored, "a refused create stored something");
    // Every rule at once, with the article's own.
    let reply =
        app.post(ARTICLES, &json!({"title": " ", "image": {"url": "ftp://x.org/a", "alt": "", "height": -1}})).await;
    assert_eq!(reply.error_locations(), ["/title", "/image/url", "/image/alt", "/image/height"], "{}", reply.text);
}

async fn an_image_round_trips_through_create_get_and_put(app: TestApp) {
    let created = app.create_article(&article_with(image())).await;
    assert_eq!(created["image"], image());
    let path = article_path(&created);
    assert_eq!(app.anonymous().get(&path).await.body["image"], image());
    // Only `url` and `alt`: the other members read back as null, and whole numbers
    // written with a fraction of zero are whole numbers.
    let bare = json!({"url": "http://i.example.com/b.png", "alt": " Alt as sent "});
    let minimal = app.create_article(&article_with(bare)).await;
    assert_eq!(
        minimal["image"],
        json!({"url": "http://i.example.com/b.png", "alt": " Alt as sent ", "caption": null, "credit": null,
               "width": null, "height": null})
    );
    let floaty = app.create_article(&article_with(image_with("width", Some(json!(1600.0))))).await;
    assert_eq!(floaty["image"]["width"], 1600);
    // No image: null, whether left out or sent as null.
    for body in [json!({"title": "Plain"}), json!({"title": "Plain", "image": null})] {
        assert_eq!(app.create_article(&body).await["image"], Value::Null);
    }
    // PUT replaces it, and one that leaves it out clears it.
    let replaced = image_with("caption", Some(json!("New caption")));
    let reply = app.put(&path, &article_with(replaced.clone())).await;
    assert_eq!((reply.status, &reply.body["image"]), (200, &replaced), "{}", reply.text);
    let reply = app.put(&path, &json!({"title": "Launch", "body": "text", "status": "published"})).await;
    assert_eq!((reply.status, &reply.body["image"]), (200, &Value::Null), "{}", reply.text);
    assert_eq!(app.get(&path).await.body["image"], Value::Null);
    // A PUT breaking a rule changes nothing.
    let reply = app.put(&path, &article_with(json!({"url": "https://i.example.com/c.jpg"}))).await;
    assert_eq!(reply.error_locations(), ["/image/alt"], "{}", reply.text);
    assert_eq!(app.get(&path).await.body["version"], 3);
}

async fn a_merge_patch_merges_into_the_image_and_null_removes_it(app: TestApp) {
    let created = app.create_article(&article_with(image())).await;
    let path = article_path(&created);
    // One member changed, one cleared, the rest kept.
    let reply = app.patch(&path, &json!({"image": {"caption": "Changed", "credit": null}})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let expected = json!({
        "url": "https://images.example.com/2024/03/launch.jpg", "alt": "A missile rises from a launch pad",
        "caption": "Changed", "credit": null, "width": 1600, "height": 900,
    });
    assert_eq!(reply.body["image"], expected);
    // A patch that leaves the image alone keeps it.
    let reply = app.patch(&path, &json!({"title": "Launch, updated"})).await;
    assert_eq!(reply.body["image"], expected);
    // null removes it; a whole object adds one again.
    let reply = app.patch(&path, &json!({"image": null})).await;
    assert_eq!((reply.status, &reply.body["image"]), (200, &Value::Null), "{}", reply.text);
    let fresh = json!({"url": "https://i.example.com/new.jpg", "alt": "New", "width": 10});
    let reply = app.patch(&path, &json!({"image": fresh})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["image"]["url"], "https://i.example.com/new.jpg");
    assert_eq!((&reply.body["image"]["width"], &reply.body["image"]["caption"]), (&json!(10), &Value::Null));
    assert_eq!(app.get(&path).await.body["image"], reply.body["image"]);
}

async fn a_merge_patch_that_leaves_the_merged_image_invalid_is_422(app: TestApp) {
    let plain = app.create_article(&json!({"title": "No image yet"})).await;
    let with_image = app.create_article(&article_with(image())).await;
    let cases = [
        (&plain, json!({"image": {"caption": "A caption for no picture"}}), vec!["/image/url", "/image/alt"]),
        (&plain, json!({"image": {}}), vec!["/image/url", "/image/alt"]),
        (
            &plain,
            json!({"image": {"url": "https://i.example.com/a.jpg", "alt": "A", "focus": null}}),
            vec!["/image/focus"],
        ),
        (&with_image, json!({"image": {"alt": null}}), vec!["/image/alt"]),
        (&with_image, json!({"image": {"url": "javascript:alert(1)"}}), vec!["/image/url"]),
        (&with_image, json!({"image": {"width": -1, "height": 0}}), vec!["/image/width", "/image/height"]),
        (&with_image, json!({"image": {"focus": null}}), vec!["/image/focus"]),
        (&with_image, json!({"image": "https://i.example.com/a.jpg"}), vec!["/image"]),
    ];
    for (article, patch, pointers) in cases {
        let path = article_path(article);
        let before = app.get(&path).await.body;
        let reply = app.patch(&path, &patch).await;
        reply.assert_problem(422, "validation-failed");
        assert_eq!(reply.error_locations(), pointers, "{patch}: {}", reply.text);
        assert_eq!(app.get(&path).await.body, before, "{patch} changed the article");
    }
}

async fn fields_selects_the_image(app: TestApp) {
    let created = app.create_article(&article_with(image())).await;
    let path = article_path(&created);
    let reply = app.get(&format!("{path}?fields=image")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut members: Vec<&str> = reply.body.as_object().unwrap().keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["id", "image", "version"]);
    assert_eq!(reply.body["image"], image());
    // Left out when not named, in a single read and in a list.
    assert!(app.get(&format!("{path}?fields=title")).await.body.get("image").is_none());
    let list = app.get("/v1/articles?fields=title,image").await.items();
    assert_eq!(list[0]["image"], image());
    assert!(list[0].get("body").is_none());
}

async fn revisions_record_an_image_change_and_a_restore_brings_it_back(app: TestApp) {
    let created = app.create_article(&article_with(image())).await;
    let path = article_path(&created);
    assert_eq!(app.patch(&path, &json!({"image": {"alt": "Changed alt", "width": null}})).await.status, 200);
    assert_eq!(app.patch(&path, &json!({"image": null})).await.status, 200);
    let revisions = format!("{path}/revisions");
    let history = app.get(&revisions).await.items();
    assert_eq!(history.len(), 3, "{history:?}");
    // Newest first: the removal, then the member change, each as its merge patch.
    assert_eq!(history[0]["diff"]["image"], Value::Null);
    assert!(history[0]["diff"].as_object().unwrap().contains_key("image"), "{}", history[0]);
    assert_eq!(history[1]["diff"]["image"], json!({"alt": "Changed alt", "width": null}));
    assert_eq!(app.get(&format!("{revisions}/2")).await.body["image"]["alt"], "Changed alt");
    assert_eq!(app.get(&format!("{revisions}/1")).await.body["image"], image());
    // Restoring revision 1 brings the whole image back, as a new revision.
    let reply = app.send(app.request(Method::POST, &format!("{revisions}/1/restore"))).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["article"]["image"], image());
    assert_eq!(app.get(&path).await.body["image"], image());
    let history = app.get(&revisions).await.items();
    assert_eq!((history.len(), &history[0]["restored_from"]), (4, &json!(1)));
    assert_eq!(history[0]["diff"]["image"], image());
    // And revision 3 (no image) takes it away again.
    let reply = app.send(app.request(Method::POST, &format!("{revisions}/3/restore"))).await;
    assert_eq!((reply.status, &reply.body["article"]["image"]), (200, &Value::Null), "{}", reply.text);
}
