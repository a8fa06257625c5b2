//! NATS for the broker tests: the shared JetStream server (NEWSDESK_TEST_NATS_URL),
//! a `nats-server` of the test's own that it may kill and start again on the same
//! port and storage, and a JetStream stream read back message by message.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream;

/// The shared server the tests publish to (each to a stream of its own).
pub const NATS_ENV: &str = "NEWSDESK_TEST_NATS_URL";

pub fn shared_url() -> String {
    std::env::var(NATS_ENV).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "nats://127.0.0.1:4222".into())
}

/// `host:port` of a `nats://` URL.
fn address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split('/').next().unwrap_or(rest).to_owned()
}

/// Whether a server with JetStream answers at `url` (its greeting says so).
fn greets_with_jetstream(url: &str) -> Result<(), String> {
    let addr = address(url);
    let stream =
        TcpStream::connect(&addr).map_err(|e| format!("no NATS server answers at {addr} ({NATS_ENV}): {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut info = String::new();
    BufReader::new(stream).read_line(&mut info).map_err(|e| format!("NATS at {addr} sent no INFO: {e}"))?;
    if !info.starts_with("INFO ") {
        return Err(format!("{addr} is not a NATS server: {info:?}"));
    }
    if !info.contains("\"jetstream\":true") {
        return Err(format!("the NATS server at {addr} runs without JetStream (-js)"));
    }
    Ok(())
}

pub fn shared_answers() -> Result<(), String> {
    greets_with_jetstream(&shared_url())
}

/// Whether `nats-server` can be run here.
pub fn binary_available() -> bool {
    Command::new("nats-server").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// A `nats-server -js` of the test's own on a free loopback port.
pub struct NatsServer {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl NatsServer {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Self { child: None, port, dir: tempfile::tempdir().unwrap() };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again: same port, same storage) and waits until it answers.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.dir.path().join("nats.log")).unwrap();
        let child = Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &self.port.to_string(), "-sd"])
            .arg(self.dir.path().join("store"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while greets_with_jetstream(&self.url()).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start on port {}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: gone at once, as in a crash.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One message as the stream holds it.
#[derive(Debug)]
pub struct Stored {
    pub stream_sequence: u64,
    pub subject: String,
    pub message_id: Option<String>,
    pub body: serde_json::Value,
}

/// A JetStream stream, read through the async client on a runtime of its own.
pub struct StreamReader {
    runtime: tokio::runtime::Runtime,
    jetstream: jetstream::Context,
    pub name: String,
}

impl StreamReader {
    pub fn connect(url: &str, name: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        // The context starts a task of its own: made inside the runtime.
        let jetstream = runtime.block_on(async { jetstream::new(async_nats::connect(url).await.unwrap()) });
        Self { runtime, jetstream, name: name.to_owned() }
    }

    /// Messages in the stream (0 while it does not exist).
    pub fn count(&self) -> u64 {
        self.runtime.block_on(async {
            match self.jetstream.get_stream(&self.name).await {
                Ok(mut stream) => stream.info().await.unwrap().state.messages,
                Err(_) => 0,
            }
        })
    }

    /// Every message, in stream order.
    pub fn messages(&self) -> Vec<Stored> {
        self.runtime.block_on(async {
            let mut stream = self.jetstream.get_stream(&self.name).await.unwrap();
            let state = stream.info().await.unwrap().state.clone();
            let mut messages = Vec::new();
            for sequence in state.first_sequence..=state.last_sequence {
                let message = stream.get_raw_message(sequence).await.unwrap();
                messages.push(Stored {
                    stream_sequence: message.sequence,
                    subject: message.subject.to_string(),
                    message_id: message.headers.get("Nats-Msg-Id").map(|v| v.as_str().to_owned()),
                    body: serde_json::from_slice(&message.payload).unwrap(),
                });
            }
            messages
        })
    }

    /// Removes the stream (the shared server keeps nothing of a test).
    pub fn delete(&self) {
        let _ = self.runtime.block_on(self.jetstream.delete_stream(&self.name));
    }
}
