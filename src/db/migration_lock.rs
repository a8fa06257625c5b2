//! One migration run at a time per database, however many processes start at once
//! (replicas, `newsdesk token create` beside a server): without it, concurrent
//! runs race on creating the same tables and all but one fail.

use diesel::connection::SimpleConnection;
use diesel::{PgConnection, SqliteConnection};

/// The advisory lock key every Newsdesk process uses for migrations ("newsdesk" as
/// a big-endian integer, so that it does not collide with other applications' keys
/// by accident). PostgreSQL scopes advisory locks to the current database, so
/// Newsdesk databases on one server never wait for each other's migrations.
pub const PG_LOCK_KEY: i64 = 7_954_895_654_309_163_883;

/// Runs `f` holding a PostgreSQL session advisory lock. A second process waits for
/// the lock (without a lock timeout: the first may be building an index on a big
/// table), then finds nothing left to apply. The lock goes with the session if the
/// process dies holding it. `lock_timeout_ms` is the connection's usual lock timeout,
/// restored for the migrations themselves.
pub(crate) fn with_pg_lock<T>(
    conn: &mut PgConnection,
    lock_timeout_ms: u64,
    f: impl FnOnce(&mut PgConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    conn.batch_execute(&format!(
        "SET lock_timeout = 0; SELECT pg_advisory_lock({PG_LOCK_KEY}); SET lock_timeout = {lock_timeout_ms};"
    ))
    .map_err(|e| anyhow::anyhow!("cannot take the migration lock: {e}"))?;
    let result = f(conn);
    if let Err(e) = conn.batch_execute(&format!("SELECT pg_advisory_unlock({PG_LOCK_KEY});")) {
        // The session ends with the connection, and the lock with it.
        log::warn!("releasing the migration lock failed: {e}");
    }
    result
}

/// Runs `f` inside an exclusive SQLite transaction: other processes wait for it (up
/// to the connection's busy timeout), then see the migrations already recorded.
/// diesel runs each migration in a savepoint inside it, and SQLite's DDL is
/// transactional, so a failed run leaves nothing behind.
pub(crate) fn with_sqlite_lock<T>(
    conn: &mut SqliteConnection,
    f: impl FnOnce(&mut SqliteConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    conn.exclusive_transaction(f)
}
