//! The read replica against a real streaming standby: a primary cluster of the
//! test's own, a standby made from it with `pg_basebackup -R`, and `newsdesk serve`
//! with NEWSDESK_DATABASE_REPLICA_URL. Anonymous reads are served by the standby,
//! writes and a writer's draft read by the primary; an idle, caught-up standby is
//! used however old its last replayed transaction, and one whose replay is paused
//! is skipped; a standby stopped under load fails no request, and once started
//! again it is used again.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::blocking::Client;
use serde_json::json;

use crate::pg::{Cluster, find_bin};
use crate::replicas::{BIN, Replica};

/// The lag limit the server runs with: shorter than the default, so that the
/// test waits less for a paused standby to count as behind.
const MAX_LAG_MS: u64 = 1000;

/// Whether this machine has what the test needs: the PostgreSQL server binaries
/// with `pg_basebackup` among them.
pub fn available() -> bool {
    find_bin().is_some_and(|dir| dir.join("pg_basebackup").is_file())
}

const PRIMARY_QUERIES: &str = "newsdesk_db_queries ";
const REPLICA_QUERIES: &str = "newsdesk_db_replica_queries ";
const REPLICA_IN_USE: &str = "newsdesk_db_replica_in_use ";

fn metric(server: &Replica, series: &str) -> f64 {
    let text = reqwest::blocking::get(server.url("/metrics")).unwrap().text().unwrap();
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok())).unwrap_or(f64::NAN)
}

/// Statements run on (primary, replica) while `work` runs.
fn queries_during(server: &Replica, work: impl FnOnce()) -> (f64, f64) {
    let before = (metric(server, PRIMARY_QUERIES), metric(server, REPLICA_QUERIES));
    work();
    (metric(server, PRIMARY_QUERIES) - before.0, metric(server, REPLICA_QUERIES) - before.1)
}

/// Waits until the replica's use is `in_use`, and says how long that took.
fn wait_in_use(server: &Replica, in_use: bool, limit: Duration) -> Duration {
    let start = Instant::now();
    let want = f64::from(u8::from(in_use));
    while metric(server, REPLICA_IN_USE) != want {
        assert!(start.elapsed() < limit, "replica in use not {in_use} within {limit:?}:\n{}", server.log_text());
        std::thread::sleep(Duration::from_millis(10));
    }
    start.elapsed()
}

fn sql_count(url: &str, query: &str) -> i64 {
    let mut conn = PgConnection::establish(url).unwrap();
    diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(query)).get_result(&mut conn).unwrap()
}

