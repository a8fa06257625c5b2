//! Migrations serialised: three servers and one `newsdesk token create` started at
//! the same moment on a fresh database, ten rounds; every process succeeds and no
//! log has an ERROR line (before the migration lock, all but one of them logged
//! `migration failed: duplicate key value …` and `token create` exited 1).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::pg::ScratchDb;
use crate::replicas::{BIN, Replica, error_lines};

const ROUNDS: usize = 10;

pub fn sqlite() {
    for round in 0..ROUNDS {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("newsdesk.db").to_string_lossy().into_owned();
        start_together(round, &url, dir.path());
    }
}

pub fn postgres() {
    let admin = std::env::var(crate::pg::PG_ENV).unwrap();
    for round in 0..ROUNDS {
        let db = ScratchDb::create(&admin);
        let dir = tempfile::tempdir().unwrap();
        start_together(round, &db.url, dir.path());
    }
}

/// One round: four processes on the fresh database at `url`.
fn start_together(round: usize, url: &str, dir: &std::path::Path) {
    let env = [("DATABASE_URL", url)];
    let token_log = dir.join("token.log");
    let token = Command::new(BIN)
        .args(["token", "create", "--name", "race", "--scope", "write"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&token_log).unwrap())
        .spawn()
        .unwrap();
    let mut servers: Vec<Replica> = (0..3).map(|n| Replica::spawn(&env, dir.join(format!("serve-{n}.log")))).collect();
    let token = token.wait_with_output().unwrap();
    let token_text = std::fs::read_to_string(&token_log).unwrap();
    assert!(token.status.success(), "round {round}: token create failed:\n{token_text}");
    assert!(String::from_utf8_lossy(&token.stdout).trim().starts_with("nd_"), "round {round}: no token printed");
    assert!(error_lines(&token_text).is_empty(), "round {round}: token create logged errors:\n{token_text}");
    for server in &servers {
        server.wait_ready(Duration::from_secs(30));
    }
    servers.iter().for_each(Replica::signal_term);
    for server in &mut servers {
        assert!(server.wait_exit(Duration::from_secs(30)).success(), "round {round}: a server did not exit cleanly");
        let log = server.log_text();
        assert!(error_lines(&log).is_empty(), "round {round}: a server logged errors:\n{log}");
        assert!(log.contains("is ready"), "round {round}: a server never migrated:\n{log}");
    }
}

/// The migration lock is per database: while a session holds it on one database,
/// `newsdesk migrate` there waits, and on another database of the same server it
/// goes ahead (PostgreSQL scopes advisory locks to the database; a lock in a shared
/// place would make every Newsdesk database on a server wait for the others).
pub fn postgres_lock_per_database() {
    let admin = std::env::var(crate::pg::PG_ENV).unwrap();
    let (held, other) = (ScratchDb::create(&admin), ScratchDb::create(&admin));
    let mut holder = PgConnection::establish(&held.url).unwrap();
    diesel::sql_query(format!("SELECT pg_advisory_lock({})", newsdesk::db::PG_LOCK_KEY)).execute(&mut holder).unwrap();

    let migrate = |url: &str| {
        Command::new(BIN)
            .arg("migrate")
            .env("DATABASE_URL", url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut elsewhere = migrate(&other.url);
    let status = wait(&mut elsewhere, Duration::from_secs(60));
    assert!(status.is_some_and(|s| s.success()), "migrate on another database waited for this one's lock: {status:?}");

    let mut blocked = migrate(&held.url);
    assert!(wait(&mut blocked, Duration::from_secs(3)).is_none(), "migrate did not wait for its database's lock");
    diesel::sql_query(format!("SELECT pg_advisory_unlock({})", newsdesk::db::PG_LOCK_KEY))
        .execute(&mut holder)
        .unwrap();
    let status = wait(&mut blocked, Duration::from_secs(60));
    assert!(status.is_some_and(|s| s.success()), "migrate did not finish once the lock was free: {status:?}");
}

/// The child's exit status, or `None` if it is still running after `limit` (a child
/// left waiting on the lock goes on once the holder's session ends with the test).
fn wait(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
