//! Broker tests against the real binary and a real `nats-server` with JetStream:
//! every change record published once, in order, with its sequence number as
//! `Nats-Msg-Id`, across a NATS restart and with two processes on one PostgreSQL.
//! A test whose NATS server (NEWSDESK_TEST_NATS_URL, by default the machine's on
//! 127.0.0.1:4222), `nats-server` binary or PostgreSQL is missing shows as ignored
//! (never as passed), and fails instead when CI=true.

#![expect(clippy::unwrap_used, reason = "a test fails by panicking; the service itself never unwraps")]

#[path = "../faults/http.rs"]
#[allow(dead_code, reason = "shared with the fault tests, which use all of it")]
mod http;
mod nats;
#[path = "../faults/pg.rs"]
#[allow(dead_code, reason = "shared with the fault tests, which use all of it")]
mod pg;
mod publish;
#[path = "../faults/service.rs"]
#[allow(dead_code, reason = "shared with the fault tests, which use all of it")]
mod service;

#[path = "../support/runner.rs"]
mod runner;

/// What a test needs from the machine, checked before it runs.
#[derive(Clone, Copy)]
enum Needs {
    /// A JetStream server at NEWSDESK_TEST_NATS_URL.
    Nats,
    /// `nats-server`, to start one of the test's own.
    NatsBinary,
    /// PostgreSQL (NEWSDESK_TEST_DATABASE_URL) too.
    Pg(&'static Needs),
}

impl Needs {
    /// Why the test cannot run here, if it cannot.
    fn missing(&self) -> Option<String> {
        match self {
            Self::Nats => nats::shared_answers().err(),
            Self::NatsBinary => (!nats::binary_available()).then(|| "no nats-server on PATH".to_owned()),
            Self::Pg(other) => std::env::var(pg::PG_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .is_none()
                .then(|| format!("{} is not set", pg::PG_ENV))
                .or_else(|| other.missing()),
        }
    }
}

fn main() {
    // Before the first PostgreSQL connection (see `newsdesk::db::init_tls`).
    newsdesk::db::init_tls();
    let tests: [(&str, Needs, fn()); 5] = [
        ("publish::sqlite_records_go_once_each_in_order", Needs::Nats, publish::sqlite_once_in_order),
        ("publish::postgres_records_go_once_each_in_order", Needs::Pg(&Needs::Nats), publish::postgres_once_in_order),
        ("restart::sqlite_nats_restart_loses_nothing", Needs::NatsBinary, publish::sqlite_across_restart),
        (
            "restart::postgres_nats_restart_loses_nothing",
            Needs::Pg(&Needs::NatsBinary),
            publish::postgres_across_restart,
        ),
        (
            "processes::postgres_two_processes_publish_in_order",
            Needs::Pg(&Needs::Nats),
            publish::postgres_two_processes,
        ),
    ];
    runner::run(tests.into_iter().map(|(name, needs, test)| (name, needs.missing(), test)).collect())
}
