//! Bearer tokens: 401 without or with a bad token, 403 without the scope, scope
//! implication, token management over HTTP, and what the database keeps.

use diesel::prelude::*;
use newsdesk::db::DbConn;
use newsdesk::db::schema::api_tokens;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, id_of};

crate::tests![
    every_write_route_without_a_token_is_a_401_with_a_bearer_challenge,
    a_write_without_a_token_is_a_401_before_its_body_is_judged,
    an_unknown_token_is_a_401_even_on_a_public_read,
    a_malformed_authorization_header_is_a_401,
    a_revoked_token_stops_working_and_stays_listed,
    an_expired_token_is_a_401,
    a_read_drafts_token_cannot_write_and_a_write_token_cannot_manage_tokens,
    a_write_token_can_read_back_its_draft,
    admin_creates_lists_reads_and_revokes_tokens_over_http,
    token_requests_are_validated,
    the_database_holds_only_a_digest_of_each_token,
    using_a_token_records_when_it_was_last_used,
    health_checks_ignore_credentials,
];

const UNKNOWN_TOKEN: &str = "nd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[track_caller]
fn assert_unauthorized(reply: &Reply, challenge: &str) {
    reply.assert_problem(401, "unauthorized");
    assert_eq!(reply.header("www-authenticate"), Some(challenge), "body: {}", reply.text);
}

async fn send(app: &TestApp, method: Method, path: &str, body: Option<&Value>) -> Reply {
    let mut request = app.request(method.clone(), path);
    if let Some(body) = body {
        request = if method == Method::PATCH {
            request.header("content-type", "application/merge-patch+json").body(body.to_string())
        } else {
            request.json(body)
        };
    }
    app.send(request).await
}

async fn every_write_route_without_a_token_is_a_401_with_a_bearer_challenge(app: TestApp) {
    let target = app.published("Target story").await;
    let article = app
        .article_with_children(
            "Source story",
            &[json!({"text": "Yes.", "speaker_name": "A spokesman"})],
            &[json!({"target_article_id": target["id"]})],
        )
        .await;
    let (quote, link) = (id_of(&article["quotes"][0]), id_of(&article["related_links"][0]));
    let slug = article["slug"].as_str().unwrap();
    let token_id = app.get("/v1/tokens").await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let article_body = json!({"title": "Changed", "body": "text"});
    let quote_body = json!({"text": "No.", "speaker_name": "Someone"});
    let link_body = json!({"url": "https://example.org/x"});
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::POST, "/v1/articles".into(), Some(article_body.clone())),
        (Method::PUT, format!("/v1/articles/{slug}"), Some(article_body.clone())),
        (Method::PATCH, format!("/v1/articles/{slug}"), Some(json!({"title": "Changed"}))),
        (Method::DELETE, format!("/v1/articles/{slug}"), None),
        (Method::POST, format!("/v1/articles/{slug}/quotes"), Some(quote_body.clone())),
        (Method::PUT, format!("/v1/quotes/{quote}"), Some(quote_body.clone())),
        (Method::PATCH, format!("/v1/quotes/{quote}"), Some(json!({"text": "No."}))),
        (Method::DELETE, format!("/v1/quotes/{quote}"), None),
        (Method::POST, format!("/v1/articles/{slug}/related-links"), Some(link_body.clone())),
        (Method::PUT, format!("/v1/articles/{slug}/related-links"), Some(json!([link_body]))),
        (Method::PATCH, format!("/v1/related-links/{link}"), Some(json!({"title": "x"}))),
        (Method::DELETE, format!("/v1/related-links/{link}"), None),
        (Method::POST, "/v1/tokens".into(), Some(json!({"name": "x", "scopes": ["admin"]}))),
        (Method::GET, "/v1/tokens".into(), None),
        (Method::GET, format!("/v1/tokens/{token_id}"), None),
        (Method::DELETE, format!("/v1/tokens/{token_id}"), None),
    ];
    let anonymous = app.anonymous();
    for (method, path, body) in &routes {
        let reply = send(&anonymous, method.clone(), path, body.as_ref()).await;
        assert_eq!(reply.status, 401, "{method} {path}: {}", reply.text);
        assert_unauthorized(&reply, "Bearer");
    }
    // Nothing changed.
    let stored = app.get(&format!("/v1/articles/{slug}?include=quotes,related_links")).await;
    assert_eq!(stored.body["version"], 1);
    assert_eq!(stored.body["title"], "Source story");
    assert_eq!(stored.body["quotes"].as_array().unwrap().len(), 1);
    assert_eq!(stored.body["related_links"].as_array().unwrap().len(), 1);
    assert_eq!(app.get("/v1/articles?status=any&count=true").await.body["total"], 2);
    assert_eq!(app.get("/v1/tokens").await.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get(&format!("/v1/tokens/{token_id}")).await.body["revoked"], false);
}

