//! The binary as operators run it: graceful shutdown on SIGTERM, the healthcheck
//! subcommand's exit codes, JSON logs and the `token` subcommands. Each test
//! starts `newsdesk` as a child process on a fresh SQLite file.

#![expect(clippy::unwrap_used, reason = "a test fails by panicking; the service itself never unwraps")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

struct Service {
    child: Child,
    addr: String,
    /// A `write` token made with `newsdesk token create` before the start.
    token: String,
    _dir: tempfile::TempDir,
}

/// Runs `newsdesk token …` against the database in `dir`; (exit status, stdout).
fn token_cli(dir: &std::path::Path, args: &[&str]) -> (ExitStatus, String) {
    let output = Command::new(BIN)
        .arg("token")
        .args(args)
        .current_dir(dir)
        .env("DATABASE_URL", dir.join("newsdesk.db"))
        .stderr(Stdio::null())
        .output()
        .unwrap();
    (output.status, String::from_utf8(output.stdout).unwrap())
}

impl Service {
    fn start(extra_env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr = format!("127.0.0.1:{port}");
        let (status, stdout) = token_cli(dir.path(), &["create", "--name", "process test", "--scope", "write"]);
        assert!(status.success(), "token create failed");
        let token = stdout.trim().to_owned();
        let mut command = Command::new(BIN);
        command
            .current_dir(dir.path())
            .env("NEWSDESK_ADDR", &addr)
            .env("DATABASE_URL", dir.path().join("newsdesk.db"))
            .env("NEWSDESK_WORKERS", "2")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in extra_env {
            command.env(key, value);
        }
        let service = Self { child: command.spawn().unwrap(), addr, token, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !healthcheck(&service.addr).success() {
            assert!(Instant::now() < deadline, "the service did not become ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        service
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the service did not exit within {limit:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthcheck(addr: &str) -> ExitStatus {
    Command::new(BIN).args(["healthcheck", "--addr", addr]).stderr(Stdio::null()).status().unwrap()
}

/// Sends a POST whose body trickles in over `duration`, and returns the response's
/// status line once it arrives.
fn slow_post(service: &Service, title: String, duration: Duration) -> std::thread::JoinHandle<String> {
    let (addr, token) = (service.addr.clone(), service.token.clone());
    std::thread::spawn(move || {
        let body = format!(r#"{{"title": "{title}", "body": "{}"}}"#, "x".repeat(2000));
        let mut stream = TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "POST /v1/articles HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        let chunks: Vec<&[u8]> = body.as_bytes().chunks(body.len() / 20 + 1).collect();
        let pause = duration / u32::try_from(chunks.len()).unwrap();
        for chunk in chunks {
            stream.write_all(chunk).unwrap();
            std::thread::sleep(pause);
        }
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.lines().next().unwrap_or_default().to_owned()
    })
}

#[test]
fn sigterm_lets_requests_in_flight_finish_then_exits_zero() {
    let mut service = Service::start(&[]);
    let uploads: Vec<_> = (0..6).map(|n| slow_post(&service, format!("Slow {n}"), Duration::from_secs(2))).collect();
    std::thread::sleep(Duration::from_millis(500));

    service.signal("TERM");

    for upload in uploads {
        assert_eq!(upload.join().unwrap(), "HTTP/1.1 201 Created");
    }
    assert!(service.wait(Duration::from_secs(10)).success());
    assert!(TcpStream::connect(&service.addr).is_err(), "still accepting after shutdown");
}

#[test]
fn sigint_stops_an_idle_service_with_exit_code_zero() {
    let mut service = Service::start(&[]);

    service.signal("INT");

    assert!(service.wait(Duration::from_secs(10)).success());
}

#[test]
fn healthcheck_exits_zero_when_ready_and_one_when_nothing_answers() {
    let mut service = Service::start(&[]);
    assert_eq!(healthcheck(&service.addr).code(), Some(0));

    service.signal("TERM");
    service.wait(Duration::from_secs(10));

    assert_eq!(healthcheck(&service.addr).code(), Some(1));
}

#[test]
fn json_log_format_writes_one_object_per_line_with_the_request_fields() {
    let mut service = Service::start(&[("NEWSDESK_LOG_FORMAT", "json")]);
    let mut stream = TcpStream::connect(&service.addr).unwrap();
    write!(
        stream,
        "GET /v1/articles/missing HTTP/1.1\r\nHost: x\r\nX-Request-Id: log-test-7\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    service.signal("TERM");
    service.wait(Duration::from_secs(10));

    let stderr = BufReader::new(service.child.stderr.take().unwrap());
    let lines: Vec<serde_json::Value> =
        stderr.lines().map(|l| serde_json::from_str(&l.unwrap()).expect("every line is JSON")).collect();
    let access = lines.iter().find(|l| l["request_id"] == "log-test-7").expect("an access line for the request");
    assert_eq!(access["method"], "GET");
    assert_eq!(access["route"], "/v1/articles/{article}");
    assert_eq!(access["path"], "/v1/articles/missing");
    assert_eq!(access["status"], 404);
    assert!(access["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    assert_eq!(access["level"], "INFO");
}

#[test]
fn no_log_line_is_lost_at_shutdown() {
    // Lines are written by a thread of their own, a few milliseconds after they
    // are logged: a burst right before SIGTERM, and the line logged last of all
    // just before the process exits, must still reach standard error.
    let mut service = Service::start(&[("NEWSDESK_LOG_FORMAT", "json")]);
    // Read as it comes: the burst's lines fill more than a pipe's buffer.
    let stderr = BufReader::new(service.child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || stderr.lines().map(Result::unwrap).collect::<Vec<String>>());
    let mut stream = TcpStream::connect(&service.addr).unwrap();
    const BURST: usize = 300;
    let requests: String = (0..BURST)
        .map(|n| {
            let connection = if n + 1 == BURST { "close" } else { "keep-alive" };
            format!("GET /v1/articles/missing HTTP/1.1\r\nHost: x\r\nX-Request-Id: burst-{n}\r\nConnection: {connection}\r\n\r\n")
        })
        .collect();
    stream.write_all(requests.as_bytes()).unwrap();
    let mut responses = String::new();
    stream.read_to_string(&mut responses).unwrap();
    assert_eq!(responses.matches("HTTP/1.1 ").count(), BURST, "every pipelined request answered");
    service.signal("TERM");
    assert!(service.wait(Duration::from_secs(10)).success());

    let lines: Vec<serde_json::Value> =
        reader.join().unwrap().iter().map(|l| serde_json::from_str(l).expect("every line is JSON")).collect();
    let logged: std::collections::HashSet<&str> =
        lines.iter().filter_map(|l| l["request_id"].as_str()).filter(|id| id.starts_with("burst-")).collect();
    assert_eq!(logged.len(), BURST, "an access line for every request of the burst");
    assert_eq!(lines.last().map(|l| l["msg"].clone()), Some("stopped".into()), "the last line is the last logged");
}

#[test]
fn token_cli_creates_lists_and_revokes_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let (status, stdout) =
        token_cli(dir.path(), &["create", "--name", "ci bot", "--scope", "write", "--scope", "read:drafts"]);
    assert!(status.success());
    let token = stdout.trim();
    assert!(token.starts_with("nd_") && token.len() == 46 && stdout.lines().count() == 1, "{stdout}");

    let (status, list) = token_cli(dir.path(), &["list"]);
    assert!(status.success());
    let line = list.lines().find(|l| l.ends_with("ci bot")).expect("the new token is listed");
    assert!(line.contains("active") && line.contains("read:drafts write"), "{line}");
    assert!(!list.contains(token), "the list must not show the token");
    let id = line.split_whitespace().next().unwrap();

    assert!(token_cli(dir.path(), &["revoke", id]).0.success());
    let (_, list) = token_cli(dir.path(), &["list"]);
    assert!(list.lines().any(|l| l.starts_with(id) && l.contains("revoked")), "{list}");

    assert!(!token_cli(dir.path(), &["revoke", "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f"]).0.success());
    assert!(!token_cli(dir.path(), &["revoke", "not-an-id"]).0.success());
    let (status, stdout) = token_cli(dir.path(), &["create", "--name", "x", "--scope", "root"]);
    assert!(!status.success() && stdout.is_empty());
}

#[test]
fn the_log_says_ready_only_once_the_database_is_migrated() {
    let mut service = Service::start(&[]);
    let ready = format!("ready on http://{} (docs at /docs)", service.addr);
    // Read up to the ready line (it comes, the service answered /readyz), then stop.
    let mut lines = Vec::new();
    for line in BufReader::new(service.child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.ends_with(&ready);
        lines.push(line);
        if done {
            break;
        }
    }
    service.signal("TERM");
    service.wait(Duration::from_secs(10));

    let at = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle:?}: {lines:#?}"))
    };
    assert!(at("bound to ") < at(" is ready ("), "{lines:#?}");
    assert!(at(" is ready (") < at(&ready), "{lines:#?}");
    // Ours, that is: actix-server's own start line says its socket is listening.
    let ours = lines.iter().filter(|l| l.contains(" newsdesk] ") || l.contains(" newsdesk::"));
    assert!(!ours.clone().any(|l| l.contains("listening")), "{lines:#?}");
    assert_eq!(ours.filter(|l| l.contains("ready on")).count(), 1, "{lines:#?}");
}
