//! The publisher end to end: articles written through the API, their change records
//! (read with SQL from the change log) compared one by one with what the JetStream
//! stream holds: the same records, each once, in sequence order, on
//! `<prefix>.<type>`, with the sequence number as `Nats-Msg-Id`.

use std::path::Path;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use newsdesk::config::{DatabaseSettings, DatabaseUrl};
use newsdesk::db::Database;
use newsdesk::db::schema::{changes, nats_publisher};
use serde_json::json;

use crate::http::Request;
use crate::nats::{NatsServer, StreamReader, shared_url};
use crate::pg::{PG_ENV, ScratchDb};
use crate::service::Service;

/// A stream name and subject prefix of the test's own on the shared server.
fn unique() -> (String, String) {
    let id = uuid::Uuid::now_v7().simple().to_string();
    (format!("NEWSDESK_TEST_{id}"), format!("newsdesk-test-{id}.changes"))
}

fn broker_env<'a>(url: &'a str, stream: &'a str, prefix: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("NEWSDESK_EVENTS_NATS_URL", url),
        ("NEWSDESK_EVENTS_NATS_STREAM", stream),
        ("NEWSDESK_EVENTS_NATS_SUBJECT_PREFIX", prefix),
    ]
}

fn database(url: &str) -> Database {
    let db = Database::new(&DatabaseSettings::for_url(DatabaseUrl::parse(url).unwrap()));
    db.migrate().unwrap();
    db
}

/// Writes `count` articles, each with quotes and links; every third is deleted
/// again and every other one updated, so that most types of record appear.
fn write(service: &Service, tag: &str, count: usize) {
    for n in 0..count {
        let body = json!({
            "title": format!("Broker {tag} {n}"),
            "body": "text ".repeat(50),
            "status": if n % 2 == 0 { "published" } else { "draft" },
            "quotes": [{"text": format!("q {n}"), "speaker_name": "A Speaker", "context": "on the record"}],
            "related_links": [{"url": format!("https://example.org/{tag}/{n}"), "title": "More"}],
        })
        .to_string();
        let created = service.send(&Request::json("POST", "/v1/articles", &body)).unwrap();
        assert_eq!(created.status, 201, "{}", created.text());
        let id = created.json()["id"].as_str().unwrap().to_owned();
        let path = format!("/v1/articles/{id}");
        if n % 2 == 1 {
            let patch = json!({"status": "published"}).to_string();
            let patched = service.send(&Request::json("PATCH", &path, &patch)).unwrap();
            assert_eq!(patched.status, 200, "{}", patched.text());
        }
        if n % 3 == 2 {
            let deleted = service.send(&Request { method: "DELETE", path: &path, headers: &[], body: None }).unwrap();
            assert_eq!(deleted.status, 204, "{}", deleted.text());
        }
    }
}

/// A record as the change log holds it.
#[derive(Debug, Queryable)]
struct Logged {
    seq: i64,
    change_type: String,
    resource_id: String,
    version: i32,
    data: Option<String>,
}

fn logged(db: &Database) -> Vec<Logged> {
    db.blocking(|c| {
        Ok(changes::table
            .order(changes::seq)
            .select((changes::seq, changes::change_type, changes::resource_id, changes::version, changes::data))
            .load(c)?)
    })
    .unwrap()
}

/// How far the stream has been published, by the database (0 before the row exists).
fn position(db: &Database, stream: &str) -> i64 {
    let stream = stream.to_owned();
    db.blocking(move |c| {
        Ok(nats_publisher::table
            .filter(nats_publisher::stream.eq(stream))
            .select(nats_publisher::published_through)
            .first::<i64>(c)
            .optional()?)
    })
    .unwrap()
    .unwrap_or(0)
}

