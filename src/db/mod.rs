//! The database: one diesel code path for PostgreSQL and SQLite, a connection pool
//! that opens the backend the URL names, embedded migrations, and `Database::run`,
//! the only way handlers reach a connection (always off the async executor).

/// Inserts `$rows` (a slice) into `$table` in one statement, nothing when empty.
/// diesel cannot build a multi-row insert through the two-backend connection, so
/// each backend takes the same statement directly.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        if rows.is_empty() {
            Ok(0)
        } else {
            let insert = diesel::insert_into($table).values(rows);
            match $conn {
                $crate::db::DbConn::Pg(c) => insert.execute(c),
                $crate::db::DbConn::Sqlite(c) => insert.execute(c),
            }
        }
    }};
}

pub mod articles;
pub mod changes;
mod child_rows;
mod connector;
pub(crate) mod counts;
pub mod embedding;
mod error;
pub mod idempotency;
pub(crate) mod imports;
mod migration_lock;
pub(crate) mod native;
pub(crate) mod nats_publisher;
pub mod positions;
pub mod quotes;
pub mod related_links;
pub mod replica;
pub mod revisions;
pub(crate) mod schedule;
pub mod schema;
pub(crate) mod search;
pub(crate) mod suggestions;
pub mod tokens;
pub mod webhook_queue;
pub mod webhooks;
mod write;

use connector::{Connector, PooledConn};
pub(crate) use error::is_unique_violation;
pub use error::{DbError, DbResult, IntoWorkError, WorkError, WriteError};
pub use migration_lock::PG_LOCK_KEY;
pub(crate) use write::{Versioned, lock_article, locked, locked_for_write, write_transaction};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{Pool, PooledConnection, R2D2Connection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use scheduled_thread_pool::{OnPoolDropBehavior, ScheduledThreadPool};
use tokio::sync::Semaphore;

use crate::config::DatabaseSettings;
use crate::domain::revision::{Author, Retention};
use revisions::WriteContext;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Reads a stored id back as a UUID (a failure means corrupt data).
pub(crate) fn stored_uuid(id: &str) -> Result<uuid::Uuid, DbError> {
    uuid::Uuid::try_parse(id).map_err(|e| DbError::Corrupt(format!("stored id {id:?}: {e}")))
}

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// Production.
    Pg(PgConnection),
    /// The zero-setup embedded default.
    Sqlite(SqliteConnection),
}

/// Which backend a connection talks to, for the few queries that must differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Postgres,
    Sqlite,
}

impl DbConn {
    /// The backend behind this connection.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Self::Pg(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The connection pool inside `Database`.
type DbPool = Pool<Connector>;

/// Brings up OpenSSL before libpq does, without the clean-up OpenSSL otherwise
/// registers to run at process exit. That clean-up frees OpenSSL's global state
/// while other threads may still be inside it: at the end of a test run or of
/// `serve`, server workers that drop the last pool handle close their TLS
/// connections to PostgreSQL concurrently with `exit`, and the test binary was seen
/// dying with SIGSEGV after every test had passed. The operating system reclaims
/// that state at exit anyway. Idempotent and cheap; call it before the first
/// PostgreSQL connection of the process (`Database::new` does).
pub fn init_tls() {
    openssl_sys::init();
}

/// Connections the background workers share (`Database::for_workers`).
const WORKER_POOL_SIZE: u32 = 2;

/// The pool plus whether migrations have run; until they have, every request is
/// answered 503 and `/readyz` says not ready.
#[derive(Clone)]
pub struct Database {
    pool: DbPool,
    connector: Connector,
    /// One permit per pooled connection: requests queue here, on the async side,
    /// instead of each taking a blocking thread only to wait inside the pool.
    gate: Arc<Semaphore>,
    /// Requests waiting for a pooled connection right now.
    waiting: Arc<AtomicI64>,
    migrated: Arc<AtomicBool>,
    /// The read replica anonymous reads go to (`replica.rs`), when one is set.
    replica: Option<Arc<replica::Replica>>,
    /// How much article history writes keep.
    retention: Retention,
    /// The API token on whose behalf this handle writes (`Database::by`).
    author: Option<Arc<Author>>,
}

impl Database {
    /// Builds the pool without connecting: start-up never waits on the database.
    pub fn new(settings: &DatabaseSettings) -> Self {
        init_tls();
        let connector = Connector {
            url: settings.url.clone(),
            timeout: settings.timeout(),
            statement_timeout_ms: settings.statement_timeout_ms,
            queries: Arc::new(AtomicU64::new(0)),
            failures: Arc::new(AtomicU64::new(0)),
        };
        let mut db = Self::with_pool(connector, settings.pool_size, Arc::new(AtomicBool::new(false)));
        db.retention = settings.retention();
        db
    }

