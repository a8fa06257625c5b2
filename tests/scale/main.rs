//! Scale-out tests against the real binary: several `newsdesk` processes on one
//! database (migrations started at the same moment), one rate limit shared through
//! a real Redis server, replicas behind a real HAProxy, and a read replica on a real
//! streaming standby. A test whose component is missing shows as ignored (never as
//! passed), and fails instead when CI=true.

#![expect(clippy::unwrap_used, reason = "a test fails by panicking; the service itself never unwraps")]

mod balancer;
mod haproxy;
mod migrations;
#[path = "../faults/pg.rs"]
#[allow(dead_code, reason = "shared with the fault tests, which use all of it")]
mod pg;
mod redis;
mod replicas;
mod shared_limit;
mod standby;

#[path = "../support/runner.rs"]
mod runner;

/// What a test needs from the machine, checked before it runs.
enum Needs {
    Nothing,
    /// A server named by NEWSDESK_TEST_DATABASE_URL.
    PgServer,
    /// `redis-server`, to start one of the test's own.
    Redis,
    /// `haproxy`, to start one of the test's own.
    Haproxy,
    /// The PostgreSQL server binaries with `pg_basebackup`, to start a primary and
    /// a standby of the test's own.
    PgStandby,
}

impl Needs {
    /// Why the test cannot run here, if it cannot.
    fn missing(&self) -> Option<String> {
        match self {
            Self::Nothing => None,
            Self::PgServer => std::env::var(pg::PG_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .is_none()
                .then(|| format!("{} is not set", pg::PG_ENV)),
            Self::Redis => (!redis::available()).then(|| "no redis-server on PATH".to_owned()),
            Self::Haproxy => (!haproxy::available()).then(|| "no haproxy on PATH".to_owned()),
            Self::PgStandby => (!standby::available())
                .then(|| format!("no initdb, pg_ctl and pg_basebackup found (set {})", pg::PG_BIN_ENV)),
        }
    }
}

fn main() {
    let tests: Vec<(&str, Needs, fn())> = vec![
        ("migrations::sqlite_processes_started_together_never_race", Needs::Nothing, migrations::sqlite),
        ("migrations::postgres_processes_started_together_never_race", Needs::PgServer, migrations::postgres),
        (
            "migrations::postgres_migration_lock_is_per_database",
            Needs::PgServer,
            migrations::postgres_lock_per_database,
        ),
        ("shared_limit::three_replicas_admit_one_limit", Needs::Redis, shared_limit::three_replicas_admit_one_limit),
        ("shared_limit::redis_killed_then_restarted", Needs::Redis, shared_limit::redis_killed_then_restarted),
        (
            "balancer::cursors_and_idempotency_across_replicas",
            Needs::Haproxy,
            balancer::cursors_and_idempotency_across_replicas,
        ),
        ("balancer::rolling_restart_fails_no_request", Needs::Haproxy, balancer::rolling_restart_fails_no_request),
        ("standby::sqlite_refuses_a_replica", Needs::Nothing, standby::sqlite_refuses_a_replica),
        ("standby::reads_follow_the_standby", Needs::PgStandby, standby::reads_follow_the_standby),
    ];
    runner::run(tests.into_iter().map(|(name, needs, test)| (name, needs.missing(), test)).collect())
}
