//! The test runner and `TestApp`: every test runs twice, against a fresh SQLite
//! file and a fresh PostgreSQL database, each behind a real HTTP server on a free
//! port.

use std::future::Future;
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use libtest_mimic::{Arguments, Failed, Trial};
use newsdesk::config::{DatabaseSettings, DatabaseUrl, HttpSettings};
use newsdesk::db::Database;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, RequestBuilder, Url};
use serde_json::{Value, json};

/// Environment variable naming a PostgreSQL server (any database on it) that the
/// tests may create and drop databases on.
pub const PG_ENV: &str = "NEWSDESK_TEST_DATABASE_URL";

/// A test body: gets a running app, panics on failure.
pub type TestFn = fn(TestApp) -> Pin<Box<dyn Future<Output = ()>>>;

/// Lists a module's tests for the runner: `tests![name_a, name_b]`.
#[macro_export]
macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        pub fn tests() -> Vec<(&'static str, $crate::helpers::TestFn)> {
            vec![$((
                concat!(module_path!(), "::", stringify!($name)),
                (|app| Box::pin($name(app))) as $crate::helpers::TestFn,
            )),*]
        }
    };
}

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs every test on both backends and exits with the result.
pub fn run(tests: Vec<(&'static str, TestFn)>) -> ! {
    // Before the first PostgreSQL connection (the scratch databases' admin ones).
    newsdesk::db::init_tls();
    let args = Arguments::from_args();
    let pg = std::env::var(PG_ENV).ok().filter(|v| !v.trim().is_empty());
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let mut trials = Vec::new();
    for (name, test) in tests {
        let name = name.trim_start_matches("api::");
        trials.push(Trial::test(format!("sqlite::{name}"), move || run_one(Backend::Sqlite, test)));
        let trial = Trial::test(format!("postgres::{name}"), move || {
            if std::env::var(PG_ENV).is_err() {
                return Err(Failed::from(format!("CI=true but {PG_ENV} is not set: PostgreSQL is required")));
            }
            run_one(Backend::Postgres, test)
        });
        trials.push(trial.with_ignored_flag(pg.is_none() && !ci));
    }
    if pg.is_none() {
        let note = if ci { "FAILING" } else { "SKIPPED (shown as ignored)" };
        eprintln!("\n*** PostgreSQL half {note}: set {PG_ENV}=postgres://USER@HOST:5432/DB to run it ***\n");
    }
    let conclusion = libtest_mimic::run(&args, trials);
    drop_pg_template();
    wait_for_other_threads(Duration::from_secs(10));
    if pg.is_none() && !ci {
        eprintln!("\n*** PostgreSQL half was SKIPPED: only SQLite was tested ({PG_ENV} is not set) ***\n");
    }
    conclusion.exit()
}

fn run_one(backend: Backend, test: TestFn) -> Result<(), Failed> {
    let (db, scratch) = actix_web::rt::System::new().block_on(async move {
        let app = TestApp::spawn(backend).await;
        let (server, db, scratch) = (app.server.clone(), app.db.clone(), Arc::clone(&app._scratch));
        test(app).await;
        server.stop(true).await;
        (db, scratch)
    });
    // Shut down in order: the server's workers let go of the pool, the pool's
    // connections close here, and only then is the scratch database dropped (its
    // DROP ... WITH (FORCE) would otherwise cut connections still pooled).
    if !db.close(Duration::from_secs(10)) {
        return Err(Failed::from("the database pool was still in use 10 s after the server stopped"));
    }
    drop(scratch);
    Ok(())
}

/// Waits until every thread the tests started has ended (server workers, pool
/// threads), so that the process never exits with one of them still closing a
/// connection. Lists the ones left after `limit`.
fn wait_for_other_threads(limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let others: Vec<String> = std::fs::read_dir("/proc/self/task")
            .map(|tasks| {
                let me = std::process::id().to_string();
                tasks
                    .flatten()
                    .filter(|task| task.file_name().to_string_lossy() != me)
                    .map(|task| std::fs::read_to_string(task.path().join("comm")).unwrap_or_default().trim().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        if others.is_empty() {
            return;
        }
        if Instant::now() >= deadline {
            eprintln!("warning: {} thread(s) still running at exit: {}", others.len(), others.join(", "));
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Drops the per-test database when the last handle goes.
pub struct Scratch {
    _sqlite_dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg_drop
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            // Best effort: a database left behind only costs disk on a test server.
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
        }
    }
}

/// Creates a fresh, empty database for one test and returns its URL.
pub fn scratch_database(backend: Backend) -> (DatabaseUrl, Scratch) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("newsdesk.db");
            (DatabaseUrl::Sqlite(path), Scratch { _sqlite_dir: Some(dir), pg_drop: None })
        }
        Backend::Postgres => {
            let admin_url = std::env::var(PG_ENV).expect("PostgreSQL URL");
            let name = format!("newsdesk_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {PG_ENV}: {e}"));
            diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).expect("create database");
            let url = with_database(&admin_url, &name);
            (DatabaseUrl::Postgres(url), Scratch { _sqlite_dir: None, pg_drop: Some((admin_url, name)) })
        }
    }
}

