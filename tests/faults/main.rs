//! Fault tests against the real binary: a PostgreSQL outage under load, and SIGKILL
//! in the middle of nested writes. A test whose PostgreSQL is not available shows
//! as ignored (never as passed), and fails instead when CI=true.

#![expect(clippy::unwrap_used, reason = "a test fails by panicking; the service itself never unwraps")]

mod http;
mod outage;
mod pg;
mod service;
mod shutdown;
mod sigkill;
mod webhooks;

#[path = "../support/runner.rs"]
mod runner;

/// What a test needs from the machine, checked before it runs.
enum Needs {
    Nothing,
    /// `initdb` and `pg_ctl`, for a private cluster the test can stop.
    PgBinaries,
    /// A server named by NEWSDESK_TEST_DATABASE_URL.
    PgServer,
}

impl Needs {
    /// Why the test cannot run here, if it cannot.
    fn missing(&self) -> Option<String> {
        match self {
            Self::Nothing => None,
            Self::PgBinaries => pg::find_bin().is_none().then(|| match std::env::var(pg::PG_BIN_ENV) {
                Ok(dir) => format!("{}={dir} holds no initdb and pg_ctl", pg::PG_BIN_ENV),
                Err(_) => "no PostgreSQL binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PATH".to_owned(),
            }),
            Self::PgServer => std::env::var(pg::PG_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .is_none()
                .then(|| format!("{} is not set", pg::PG_ENV)),
        }
    }
}

fn main() {
    // Before the first PostgreSQL connection (see `newsdesk::db::init_tls`).
    newsdesk::db::init_tls();
    let tests: [(&str, Needs, fn()); 9] = [
        (
            "outage::postgres_outage_gives_503s_then_recovers_without_restart",
            Needs::PgBinaries,
            outage::postgres_outage,
        ),
        ("sigkill::sqlite_nested_writes_are_all_or_nothing", Needs::Nothing, sigkill::sqlite),
        ("sigkill::postgres_nested_writes_are_all_or_nothing", Needs::PgServer, sigkill::postgres),
        ("shutdown::postgres_tls_sigterm_under_load_exits_zero", Needs::PgServer, shutdown::postgres_tls),
        ("webhooks::sqlite_sigkill_with_deliveries_pending_loses_none", Needs::Nothing, webhooks::sqlite_sigkill),
        ("webhooks::postgres_sigkill_with_deliveries_pending_loses_none", Needs::PgServer, webhooks::postgres_sigkill),
        (
            "webhooks::sqlite_sigterm_lets_deliveries_in_flight_finish",
            Needs::Nothing,
            webhooks::sqlite_sigterm_lets_deliveries_in_flight_finish,
        ),
        (
            "webhooks::postgres_outage_during_delivery_loses_none",
            Needs::PgBinaries,
            webhooks::postgres_outage_during_delivery_loses_none,
        ),
        (
            "webhooks::postgres_two_processes_share_deliveries_without_duplicates",
            Needs::PgServer,
            webhooks::postgres_two_processes,
        ),
    ];
    runner::run(tests.into_iter().map(|(name, needs, test)| (name, needs.missing(), test)).collect())
}
