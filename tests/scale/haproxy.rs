//! A real HAProxy of the test's own in front of the replicas, on loopback, health-
//! checking `/readyz` as the compose file's does.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::replicas::free_port;

/// Whether `haproxy` can be run here.
pub fn available() -> bool {
    Command::new("haproxy").arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

pub struct Haproxy {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Haproxy {
    /// Balances round robin over `servers` (`host:port`), each checked every 200 ms
    /// (down after 2 failed checks, up after 2 good ones). A request whose connection
    /// to a server fails is sent to another one.
    pub fn start(servers: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let servers: String =
            servers.iter().enumerate().map(|(n, addr)| format!("    server replica{n} {addr} check\n")).collect();
        let config = format!(
            "global\n    maxconn 1000\n\
             defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    timeout server 30s\n\
             \x20   retries 3\n    option redispatch\n    retry-on conn-failure empty-response\n\
             frontend api\n    bind 127.0.0.1:{port}\n    default_backend replicas\n\
             backend replicas\n    balance roundrobin\n    option httpchk GET /readyz\n    http-check expect status 200\n\
             \x20   default-server inter 200ms fall 2 rise 2\n{servers}"
        );
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, config).unwrap();
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let haproxy = Self { child, port, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while reqwest::blocking::get(haproxy.url("/readyz")).map(|r| r.status()).ok() != Some(reqwest::StatusCode::OK) {
            assert!(Instant::now() < deadline, "HAProxy did not come up on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        haproxy
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