/// Creates a fresh, migrated database for one test and returns its URL: on
/// PostgreSQL a copy of the run's template (see `pg_template`), which costs one
/// `CREATE DATABASE` instead of every migration; on SQLite a fresh file, which
/// `Database::migrate` then migrates.
pub fn migrated_database(backend: Backend) -> (DatabaseUrl, Scratch) {
    match backend {
        Backend::Sqlite => scratch_database(backend),
        Backend::Postgres => {
            let admin_url = std::env::var(PG_ENV).expect("PostgreSQL URL");
            let template = pg_template(&admin_url).unwrap_or_else(|e| panic!("no migrated template database: {e}"));
            let name = format!("newsdesk_test_{}", uuid::Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {PG_ENV}: {e}"));
            // Concurrent copies of one template are fine: each test thread's
            // CREATE DATABASE takes a share lock on it, and no session is ever
            // connected to it (that would make PostgreSQL refuse the copy).
            diesel::sql_query(format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""))
                .execute(&mut conn)
                .expect("create database from the template");
            let url = with_database(&admin_url, &name);
            (DatabaseUrl::Postgres(url), Scratch { _sqlite_dir: None, pg_drop: Some((admin_url, name)) })
        }
    }
}

/// Names of template databases start with this, then the Unix time they were made
/// at, the process id and a random part: `newsdesk_template_1764633600_4242_1a2b3c4d`.
/// The time tells an abandoned template from one a concurrent run still uses.
const TEMPLATE_PREFIX: &str = "newsdesk_template_";

/// A template older than this belongs to a run that died before dropping it (a
/// whole run takes minutes; CI stops one after 90).
const STALE_TEMPLATE: Duration = Duration::from_secs(6 * 3600);

/// The run's template, made on first use; `Err` (for every later caller too) when
/// it could not be made.
static PG_TEMPLATE: OnceLock<Result<String, String>> = OnceLock::new();

/// The name of this run's migrated template database, made by the first
/// PostgreSQL test that asks (the others wait for it) and dropped by
/// `drop_pg_template` at the end of the run.
fn pg_template(admin_url: &str) -> Result<&'static str, String> {
    PG_TEMPLATE.get_or_init(|| make_pg_template(admin_url)).as_deref().map_err(Clone::clone)
}

