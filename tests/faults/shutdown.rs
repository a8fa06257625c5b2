//! SIGTERM of the service on PostgreSQL over TLS, with requests in flight and
//! pooled TLS connections open: every round must end with exit code 0. A crash at
//! exit (once seen as SIGSEGV in the test binary, from OpenSSL's exit-time cleanup
//! running while other threads still held TLS connections) would turn every
//! graceful restart into an error exit.
//!
//! `NEWSDESK_SHUTDOWN_ROUNDS` sets the number of rounds (default 5).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use diesel::prelude::*;

use crate::http::Request;
use crate::pg::{PG_ENV, ScratchDb};
use crate::service::Service;

const READERS: usize = 3;
const SLOW_WRITERS: usize = 3;

#[derive(QueryableByName)]
struct SslCounts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    tls: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    plain: i64,
}

/// The service's connections to `database`, by whether they use TLS.
fn connections(admin_url: &str, database: &str) -> SslCounts {
    let mut conn = PgConnection::establish(admin_url).expect("admin connection");
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE s.ssl) AS tls, count(*) FILTER (WHERE NOT s.ssl) AS plain \
         FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = $1",
    )
    .bind::<diesel::sql_types::Text, _>(database)
    .get_result(&mut conn)
    .expect("pg_stat_ssl")
}

pub fn postgres_tls() {
    let admin = std::env::var(PG_ENV).expect("checked by the runner");
    let rounds: usize = std::env::var("NEWSDESK_SHUTDOWN_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let scratch = ScratchDb::create(&admin);
    // `require`: the connection fails rather than falls back to plain text.
    let separator = if scratch.url.contains('?') { '&' } else { '?' };
    let url = format!("{}{separator}sslmode=require", scratch.url);
    let dir = tempfile::tempdir().unwrap();
    let mut clean = 0;
    for round in 1..=rounds {
        let mut service = Service::start(&url, dir.path(), &[]);
        // Fill the pool: several readers at once, each on its own connection.
        let stop = Arc::new(AtomicBool::new(false));
        let served = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                let (client, stop, served) = (service.client.clone(), Arc::clone(&stop), Arc::clone(&served));
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        match client.send(&Request::get("/v1/articles?limit=5"), Duration::from_secs(10)) {
                            Ok(r) if r.status == 200 => served.fetch_add(1, Ordering::Relaxed),
                            // Refused or cut once the service stops listening: expected.
                            _ => break,
                        };
                    }
                })
            })
            .collect();
        while served.load(Ordering::Relaxed) < 20 {
            std::thread::sleep(Duration::from_millis(20));
        }
        let counts = connections(&admin, scratch.name());
        assert!(counts.tls >= 1 && counts.plain == 0, "round {round}: {} TLS, {} plain", counts.tls, counts.plain);

        // Writes whose bodies are still arriving when the signal comes: they must
        // be answered, then the process must exit 0.
        let writers: Vec<_> = (0..SLOW_WRITERS)
            .map(|n| service.slow_post(format!("Shutdown round {round} writer {n}"), Duration::from_millis(1500)))
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        service.signal("TERM");
        for writer in writers {
            assert_eq!(writer.join().unwrap(), 201, "round {round}: a request in flight was not answered");
        }
        let status = service.wait(Duration::from_secs(30));
        stop.store(true, Ordering::Relaxed);
        for reader in readers {
            reader.join().unwrap();
        }
        assert!(status.success(), "round {round}: exit status {status}; log:\n{}", service.log_tail());
        clean += 1;
    }
    println!("shutdown: {clean} of {rounds} SIGTERM exits on PostgreSQL over TLS were clean (exit code 0)");
}