async fn a_write_without_a_token_is_a_401_before_its_body_is_judged(app: TestApp) {
    let anonymous = app.anonymous();
    let invalid = anonymous.post("/v1/articles", &json!({"title": ""})).await;
    assert_unauthorized(&invalid, "Bearer");
    let not_json = anonymous.send(anonymous.request(Method::POST, "/v1/articles").body("<xml/>")).await;
    assert_unauthorized(&not_json, "Bearer");
    // The same with a bad token: the token is judged first.
    let bad = app.with_token(UNKNOWN_TOKEN).post("/v1/articles", &json!({"title": ""})).await;
    assert_unauthorized(&bad, r#"Bearer error="invalid_token""#);
}

async fn an_unknown_token_is_a_401_even_on_a_public_read(app: TestApp) {
    app.published("Public story").await;
    let stranger = app.with_token(UNKNOWN_TOKEN);
    for path in ["/v1/articles", "/v1/articles/public-story", "/v1/quotes"] {
        assert_unauthorized(&stranger.get(path).await, r#"Bearer error="invalid_token""#);
    }
    let garbage = app.with_token("not-a-token");
    assert_unauthorized(&garbage.get("/v1/articles").await, r#"Bearer error="invalid_token""#);
    // Without any token the read is fine.
    assert_eq!(app.anonymous().get("/v1/articles/public-story").await.status, 200);
}

async fn a_malformed_authorization_header_is_a_401(app: TestApp) {
    let token = app.token.clone().unwrap();
    let anonymous = app.anonymous();
    let basic = anonymous.request(Method::GET, "/v1/articles").header("authorization", "Basic dXNlcjpwYXNz");
    assert_unauthorized(&anonymous.send(basic).await, "Bearer");
    let empty = anonymous.request(Method::GET, "/v1/articles").header("authorization", "Bearer");
    assert_unauthorized(&anonymous.send(empty).await, r#"Bearer error="invalid_token""#);
    // The scheme is case-insensitive (RFC 9110).
    let lower = anonymous.request(Method::GET, "/v1/tokens").header("authorization", format!("bearer {token}"));
    assert_eq!(anonymous.send(lower).await.status, 200);
}

async fn a_revoked_token_stops_working_and_stays_listed(app: TestApp) {
    let created = app.post("/v1/tokens", &json!({"name": "cms", "scopes": ["write"]})).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let (id, token) = (created.body["id"].as_str().unwrap(), created.body["token"].as_str().unwrap());
    let writer = app.with_token(token);
    assert_eq!(writer.post("/v1/articles", &json!({"title": "One", "body": "b"})).await.status, 201);
    assert_eq!(app.delete(&format!("/v1/tokens/{id}")).await.status, 204);
    let refused = writer.post("/v1/articles", &json!({"title": "Two", "body": "b"})).await;
    assert_unauthorized(&refused, r#"Bearer error="invalid_token""#);
    assert_unauthorized(&writer.get("/v1/articles").await, r#"Bearer error="invalid_token""#);
    let listed = app.get("/v1/tokens").await;
    let entry = listed.body["items"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned().unwrap();
    assert_eq!(entry["revoked"], true);
    // Revoking again is harmless.
    assert_eq!(app.delete(&format!("/v1/tokens/{id}")).await.status, 204);
    assert_eq!(app.get("/v1/articles?status=any&count=true").await.body["total"], 1);
}

async fn an_expired_token_is_a_401(app: TestApp) {
    let created = app
        .post("/v1/tokens", &json!({"name": "temp", "scopes": ["write"], "expires_at": "2099-01-01T00:00:00Z"}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["expires_at"], "2099-01-01T00:00:00Z");
    let (id, token) = (created.body["id"].as_str().unwrap().to_owned(), created.body["token"].as_str().unwrap());
    let writer = app.with_token(token);
    assert_eq!(writer.get("/v1/articles?status=draft").await.status, 200);
    // Let the expiry pass: move it into the past in the database.
    let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1);
    app.db
        .blocking(move |c: &mut DbConn| {
            diesel::update(api_tokens::table.filter(api_tokens::id.eq(&id)))
                .set(api_tokens::expires_at.eq(Some(past)))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    assert_unauthorized(&writer.get("/v1/articles").await, r#"Bearer error="invalid_token""#);
    assert_unauthorized(
        &writer.post("/v1/articles", &json!({"title": "x", "body": "b"})).await,
        r#"Bearer error="invalid_token""#,
    );
}

async fn a_read_drafts_token_cannot_write_and_a_write_token_cannot_manage_tokens(app: TestApp) {
    let reader = app.with_token(&app.create_token("preview", &["read:drafts"]).await);
    let refused = reader.post("/v1/articles", &json!({"title": "x", "body": "b"})).await;
    refused.assert_problem(403, "forbidden");
    assert_eq!(refused.header("www-authenticate"), Some(r#"Bearer error="insufficient_scope", scope="write""#));
    assert_eq!(reader.get("/v1/tokens").await.status, 403);
    let writer = app.with_token(&app.create_token("cms", &["write"]).await);
    let refused = writer.post("/v1/tokens", &json!({"name": "escalate", "scopes": ["admin"]})).await;
    refused.assert_problem(403, "forbidden");
    assert_eq!(refused.header("www-authenticate"), Some(r#"Bearer error="insufficient_scope", scope="admin""#));
    assert_eq!(writer.get("/v1/tokens").await.status, 403);
    assert_eq!(writer.delete(&format!("/v1/tokens/{}", uuid::Uuid::now_v7())).await.status, 403);
    // Nothing was written by the refused calls.
    assert_eq!(app.get("/v1/articles?status=any&count=true").await.body["total"], 0);
    assert_eq!(app.get("/v1/tokens").await.body["items"].as_array().unwrap().len(), 3);
}

async fn a_write_token_can_read_back_its_draft(app: TestApp) {
    let writer = app.with_token(&app.create_token("cms", &["write"]).await);
    let draft = writer.create_article(&json!({"title": "Embargoed", "body": "b"})).await;
    assert_eq!(draft["status"], "draft");
    let read = writer.get(&format!("/v1/articles/{}", draft["id"].as_str().unwrap())).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["title"], "Embargoed");
    assert_eq!(app.anonymous().get("/v1/articles/embargoed").await.status, 404);
}

async fn admin_creates_lists_reads_and_revokes_tokens_over_http(app: TestApp) {
    let created = app.post("/v1/tokens", &json!({"name": "  newsroom CMS ", "scopes": ["write", "read:drafts"]})).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(created.header("location"), Some(format!("/v1/tokens/{id}").as_str()));
    assert_eq!(created.header("cache-control"), Some("private, no-store"), "a secret is never cached");
    let token = created.body["token"].as_str().unwrap();
    assert!(token.starts_with("nd_") && token.len() == 46, "{token}");
    assert_eq!(created.body["name"], "newsroom CMS");
    assert_eq!(created.body["scopes"], json!(["read:drafts", "write"]));
    assert_eq!(created.body["revoked"], false);
    assert_eq!(created.body["last_used_at"], Value::Null);
    assert_eq!(created.body["expires_at"], Value::Null);

    let list = app.get("/v1/tokens").await;
    assert_eq!(list.status, 200);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "test admin");
    assert_eq!(items[1]["id"], id);
    assert!(!list.text.contains(token), "the list must not show the token");
    assert!(items.iter().all(|t| t.get("token").is_none() && t.get("token_hash").is_none()));

    let one = app.get(&format!("/v1/tokens/{id}")).await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["scopes"], json!(["read:drafts", "write"]));
    assert!(one.body.get("token").is_none());

    assert_eq!(app.delete(&format!("/v1/tokens/{id}")).await.status, 204);
    assert_eq!(app.get(&format!("/v1/tokens/{id}")).await.body["revoked"], true);
    app.get(&format!("/v1/tokens/{}", uuid::Uuid::now_v7())).await.assert_problem(404, "not-found");
    app.delete(&format!("/v1/tokens/{}", uuid::Uuid::now_v7())).await.assert_problem(404, "not-found");
    app.get("/v1/tokens/not-a-uuid").await.assert_problem(400, "bad-request");
}

async fn token_requests_are_validated(app: TestApp) {
    let reply =
        app.post("/v1/tokens", &json!({"name": "", "scopes": ["root"], "expires_at": "2001-01-01T00:00:00Z"})).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(reply.error_locations(), ["/name", "/scopes/0", "/expires_at"]);
    let reply = app.post("/v1/tokens", &json!({"name": "x", "scopes": []})).await;
    assert_eq!(reply.error_locations(), ["/scopes"]);
    let reply = app.post("/v1/tokens", &json!({"name": "x", "scopes": ["write"], "admin": true})).await;
    reply.assert_problem(422, "validation-failed");
    assert_eq!(app.get("/v1/tokens").await.body["items"].as_array().unwrap().len(), 1);
}

async fn the_database_holds_only_a_digest_of_each_token(app: TestApp) {
    let token = app.create_token("cms", &["write"]).await;
    let rows: Vec<(String, String, String, String)> = app
        .db
        .blocking(|c: &mut DbConn| {
            Ok(api_tokens::table
                .select((api_tokens::id, api_tokens::name, api_tokens::token_hash, api_tokens::scopes))
                .load(c)?)
        })
        .unwrap();
    assert_eq!(rows.len(), 2);
    let admin = app.token.clone().unwrap();
    for row in &rows {
        let text = format!("{row:?}");
        assert!(!text.contains(&token) && !text.contains(&admin), "plaintext stored: {text}");
        assert!(!text.contains(&token[3..]) && !text.contains(&admin[3..]), "plaintext stored: {text}");
    }
    let digest = newsdesk::domain::token::digest(&token);
    assert!(rows.iter().any(|r| r.2 == digest && r.3 == "write"), "{rows:?}");
    assert!(rows.iter().all(|r| r.2.len() == 64 && r.2.bytes().all(|b| b.is_ascii_hexdigit())));
}

async fn using_a_token_records_when_it_was_last_used(app: TestApp) {
    let created = app.post("/v1/tokens", &json!({"name": "cms", "scopes": ["read:drafts"]})).await;
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/v1/tokens/{id}")).await.body["last_used_at"], Value::Null);
    let before = chrono::Utc::now() - chrono::TimeDelta::seconds(1);
    let reader = app.with_token(created.body["token"].as_str().unwrap());
    assert_eq!(reader.get("/v1/articles").await.status, 200);
    let used = app.get(&format!("/v1/tokens/{id}")).await.body["last_used_at"].clone();
    let used: chrono::DateTime<chrono::Utc> = used.as_str().expect("last_used_at set").parse().unwrap();
    assert!(used >= before && used <= chrono::Utc::now(), "{used}");
    // Within the minute a second use writes nothing new.
    assert_eq!(reader.get("/v1/articles").await.status, 200);
    let again = app.get(&format!("/v1/tokens/{id}")).await.body["last_used_at"].clone();
    assert_eq!(again.as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap(), used);
}

async fn health_checks_ignore_credentials(app: TestApp) {
    let stranger = app.with_token(UNKNOWN_TOKEN);
    assert_eq!(stranger.get("/healthz").await.status, 200);
    assert_eq!(stranger.get("/readyz").await.status, 200);
    assert_eq!(stranger.get("/openapi.json").await.status, 200);
}