fn token(primary: &str) -> String {
    let output = Command::new(BIN)
        .args(["token", "create", "--name", "standby", "--scope", "write"])
        .env("DATABASE_URL", primary)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// Creates an article and returns its path.
fn create(client: &Client, server: &Replica, token: &str, title: &str, status: &str) -> String {
    let response = client
        .post(server.url("/v1/articles"))
        .bearer_auth(token)
        .json(&json!({"title": title, "body": "Text.", "status": status}))
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Waits until an anonymous read of `path` answers 200 (the standby has replayed it).
fn wait_visible(client: &Client, server: &Replica, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while client.get(server.url(path)).send().unwrap().status() != 200 {
        assert!(Instant::now() < deadline, "{path} never visible to anonymous readers");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Anonymous readers in a loop until stopped: (requests, failures, slowest).
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<(u32, Vec<String>, Duration)>>,
}

impl Load {
    fn start(server: &Replica, paths: &[String], threads: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..threads)
            .map(|n| {
                let stop = Arc::clone(&stop);
                let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
                std::thread::spawn(move || {
                    let client = Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
                    let (mut sent, mut failures, mut slowest) = (0, Vec::new(), Duration::ZERO);
                    while !stop.load(Ordering::Relaxed) {
                        let url = &urls[(n + sent as usize) % urls.len()];
                        let start = Instant::now();
                        match client.get(url).send() {
                            Ok(r) if r.status() == 200 => {}
                            Ok(r) => failures.push(format!("{url}: {} {}", r.status(), r.text().unwrap_or_default())),
                            Err(e) => failures.push(format!("{url}: {e}")),
                        }
                        slowest = slowest.max(start.elapsed());
                        sent += 1;
                    }
                    (sent, failures, slowest)
                })
            })
            .collect();
        Self { stop, threads }
    }

    fn finish(self) -> (u32, Vec<String>, Duration) {
        self.stop.store(true, Ordering::Relaxed);
        self.threads.into_iter().map(|t| t.join().unwrap()).fold((0, Vec::new(), Duration::ZERO), |acc, t| {
            let mut failures = acc.1;
            failures.extend(t.1);
            (acc.0 + t.0, failures, acc.2.max(t.2))
        })
    }
}

pub fn reads_follow_the_standby() {
    let started = Instant::now();
    let primary = Cluster::init(find_bin().unwrap());
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        wal_level: String,
    }
    let mut conn = PgConnection::establish(&primary.url()).unwrap();
    let setting: Setting = diesel::sql_query("SHOW wal_level").get_result(&mut conn).unwrap();
    assert_eq!(setting.wal_level, "replica", "the primary must ship WAL to a standby");
    drop(conn);
    let standby = Cluster::standby_of(&primary);
    let deadline = Instant::now() + Duration::from_secs(10);
    while sql_count(&standby.url(), "(SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming')") != 1 {
        assert!(Instant::now() < deadline, "the standby does not stream from the primary");
        std::thread::sleep(Duration::from_millis(20));
    }

    let dir = tempfile::tempdir().unwrap();
    let token = token(&primary.url());
    let max_lag = MAX_LAG_MS.to_string();
    let env = [
        ("DATABASE_URL", primary.url()),
        ("NEWSDESK_DATABASE_REPLICA_URL", standby.url()),
        ("NEWSDESK_REPLICA_MAX_LAG_MS", max_lag),
        ("NEWSDESK_CURSOR_SECRET", "standby-test-secret".to_owned()),
        ("NEWSDESK_RATE_LIMIT", "0".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Replica::spawn(&env, dir.path().join("newsdesk.log"));
    server.wait_ready(Duration::from_secs(30));
    wait_in_use(&server, true, Duration::from_secs(10));
    let client = Client::new();

    // Writes go to the primary only.
    let mut published = Vec::new();
    let (on_primary, on_replica) = queries_during(&server, || {
        for n in 0..3 {
            published.push(create(&client, &server, &token, &format!("Story {n}"), "published"));
        }
    });
    assert!(on_primary > 0.0 && on_replica == 0.0, "writes: primary {on_primary}, replica {on_replica}");
    let draft = create(&client, &server, &token, "Draft", "draft");
    for path in &published {
        wait_visible(&client, &server, path);
    }

    // Anonymous reads come from the standby, where newsdesk holds connections.
    let reads: u32 = 100;
    let (on_primary, on_replica) = queries_during(&server, || {
        for n in 0..reads {
            let path = if n % 2 == 0 { "/v1/articles".to_owned() } else { published[n as usize % 3].clone() };
            assert_eq!(client.get(server.url(&path)).send().unwrap().status(), 200);
        }
    });
    assert!(on_primary == 0.0 && on_replica >= f64::from(reads), "reads: primary {on_primary}, replica {on_replica}");
    let sessions = "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' \
                    AND pid <> pg_backend_pid())";
    assert!(sql_count(&standby.url(), sessions) >= 2, "no newsdesk sessions on the standby");
    eprintln!("{reads} anonymous reads: {on_replica} statements on the standby, {on_primary} on the primary");

    // A writer reads its own draft back from the primary (an anonymous reader
    // does not see it at all).
    let (on_primary, on_replica) = queries_during(&server, || {
        let response = client.get(server.url(&draft)).bearer_auth(&token).send().unwrap();
        assert_eq!(response.status(), 200);
    });
    assert!(on_primary > 0.0 && on_replica == 0.0, "draft read: primary {on_primary}, replica {on_replica}");
    assert_eq!(client.get(server.url(&draft)).send().unwrap().status(), 404);

    // Idle for longer than the lag limit: the last replayed transaction grows old,
    // but the standby has replayed all it received and stays in use.
    std::thread::sleep(Duration::from_millis(MAX_LAG_MS * 2));
    assert_eq!(metric(&server, REPLICA_IN_USE), 1.0, "an idle, caught-up standby counted as lagging");

    // Replay paused and a write on the primary: the standby falls behind and is
    // skipped, so anonymous readers see the new article from the primary.
    let mut control = PgConnection::establish(&standby.url()).unwrap();
    control.batch_execute("SELECT pg_wal_replay_pause()").unwrap();
    let late = create(&client, &server, &token, "Late story", "published");
    let skipped_after = wait_in_use(&server, false, Duration::from_secs(10));
    let (on_primary, on_replica) =
        queries_during(&server, || assert_eq!(client.get(server.url(&late)).send().unwrap().status(), 200));
    assert!(on_primary > 0.0 && on_replica == 0.0, "lagging: primary {on_primary}, replica {on_replica}");
    control.batch_execute("SELECT pg_wal_replay_resume()").unwrap();
    drop(control);
    let caught_up_after = wait_in_use(&server, true, Duration::from_secs(10));
    eprintln!("replay paused: skipped after {skipped_after:?}; resumed: used again after {caught_up_after:?}");

    // The standby stopped under load (every backend killed at once), then started
    // again: no request fails.
    let paths: Vec<String> = published.iter().cloned().chain(["/v1/articles".to_owned()]).collect();
    let load = Load::start(&server, &paths, 4);
    std::thread::sleep(Duration::from_secs(1));
    let before_stop = metric(&server, REPLICA_QUERIES);
    let stopped = Instant::now();
    standby.stop_immediately();
    let routed_around = wait_in_use(&server, false, Duration::from_secs(10));
    let on_primary_before = metric(&server, PRIMARY_QUERIES);
    std::thread::sleep(Duration::from_secs(1));
    assert!(metric(&server, PRIMARY_QUERIES) > on_primary_before, "reads did not move to the primary");
    let stop_took = stopped.elapsed();
    standby.start();
    let back_after = wait_in_use(&server, true, Duration::from_secs(15));
    let replica_after_return = metric(&server, REPLICA_QUERIES);
    std::thread::sleep(Duration::from_secs(1));
    let (requests, failures, slowest) = load.finish();
    assert!(metric(&server, REPLICA_QUERIES) > replica_after_return, "the standby was not used again");
    assert!(before_stop > 0.0);
    eprintln!(
        "standby stopped: routed around in {routed_around:?}; started again: used after {back_after:?} \
         (load of {stop_took:?} before the restart); {requests} requests under load, {} failed, slowest {slowest:?}",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {requests} requests failed: {:?}",
        failures.len(),
        &failures[..5.min(failures.len())]
    );
    let log = server.log_text();
    let errors = crate::replicas::error_lines(&log);
    assert!(errors.is_empty(), "{errors:#?}");
    let retried = log.lines().filter(|l| l.contains("read replica lost under a request")).count();
    eprintln!("requests that found the standby gone and were answered from the primary: {retried} (logged once)");
    eprintln!("standby test took {:?}", started.elapsed());
}

/// An SQLite file has no standby: a replica URL beside one stops the start.
pub fn sqlite_refuses_a_replica() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("newsdesk.db").to_string_lossy().into_owned();
    let env = [("DATABASE_URL", db.as_str()), ("NEWSDESK_DATABASE_REPLICA_URL", "postgres://postgres@127.0.0.1:1/x")];
    let mut server = Replica::spawn(&env, dir.path().join("newsdesk.log"));
    let status = server.wait_exit(Duration::from_secs(10));
    let log = server.log_text();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(log.contains("NEWSDESK_DATABASE_REPLICA_URL is set but DATABASE_URL is an SQLite file"), "{log}");
}