fn make_pg_template(admin_url: &str) -> Result<String, String> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970").as_secs();
    let random = uuid::Uuid::now_v7().simple().to_string();
    let name = format!("{TEMPLATE_PREFIX}{now}_{}_{}", std::process::id(), &random[random.len() - 8..]);
    let mut conn =
        PgConnection::establish(admin_url).map_err(|e| format!("cannot reach PostgreSQL at {PG_ENV}: {e}"))?;
    drop_stale_templates(&mut conn, now);
    let sql = |conn: &mut PgConnection, statement: String| {
        diesel::sql_query(&statement).execute(conn).map(drop).map_err(|e| format!("{statement}: {e}"))
    };
    sql(&mut conn, format!("CREATE DATABASE \"{name}\""))?;
    let settings = DatabaseSettings::for_url(DatabaseUrl::Postgres(with_database(admin_url, &name)));
    // `migrate` runs on a connection of its own that is closed when it returns,
    // and the pool has opened none: nothing stays connected to the template.
    let migrated = Database::new(&settings).migrate();
    if let Err(e) = migrated {
        let _ = sql(&mut conn, format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        return Err(format!("migrating the template: {e:#}"));
    }
    // Nobody may connect to it from now on (a session on a template makes every
    // copy fail); copying it and dropping it still work.
    sql(&mut conn, format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"))?;
    Ok(name)
}

/// Drops the templates that runs which died before their end left behind, found by
/// name and judged by the time in it; a younger template may be a concurrent run's
/// and is left alone.
fn drop_stale_templates(conn: &mut PgConnection, now: u64) {
    #[derive(diesel::QueryableByName)]
    struct Named {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let pattern = format!("{}%", TEMPLATE_PREFIX.replace('_', "\\_"));
    let Ok(names) = diesel::sql_query("SELECT datname FROM pg_database WHERE datname LIKE $1")
        .bind::<diesel::sql_types::Text, _>(pattern)
        .load::<Named>(conn)
    else {
        return;
    };
    for Named { datname } in names {
        let made = datname.strip_prefix(TEMPLATE_PREFIX).and_then(|rest| rest.split('_').next()?.parse::<u64>().ok());
        if made.is_some_and(|made| now.saturating_sub(made) > STALE_TEMPLATE.as_secs()) {
            // Best effort, like every drop here.
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)")).execute(conn);
        }
    }
}

/// Drops this run's template, if one was made. Runs on the main thread after the
/// last test, so its connection is closed before the process exits.
fn drop_pg_template() {
    if let (Some(Ok(name)), Ok(admin_url)) = (PG_TEMPLATE.get(), std::env::var(PG_ENV))
        && let Ok(mut conn) = PgConnection::establish(&admin_url)
    {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut conn);
    }
}

/// The same server URL with another database name.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    let mut out = format!("{scheme}://{authority}/{name}");
    if let Some(query) = query {
        out = format!("{out}?{query}");
    }
    out
}

/// A running service on a fresh database. Its `client` sends the admin token
/// made at spawn, so that writes work; `anonymous()` and `with_token()` give the
/// same app with another client.
#[derive(Clone)]
pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub client: reqwest::Client,
    /// The admin token the default client sends (`None` for an anonymous view).
    pub token: Option<String>,
    pub db: Database,
    pub server: actix_web::dev::ServerHandle,
    /// The database this app serves, for a second replica on it.
    url: DatabaseUrl,
    _scratch: Arc<Scratch>,
}

/// A response, read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    /// Where the request went (after redirects): a page's `Link` is checked against it.
    pub url: Url,
    pub text: String,
    /// The body parsed as JSON, or `Null` when it is not JSON.
    pub body: Value,
}