/// Waits until the stored position reaches the last record and the stream holds
/// as many messages as the log has records.
fn wait_published(db: &Database, reader: &StreamReader, limit: Duration, log: &dyn Fn() -> String) {
    let deadline = Instant::now() + limit;
    loop {
        let last = logged(db).last().map_or(0, |r| r.seq);
        let expected = logged(db).len() as u64;
        if last > 0 && position(db, &reader.name) == last && reader.count() >= expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not published within {limit:?}: position {} of {last}, {} message(s); log:\n{}",
            position(db, &reader.name),
            reader.count(),
            log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The stream holds exactly the log's records, in order, each once.
fn check_stream(db: &Database, reader: &StreamReader, prefix: &str) -> usize {
    let records = logged(db);
    let messages = reader.messages();
    assert_eq!(messages.len(), records.len(), "one message per record, no more, no fewer");
    for (n, (message, record)) in messages.iter().zip(&records).enumerate() {
        let seq = record.seq.to_string();
        assert_eq!(message.stream_sequence, n as u64 + 1, "no gap in the stream");
        assert_eq!(message.subject, format!("{prefix}.{}", record.change_type), "record {seq}");
        assert_eq!(message.message_id.as_deref(), Some(seq.as_str()), "Nats-Msg-Id of record {seq}");
        let body = &message.body;
        assert_eq!(body["sequence"], record.seq, "record {seq} in order");
        assert_eq!(body["type"], record.change_type.as_str(), "record {seq}");
        assert_eq!(body["resource_id"], record.resource_id.as_str(), "record {seq}");
        assert_eq!(body["version"], record.version, "record {seq}");
        let data: serde_json::Value =
            record.data.as_deref().map_or(serde_json::Value::Null, |d| serde_json::from_str(d).unwrap());
        assert_eq!(body["data"], data, "record {seq}");
    }
    let types: std::collections::BTreeSet<&str> = records.iter().map(|r| r.change_type.as_str()).collect();
    for wanted in ["article.created", "article.published", "article.updated", "quote.created", "article.deleted"] {
        assert!(types.contains(wanted), "the writes produced {wanted}: {types:?}");
    }
    records.len()
}

pub fn sqlite_once_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newsdesk.db").to_string_lossy().into_owned();
    once_in_order(&file, dir.path());
}

pub fn postgres_once_in_order() {
    let scratch = ScratchDb::create(&std::env::var(PG_ENV).unwrap());
    let dir = tempfile::tempdir().unwrap();
    once_in_order(&scratch.url, dir.path());
}

/// Against the shared server: every record once, in order; then the stored position
/// is set back, as if the process had died between JetStream's acknowledgements and
/// storing it, and JetStream drops the copies sent again.
fn once_in_order(database_url: &str, dir: &Path) {
    let (stream, prefix) = unique();
    let url = shared_url();
    let reader = StreamReader::connect(&url, &stream);
    let service = Service::start(database_url, dir, &broker_env(&url, &stream, &prefix));
    let db = database(database_url);
    write(&service, "once", 6);
    wait_published(&db, &reader, Duration::from_secs(30), &|| service.log_tail());
    let published = check_stream(&db, &reader, &prefix);

    let last = logged(&db).last().unwrap().seq;
    db.blocking(|c| {
        Ok(diesel::update(nats_publisher::table).set(nats_publisher::published_through.eq(0)).execute(c)?)
    })
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while position(&db, &stream) != last {
        assert!(Instant::now() < deadline, "the records were not sent again; log:\n{}", service.log_tail());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(check_stream(&db, &reader, &prefix), published, "the copies sent again were dropped");
    eprintln!("broker: {published} records published once each, in order; {published} sent again, all dropped");
    reader.delete();
}

pub fn sqlite_across_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newsdesk.db").to_string_lossy().into_owned();
    across_restart(&file, dir.path());
}

pub fn postgres_across_restart() {
    let scratch = ScratchDb::create(&std::env::var(PG_ENV).unwrap());
    let dir = tempfile::tempdir().unwrap();
    across_restart(&scratch.url, dir.path());
}

/// A server of the test's own, killed while articles are written and started again:
/// the records written meanwhile wait in the database, then go, all once, in order.
fn across_restart(database_url: &str, dir: &Path) {
    let mut server = NatsServer::start();
    let (url, stream, prefix) = (server.url(), "NEWSDESK_CHANGES", "newsdesk.changes");
    let service = Service::start(database_url, dir, &[("NEWSDESK_EVENTS_NATS_URL", url.as_str())]);
    let db = database(database_url);
    let reader = StreamReader::connect(&url, stream);
    write(&service, "before", 3);
    wait_published(&db, &reader, Duration::from_secs(30), &|| service.log_tail());
    let before = position(&db, stream);
    drop(reader);

    server.kill();
    write(&service, "during", 4);
    std::thread::sleep(Duration::from_secs(2));
    let waiting = logged(&db).last().unwrap().seq - before;
    assert!(waiting > 0, "records written while NATS is down");
    assert_eq!(position(&db, stream), before, "nothing counts as published while NATS is down");

    server.restart();
    let restarted = Instant::now();
    let reader = StreamReader::connect(&url, stream);
    wait_published(&db, &reader, Duration::from_secs(60), &|| service.log_tail());
    let caught_up = restarted.elapsed();
    write(&service, "after", 2);
    wait_published(&db, &reader, Duration::from_secs(30), &|| service.log_tail());
    let published = check_stream(&db, &reader, prefix);
    eprintln!(
        "broker: NATS killed with {before} records published, {waiting} written while it was down, all sent \
         {caught_up:.1?} after its restart; {published} in the stream, once each, in order"
    );
}

/// Two processes on one PostgreSQL, both written to: one publishes at a time, and
/// the stream still holds every record once, in order.
pub fn postgres_two_processes() {
    let scratch = ScratchDb::create(&std::env::var(PG_ENV).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (stream, prefix) = unique();
    let url = shared_url();
    let reader = StreamReader::connect(&url, &stream);
    let env = broker_env(&url, &stream, &prefix);
    let services = [Service::start(&scratch.url, dir.path(), &env), Service::start(&scratch.url, dir.path(), &env)];
    let db = database(&scratch.url);
    for round in 0..3 {
        for (n, service) in services.iter().enumerate() {
            write(service, &format!("p{n}r{round}"), 3);
        }
    }
    let logs = || services.iter().map(Service::log_tail).collect::<Vec<_>>().join("\n---\n");
    wait_published(&db, &reader, Duration::from_secs(30), &logs);
    let published = check_stream(&db, &reader, &prefix);

    // While a round holds the stream's row, no other process publishes: here the
    // test itself holds it, and both processes wait.
    let mut holder = PgConnection::establish(&scratch.url).unwrap();
    let before = position(&db, &stream);
    holder
        .transaction(|c| {
            diesel::sql_query(format!("SELECT stream FROM nats_publisher WHERE stream = '{stream}' FOR UPDATE"))
                .execute(c)?;
            write(&services[0], "held", 3);
            write(&services[1], "held", 3);
            std::thread::sleep(Duration::from_secs(2));
            assert_eq!(position(&db, &stream), before, "a process published while the row was held");
            assert_eq!(reader.count(), published as u64, "a process published while the row was held");
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    wait_published(&db, &reader, Duration::from_secs(30), &logs);
    let published = check_stream(&db, &reader, &prefix);
    eprintln!("broker: two processes, {published} records published once each, in order");
    reader.delete();
}