    /// How much article history writes keep.
    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// The same database, writing on behalf of `author`: the revisions its writes
    /// record name that token.
    pub(crate) fn by(&self, author: Option<&Author>) -> Self {
        Self { author: author.cloned().map(Arc::new), ..self.clone() }
    }

    /// The same database with a read replica at `url` (a PostgreSQL standby), used
    /// while it lags at most `max_lag`; its pool is as large as the primary's.
    pub fn with_replica(mut self, url: String, max_lag: Duration) -> Self {
        self.replica = Some(replica::Replica::start(&self, url, max_lag));
        self
    }

    /// The same database through a small pool of its own, for the background workers
    /// (scheduled announcements, pruning, deliveries): they never wait behind
    /// requests for a connection, nor requests behind them, and their statements are
    /// not counted in `queries_run`, which then measures requests alone.
    pub(crate) fn for_workers(&self) -> Self {
        let connector = Connector { queries: Arc::new(AtomicU64::new(0)), ..self.connector.clone() };
        Self { retention: self.retention, ..Self::with_pool(connector, WORKER_POOL_SIZE, Arc::clone(&self.migrated)) }
    }

    fn with_pool(connector: Connector, pool_size: u32, migrated: Arc<AtomicBool>) -> Self {
        let pool = Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(0))
            .connection_timeout(connector.timeout)
            // `checkout` validates only connections that may have gone stale; r2d2's
            // own test would cost a round trip on every request.
            .test_on_check_out(false)
            .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
            // r2d2's own threads (connection opening, the idle reaper) end as soon as
            // the pool is dropped; by default they first wait for the reaper's next
            // run, up to 30 s, and outlive the pool at shutdown.
            .thread_pool(Arc::new(
                ScheduledThreadPool::builder()
                    .num_threads(3)
                    .thread_name_pattern("r2d2-worker-{}")
                    .on_drop_behavior(OnPoolDropBehavior::DiscardPendingScheduled)
                    .build(),
            ))
            .build_unchecked(connector.clone());
        Self {
            pool,
            connector,
            gate: Arc::new(Semaphore::new(pool_size as usize)),
            waiting: Arc::new(AtomicI64::new(0)),
            migrated,
            replica: None,
            retention: Retention::default(),
            author: None,
        }
    }

