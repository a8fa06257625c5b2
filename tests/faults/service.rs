//! The real `newsdesk` binary as a child process, with its log in a file (a piped
//! stderr nobody reads would fill up and stall the service under load).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::http::{self, Client, Request};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

pub struct Service {
    child: Child,
    /// The address, with a `write` token made by `newsdesk token create`.
    pub client: Client,
    log: PathBuf,
}

impl Service {
    /// Starts the service on `database_url` and waits until `/readyz` answers 200
    /// (migrations applied).
    pub fn start(database_url: &str, log_dir: &Path, extra_env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let log = log_dir.join(format!("newsdesk-{port}.log"));
        let token = create_token(database_url, log_dir);
        let mut command = Command::new(BIN);
        command
            .current_dir(log_dir)
            .env("NEWSDESK_ADDR", &addr)
            .env("DATABASE_URL", database_url)
            .env("NEWSDESK_WORKERS", "2")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        for (key, value) in extra_env {
            command.env(key, value);
        }
        let client = Client { addr, token };
        let mut service = Self { child: command.spawn().expect("start newsdesk"), client, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if service.get("/readyz").is_ok_and(|r| r.status == 200) {
                return service;
            }
            if let Some(status) = service.child.try_wait().unwrap() {
                panic!("newsdesk exited with {status} before it was ready; log:\n{}", service.log_tail());
            }
            assert!(Instant::now() < deadline, "newsdesk not ready within 30 s; log:\n{}", service.log_tail());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn send(&self, request: &Request<'_>) -> std::io::Result<http::Response> {
        self.client.send(request, Duration::from_secs(30))
    }

    pub fn get(&self, path: &str) -> std::io::Result<http::Response> {
        self.send(&Request::get(path))
    }

    /// Sends a signal by name (`TERM`, `INT`) to the process.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").args([format!("-{name}"), self.child.id().to_string()]).status().unwrap();
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit, failing the test after `limit`.
    pub fn wait(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "newsdesk did not exit within {limit:?}; log:\n{}", self.log_tail());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts a create whose body trickles in over `duration`, so that it is still
    /// in flight for that long; the handle gives the response's status (0 when the
    /// connection failed).
    pub fn slow_post(&self, title: String, duration: Duration) -> std::thread::JoinHandle<u16> {
        use std::io::{Read, Write};
        let client = self.client.clone();
        std::thread::spawn(move || {
            let body = serde_json::json!({"title": title, "body": "x".repeat(2000)}).to_string();
            let Ok(mut stream) = std::net::TcpStream::connect(&client.addr) else { return 0 };
            let head = format!(
                "POST /v1/articles HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                client.addr,
                client.token,
                body.len()
            );
            if stream.write_all(head.as_bytes()).is_err() {
                return 0;
            }
            let chunks: Vec<&[u8]> = body.as_bytes().chunks(body.len() / 10 + 1).collect();
            let pause = duration / u32::try_from(chunks.len()).unwrap();
            for chunk in chunks {
                if stream.write_all(chunk).is_err() {
                    return 0;
                }
                std::thread::sleep(pause);
            }
            let mut response = String::new();
            if stream.read_to_string(&mut response).is_err() {
                return 0;
            }
            response.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
        })
    }

    /// SIGKILL: no shutdown handler, no flush, no rollback runs.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// The last lines of the service's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

/// A `write` token for the database, made as an operator would (the CLI applies the
/// migrations first, so this works on an empty database).
fn create_token(database_url: &str, dir: &Path) -> String {
    let output = Command::new(BIN)
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .args(["token", "create", "--name", "fault tests", "--scope", "write"])
        .output()
        .expect("run newsdesk token create");
    assert!(output.status.success(), "token create failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 token").trim().to_owned()
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
