//! Health, readiness, the served OpenAPI document and the docs page.

use std::time::{Duration, Instant};

use crate::helpers::{Backend, TestApp, scratch_database};
use newsdesk::config::DatabaseUrl;

crate::tests![
    healthz_answers_ok,
    readyz_answers_ok_when_the_database_does,
    readyz_is_503_with_retry_after_while_the_database_is_unreachable,
    service_becomes_ready_on_its_own_when_the_database_appears,
    served_openapi_is_the_generated_document,
    docs_page_is_served_without_external_assets,
];

async fn healthz_answers_ok(app: TestApp) {
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["status"], "ok");
}

async fn readyz_answers_ok_when_the_database_does(app: TestApp) {
    let reply = app.get("/readyz").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

async fn readyz_is_503_with_retry_after_while_the_database_is_unreachable(app: TestApp) {
    // A second service on the same backend, pointed at a database that is not there.
    let url = match app.backend {
        Backend::Postgres => DatabaseUrl::Postgres("postgres://nobody@127.0.0.1:9/none".into()),
        Backend::Sqlite => DatabaseUrl::Sqlite("/nonexistent-dir/for/newsdesk.db".into()),
    };
    let down = TestApp::spawn_unmigrated(app.backend, url, None);
    for path in ["/readyz", "/v1/articles", "/v1/articles/some-slug"] {
        let reply = down.get(path).await;
        reply.assert_problem(503, "service-unavailable");
        assert_eq!(reply.header("retry-after"), Some("5"), "{path}");
    }
    // Liveness does not depend on the database.
    assert_eq!(down.get("/healthz").await.status, 200);
    down.server.stop(true).await;
}

async fn served_openapi_is_the_generated_document(app: TestApp) {
    let reply = app.get("/openapi.json").await;
    assert_eq!(reply.status, 200);
    let generated = newsdesk::openapi::document();
    assert_eq!(reply.body, generated);
    assert_eq!(reply.body["openapi"], "3.1.0");
}

async fn docs_page_is_served_without_external_assets(app: TestApp) {
    let redirect = app.send(app.request(reqwest::Method::GET, "/docs")).await;
    assert_eq!(redirect.status, 200, "the /docs redirect leads to the page");
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("swagger-ui"), "{}", page.text);
    for asset in ["/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js", "/docs/swagger-ui.css"] {
        let reply = app.get(asset).await;
        assert_eq!(reply.status, 200, "{asset}");
        assert!(
            !reply.text.contains("https://unpkg") && !reply.text.contains("cdn."),
            "{asset} loads from the internet"
        );
    }
    assert!(app.get("/docs/swagger-initializer.js").await.text.contains("/openapi.json"));
}

async fn service_becomes_ready_on_its_own_when_the_database_appears(app: TestApp) {
    // Arrange a database the service cannot reach yet: on PostgreSQL a port nothing
    // listens on (a proxy to the real server opens there later), on SQLite a file
    // in a directory that does not exist yet.
    let (real_url, scratch) = scratch_database(app.backend);
    let (service_url, make_available): (DatabaseUrl, Box<dyn FnOnce() -> Option<Proxy>>) = match &real_url {
        DatabaseUrl::Postgres(url) => {
            let port = free_port();
            let upstream = pg_address(url);
            let service_url = url.replacen(&upstream, &format!("127.0.0.1:{port}"), 1);
            (DatabaseUrl::Postgres(service_url), Box::new(move || Some(Proxy::start(port, upstream))))
        }
        DatabaseUrl::Sqlite(path) => {
            let dir = path.parent().unwrap().join("later");
            let file = dir.join("newsdesk.db");
            (
                DatabaseUrl::Sqlite(file),
                Box::new(move || {
                    std::fs::create_dir(dir).unwrap();
                    None
                }),
            )
        }
    };
    let down = TestApp::spawn_unmigrated(app.backend, service_url, Some(scratch));
    down.db.migrate_in_background("test database".into());
    down.get("/readyz").await.assert_problem(503, "service-unavailable");

    let _proxy = make_available();

    // The retries back off (1 s, 2 s, 4 s, 8 s...): on a loaded machine a few early
    // attempts can fail before one gets through, and the next comes 15 s in.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let reply = down.get("/readyz").await;
        if reply.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "not ready 60 s after the database appeared: {}", reply.text);
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(down.get("/v1/articles").await.status, 200);
    down.server.stop(true).await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `host:port` of a PostgreSQL URL (port 5432 when not given).
fn pg_address(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    let authority = rest.split('/').next().unwrap();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.contains(':') { host.to_owned() } else { format!("{host}:5432") }
}

/// Forwards connections from a port to `upstream` on background threads; stops
/// accepting (and its thread ends) when dropped.
struct Proxy {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    acceptor: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    fn start(port: u16, upstream: String) -> Self {
        use std::net::{Shutdown, TcpStream};
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let acceptor = std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if stopped.load(std::sync::atomic::Ordering::Acquire) {
                    return;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                // Each direction passes its end of stream on, so that both threads end
                // when either side closes.
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Write);
                    });
                }
            }
        });
        Self { port, stop, acceptor: Some(acceptor) }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        // Wakes the blocked accept so that it sees the flag.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}