impl Reply {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts this is an RFC 9457 problem with the given status and type suffix.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, kind: &str) -> &Self {
        assert_eq!(self.status, status, "unexpected status, body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "body: {}", self.text);
        assert_eq!(self.body["status"], status, "body: {}", self.text);
        assert_eq!(self.body["type"], format!("/problems/{kind}"), "body: {}", self.text);
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()), "no title: {}", self.text);
        assert!(self.body["detail"].as_str().is_some_and(|t| !t.is_empty()), "no detail: {}", self.text);
        assert!(self.body["instance"].as_str().is_some_and(|t| t.starts_with('/')), "no instance: {}", self.text);
        self
    }

    /// The items of a list page, after checking it is a 200 JSON page with an
    /// `items` array.
    #[track_caller]
    pub fn items(&self) -> Vec<Value> {
        assert_eq!(self.status, 200, "body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/json"), "body: {}", self.text);
        self.body["items"].as_array().unwrap_or_else(|| panic!("no items: {}", self.text)).clone()
    }

    /// The pointers (or parameter names) of a 422's `errors`.
    pub fn error_locations(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["pointer"].as_str().or(e["parameter"].as_str()).unwrap_or("?").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    /// Starts the service on a fresh, migrated database.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, HttpSettings::default()).await
    }

    /// Starts the service with the given HTTP settings.
    pub async fn spawn_with(backend: Backend, http: HttpSettings) -> Self {
        Self::spawn_configured(backend, http, |_| {}).await
    }

    /// Starts the service with the given HTTP settings and database settings as
    /// `adjust` leaves them.
    pub async fn spawn_configured(
        backend: Backend,
        http: HttpSettings,
        adjust: impl FnOnce(&mut DatabaseSettings),
    ) -> Self {
        let (url, scratch) = migrated_database(backend);
        let mut settings = DatabaseSettings::for_url(url);
        adjust(&mut settings);
        let db = Database::new(&settings);
        let url = settings.url.clone();
        // On PostgreSQL the copy of the template is migrated already: this finds
        // nothing to apply (and so checks the template is current) and marks the
        // database ready.
        db.migrate().expect("migrations apply");
        let (_, admin) =
            newsdesk::cli::token::create(&db, "test admin", &["admin".to_owned()], None).expect("admin token");
        Self::serve(backend, db, url, http, scratch).with_token(&admin)
    }

    /// Another replica of the service on the same database (its own pool, server and
    /// background workers), seen with this app's token.
    pub fn replica(&self) -> Self {
        let db = Database::new(&DatabaseSettings::for_url(self.url.clone()));
        db.migrate().expect("migrations apply");
        let mut replica = Self::serve(
            self.backend,
            db,
            self.url.clone(),
            HttpSettings::default(),
            Scratch { _sqlite_dir: None, pg_drop: None },
        );
        replica._scratch = Arc::clone(&self._scratch);
        match &self.token {
            Some(token) => replica.with_token(token),
            None => replica,
        }
    }

    /// Starts the service on a database that is not migrated (or not reachable),
    /// keeping `scratch` (if any) alive as long as the app.
    pub fn spawn_unmigrated(backend: Backend, url: DatabaseUrl, scratch: Option<Scratch>) -> Self {
        let db = Database::new(&DatabaseSettings { timeout_secs: 1, ..DatabaseSettings::for_url(url.clone()) });
        let scratch = scratch.unwrap_or(Scratch { _sqlite_dir: None, pg_drop: None });
        // No token can be stored yet: this app's client is anonymous.
        Self::serve(backend, db, url, HttpSettings::default(), scratch)
    }

    /// The same app seen by a client that sends no credentials.
    pub fn anonymous(&self) -> Self {
        Self { client: reqwest::Client::new(), token: None, ..self.clone() }
    }

    /// The same app seen by a client that sends this bearer token.
    pub fn with_token(&self, token: &str) -> Self {
        let mut headers = HeaderMap::new();
        let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).expect("header value");
        headers.insert(reqwest::header::AUTHORIZATION, value);
        let client = reqwest::Client::builder().default_headers(headers).build().expect("client");
        Self { client, token: Some(token.to_owned()), ..self.clone() }
    }

    /// Makes a token with these scopes through the API (as the admin) and returns it.
    pub async fn create_token(&self, name: &str, scopes: &[&str]) -> String {
        let reply = self.post("/v1/tokens", &serde_json::json!({"name": name, "scopes": scopes})).await;
        assert_eq!(reply.status, 201, "token create failed: {}", reply.text);
        reply.body["token"].as_str().expect("token in body").to_owned()
    }

    fn serve(backend: Backend, db: Database, url: DatabaseUrl, mut http: HttpSettings, scratch: Scratch) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let address = format!("http://{}", listener.local_addr().expect("local address"));
        // Two workers unless a test needs to know which worker serves a request.
        http.workers.get_or_insert(2);
        // The workers run as long as the test's runtime (dropped, they are not stopped).
        let (server, _workers) = newsdesk::app::start(db.clone(), &http, listener).expect("server starts");
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            address,
            backend,
            client: reqwest::Client::new(),
            token: None,
            db,
            server: handle,
            url,
            _scratch: Arc::new(scratch),
        }
    }

    /// A request to a path on this app.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.address))
    }

    /// Sends a request and reads the whole response.
    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let url = response.url().clone();
        let text = response.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, headers, url, text, body }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// Sends `body` as `application/json`.
    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.send(self.request(method, path).json(body)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send_json(Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send_json(Method::PUT, path, body).await
    }

    /// Sends `body` as `application/merge-patch+json`.
    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        let request = self
            .request(Method::PATCH, path)
            .header(CONTENT_TYPE, "application/merge-patch+json")
            .body(body.to_string());
        self.send(request).await
    }

    /// Creates an article and returns it, failing the test unless it was a 201.
    pub async fn create_article(&self, body: &Value) -> Value {
        let reply = self.post("/v1/articles", body).await;
        assert_eq!(reply.status, 201, "create failed: {}", reply.text);
        reply.body
    }

    /// A minimal valid published article with the given title.
    pub async fn published(&self, title: &str) -> Value {
        self.create_article(&json!({"title": title, "body": "text", "status": "published"})).await
    }

    /// Creates a published article with these quotes and related links (as the
    /// nested create takes them) and returns it as stored, its children included.
    pub async fn article_with_children(&self, title: &str, quotes: &[Value], links: &[Value]) -> Value {
        let article = self
            .create_article(&json!({
                "title": title, "body": "text", "status": "published",
                "quotes": quotes, "related_links": links,
            }))
            .await;
        assert_eq!(article["quotes"].as_array().map(Vec::len), Some(quotes.len()), "{article}");
        assert_eq!(article["related_links"].as_array().map(Vec::len), Some(links.len()), "{article}");
        article
    }

    /// Adds a quote to `article`, failing the test unless it was a 201, and returns it.
    pub async fn add_quote(&self, article: &(impl ArticleKey + ?Sized), body: &Value) -> Value {
        let reply = self.post(&quotes_path(article), body).await;
        assert_eq!(reply.status, 201, "quote not created: {}", reply.text);
        reply.body
    }

    /// Adds a related link to `article`, failing the test unless it was a 201, and
    /// returns it.
    pub async fn add_link(&self, article: &(impl ArticleKey + ?Sized), body: &Value) -> Value {
        let reply = self.post(&links_path(article), body).await;
        assert_eq!(reply.status, 201, "link not created: {}", reply.text);
        reply.body
    }

    /// Every quote of `article` in list order; see `children`.
    pub async fn quotes(&self, article: &(impl ArticleKey + ?Sized)) -> Vec<Value> {
        self.children(&quotes_path(article)).await
    }

    /// Every related link of `article` in list order; see `children`.
    pub async fn links(&self, article: &(impl ArticleKey + ?Sized)) -> Vec<Value> {
        self.children(&links_path(article)).await
    }

    /// Every item of an ordered child list from one page of up to 100, after
    /// checking that it is a 200 JSON last page and that the positions run 0..n
    /// without gaps or duplicates.
    async fn children(&self, path: &str) -> Vec<Value> {
        let reply = self.get(&format!("{path}?limit=100")).await;
        let items = reply.items();
        assert_eq!(reply.body["next_cursor"], Value::Null, "{}", reply.text);
        let positions: Vec<i64> = items.iter().map(|item| item["position"].as_i64().expect("a position")).collect();
        let expected: Vec<i64> = (0..i64::try_from(items.len()).expect("a short list")).collect();
        assert_eq!(positions, expected, "positions must run 0..n: {}", reply.text);
        items
    }

    /// The target of a page's `Link: <URL>; rel="next"`, checked to be a full URL
    /// to the same list on this app that carries the page's `next_cursor`; `None`
    /// on a last page, which then has no `next_cursor` either.
    #[track_caller]
    pub fn next_link(&self, page: &Reply) -> Option<Url> {
        let Some(header) = page.header("link") else {
            assert_eq!(page.body["next_cursor"], Value::Null, "a next_cursor without a Link: {}", page.text);
            return None;
        };
        let url = header
            .strip_prefix('<')
            .and_then(|h| h.strip_suffix(">; rel=\"next\""))
            .unwrap_or_else(|| panic!("Link is not `<url>; rel=\"next\"`: {header}"));
        let url = Url::parse(url).unwrap_or_else(|e| panic!("Link target `{url}` is not a full URL: {e}"));
        assert_eq!(url.origin(), Url::parse(&self.address).expect("app address").origin(), "{url}");
        assert_eq!(url.path(), page.url.path(), "the Link leads to the same list: {url}");
        let cursor = url.query_pairs().find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned());
        assert_eq!(cursor.as_deref(), page.body["next_cursor"].as_str(), "Link repeats next_cursor: {url}");
        Some(url)
    }

    /// The page a page's `Link` leads to (checked as `next_link` does), or `None`
    /// on a last page.
    pub async fn next_page(&self, page: &Reply) -> Option<Reply> {
        let url = self.next_link(page)?;
        Some(self.send(self.client.get(url)).await)
    }

    /// The number of stored articles, whatever their status, read off the table.
    pub fn articles_stored(&self) -> i64 {
        use diesel::QueryDsl;
        use newsdesk::db::schema::articles;
        self.db.blocking(|conn| Ok(articles::table.count().get_result::<i64>(conn)?)).expect("count")
    }

    /// Every stored article's slug and publication number (the sitemap archive's
    /// order; `None` until it is first announced as public), by slug.
    pub fn publication_numbers(&self) -> Vec<(String, Option<i64>)> {
        use diesel::{ExpressionMethods, QueryDsl};
        use newsdesk::db::schema::articles;
        self.db
            .blocking(|conn| {
                Ok(articles::table
                    .select((articles::slug, articles::publication_seq))
                    .order(articles::slug.asc())
                    .load(conn)?)
            })
            .expect("publication numbers")
    }
}

