//! PostgreSQL stops (immediate shutdown, connections cut) while requests are in
//! flight: every request gets a quick 503 with `Retry-After`, none waits past the
//! configured database timeout, and the service recovers by itself once
//! PostgreSQL is back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::{Request, Response};
use crate::pg::{self, Cluster};
use crate::service::Service;

/// NEWSDESK_DB_TIMEOUT_SECS for the service under test.
const DB_TIMEOUT: Duration = Duration::from_secs(2);
/// Slack over the timeout for scheduling on a busy 2-core machine.
const LATENCY_SLACK: Duration = Duration::from_millis(1500);
const OUTAGE: Duration = Duration::from_secs(4);
const RECOVERY_LIMIT: Duration = Duration::from_secs(5);
const CLIENTS: usize = 8;

/// One request as the client saw it, times relative to the test's start.
struct Sample {
    sent: Duration,
    done: Duration,
    what: String,
    outcome: Result<Response, String>,
}

impl Sample {
    fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().map(|r| r.status)
    }

    fn is_success(&self) -> bool {
        self.status().is_some_and(|s| (200..300).contains(&s))
    }

    fn describe(&self) -> String {
        match &self.outcome {
            Ok(r) => format!("{} sent at {:?}: {} in {:?}: {}", self.what, self.sent, r.status, r.latency, r.text()),
            Err(e) => format!("{} sent at {:?}: failed after {:?}: {e}", self.what, self.sent, self.done - self.sent),
        }
    }
}

/// Client threads sending a mix of reads and writes until told to stop.
fn load(service: &Service, article_path: String, clock: Instant, stop: Arc<AtomicBool>) -> Arc<Mutex<Vec<Sample>>> {
    let samples = Arc::new(Mutex::new(Vec::new()));
    for client in 0..CLIENTS {
        let (addr, path, stop, samples) = (service.client.clone(), article_path.clone(), stop.clone(), samples.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = format!(r#"{{"title": "Load {client}-{n}", "body": "text"}}"#);
                let (what, request) = match n % 3 {
                    0 => ("GET article", Request::get(&path)),
                    1 => ("GET list", Request::get("/v1/articles?status=any&limit=5")),
                    _ => ("POST article", Request::json("POST", "/v1/articles", &body)),
                };
                let sent = clock.elapsed();
                // The client gives up well after the service should have answered,
                // so that a hang shows as a failure rather than stalling the test.
                let outcome = addr.send(&request, DB_TIMEOUT * 5).map_err(|e| e.to_string());
                let sample = Sample { sent, done: clock.elapsed(), what: what.to_owned(), outcome };
                samples.lock().unwrap().push(sample);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
    }
    samples
}

pub fn postgres_outage() {
    let cluster = Cluster::init(pg::find_bin().expect("checked by the runner"));
    let dir = tempfile::tempdir().unwrap();
    let timeout = DB_TIMEOUT.as_secs().to_string();
    let service = Service::start(&cluster.url(), dir.path(), &[("NEWSDESK_DB_TIMEOUT_SECS", &timeout)]);
    let created = service
        .send(&Request::json("POST", "/v1/articles", r#"{"title": "Before the outage", "body": "text"}"#))
        .unwrap();
    assert_eq!(created.status, 201, "{}", created.text());
    let article_path = format!("/v1/articles/{}", created.json()["id"].as_str().unwrap());

    let clock = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let samples = load(&service, article_path, clock, stop.clone());
    std::thread::sleep(Duration::from_millis(1500));
    cluster.stop_immediately();
    let down = clock.elapsed();
    std::thread::sleep(OUTAGE);
    let restarting = clock.elapsed();
    cluster.start();
    let up = clock.elapsed();
    // Keep the load on until well after the first success, to see it stays healthy.
    let give_up = Instant::now() + RECOVERY_LIMIT * 2;
    let recovered_at = loop {
        let first =
            samples.lock().unwrap().iter().filter(|s| s.done >= restarting && s.is_success()).map(|s| s.done).min();
        if let Some(done) = first {
            break Some(done);
        }
        if Instant::now() > give_up {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    // Let the last requests finish (each is bounded by the client's timeout).
    std::thread::sleep(DB_TIMEOUT * 2);
    let samples = std::mem::take(&mut *samples.lock().unwrap());

    let during: Vec<&Sample> = samples.iter().filter(|s| s.sent >= down && s.sent < restarting).collect();
    let mut counts = std::collections::BTreeMap::new();
    for sample in &during {
        *counts.entry(sample.status().map_or("no response".to_owned(), |s| s.to_string())).or_insert(0) += 1;
    }
    // In flight when PostgreSQL stopped, or sent while it was down.
    let max_latency = samples
        .iter()
        .filter(|s| s.done >= down && s.sent < restarting)
        .map(|s| s.done - s.sent)
        .max()
        .unwrap_or_default();
    let recovery = recovered_at.map(|done| done.saturating_sub(up));
    eprintln!("--- PostgreSQL outage figures ---");
    eprintln!("requests in total: {}", samples.len());
    eprintln!("outage: PostgreSQL stopped at {down:?}, restart began at {restarting:?}, accepting again at {up:?}");
    eprintln!("requests sent during the outage: {} (by status: {counts:?})", during.len());
    eprintln!("max latency during the outage: {max_latency:?} (database timeout {DB_TIMEOUT:?})");
    eprintln!(
        "time from PostgreSQL's return to the first 2xx: {recovery:?} after pg_ctl start returned, {:?} after it began",
        recovered_at.map(|done| done.saturating_sub(restarting))
    );

    for sample in &samples {
        match &sample.outcome {
            Ok(r) if (200..300).contains(&r.status) => {}
            Ok(r) if r.status == 503 => {
                assert!(r.is_problem(), "a 503 that is not a problem document: {}", sample.describe());
                let retry = r.header("retry-after").and_then(|v| v.parse::<u32>().ok());
                assert!(retry.is_some_and(|s| s > 0), "a 503 without a usable Retry-After: {:?}", r.headers);
            }
            _ => panic!("neither a success nor a 503: {}\nservice log:\n{}", sample.describe(), service.log_tail()),
        }
    }
    assert!(during.len() >= CLIENTS / 2, "too few requests during the outage to judge: {}", during.len());
    // One still waiting for a connection when PostgreSQL came back may succeed.
    for sample in during.iter().filter(|s| s.done < restarting) {
        assert_eq!(sample.status(), Some(503), "while PostgreSQL was down: {}", sample.describe());
    }
    assert!(
        max_latency <= DB_TIMEOUT + LATENCY_SLACK,
        "a request waited {max_latency:?}, past the {DB_TIMEOUT:?} database timeout"
    );
    let recovery = recovery.unwrap_or_else(|| panic!("no 2xx after PostgreSQL returned; log:\n{}", service.log_tail()));
    assert!(recovery <= RECOVERY_LIMIT, "recovery took {recovery:?}");
    let recovered_at = recovered_at.unwrap();
    for sample in samples.iter().filter(|s| s.sent > recovered_at + Duration::from_millis(500)) {
        assert!(sample.is_success(), "after recovery: {}", sample.describe());
    }
    let ready = service.get("/readyz").unwrap();
    assert_eq!(ready.status, 200, "{}", ready.text());
}
