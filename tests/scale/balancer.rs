//! Replicas behind a load balancer: three `newsdesk` processes on one database behind
//! a real HAProxy. Pages of a list are followed with cursors across replicas, an
//! idempotent create retried through another replica replays, and a rolling restart
//! (SIGTERM, drain, stop, start, one replica at a time) under steady load fails no
//! request.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{Value, json};

use crate::haproxy::Haproxy;
use crate::replicas::{BIN, Replica, error_lines};

const DRAIN_SECS: &str = "2";

struct Setup {
    replicas: Vec<Replica>,
    haproxy: Haproxy,
    token: String,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("newsdesk.db").to_string_lossy().into_owned();
    let token = Command::new(BIN)
        .args(["token", "create", "--name", "balancer", "--scope", "write"])
        .env("DATABASE_URL", &db)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let env = [
        ("DATABASE_URL", db.as_str()),
        // Every replica signs and checks cursors with the same key.
        ("NEWSDESK_CURSOR_SECRET", "balancer-test-secret"),
        ("NEWSDESK_SHUTDOWN_DRAIN_SECS", DRAIN_SECS),
        ("NEWSDESK_RATE_LIMIT", "0"),
    ];
    let replicas: Vec<Replica> =
        (0..3).map(|n| Replica::spawn(&env, dir.path().join(format!("replica-{n}.log")))).collect();
    for replica in &replicas {
        replica.wait_ready(Duration::from_secs(30));
    }
    let addrs: Vec<&str> = replicas.iter().map(|r| r.addr.as_str()).collect();
    let haproxy = Haproxy::start(&addrs);
    // Every server passes its checks before the test starts.
    std::thread::sleep(Duration::from_secs(1));
    Setup { replicas, haproxy, token, _dir: dir }
}

fn create(client: &Client, url: &str, token: &str, title: &str, key: Option<&str>) -> reqwest::blocking::Response {
    let mut request =
        client.post(url).bearer_auth(token).json(&json!({"title": title, "body": "Text.", "status": "published"}));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().unwrap()
}

/// Requests each replica answered for a series in its `/metrics`.
fn served(replica: &Replica, series: &str) -> f64 {
    let text = reqwest::blocking::get(replica.url("/metrics")).unwrap().text().unwrap();
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok())).unwrap_or(0.0)
}

pub fn cursors_and_idempotency_across_replicas() {
    let setup = setup();
    let client = Client::new();
    let articles = setup.haproxy.url("/v1/articles");
    for n in 0..9 {
        assert_eq!(create(&client, &articles, &setup.token, &format!("Story {n}"), None).status(), 201);
    }

    // Nine articles, two a page: five pages, each from the next replica round robin.
    let list = r#"newsdesk_http_requests_total{method="GET",route="/v1/articles",status="200"}"#;
    let before: Vec<f64> = setup.replicas.iter().map(|r| served(r, list)).collect();
    let mut titles = Vec::new();
    let mut url = setup.haproxy.url("/v1/articles?limit=2");
    loop {
        let page: Value = client.get(&url).send().unwrap().json().unwrap();
        titles.extend(page["items"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()));
        let Some(cursor) = page["next_cursor"].as_str() else { break };
        url = setup.haproxy.url(&format!("/v1/articles?limit=2&cursor={cursor}"));
    }
    let expected: Vec<String> = (0..9).rev().map(|n| format!("Story {n}")).collect();
    assert_eq!(titles, expected, "every article once, newest first");
    let after: Vec<f64> = setup.replicas.iter().map(|r| served(r, list)).collect();
    assert!(before.iter().zip(&after).all(|(b, a)| a > b), "pages came from every replica: {before:?} -> {after:?}");

    // A create sent to one replica, and retried (same key, same body) through another.
    let first = create(&client, &setup.replicas[0].url("/v1/articles"), &setup.token, "Once", Some("retry-1"));
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().unwrap();
    let retry = create(&client, &setup.replicas[1].url("/v1/articles"), &setup.token, "Once", Some("retry-1"));
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.json::<Value>().unwrap()["id"], first["id"], "the same article, not a second one");
    let again = create(&client, &setup.haproxy.url("/v1/articles"), &setup.token, "Once", Some("retry-1"));
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let onces: Value = client.get(setup.haproxy.url("/v1/articles?limit=100")).send().unwrap().json().unwrap();
    let count = onces["items"].as_array().unwrap().iter().filter(|a| a["title"] == "Once").count();
    assert_eq!(count, 1, "one article for three tries");
}

/// What the steady load saw: each request's latency, and the failures.
#[derive(Default)]
struct Seen {
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

pub fn rolling_restart_fails_no_request() {
    let mut setup = setup();
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Seen::default()));
    // Four clients: three read pages, one creates articles; each paced, so that
    // this is steady traffic rather than a saturation test.
    let workers: Vec<_> = (0..4)
        .map(|n| {
            let (stop, seen, token) = (Arc::clone(&stop), Arc::clone(&seen), setup.token.clone());
            let base = setup.haproxy.url("/v1/articles");
            std::thread::spawn(move || {
                let client = Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let started = Instant::now();
                    let result = if n == 0 {
                        create(&client, &base, &token, &format!("Load {i}"), None).status()
                    } else {
                        match client.get(format!("{base}?limit=5")).send() {
                            Ok(r) => r.status(),
                            Err(e) => {
                                seen.lock().unwrap().failures.push(format!("GET: {e}"));
                                continue;
                            }
                        }
                    };
                    let elapsed = started.elapsed();
                    let mut seen = seen.lock().unwrap();
                    seen.latencies.push(elapsed);
                    if !result.is_success() {
                        seen.failures.push(format!("status {result}"));
                    }
                    drop(seen);
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(1));
    let started = Instant::now();
    let client = Client::new();
    for n in 0..setup.replicas.len() {
        let replica = &mut setup.replicas[n];
        replica.signal_term();
        // Draining: not ready, but still serving.
        std::thread::sleep(Duration::from_millis(300));
        let ready = client.get(replica.url("/readyz")).send().unwrap();
        assert_eq!(ready.status(), 503, "a draining replica is not ready");
        assert_eq!(client.get(replica.url("/v1/articles")).send().unwrap().status(), 200, "and still serves");
        assert!(replica.wait_exit(Duration::from_secs(30)).success(), "a clean exit after the drain");
        replica.start();
        replica.wait_ready(Duration::from_secs(30));
        // HAProxy takes it back after two good checks.
        std::thread::sleep(Duration::from_millis(800));
    }
    let restart = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    workers.into_iter().for_each(|w| w.join().unwrap());

    let mut seen = seen.lock().unwrap();
    seen.latencies.sort();
    let total = seen.latencies.len();
    let p99 = seen.latencies[(total * 99 / 100).min(total - 1)];
    eprintln!(
        "rolling restart of 3 replicas behind HAProxy in {restart:.1?}: {total} requests, {} failed, p99 {p99:.1?}, max {:.1?}",
        seen.failures.len(),
        seen.latencies[total - 1]
    );
    assert!(seen.failures.is_empty(), "failed requests during the restart: {:?}", seen.failures);
    assert!(total > 100, "the load ran");
    for replica in &setup.replicas {
        let log = replica.log_text();
        assert!(log.contains("SIGTERM received; /readyz answers 503"), "the replica drained:\n{log}");
        // actix logs "No workers" when a connection (HAProxy's next health check)
        // arrives in the instant the worker stops; no client request is affected.
        let errors: Vec<&str> = error_lines(&log).into_iter().filter(|l| !l.ends_with("No workers")).collect();
        assert!(errors.is_empty(), "errors logged: {errors:?}");
    }
}
