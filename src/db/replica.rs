//! The read replica: a PostgreSQL streaming standby that anonymous reads are sent
//! to. Which requests may use it is decided once, by the HTTP layer, which runs
//! such a request inside `on_replica`; `Database::run` then sends that request's
//! work here while the replica is usable. A watcher thread measures the replica's
//! lag once a second, off the request path, and a request that sees the replica
//! fail takes it out of use at once; only the watcher puts it back.

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::result::DatabaseErrorKind;
use diesel::sql_types::BigInt;
use tokio::sync::Notify;

use super::connector::Connector;
use super::{Database, DbConn, DbError, IntoWorkError, WorkError};

/// How often the watcher measures the lag.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// How soon a lag over the limit is measured again before it counts.
const RECHECK_AFTER: Duration = Duration::from_millis(100);

/// How long a read waits for a replica connection before it is answered from the
/// primary instead (a stopped standby refuses at once; this bounds a busy one).
pub(super) const REPLICA_TIMEOUT: Duration = Duration::from_secs(1);

tokio::task_local! {
    /// Set while a request that may read from the replica runs.
    static READ_SCOPE: ReadScope;
}

/// What a request that may use the replica carries.
struct ReadScope {
    /// The replica failed under this request: the rest of its work, and its retry,
    /// go to the primary.
    failed: Cell<bool>,
}

/// Runs `work` (a request that changes nothing and reads only what anyone may read)
/// with its database work sent to the replica while one is usable. Also returns
/// whether the replica failed under it: its answer may then be an error, and the
/// caller answers it again (outside this scope, so from the primary).
pub async fn on_replica<F: Future>(work: F) -> (F::Output, bool) {
    READ_SCOPE
        .scope(ReadScope { failed: Cell::new(false) }, async {
            let output = work.await;
            (output, READ_SCOPE.with(|scope| scope.failed.get()))
        })
        .await
}

/// Whether the current task runs inside `on_replica` and has not seen it fail.
fn in_read_scope() -> bool {
    READ_SCOPE.try_with(|scope| !scope.failed.get()).unwrap_or(false)
}

/// Marks the current request as having seen the replica fail.
fn mark_failed() {
    // Always inside the scope: only requests inside it reach the replica.
    let _ = READ_SCOPE.try_with(|scope| scope.failed.set(true));
}

/// The replica's pool and what the watcher last found.
pub(crate) struct Replica {
    /// Its own pool (and its own query counter); never migrated, never written.
    db: Database,
    /// Lag beyond which it is skipped.
    max_lag: Duration,
    /// Reachable and within the lag limit at the last check, and no request has
    /// seen it fail since.
    usable: AtomicBool,
    /// The lag last measured in milliseconds (-1: not measured, unreachable).
    lag_ms: AtomicI64,
    /// Wakes the work waiting on the replica when it is taken out of use.
    gone: Notify,
}

/// What `/metrics` shows of the replica.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplicaState {
    /// Statements run on the replica's pool.
    pub queries: u64,
    /// Whether reads are sent to it now.
    pub in_use: bool,
    /// The lag last measured (-1: unreachable).
    pub lag_ms: i64,
}

impl Replica {
    /// A pool for `url` and its watcher thread, which ends when the pool is dropped.
    pub(super) fn start(primary: &Database, url: String, max_lag: Duration) -> Arc<Self> {
        let connector = Connector {
            url: crate::config::DatabaseUrl::Postgres(url),
            timeout: REPLICA_TIMEOUT.min(primary.connector.timeout),
            queries: Arc::default(),
            failures: Arc::default(),
            ..primary.connector.clone()
        };
        // The watcher's statements are not reads served: a counter of its own.
        let watcher = Connector { queries: Arc::default(), ..connector.clone() };
        let db = Database::with_pool(connector, primary.pool.max_size(), Arc::clone(&primary.migrated));
        let replica = Arc::new(Self {
            db,
            max_lag,
            usable: AtomicBool::new(false),
            lag_ms: AtomicI64::new(-1),
            gone: Notify::new(),
        });
        let weak = Arc::downgrade(&replica);
        let spawned = std::thread::Builder::new().name("replica-watch".into()).spawn(move || watch(&weak, &watcher));
        if let Err(e) = spawned {
            log::error!("cannot start the read replica's watcher, reads stay on the primary: {e}");
        }
        replica
    }

    /// The replica, if the current request may use it and it is usable now.
    pub(super) fn for_this_request(replica: Option<&Arc<Self>>) -> Option<&Arc<Self>> {
        replica.filter(|r| r.usable.load(Ordering::Acquire) && in_read_scope())
    }

