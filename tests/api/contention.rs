//! 200 clients race to change one article with `If-Match`: for every version
//! exactly one write wins, the others get 412, and no acknowledged change is lost.
//! With 200 requests queueing for a pool of 10 connections on a loaded machine,
//! some may wait past the pool timeout and get 503 with `Retry-After`, which
//! changes nothing: the writer retries as a client would. Each writer is a client of
//! its own, with its own token, as 200 editors would be (one token for all would be
//! one client, and the per-client rate limit would rightly refuse it).

use std::collections::BTreeMap;

use diesel::prelude::*;
use newsdesk::db::schema::articles;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Reply, TestApp};

crate::tests![two_hundred_conditional_patches_lose_no_update];

const WRITERS: usize = 200;
/// Tries per writer: the first all at once on version 1, then read-and-retry.
const ATTEMPTS: usize = 3;
/// 503s a writer accepts (and retries) before giving up.
const BUSY_RETRIES: usize = 5;

/// One conditional PATCH as its writer saw it.
struct Attempt {
    writer: usize,
    /// The version sent in `If-Match` (the one the writer had read).
    based_on: i64,
    reply: Reply,
}

/// Each writer's change appends its own marker to the body it read, so the final
/// body shows every winning change, in order, unless one was overwritten.
fn marker(writer: usize) -> String {
    format!(" [w{writer}]")
}

async fn conditional_patch(app: &TestApp, path: &str, version: i64, body: &str) -> Reply {
    let request = app
        .request(Method::PATCH, path)
        .header("if-match", format!("\"{version}\""))
        .header("content-type", "application/merge-patch+json")
        .body(json!({ "body": body }).to_string());
    app.send(request).await
}

/// The first attempt builds on version 1 (like every other writer's); each later
/// one reads the article again first.
async fn writer(app: TestApp, path: String, writer: usize, start: String) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    let (mut version, mut body) = (1, start);
    let (mut tries, mut busy) = (0, 0);
    while tries < ATTEMPTS && busy <= BUSY_RETRIES {
        let reply = conditional_patch(&app, &path, version, &format!("{body}{}", marker(writer))).await;
        let status = reply.status;
        attempts.push(Attempt { writer, based_on: version, reply });
        match status {
            200 => break,
            503 => {
                busy += 1;
                continue;
            }
            _ => tries += 1,
        }
        let current = app.get(&path).await;
        assert_eq!(current.status, 200, "{}", current.text);
        version = current.body["version"].as_i64().unwrap();
        body = current.body["body"].as_str().unwrap().to_owned();
    }
    attempts
}

async fn two_hundred_conditional_patches_lose_no_update(app: TestApp) {
    let start = "Contended.";
    let created = app.create_article(&json!({"title": "Contended", "body": start})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/articles/{id}");

    let mut clients = Vec::new();
    for w in 0..WRITERS {
        clients.push(app.with_token(&app.create_token(&format!("writer {w}"), &["write"]).await));
    }
    let handles: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(w, client)| actix_web::rt::spawn(writer(client, path.clone(), w, start.to_owned())))
        .collect();
    let mut attempts = Vec::new();
    for handle in handles {
        attempts.extend(handle.await.expect("writer task"));
    }

    let mut statuses = BTreeMap::new();
    for attempt in &attempts {
        *statuses.entry(attempt.reply.status).or_insert(0) += 1;
    }
    // The winner of each version, by the version it created.
    let mut winners: BTreeMap<i64, &Attempt> = BTreeMap::new();
    for attempt in attempts.iter().filter(|a| a.reply.status == 200) {
        let new_version = attempt.reply.body["version"].as_i64().unwrap();
        assert_eq!(new_version, attempt.based_on + 1, "a write on version {} did not make the next", attempt.based_on);
        if let Some(other) = winners.insert(new_version, attempt) {
            panic!("writers {} and {} both won version {new_version}", other.writer, attempt.writer);
        }
    }
    let last = app.get(&path).await;
    let final_version = last.body["version"].as_i64().unwrap();
    let final_body = last.body["body"].as_str().unwrap();
    let lost: Vec<usize> = winners.values().map(|a| a.writer).filter(|w| !final_body.contains(&marker(*w))).collect();
    let first_wave = attempts.iter().filter(|a| a.based_on == 1).count();
    eprintln!(
        "[{:?}] {} conditional PATCHes ({first_wave} on version 1 at once): statuses {statuses:?}; \
         final version {final_version}; lost updates: {}",
        app.backend,
        attempts.len(),
        lost.len()
    );

    assert!(first_wave >= WRITERS, "every writer's first PATCH names version 1");
    assert!(statuses.keys().all(|s| [200, 412, 503].contains(s)), "only wins, 412s and 503s: {statuses:?}");
    assert!(winners.len() > 1 && statuses[&412] >= WRITERS / 2, "too little contention to judge: {statuses:?}");
    for attempt in attempts.iter().filter(|a| a.reply.status == 503) {
        attempt.reply.assert_problem(503, "service-unavailable");
        assert!(attempt.reply.header("retry-after").is_some(), "a 503 without Retry-After");
    }
    for attempt in attempts.iter().filter(|a| a.reply.status == 412) {
        attempt.reply.assert_problem(412, "precondition-failed");
        assert!(
            winners.contains_key(&(attempt.based_on + 1)),
            "writer {} got a 412 on version {}, which no write replaced",
            attempt.writer,
            attempt.based_on
        );
    }
    // One winner per version, with no gaps: version 1 plus one per 2xx.
    assert_eq!(winners.keys().copied().collect::<Vec<_>>(), (2..=final_version).collect::<Vec<_>>());
    assert_eq!(final_version, i64::try_from(winners.len()).unwrap() + 1, "final version == 2xx count + 1");
    assert!(lost.is_empty(), "updates lost (writers whose acknowledged change is gone): {lost:?}");
    // The history: each winner saw exactly the previous winners' changes, in order.
    let mut expected = start.to_owned();
    for (version, attempt) in &winners {
        expected.push_str(&marker(attempt.writer));
        assert_eq!(attempt.reply.body["body"], expected.as_str(), "version {version} does not build on the one before");
    }
    assert_eq!(final_body, expected);

    // The row itself, read with SQL, says the same.
    let (version, body) = app
        .db
        .blocking(move |conn| {
            Ok(articles::table
                .filter(articles::id.eq(&id))
                .select((articles::version, articles::body))
                .first::<(i32, String)>(conn)?)
        })
        .unwrap();
    assert_eq!((i64::from(version), body.as_str()), (final_version, expected.as_str()));
}
