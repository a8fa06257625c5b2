//! Related links: positions.

use super::*;

pub(super) async fn links_without_position_are_appended_at_0_1_2(app: TestApp) {
    let article = app.published("Article").await;
    let target = app.published("Target").await;

    let first = add_url(&app, &article, "https://a.example.org/").await;
    let second = add_target(&app, &article, &target).await;
    let third = add_url(&app, &article, "https://c.example.org/").await;

    assert_eq!([&first, &second, &third].map(|l| l["position"].clone()), [json!(0), json!(1), json!(2)]);
    assert_eq!(app.links(&article).await, [first, second, third]);
}

pub(super) async fn inserting_at_position_0_shifts_the_others_down(app: TestApp) {
    let article = app.published("Article").await;
    add_url(&app, &article, "https://a.example.org/").await;
    add_url(&app, &article, "https://b.example.org/").await;

    let first = app.add_link(&article, &json!({"url": "https://new.example.org/", "position": 0})).await;
    let middle = app.add_link(&article, &json!({"url": "https://mid.example.org/", "position": 2})).await;

    assert_eq!(first["position"], 0);
    assert_eq!(middle["position"], 2);
    let links = app.links(&article).await;
    assert_eq!(
        layout(&links),
        expected_layout(&[
            "https://new.example.org/",
            "https://a.example.org/",
            "https://mid.example.org/",
            "https://b.example.org/"
        ])
    );
    let shifted = app.get(&link_path(&links[1])).await;
    assert_eq!(shifted.body["position"], 1, "GET shows the new position");
}

pub(super) async fn patching_the_position_moves_a_link_up_and_down_without_gaps(app: TestApp) {
    let article = app.published("Article").await;
    let mut links = Vec::new();
    for url in ["https://a.org/", "https://b.org/", "https://c.org/", "https://d.org/"] {
        links.push(add_url(&app, &article, url).await);
    }

    let up = app.patch(&link_path(&links[3]), &json!({"position": 1})).await;
    let after_up = layout(&app.links(&article).await);
    let down = app.patch(&link_path(&links[0]), &json!({"position": 3})).await;
    let after_down = layout(&app.links(&article).await);
    let same = app.patch(&link_path(&links[2]), &json!({"position": 2})).await;
    let after_same = layout(&app.links(&article).await);

    assert_json(&up, 200);
    assert_eq!(up.body["position"], 1);
    assert_eq!(up.body["version"], 2);
    assert_eq!(after_up, expected_layout(&["https://a.org/", "https://d.org/", "https://b.org/", "https://c.org/"]));
    assert_json(&down, 200);
    assert_eq!(down.body["position"], 3);
    assert_eq!(after_down, expected_layout(&["https://d.org/", "https://b.org/", "https://c.org/", "https://a.org/"]));
    assert_json(&same, 200);
    assert_eq!(same.body["position"], 2);
    assert_eq!(after_same, after_down);
}

pub(super) async fn patching_the_position_past_the_end_is_refused(app: TestApp) {
    let article = app.published("Article").await;
    let first = add_url(&app, &article, "https://a.org/").await;
    add_url(&app, &article, "https://b.org/").await;
    let before = app.links(&article).await;

    let past = app.patch(&link_path(&first), &json!({"position": 2})).await;
    let negative = app.patch(&link_path(&first), &json!({"position": -1})).await;

    past.assert_problem(409, "conflict");
    negative.assert_problem(422, "validation-failed");
    assert_eq!(negative.error_locations(), ["/position"]);
    assert_eq!(app.links(&article).await, before, "nothing moved");
}

pub(super) async fn deleting_a_link_closes_the_gap(app: TestApp) {
    let article = app.published("Article").await;
    let mut links = Vec::new();
    for url in ["https://a.org/", "https://b.org/", "https://c.org/", "https://d.org/"] {
        links.push(add_url(&app, &article, url).await);
    }

    let deleted = app.delete(&link_path(&links[1])).await;
    let appended = add_url(&app, &article, "https://e.org/").await;

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(appended["position"], 3, "appends after the closed-up list");
    assert_eq!(
        layout(&app.links(&article).await),
        expected_layout(&["https://a.org/", "https://c.org/", "https://d.org/", "https://e.org/"])
    );
}
