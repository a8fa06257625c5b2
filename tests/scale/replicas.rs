//! `newsdesk` processes as an operator runs them: each on its own port with its own
//! log file, stopped with SIGTERM, started again with the same settings.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Opens `path` for appending, so that a restarted process adds to its old log.
fn append(path: &Path) -> File {
    OpenOptions::new().create(true).append(true).open(path).unwrap()
}

/// A `newsdesk serve` process.
pub struct Replica {
    child: Option<Child>,
    pub addr: String,
    pub log: PathBuf,
    env: Vec<(String, String)>,
}

impl Replica {
    /// Starts `newsdesk serve` on a free port with `env` (DATABASE_URL among it),
    /// logging to `log`; does not wait for it.
    pub fn spawn(env: &[(&str, &str)], log: PathBuf) -> Self {
        let addr = format!("127.0.0.1:{}", free_port());
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let mut replica = Self { child: None, addr, log, env };
        replica.start();
        replica
    }

    /// Starts the process (again) with the same port, settings and log.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log = append(&self.log);
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .env("NEWSDESK_ADDR", &self.addr)
            .env("NEWSDESK_WORKERS", "1")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        self.child = Some(command.spawn().unwrap());
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits until `/readyz` answers 200.
    pub fn wait_ready(&self, limit: Duration) {
        let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(2)).build().unwrap();
        let deadline = Instant::now() + limit;
        loop {
            if client.get(self.url("/readyz")).send().is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(Instant::now() < deadline, "{} not ready within {limit:?}:\n{}", self.addr, self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM (the process starts its graceful shutdown).
    pub fn signal_term(&self) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    }

    /// Waits for the process to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{} did not exit within {limit:?}", self.addr);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Lines of a log at ERROR level (env_logger's text format: `[time ERROR target] …`).
pub fn error_lines(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.split_whitespace().nth(1) == Some("ERROR")).collect()
}
