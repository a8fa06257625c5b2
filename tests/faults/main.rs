//! Fault tests against the real binary: a PostgreSQL outage under load, and SIGKILL
//! in the middle of nested writes. A test whose PostgreSQL is not available shows
//! as ignored (never as passed), and fails instead when CI=true.

mod http;
mod outage;
mod pg;
mod service;
mod shutdown;
mod sigkill;

use libtest_mimic::{Arguments, Failed, Trial};

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
    let args = Arguments::from_args();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let tests: [(&str, Needs, fn()); 4] = [
        (
            "outage::postgres_outage_gives_503s_then_recovers_without_restart",
            Needs::PgBinaries,
            outage::postgres_outage,
        ),
        ("sigkill::sqlite_nested_writes_are_all_or_nothing", Needs::Nothing, sigkill::sqlite),
        ("sigkill::postgres_nested_writes_are_all_or_nothing", Needs::PgServer, sigkill::postgres),
        ("shutdown::postgres_tls_sigterm_under_load_exits_zero", Needs::PgServer, shutdown::postgres_tls),
    ];
    let mut skipped = Vec::new();
    let trials = tests
        .into_iter()
        .map(|(name, needs, test)| {
            let missing = needs.missing();
            if let Some(why) = &missing {
                skipped.push(format!("{name}: {why}"));
            }
            let ignore = missing.is_some() && !ci;
            Trial::test(name, move || match missing {
                Some(why) => Err(Failed::from(format!("CI=true but {why}"))),
                None => {
                    test();
                    Ok(())
                }
            })
            .with_ignored_flag(ignore)
        })
        .collect();
    let report = |when: &str| {
        for line in &skipped {
            let what = if ci { "FAILING" } else { "SKIPPED (shown as ignored)" };
            eprintln!("*** {when}{what}: {line} ***");
        }
    };
    report("");
    let conclusion = libtest_mimic::run(&args, trials);
    report("was ");
    conclusion.exit()
}