/// What names an article in a path: its id or slug as text, or the article
/// itself (by its id).
pub trait ArticleKey {
    fn key(&self) -> &str;
}

impl ArticleKey for str {
    fn key(&self) -> &str {
        self
    }
}

impl ArticleKey for String {
    fn key(&self) -> &str {
        self
    }
}

impl ArticleKey for Value {
    fn key(&self) -> &str {
        id_of(self)
    }
}

/// The `id` member of a resource.
#[track_caller]
pub fn id_of(resource: &Value) -> &str {
    resource["id"].as_str().unwrap_or_else(|| panic!("no id in {resource}"))
}

/// The ids of resources, in order.
pub fn ids(resources: &[Value]) -> Vec<String> {
    resources.iter().map(|r| id_of(r).to_owned()).collect()
}

pub fn article_path(article: &(impl ArticleKey + ?Sized)) -> String {
    format!("/v1/articles/{}", article.key())
}

pub fn quotes_path(article: &(impl ArticleKey + ?Sized)) -> String {
    format!("/v1/articles/{}/quotes", article.key())
}

pub fn links_path(article: &(impl ArticleKey + ?Sized)) -> String {
    format!("/v1/articles/{}/related-links", article.key())
}

pub fn backlinks_path(article: &(impl ArticleKey + ?Sized)) -> String {
    format!("/v1/articles/{}/backlinks", article.key())
}

