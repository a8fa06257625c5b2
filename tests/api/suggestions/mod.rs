//! `GET /v1/articles/{article}/suggestions`: what is suggested, what never is, the
//! threshold, the parameters, and precision on an archive of topic clusters.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, id_of};

mod clusters;
mod rules;

pub fn tests() -> Vec<(&'static str, crate::helpers::TestFn)> {
    [rules::tests(), clusters::tests()].concat()
}

/// The suggestions path of an article (id or slug).
pub fn suggestions_path(key: &str) -> String {
    format!("/v1/articles/{key}/suggestions")
}

/// The suggestions of an article, as `app` sees them.
pub async fn suggestions(app: &TestApp, key: &str) -> Reply {
    app.send(app.request(Method::GET, &suggestions_path(key))).await
}

/// The ids of the suggestions, in order.
pub fn suggested_ids(reply: &Reply) -> Vec<String> {
    reply.items().iter().map(|s| id_of(s).to_owned()).collect()
}

/// A published article with this text and these tags.
pub async fn story(app: &TestApp, title: &str, body: &str, tags: &[&str]) -> Value {
    app.create_article(&json!({"title": title, "body": body, "status": "published", "tags": tags})).await
}
