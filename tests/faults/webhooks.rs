//! Webhook deliveries across faults, against the real binary and a receiver on
//! 127.0.0.1: SIGKILL with deliveries pending, then a restart (every event
//! delivered, none lost); SIGTERM with attempts in flight (they finish and are
//! recorded before the exit); a PostgreSQL outage with deliveries pending (all
//! delivered once it is back); and two processes on one PostgreSQL sharing the
//! queue (every event delivered; duplicates counted and reported, target 0).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::{self, Request};
use crate::pg::{Cluster, PG_ENV, ScratchDb};
use crate::service::Service;

/// Deliveries the receiver acknowledged: webhook-id to (article title, times).
type Acknowledged = Arc<Mutex<HashMap<String, (String, usize)>>>;

/// A receiver that answers 500 while `up` is false and 200 (recording the
/// delivery) while it is true, each answer `delay` after the request arrived.
struct Receiver {
    url: String,
    up: Arc<AtomicBool>,
    acknowledged: Acknowledged,
    /// Requests whose body has arrived, answered or not yet.
    arrived: Arc<Mutex<usize>>,
}

impl Receiver {
    fn start(up: bool) -> Self {
        Self::slow(up, Duration::ZERO)
    }

    fn slow(up: bool, delay: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let up = Arc::new(AtomicBool::new(up));
        let acknowledged = Acknowledged::default();
        let arrived = Arc::new(Mutex::new(0));
        let (flag, record, count) = (Arc::clone(&up), Arc::clone(&acknowledged), Arc::clone(&arrived));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (flag, record, count) = (Arc::clone(&flag), Arc::clone(&record), Arc::clone(&count));
                std::thread::spawn(move || answer(stream, &flag, &record, &count, delay));
            }
        });
        Self { url, up, acknowledged, arrived }
    }

    /// Waits until `count` distinct events are acknowledged (up to `limit`).
    fn wait_for(&self, count: usize, limit: Duration) -> HashMap<String, (String, usize)> {
        let deadline = Instant::now() + limit;
        loop {
            let seen = self.acknowledged.lock().unwrap().clone();
            let titles: std::collections::HashSet<&String> = seen.values().map(|(t, _)| t).collect();
            if titles.len() >= count {
                return seen;
            }
            assert!(Instant::now() < deadline, "{} of {count} events delivered within {limit:?}", titles.len());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `count` requests have arrived (up to `limit`).
    fn wait_arrived(&self, count: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        while *self.arrived.lock().unwrap() < count {
            assert!(Instant::now() < deadline, "{count} requests did not arrive within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn answer(
    stream: std::net::TcpStream,
    up: &AtomicBool,
    record: &Acknowledged,
    arrived: &Mutex<usize>,
    delay: Duration,
) {
    let mut reader = BufReader::new(stream);
    let (mut id, mut length) = (String::new(), 0_usize);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "webhook-id" => id = value.trim().to_owned(),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    *arrived.lock().unwrap() += 1;
    std::thread::sleep(delay);
    let ok = up.load(Ordering::SeqCst);
    if ok {
        let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let title = event["data"]["data"]["title"].as_str().unwrap_or_default().to_owned();
        record.lock().unwrap().entry(id).or_insert((title, 0)).1 += 1;
    }
    let status = if ok { "200 OK" } else { "500 Internal Server Error" };
    let _ = reader
        .get_mut()
        .write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
}

/// Delivery settings for the tests: private addresses allowed (the receiver is
/// local), quick retries, a short timeout and lease.
const ENV: [(&str, &str); 4] = [
    ("NEWSDESK_WEBHOOK_ALLOW_PRIVATE", "true"),
    ("NEWSDESK_WEBHOOK_RETRY_SCHEDULE", "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,1s,1s,1s,1s,1s"),
    ("NEWSDESK_WEBHOOK_TIMEOUT_MS", "1000"),
    ("NEWSDESK_WEBHOOK_POLL_MS", "100"),
];

/// Subscribes the receiver to `article.created` with an admin token made by the
/// CLI; returns the token and the subscription's id.
fn subscribe(service: &Service, database_url: &str, dir: &Path, url: &str) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .args(["token", "create", "--name", "webhook faults", "--scope", "admin"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let admin = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let body = json!({"url": url, "events": ["article.created"]}).to_string();
    let reply = http::send(
        &service.client.addr,
        Some(&admin),
        &Request::json("POST", "/v1/webhooks", &body),
        Duration::from_secs(10),
    )
    .unwrap();
    assert_eq!(reply.status, 201, "{}", reply.text());
    let id = reply.json()["id"].as_str().unwrap().to_owned();
    (admin, id)
}

/// The subscription's delivery log, as the API shows it.
fn delivery_log(service: &Service, admin: &str, webhook: &str) -> Vec<Value> {
    let path = format!("/v1/webhooks/{webhook}/deliveries?limit=100");
    let reply = http::send(&service.client.addr, Some(admin), &Request::get(&path), Duration::from_secs(10)).unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["items"].as_array().unwrap().clone()
}

fn create_articles(service: &Service, prefix: &str, count: usize) {
    for n in 0..count {
        let body = json!({"title": format!("{prefix} {n}"), "body": "text"}).to_string();
        let reply = service.send(&Request::json("POST", "/v1/articles", &body)).unwrap();
        assert_eq!(reply.status, 201, "{}", reply.text());
    }
}

fn duplicates(seen: &HashMap<String, (String, usize)>) -> usize {
    seen.values().map(|(_, times)| times - 1).sum()
}

/// Articles written while the receiver fails; SIGKILL; the receiver comes back and
/// a new process on the same database delivers every event.
fn sigkill_then_restart(database_url: &str, dir: &Path) {
    const EVENTS: usize = 20;
    let receiver = Receiver::start(false);
    let mut first = Service::start(database_url, dir, &ENV);
    subscribe(&first, database_url, dir, &receiver.url);
    create_articles(&first, "Pending story", EVENTS);
    // Let some attempts fail (and some be in flight) before the kill.
    std::thread::sleep(Duration::from_millis(700));
    first.kill();
    receiver.up.store(true, Ordering::SeqCst);
    let _second = Service::start(database_url, dir, &ENV);
    let seen = receiver.wait_for(EVENTS, Duration::from_secs(60));
    println!("webhooks after SIGKILL: {} events delivered of {EVENTS}, {} duplicates", seen.len(), duplicates(&seen));
    assert_eq!(seen.len(), EVENTS, "one webhook-id per event: {seen:?}");
}

pub fn sqlite_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newsdesk.db");
    sigkill_then_restart(&file.to_string_lossy(), dir.path());
}

pub fn postgres_sigkill() {
    let scratch = ScratchDb::create(&std::env::var(PG_ENV).expect("checked by the runner"));
    let dir = tempfile::tempdir().unwrap();
    sigkill_then_restart(&scratch.url, dir.path());
}

/// Two processes on one PostgreSQL, both writing and both delivering.
pub fn postgres_two_processes() {
    const EACH: usize = 40;
    let scratch = ScratchDb::create(&std::env::var(PG_ENV).expect("checked by the runner"));
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(true);
    let a = Service::start(&scratch.url, dir.path(), &ENV);
    let b = Service::start(&scratch.url, dir.path(), &ENV);
    subscribe(&a, &scratch.url, dir.path(), &receiver.url);
    std::thread::scope(|s| {
        s.spawn(|| create_articles(&a, "From A", EACH));
        s.spawn(|| create_articles(&b, "From B", EACH));
    });
    let seen = receiver.wait_for(2 * EACH, Duration::from_secs(60));
    let extra = duplicates(&seen);
    println!("webhooks from two processes: {} events delivered of {}, {extra} duplicates", seen.len(), 2 * EACH);
    assert_eq!(seen.len(), 2 * EACH, "{seen:?}");
    assert_eq!(extra, 0, "an event was sent twice in normal operation: {seen:?}");
}

/// SIGTERM while attempts are in flight (the receiver takes 1.5 s to answer): the
/// process waits for them and records them before it exits. Cut off, each would
/// stay claimed and unrecorded, and be sent again once its lease ran out.
pub fn sqlite_sigterm_lets_deliveries_in_flight_finish() {
    const EVENTS: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("newsdesk.db").to_string_lossy().into_owned();
    let receiver = Receiver::slow(true, Duration::from_millis(1500));
    let env = [ENV[0], ENV[1], ("NEWSDESK_WEBHOOK_TIMEOUT_MS", "5000"), ENV[3]];
    let mut service = Service::start(&url, dir.path(), &env);
    let (admin, webhook) = subscribe(&service, &url, dir.path(), &receiver.url);
    create_articles(&service, "In flight", EVENTS);
    receiver.wait_arrived(EVENTS, Duration::from_secs(10));
    let stopping = Instant::now();
    service.signal("TERM");
    let status = service.wait(Duration::from_secs(20));
    println!("SIGTERM with {EVENTS} attempts in flight: exited {status} after {:?}", stopping.elapsed());
    assert!(status.success(), "{status}; log:\n{}", service.log_tail());
    let seen = receiver.wait_for(EVENTS, Duration::from_secs(1));
    assert_eq!(duplicates(&seen), 0, "{seen:?}");

    let again = Service::start(&url, dir.path(), &env);
    let log = delivery_log(&again, &admin, &webhook);
    assert_eq!(log.len(), EVENTS, "{log:#?}");
    for delivery in &log {
        assert_eq!(delivery["status"], "delivered", "recorded before the exit: {delivery:#}");
        assert_eq!(delivery["attempts"].as_array().unwrap().len(), 1, "{delivery:#}");
    }
    // Nothing is sent again after the restart.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(duplicates(&receiver.acknowledged.lock().unwrap()), 0);
}

/// PostgreSQL stops while deliveries are pending and attempts fail; once it is
/// back, every event is delivered (duplicates reported: an attempt whose result
/// could not be recorded during the outage is sent again).
pub fn postgres_outage_during_delivery_loses_none() {
    const EVENTS: usize = 20;
    let cluster = Cluster::init(crate::pg::find_bin().expect("checked by the runner"));
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(false);
    let env = [ENV[0], ENV[1], ENV[2], ENV[3], ("NEWSDESK_DB_TIMEOUT_SECS", "2")];
    let service = Service::start(&cluster.url(), dir.path(), &env);
    subscribe(&service, &cluster.url(), dir.path(), &receiver.url);
    create_articles(&service, "Outage story", EVENTS);
    receiver.wait_arrived(EVENTS, Duration::from_secs(10));
    cluster.stop_immediately();
    receiver.up.store(true, Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(3));
    cluster.start();
    let seen = receiver.wait_for(EVENTS, Duration::from_secs(90));
    println!(
        "webhooks across a PostgreSQL outage: {} events delivered of {EVENTS}, {} duplicates",
        seen.len(),
        duplicates(&seen)
    );
    assert_eq!(seen.len(), EVENTS, "{seen:?}");
}