    /// Applies pending migrations once, on a connection of its own (not from the
    /// pool, so a refused connection reports at once and with libpq's own message).
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.connector.open().map_err(|e| anyhow::anyhow!(one_line(&e.to_string())))?;
        let applied = match &mut conn {
            DbConn::Pg(c) => {
                // Building an index on a big table may take longer than a request
                // should; lock_timeout stays, so a migration never queues traffic
                // behind it for long.
                c.batch_execute("SET statement_timeout = 0;").map_err(|e| anyhow::anyhow!("{e}"))?;
                migration_lock::with_pg_lock(c, self.connector.statement_timeout_ms, |c| {
                    c.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len()).map_err(|e| anyhow::anyhow!("{e}"))
                })
            }
            DbConn::Sqlite(c) => migration_lock::with_sqlite_lock(c, |c| {
                c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()).map_err(|e| anyhow::anyhow!("{e}"))
            }),
        }
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        self.migrated.store(true, Ordering::Release);
        Ok(applied)
    }

    /// Keeps trying to migrate, with backoff from 1 s up to 30 s, logging each
    /// failure, until it succeeds. Runs on its own thread.
    pub fn migrate_in_background(&self, describe: String) -> std::thread::JoinHandle<()> {
        let db = self.clone();
        std::thread::spawn(move || {
            let mut backoff = Duration::from_secs(1);
            loop {
                match db.migrate() {
                    Ok(applied) => {
                        log::info!("{describe} is ready ({applied} migration(s) applied)");
                        return;
                    }
                    Err(e) => {
                        log::error!("{describe} is not available: {e:#}; retrying in {}s", backoff.as_secs());
                        std::thread::sleep(backoff);
                        backoff = (backoff * 2).min(Duration::from_secs(30));
                    }
                }
            }
        })
    }

    /// Waits up to `limit` until this is the last handle to the pool (server
    /// workers, background tasks and work in flight hold the others), then drops
    /// it, so that the pool's connections close on the calling thread before it
    /// goes on. Shutdown calls it before the process exits. Returns whether it was
    /// the last handle.
    pub fn close(self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Arc::strong_count(&self.gate) > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        Arc::strong_count(&self.gate) == 1
    }

    /// SQL statements run so far on the pool's connections (for tests proving that
    /// a request's query count does not grow with its data, and for metrics).
    pub fn queries_run(&self) -> u64 {
        self.connector.queries.load(Ordering::Relaxed)
    }

    /// Whether migrations have been applied.
    pub(crate) fn is_migrated(&self) -> bool {
        self.migrated.load(Ordering::Acquire)
    }

    /// The pool's connections right now, for metrics.
    pub(crate) fn pool_state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
            max: self.pool.max_size(),
        }
    }

    /// The read replica's queries, use and lag, for metrics (`None` without one).
    pub(crate) fn replica_state(&self) -> Option<replica::ReplicaState> {
        self.replica.as_ref().map(|r| r.state())
    }

    /// Runs synchronous diesel work on the blocking thread pool with a pooled
    /// connection: the replica's when the request may read from it
    /// (`replica::on_replica`) and it is usable, else the primary's. Waiting for a
    /// connection is bounded by the database timeout (then `DbError::Unavailable`);
    /// what the errors mean in HTTP is `error.rs`'s business.
    pub async fn run<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static) -> Result<T, E::Error>
    where
        T: Send + 'static,
        E: IntoWorkError,
    {
        match replica::Replica::for_this_request(self.replica.as_ref()) {
            Some(replica) => replica.run(f).await,
            None => self.run_here(f).await,
        }
    }

    /// `run` on this handle's own pool.
    async fn run_here<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static) -> Result<T, E::Error>
    where
        T: Send + 'static,
        E: IntoWorkError,
    {
        if !self.is_migrated() {
            return Err(DbError::Unavailable.into());
        }
        let deadline = Instant::now() + self.connector.timeout;
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let permit = tokio::time::timeout(self.connector.timeout, Arc::clone(&self.gate).acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        let Ok(Ok(permit)) = permit else {
            log::warn!("no database connection within {:?}", self.connector.timeout);
            return Err(DbError::Unavailable.into());
        };
        let db = self.clone();
        let work = actix_web::web::block(move || -> Result<T, E::Error> {
            let _permit = permit;
            let _context = WriteContext { by: db.author.as_deref().cloned(), retention: db.retention }.enter();
            let mut pooled = db.checkout(deadline)?;
            let result = f(&mut pooled.conn).map_err(IntoWorkError::into_work_error);
            if let Err(e) = &result
                && e.db_error().is_some_and(DbError::may_be_connection)
            {
                // Was it the work, or the connection?
                db.answers(&mut pooled);
            }
            pooled.last_used = Instant::now();
            result
        });
        match work.await {
            Ok(result) => result,
            Err(e) => {
                log::error!("blocking database task failed: {e}");
                Err(DbError::Panicked(e.to_string()).into())
            }
        }
    }

    /// A connection from the pool that is known to work. One used within the last
    /// second, with no failure seen since, is trusted as it is (under load that is
    /// every one, and a check would add a round trip to each request); any other is
    /// pinged first, and a dead one is closed and the next one tried.
    fn checkout(&self, deadline: Instant) -> Result<PooledConnection<Connector>, DbError> {
        const TRUSTED_FOR: Duration = Duration::from_secs(1);
        for _ in 0..=self.pool.max_size() {
            let wait = deadline.saturating_duration_since(Instant::now());
            let mut pooled = self.pool.get_timeout(wait).map_err(|e| {
                log::warn!("no database connection: {e}");
                DbError::Unavailable
            })?;
            let epoch = self.connector.failures.load(Ordering::Acquire);
            if pooled.epoch == epoch && pooled.last_used.elapsed() < TRUSTED_FOR {
                return Ok(pooled);
            }
            if self.answers(&mut pooled) {
                pooled.epoch = epoch;
                return Ok(pooled);
            }
        }
        Err(DbError::Unavailable)
    }

    /// Pings the connection; a dead one is marked for the pool to close, and every
    /// other one will be checked before its next use.
    fn answers(&self, pooled: &mut PooledConn) -> bool {
        if pooled.conn.ping().is_ok() {
            return true;
        }
        log::warn!("closing a pooled database connection that stopped answering");
        pooled.broken = true;
        self.connector.failures.fetch_add(1, Ordering::AcqRel);
        false
    }

    /// Runs synchronous diesel work on the calling thread with a pooled connection,
    /// for command-line tasks such as `newsdesk seed`. It blocks, so handlers use
    /// `run` instead; unlike `run`, it does not check that migrations have run.
    pub fn blocking<T>(&self, f: impl FnOnce(&mut DbConn) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let mut pooled = self.checkout(Instant::now() + self.connector.timeout).map_err(|e| anyhow::anyhow!("{e}"))?;
        f(&mut pooled.conn)
    }

    /// Checks the database answers, for `/readyz`: the primary, which every write
    /// needs (reads fall back to it when the replica fails).
    pub(crate) async fn ping(&self) -> DbResult<()> {
        self.run_here(|conn| conn.ping()).await
    }
}

/// A snapshot of the connection pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolState {
    /// Open connections.
    pub connections: u32,
    /// Open connections not lent out.
    pub idle: u32,
    /// Requests waiting for a connection.
    pub waiting: i64,
    /// Most connections the pool may open.
    pub max: u32,
}

/// libpq's multi-line messages as one log line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
