//! The skeleton every write goes through: a transaction that holds the write lock,
//! the article the change belongs to locked, the stored row read again under that
//! lock and checked against `If-Match`; then the change, then its change records
//! (`changes`), then the commit.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::sql_types::Text;

use chrono::{DateTime, Utc};

use super::changes::{self, ChangeLog};
use super::{DbConn, DbError, WriteError};
use crate::domain::version::Expected;

/// A stored row that belongs to an article and carries a version.
pub(crate) trait Versioned {
    /// The article whose lock serialises writers of this row.
    fn article_id(&self) -> &str;
    /// The version `If-Match` is checked against.
    fn version(&self) -> i32;
    /// The same row as stored now, found by its id.
    fn reread(&self, conn: &mut DbConn) -> QueryResult<Option<Self>>
    where
        Self: Sized;
}

/// Runs `f` in a transaction that takes the write lock up front, and appends the
/// change records of what it noted in the `ChangeLog` before committing, so that a
/// record exists exactly when the write committed. On SQLite that is
/// `BEGIN IMMEDIATE`: a deferred transaction that reads first and writes later can
/// fail with "database is locked" instead of waiting when another writer is busy.
pub(crate) fn write_transaction<T, E>(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    f: impl FnOnce(&mut DbConn, &mut ChangeLog) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error> + From<DbError>,
{
    let mut appended = 0;
    let work = |c: &mut DbConn| {
        let mut log = ChangeLog::new(now);
        let value = f(c, &mut log)?;
        appended = changes::record(c, log)?;
        Ok(value)
    };
    // Inside a transaction already (an import's dry run, rolled back as a whole),
    // the write is a savepoint of it: SQLite cannot BEGIN twice.
    let nested = match conn {
        DbConn::Sqlite(sqlite) => {
            AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth()?.is_some()
        }
        DbConn::Pg(_) => false,
    };
    let result = if nested { conn.transaction(work) } else { immediate(conn, work) };
    // (A savepoint's records may still be rolled back with the outer transaction;
    // a waiter woken for them finds nothing new and waits again.)
    if result.is_ok() && appended > 0 {
        changes::appended().notify_waiters();
    }
    result
}

/// Runs `f` in a transaction that holds the write lock from the start: the one
/// place that opens a write transaction (the resource writes through
/// `write_transaction`, the webhook tables directly). On SQLite that is `BEGIN
/// IMMEDIATE`: a deferred one that reads and then writes can fail at once when
/// another writer is busy instead of waiting.
pub(crate) fn immediate<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    let DbConn::Sqlite(sqlite) = conn else { return conn.transaction(f) };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = <DbConn as Connection>::TransactionManager::rollback_transaction(conn) {
                log::error!("rollback failed: {rollback}");
            }
            Err(e)
        }
    }
}

/// Finds the row (an article, or the row a child is added to) and locks its
/// article, without checking a version: for adding children, which does not
/// depend on the article's state. Call inside `write_transaction`.
pub(crate) fn locked<R: Versioned>(
    conn: &mut DbConn,
    find: impl FnOnce(&mut DbConn) -> QueryResult<Option<R>>,
) -> Result<R, WriteError> {
    let found = find(conn)?.ok_or(WriteError::NotFound)?;
    lock_article(conn, found.article_id())?;
    Ok(found)
}

/// Finds the row a write changes, locks its article, reads the row again under the
/// lock (another writer may have committed meanwhile) and checks the version the
/// client expects. Call inside `write_transaction`.
pub(crate) fn locked_for_write<R: Versioned>(
    conn: &mut DbConn,
    find: impl FnOnce(&mut DbConn) -> QueryResult<Option<R>>,
    expected: &Expected,
) -> Result<R, WriteError> {
    let found = locked(conn, find)?;
    let current = found.reread(conn)?.ok_or(WriteError::NotFound)?;
    if !expected.allows(current.version()) {
        return Err(WriteError::VersionMismatch { current: current.version() });
    }
    Ok(current)
}

/// Serialises writers of one article and its children. PostgreSQL locks the
/// article row; on SQLite the write transaction (`BEGIN IMMEDIATE`) already holds
/// the database's only write lock.
pub(crate) fn lock_article(conn: &mut DbConn, article_id: &str) -> QueryResult<()> {
    if let DbConn::Pg(_) = conn {
        diesel::sql_query("SELECT id FROM articles WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(article_id)
            .execute(conn)?;
    }
    Ok(())
}
