//! Migrations serialised: three servers and one `newsdesk token create` started at
//! the same moment on a fresh database, ten rounds; every process succeeds and no
//! log has an ERROR line (before the migration lock, all but one of them logged
//! `migration failed: duplicate key value …` and `token create` exited 1).

use std::process::{Command, Stdio};
use std::time::Duration;

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
