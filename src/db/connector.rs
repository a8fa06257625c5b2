//! Opening connections: the backend the URL names, per-session settings, and
//! what the pool needs to decide whether a pooled connection can be trusted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel::result::Error as DieselError;

use super::DbConn;
use crate::config::DatabaseUrl;

/// Opens connections for the pool, choosing the backend from the configured URL
/// (diesel's own `establish` on the enum tries each backend in turn and hides the
/// real PostgreSQL error).
#[derive(Clone)]
pub(crate) struct Connector {
    pub(super) url: DatabaseUrl,
    pub(super) timeout: Duration,
    /// PostgreSQL `statement_timeout` and `lock_timeout` in milliseconds (0: none).
    pub(super) statement_timeout_ms: u64,
    /// SQL statements run on every connection this connector opened.
    pub(super) queries: Arc<AtomicU64>,
    /// Bumped whenever a connection is found dead, so that every other pooled
    /// connection is checked before its next use (after a database restart they all
    /// are dead).
    pub(super) failures: Arc<AtomicU64>,
}

impl Connector {
    /// Counts each statement a connection starts (diesel's instrumentation hook).
    fn count_queries(&self, conn: &mut impl Connection) {
        let queries = Arc::clone(&self.queries);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if matches!(event, InstrumentationEvent::StartQuery { .. }) {
                queries.fetch_add(1, Ordering::Relaxed);
            }
        });
    }

    pub(super) fn open(&self) -> Result<DbConn, ConnectionError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(&with_connect_timeout(url, self.timeout))?;
                // Per session, so that a stuck query or a lock held elsewhere cannot
                // keep a pooled connection (and the request's thread) forever; the
                // cancelled statement becomes a 503 (`error.rs`).
                let limit = self.statement_timeout_ms;
                // No parallel workers: every query here reads a page or a few rows, and
                // starting workers costs more than that (at a million articles a
                // generic plan for a tag page launched two, ~10 ms per request).
                conn.batch_execute(&format!(
                    "SET statement_timeout = {limit}; SET lock_timeout = {limit}; \
                     SET max_parallel_workers_per_gather = 0;"
                ))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                self.count_queries(&mut conn);
                Ok(DbConn::Pg(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first: switching to WAL needs a lock another
                // connection may hold.
                conn.batch_execute(&format!("PRAGMA busy_timeout = {};", self.timeout.as_millis()))
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                // On a file still in rollback mode, SQLite answers "database is
                // locked" at once, without waiting, when the switch would deadlock
                // with another process's lock (processes started together on a new
                // file): try again until the timeout.
                let deadline = Instant::now() + self.timeout;
                loop {
                    match conn.batch_execute("PRAGMA journal_mode = WAL;") {
                        Err(DieselError::DatabaseError(_, info))
                            if info.message().contains("locked") && Instant::now() < deadline =>
                        {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        result => break result.map_err(ConnectionError::CouldntSetupConfiguration)?,
                    }
                }
                conn.batch_execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                self.count_queries(&mut conn);
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

/// A pooled connection with what the pool needs to decide whether to trust it
/// without a round trip to the server (see `Database::checkout`).
pub(crate) struct PooledConn {
    pub(super) conn: DbConn,
    /// When it last finished a piece of work (or was opened).
    pub(super) last_used: Instant,
    /// The failure epoch it was last known good in.
    pub(super) epoch: u64,
    /// Seen failing: the pool closes it instead of lending it again.
    pub(super) broken: bool,
}

impl ManageConnection for Connector {
    type Connection = PooledConn;
    type Error = ConnectionError;

    fn connect(&self) -> Result<PooledConn, ConnectionError> {
        let conn = self.open()?;
        Ok(PooledConn { conn, last_used: Instant::now(), epoch: self.failures.load(Ordering::Acquire), broken: false })
    }

    fn is_valid(&self, pooled: &mut PooledConn) -> Result<(), ConnectionError> {
        pooled.conn.ping().map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, pooled: &mut PooledConn) -> bool {
        pooled.broken || pooled.conn.is_broken()
    }
}

/// Adds libpq's `connect_timeout` unless the URL sets one, so that an unreachable
/// host fails within the configured time instead of the operating system's.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={}", timeout.as_secs().max(1))
}
