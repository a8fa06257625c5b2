//! PostgreSQL for the fault tests: a private throw-away cluster that a test may
//! stop and start (the shared server must never be stopped), and scratch databases
//! on the server named by NEWSDESK_TEST_DATABASE_URL.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::{Connection, PgConnection, RunQueryDsl};

/// The shared test server, as in the HTTP tests.
pub const PG_ENV: &str = "NEWSDESK_TEST_DATABASE_URL";
/// A directory holding `initdb` and `pg_ctl`, when they are not found by themselves.
pub const PG_BIN_ENV: &str = "NEWSDESK_PG_BIN";

/// The directory with `initdb` and `pg_ctl`: NEWSDESK_PG_BIN, else the newest
/// `/usr/lib/postgresql/<version>/bin`, else wherever PATH has `initdb`.
pub fn find_bin() -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os(PG_BIN_ENV).map(PathBuf::from) {
        return has_tools(&dir).then_some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Some(dir);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|dir| has_tools(dir))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A cluster in a temp dir, listening on 127.0.0.1 only; gone when dropped.
pub struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
    as_postgres: bool,
}

impl Cluster {
    pub fn init(bin: PathBuf) -> Self {
        let cluster = Self::empty(bin, "newsdesk-faults-pg");
        let data = cluster.data_dir();
        cluster
            .run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        cluster.start();
        cluster
    }

    /// A hot standby of `primary`, streaming from it: a base backup taken with
    /// `pg_basebackup -R` (which writes the connection to the primary and
    /// `standby.signal`), started on a port of its own.
    #[allow(dead_code, reason = "the scale tests' read replica; the fault tests need none")]
    pub fn standby_of(primary: &Cluster) -> Self {
        let standby = Self::empty(primary.bin.clone(), "newsdesk-scale-standby");
        let port = primary.port.to_string();
        let data = standby.data_dir();
        standby.run(
            "pg_basebackup",
            &["-D", &data, "-h", "127.0.0.1", "-p", &port, "-U", "postgres", "-R", "-X", "stream", "-c", "fast"],
        );
        standby.start();
        standby
    }

    /// A cluster directory owned by the server's user, with a free port, holding
    /// no data yet.
    fn empty(bin: PathBuf, prefix: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
        // initdb refuses to run as root: the server runs as `postgres`, which
        // must own the directory.
        let as_postgres = is_root();
        if as_postgres {
            let chown = Command::new("chown").arg("-R").arg("postgres:").arg(dir.path()).status().unwrap();
            assert!(chown.success(), "chown of the cluster directory to postgres failed");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Self { bin, dir, port, as_postgres }
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let output = command.args(args).current_dir(self.dir.path()).output().unwrap();
        assert!(
            output.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) {
        let options =
            format!("-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off", self.port, self.dir.path().display());
        let log = self.dir.path().join("server.log").to_string_lossy().into_owned();
        self.run("pg_ctl", &["-D", &self.data_dir(), "-l", &log, "-w", "-t", "60", "-o", &options, "start"]);
    }

    /// Stops the server the hard way: every backend is killed at once, clients
    /// see their connections drop.
    pub fn stop_immediately(&self) {
        self.run("pg_ctl", &["-D", &self.data_dir(), "-m", "immediate", "-w", "stop"]);
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let program = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let _ = command.args(["-D", &data, "-m", "immediate", "stop"]).output();
    }
}

/// A fresh database on the shared server, dropped with this handle.
pub struct ScratchDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl ScratchDb {
    pub fn create(admin_url: &str) -> Self {
        let name = format!("newsdesk_faults_{}", uuid::Uuid::now_v7().simple());
        let mut conn = PgConnection::establish(admin_url).unwrap_or_else(|e| panic!("cannot reach {PG_ENV}: {e}"));
        diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).expect("create database");
        Self { admin_url: admin_url.to_owned(), url: with_database(admin_url, &name), name }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            // Best effort: a leftover database only costs disk on a test server.
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}