    /// Runs the work on the replica. A failure that is the replica's (lost or
    /// refused connections, a statement a standby cannot run) marks the request,
    /// so that it is answered again from the primary, and a lost connection takes
    /// the replica out of use until the watcher finds it well again.
    pub(super) async fn run<T, E>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E::Error>
    where
        T: Send + 'static,
        E: IntoWorkError,
    {
        // Work waiting on the replica when another request finds it gone (for a
        // connection the pool cannot open, up to REPLICA_TIMEOUT) is given up at
        // once, and answered from the primary.
        let gone = self.gone.notified();
        tokio::pin!(gone);
        gone.as_mut().enable();
        if !self.usable.load(Ordering::Acquire) {
            mark_failed();
            return Err(DbError::Unavailable.into());
        }
        let result = tokio::select! {
            result = self.db.run_here(f) => result,
            () = &mut gone => {
                mark_failed();
                return Err(DbError::Unavailable.into());
            }
        };
        if let Some(error) = result.as_ref().err().and_then(|e| e.db_error()) {
            match fault(error) {
                Some(Fault::Lost) => {
                    mark_failed();
                    if self.take_out_of_use() {
                        log::warn!("read replica lost under a request ({error}); reads go to the primary");
                    }
                }
                Some(Fault::Standby) => {
                    mark_failed();
                    log::warn!("a read the replica could not serve is answered from the primary: {error}");
                }
                None => {}
            }
        }
        result
    }

    /// Stops sending reads here; says whether they were sent here until now.
    fn take_out_of_use(&self) -> bool {
        let was = self.usable.swap(false, Ordering::AcqRel);
        if was {
            self.gone.notify_waiters();
        }
        was
    }

    /// For `/metrics`.
    pub(super) fn state(&self) -> ReplicaState {
        ReplicaState {
            queries: self.db.queries_run(),
            in_use: self.usable.load(Ordering::Acquire),
            lag_ms: self.lag_ms.load(Ordering::Relaxed),
        }
    }

    /// Whether a measured lag is past the limit.
    fn lags(&self, lag_ms: i64) -> bool {
        i128::from(lag_ms) > i128::try_from(self.max_lag.as_millis()).unwrap_or(i128::MAX)
    }

    /// Records a check's finding and logs each change of state once.
    fn checked(&self, lag: Result<i64, String>) {
        let max = self.max_lag.as_millis();
        let usable = lag.as_ref().is_ok_and(|&ms| !self.lags(ms));
        self.lag_ms.store(*lag.as_ref().unwrap_or(&-1), Ordering::Relaxed);
        let was = if usable { self.usable.swap(true, Ordering::AcqRel) } else { self.take_out_of_use() };
        match (was, usable, lag) {
            (false, true, Ok(lag)) => log::info!("read replica in use (lag {lag} ms)"),
            (true, false, Ok(lag)) => {
                log::warn!("read replica lags {lag} ms (more than {max} ms): reads go to the primary");
            }
            (true, false, Err(e)) => log::warn!("read replica unreachable ({e}): reads go to the primary"),
            _ => {}
        }
    }
}

/// How the replica failed a piece of work.
enum Fault {
    /// The connection was lost or refused: the replica is down.
    Lost,
    /// The standby refused the statement (a write, by mistake) or cancelled it in
    /// favour of replaying the primary's changes: the primary answers this one.
    Standby,
}

fn fault(error: &DbError) -> Option<Fault> {
    match error {
        DbError::Unavailable => Some(Fault::Lost),
        // By SQLSTATE, as diesel classifies it: 25006 (a write sent to the standby)
        // and 40001 (a read cancelled by a recovery conflict; no read on the replica
        // path runs serializable, so nothing else raises it there).
        DbError::Query(diesel::result::Error::DatabaseError(
            DatabaseErrorKind::ReadOnlyTransaction | DatabaseErrorKind::SerializationFailure,
            _,
        )) => Some(Fault::Standby),
        _ => None,
    }
}

/// The standby's lag in milliseconds. A standby that has replayed everything it
/// received is not behind, however old its last replayed transaction: on an idle
/// primary `pg_last_xact_replay_timestamp()` stops moving. A server that is not in
/// recovery (a promoted standby) has no lag; one that has replayed nothing yet has
/// no timestamp and counts as far behind.
const LAG_SQL: &str = "SELECT CASE \
     WHEN NOT pg_is_in_recovery() THEN 0 \
     WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
     ELSE COALESCE((EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint, 9223372036854775807) \
     END AS lag_ms";

#[derive(diesel::QueryableByName)]
struct Lag {
    #[diesel(sql_type = BigInt)]
    lag_ms: i64,
}

/// Measures the lag once a second on a connection of its own until the replica
/// is dropped.
fn watch(replica: &Weak<Replica>, connector: &Connector) {
    let mut conn: Option<DbConn> = None;
    while replica.strong_count() > 0 {
        let mut lag = measure(&mut conn, connector);
        let Some(current) = replica.upgrade() else { return };
        if lag.as_ref().is_ok_and(|&ms| current.lags(ms)) {
            // The first commit after a quiet spell, caught between its arrival and
            // its replay, reads as old as the spell: a moment later it is replayed.
            std::thread::sleep(RECHECK_AFTER);
            lag = measure(&mut conn, connector);
        }
        current.checked(lag);
        drop(current);
        std::thread::sleep(CHECK_EVERY);
    }
}

fn measure(conn: &mut Option<DbConn>, connector: &Connector) -> Result<i64, String> {
    let mut open = match conn.take() {
        Some(open) => open,
        None => connector.open().map_err(|e| super::one_line(&e.to_string()))?,
    };
    let lag = diesel::sql_query(LAG_SQL).get_result::<Lag>(&mut open).map_err(|e| super::one_line(&e.to_string()))?;
    // Kept only while it works: any failure opens a new one next time.
    *conn = Some(open);
    Ok(lag.lag_ms.max(0))
}