pub fn quote_path(quote: &Value) -> String {
    format!("/v1/quotes/{}", id_of(quote))
}

pub fn link_path(link: &Value) -> String {
    format!("/v1/related-links/{}", id_of(link))
}

/// A request sent over a raw connection with its body cut short, so that it stays
/// in flight on the server (reading its body) until `finish` sends the rest.
pub struct HeldRequest {
    stream: std::net::TcpStream,
    rest: Vec<u8>,
}

/// A response read off a raw connection.
#[derive(Debug)]
pub struct RawReply {
    pub status: u16,
    /// The head, lower-cased, for header checks.
    pub head: String,
    pub body: String,
}

impl TestApp {
    /// Starts a JSON `POST` to `path` with the extra `headers`, sending all but the
    /// last byte of `body`.
    pub fn hold_post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> HeldRequest {
        use std::io::Write;
        let host = self.address.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        let mut extra: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
        if let Some(token) = &self.token {
            extra.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n{extra}\r\n",
            body.len()
        );
        let (first, rest) = body.as_bytes().split_at(body.len() - 1);
        stream.write_all(head.as_bytes()).expect("send head");
        stream.write_all(first).expect("send body");
        stream.flush().expect("flush");
        HeldRequest { stream, rest: rest.to_vec() }
    }
}

impl HeldRequest {
    /// Sends the rest of the body and reads the response.
    pub fn finish(mut self) -> RawReply {
        use std::io::{Read, Write};
        self.stream.write_all(&self.rest).expect("send the rest");
        self.stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).expect("timeout");
        let mut raw = Vec::new();
        self.stream.read_to_end(&mut raw).expect("read the response");
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        RawReply { status, head: head.to_ascii_lowercase(), body: body.to_owned() }
    }
}
