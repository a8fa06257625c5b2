//! Settings: the only place that reads the environment (through clap, so every
//! variable can also be given as a flag).

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use async_nats::ServerAddr;
use clap::{Args, FromArgMatches};

use crate::domain::public_url::{ArticleUrlTemplate, DEFAULT_ARTICLE_URL_TEMPLATE, PublicUrl};

/// The address the service listens on by default (and that `healthcheck` asks).
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The largest request body accepted by default, in bytes.
pub(crate) const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Settings with every value at the default its flag declares, whatever the
/// environment says: the flags are the one place the defaults are written.
fn defaults<T: Args + FromArgMatches>() -> T {
    let command = T::augment_args(clap::Command::new("newsdesk")).mut_args(|arg| arg.env(None::<&'static str>));
    let parsed = command.try_get_matches_from(["newsdesk"]).and_then(|matches| T::from_arg_matches(&matches));
    // Every flag has a default or is optional; the unit tests parse these.
    parsed.unwrap_or_else(|e| panic!("the settings' defaults do not parse: {e}"))
}

/// Where the data lives, picked from the URL scheme (never by trial and error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A `postgres://` or `postgresql://` URL, passed to libpq as given.
    Postgres(String),
    /// A path to an SQLite file, created when missing.
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// Reads `DATABASE_URL` syntax: `postgres(ql)://…`, `sqlite://PATH`, `sqlite:PATH`
    /// or a plain file path. Any other `scheme://` is refused rather than being taken
    /// for a file name.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("DATABASE_URL is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let path = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")).unwrap_or(raw);
        if path.is_empty() {
            return Err("the SQLite URL names no file".into());
        }
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(format!(
                "unsupported database URL scheme `{scheme}`: use postgres://, sqlite:// or a file path"
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// A description safe for logs: the backend and host or file, never a password.
    pub fn describe(&self) -> String {
        match self {
            Self::Postgres(url) => {
                let host = url
                    .rsplit_once('@')
                    .map_or_else(|| url.split_once("://").map_or("", |(_, rest)| rest), |(_, rest)| rest);
                let host = host.split(['?', '/']).next().unwrap_or_default();
                format!("PostgreSQL at {host}")
            }
            Self::Sqlite(path) => format!("SQLite file {}", path.display()),
        }
    }
}

/// How the service connects to its database.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseSettings {
    /// `postgres://user@host/db`, `sqlite://newsdesk.db` or a file path.
    #[arg(long = "database-url", env = "DATABASE_URL", default_value = "newsdesk.db",
          value_parser = DatabaseUrl::parse)]
    pub url: DatabaseUrl,

    /// Most connections the pool keeps open.
    #[arg(long = "db-pool-size", env = "NEWSDESK_DB_POOL_SIZE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: u32,

    /// Seconds a request waits for a pooled connection (and a new connection for
    /// the server to answer) before it gets a 503.
    #[arg(long = "db-timeout", env = "NEWSDESK_DB_TIMEOUT_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout_secs: u64,

    /// Milliseconds a PostgreSQL statement may run, or wait for a lock, before it is
    /// cancelled and the request answered 503 (0: no limit). SQLite's only wait is
    /// for the write lock, bounded by `NEWSDESK_DB_TIMEOUT_SECS`.
    #[arg(long = "db-statement-timeout", env = "NEWSDESK_DB_STATEMENT_TIMEOUT_MS", default_value_t = 5000)]
    pub statement_timeout_ms: u64,

    /// A PostgreSQL streaming standby (`postgres://…`) that anonymous reads are
    /// sent to; everything else uses `DATABASE_URL`. `serve` only.
    /// An empty value (as compose passes by default) means none.
    #[arg(long = "database-replica-url", env = "NEWSDESK_DATABASE_REPLICA_URL", hide_env_values = true)]
    pub replica_url: Option<String>,

    /// Milliseconds the replica may lag behind the primary before it is skipped
    /// (reads go to the primary until it has caught up).
    #[arg(long = "replica-max-lag", env = "NEWSDESK_REPLICA_MAX_LAG_MS", default_value_t = 2000)]
    pub replica_max_lag_ms: u64,

    /// Revisions kept per article (0 keeps all); the newest is always kept.
    #[arg(long = "revisions-keep", env = "NEWSDESK_REVISIONS_KEEP", default_value_t = 100)]
    pub revisions_keep: u32,

    /// Days a revision is kept (0: no age limit); the newest is always kept.
    #[arg(long = "revisions-max-age-days", env = "NEWSDESK_REVISIONS_MAX_AGE_DAYS", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=36500))]
    pub revisions_max_age_days: u32,
}

impl DatabaseSettings {
    /// Settings for a given URL with every other value at its default.
    pub fn for_url(url: DatabaseUrl) -> Self {
        Self { url, ..defaults() }
    }

    /// How much article history is kept.
    pub(crate) fn retention(&self) -> crate::domain::revision::Retention {
        crate::domain::revision::Retention { keep: self.revisions_keep, max_age_days: self.revisions_max_age_days }
    }

    /// The pool checkout and connect timeout.
    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }

    /// The read replica's URL when one is set; a replica is only for PostgreSQL
    /// (an SQLite file has no standby), so any other pairing is refused.
    pub fn replica(&self) -> Result<Option<String>, String> {
        let Some(raw) = self.replica_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let replica = DatabaseUrl::parse(raw).map_err(|e| format!("NEWSDESK_DATABASE_REPLICA_URL: {e}"))?;
        match (&self.url, replica) {
            (DatabaseUrl::Postgres(_), DatabaseUrl::Postgres(replica)) => Ok(Some(replica)),
            (DatabaseUrl::Sqlite(_), _) => {
                Err("NEWSDESK_DATABASE_REPLICA_URL is set but DATABASE_URL is an SQLite file: a read replica needs \
                 PostgreSQL; unset it"
                    .into())
            }
            (_, DatabaseUrl::Sqlite(_)) => {
                Err("NEWSDESK_DATABASE_REPLICA_URL must be a postgres:// URL of a streaming standby".into())
            }
        }
    }
}

/// How the HTTP side behaves.
#[derive(Debug, Clone, clap::Args)]
pub struct HttpSettings {
    /// Address and port to listen on.
    #[arg(long = "addr", env = "NEWSDESK_ADDR", default_value = DEFAULT_ADDR)]
    pub addr: String,

    /// Largest request body accepted, in bytes; larger ones get a 413.
    #[arg(long = "body-limit", env = "NEWSDESK_BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,

    /// HTTP worker threads (default: one per core).
    #[arg(long = "workers", env = "NEWSDESK_WORKERS")]
    pub workers: Option<usize>,

    /// Origins allowed to call the API from a browser, comma-separated (such as
    /// `https://news.example.org,http://localhost:3000`); none by default.
    #[arg(long = "cors-origins", env = "NEWSDESK_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Seconds in-flight requests get to finish after SIGTERM or SIGINT.
    #[arg(long = "shutdown-timeout", env = "NEWSDESK_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
    pub shutdown_timeout_secs: u64,

    /// Seconds between SIGTERM and the graceful stop during which `/readyz` answers
    /// 503 while every request is still served, so that a load balancer takes the
    /// replica out of rotation first (longer than its health-check interval times
    /// its fall count). 0 stops at once.
    #[arg(long = "shutdown-drain", env = "NEWSDESK_SHUTDOWN_DRAIN_SECS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=600))]
    pub shutdown_drain_secs: u64,

    /// Seconds a new connection gets to send its first request head; a client that
    /// is slower gets a 408 and the connection is closed. Actix's default of 5 s is
    /// tight on a busy host: a worker that gets no CPU for that long answers 408 to a
    /// request already waiting in its socket (the timer is checked before the socket
    /// is read). 0 turns the limit off.
    #[arg(long = "client-request-timeout", env = "NEWSDESK_CLIENT_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub client_request_timeout_secs: u64,

    /// Seconds an idle keep-alive connection stays open. Longer than the idle timeout
    /// of common load balancers (60 s), so that the proxy, not the service, closes an
    /// idle connection and never sends a request on one the service has just closed.
    /// 0 closes each connection after its response.
    #[arg(long = "keep-alive", env = "NEWSDESK_KEEP_ALIVE_SECS", default_value_t = 75)]
    pub keep_alive_secs: u64,

    /// Key that list cursors are signed with, so clients cannot forge them; give
    /// every replica the same one.
    #[arg(long = "cursor-secret", env = "NEWSDESK_CURSOR_SECRET", hide_env_values = true)]
    pub cursor_secret: Option<String>,

    /// Requests per second each client (bearer token, else IP address) may make on
    /// average; 0 turns rate limiting off. Health, readiness and metrics are exempt.
    #[arg(long = "rate-limit", env = "NEWSDESK_RATE_LIMIT", default_value_t = 100)]
    pub rate_limit: u32,

    /// Requests a client may make in a burst above the average rate (default: ten
    /// seconds' worth of the rate).
    #[arg(long = "rate-limit-burst", env = "NEWSDESK_RATE_LIMIT_BURST")]
    pub rate_limit_burst: Option<u32>,

    /// Take the client address for rate limiting from `Forwarded` / `X-Forwarded-For`
    /// (only behind a reverse proxy that overwrites those headers).
    #[arg(long = "rate-limit-trust-forwarded", env = "NEWSDESK_RATE_LIMIT_TRUST_FORWARDED")]
    pub rate_limit_trust_forwarded: bool,

    /// Redis server (`redis://host:6379/0`) that holds the rate limit's buckets, so
    /// that the limit holds across every replica; without it each process limits on
    /// its own.
    #[arg(long = "redis-url", env = "NEWSDESK_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,

    /// Milliseconds a request waits for Redis's rate limit answer; a slower or failed
    /// answer is replaced by the process's own limit, and Redis is tried again a
    /// second later.
    #[arg(long = "redis-timeout", env = "NEWSDESK_REDIS_TIMEOUT_MS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub redis_timeout_ms: u64,

    /// Requests each worker serves at once; more are answered 503 at once rather
    /// than queued.
    #[arg(long = "max-in-flight", env = "NEWSDESK_MAX_IN_FLIGHT", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: u32,

    /// Open connections each worker accepts; further ones wait in the listen backlog.
    #[arg(long = "max-connections", env = "NEWSDESK_MAX_CONNECTIONS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// The change log, its feed, and what delivers it.
    #[command(flatten)]
    pub events: EventSettings,

    /// Where front ends show the content, for feeds, sitemaps and JSON-LD.
    #[command(flatten)]
    pub discovery: DiscoverySettings,
}

/// The change log and the workers that deliver it.
#[derive(Debug, Clone, clap::Args)]
pub struct EventSettings {
    /// Days a change record is kept (and readable in the change feed) before it is
    /// pruned.
    #[arg(long = "changes-retention-days", env = "NEWSDESK_CHANGES_RETENTION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub changes_retention_days: u32,

    /// NATS server (`nats://host:4222`, several comma-separated) to publish every
    /// change record to, in a JetStream stream; nothing is published without it.
    #[arg(long = "events-nats-url", env = "NEWSDESK_EVENTS_NATS_URL", hide_env_values = true,
          value_parser = nats_url)]
    pub nats_url: Option<String>,

    /// The JetStream stream the records go to, created at start-up when missing.
    #[arg(long = "events-nats-stream", env = "NEWSDESK_EVENTS_NATS_STREAM", default_value = "NEWSDESK_CHANGES",
          value_parser = nats_stream_name)]
    pub nats_stream: String,

    /// Subject prefix: a record goes to `<prefix>.<type>`, such as
    /// `newsdesk.changes.article.published`; the stream captures `<prefix>.>`.
    #[arg(long = "events-nats-subject-prefix", env = "NEWSDESK_EVENTS_NATS_SUBJECT_PREFIX",
          default_value = "newsdesk.changes", value_parser = nats_subject_prefix)]
    pub nats_subject_prefix: String,

    /// Seconds JetStream remembers a message id and drops a second copy, set on a
    /// stream Newsdesk creates: longer than a restart takes, since a crash between
    /// JetStream's acknowledgement and the stored position sends records again.
    #[arg(long = "events-nats-duplicate-window", env = "NEWSDESK_EVENTS_NATS_DUPLICATE_WINDOW_SECS",
          default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub nats_duplicate_window_secs: u64,

    /// Webhook delivery.
    #[command(flatten)]
    pub webhooks: WebhookSettings,
}

/// A `NEWSDESK_EVENTS_NATS_URL`, checked at start-up (empty: no broker).
fn nats_url(raw: &str) -> Result<String, String> {
    nats_servers(raw).map(|_| raw.trim().to_owned())
}

/// The servers of a `NEWSDESK_EVENTS_NATS_URL`: one URL or several, comma-separated
/// (`nats://a:4222,nats://b:4222`).
pub(crate) fn nats_servers(raw: &str) -> Result<Vec<ServerAddr>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| ServerAddr::from_str(s).map_err(|e| format!("`{s}` is not a NATS server URL: {e}")))
        .collect()
}

/// A JetStream stream name: no spaces, dots, wildcards or path separators.
fn nats_stream_name(raw: &str) -> Result<String, String> {
    let bad = |c: char| c.is_whitespace() || matches!(c, '.' | '*' | '>' | '/' | '\\');
    if raw.is_empty() || raw.len() > 255 || raw.contains(bad) {
        return Err("a stream name needs 1 to 255 characters, without spaces, `.`, `*`, `>`, `/` or `\\`".into());
    }
    Ok(raw.to_owned())
}

/// A subject prefix: dot-separated tokens without wildcards or spaces.
fn nats_subject_prefix(raw: &str) -> Result<String, String> {
    let bad_token = |t: &str| t.is_empty() || t.contains(|c: char| c.is_whitespace() || c == '*' || c == '>');
    if raw.split('.').any(bad_token) {
        return Err("a subject prefix is dot-separated tokens, none empty, without spaces, `*` or `>`".into());
    }
    Ok(raw.to_owned())
}

impl Default for EventSettings {
    fn default() -> Self {
        defaults()
    }
}

/// Where the site's pages are, for the discovery routes (feeds, sitemaps,
/// JSON-LD), which link to the front end's pages rather than to the API.
#[derive(Debug, Clone, clap::Args)]
pub struct DiscoverySettings {
    /// The site's address, such as `https://news.example.com`. Without it the
    /// feeds, the sitemaps and the JSON-LD answer 503.
    #[arg(long = "public-url", env = "NEWSDESK_PUBLIC_URL", value_parser = PublicUrl::parse)]
    pub public_url: Option<PublicUrl>,

    /// An article's page: `{public_url}`, `{slug}`, `{id}`, `{section}` (as a slug;
    /// left out, with its `/`, when the article has none), `{yyyy}`, `{mm}`, `{dd}`
    /// (of the publication date, UTC). Checked at start-up.
    #[arg(long = "article-url-template", env = "NEWSDESK_ARTICLE_URL_TEMPLATE",
          default_value = DEFAULT_ARTICLE_URL_TEMPLATE, value_parser = ArticleUrlTemplate::parse)]
    pub article_url_template: ArticleUrlTemplate,

    /// The publication's name in feeds and the Google News sitemap (default: the
    /// public URL's host name).
    #[arg(long = "publication-name", env = "NEWSDESK_PUBLICATION_NAME")]
    pub publication_name: Option<String>,
}

impl Default for DiscoverySettings {
    /// No public URL: the discovery routes answer 503.
    fn default() -> Self {
        defaults()
    }
}

/// How webhooks are delivered.
#[derive(Debug, Clone, clap::Args)]
pub struct WebhookSettings {
    /// Waits before each retry of a failed delivery, comma-separated (`ms`, `s`, `m`,
    /// `h`); after the last one the delivery is marked failed.
    #[arg(long = "webhook-retry-schedule", env = "NEWSDESK_WEBHOOK_RETRY_SCHEDULE",
          default_value = crate::domain::retry_schedule::DEFAULT_RETRY_SCHEDULE,
          value_parser = crate::domain::retry_schedule::RetrySchedule::parse)]
    pub retry_schedule: crate::domain::retry_schedule::RetrySchedule,

    /// Let webhook URLs point at loopback, private and link-local addresses (for a
    /// receiver on the same machine or network; off in production).
    #[arg(long = "webhook-allow-private", env = "NEWSDESK_WEBHOOK_ALLOW_PRIVATE")]
    pub allow_private: bool,

    /// Milliseconds a receiver gets to answer a delivery before the attempt counts
    /// as failed.
    #[arg(long = "webhook-timeout", env = "NEWSDESK_WEBHOOK_TIMEOUT_MS", default_value_t = 15_000,
          value_parser = clap::value_parser!(u64).range(100..=120_000))]
    pub timeout_ms: u64,

    /// Milliseconds between looks for work made by other processes (a write in this
    /// process wakes the dispatcher at once).
    #[arg(long = "webhook-poll", env = "NEWSDESK_WEBHOOK_POLL_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub poll_ms: u64,

    /// Deliveries this process sends at once.
    #[arg(long = "webhook-concurrency", env = "NEWSDESK_WEBHOOK_CONCURRENCY", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrency: u32,
}

impl WebhookSettings {
    /// The request timeout of one delivery.
    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

impl Default for WebhookSettings {
    fn default() -> Self {
        defaults()
    }
}

impl HttpSettings {
    /// The burst size of the rate limit.
    pub(crate) fn burst(&self) -> u32 {
        self.rate_limit_burst.unwrap_or_else(|| self.rate_limit.saturating_mul(10)).max(1)
    }
}

impl Default for HttpSettings {
    /// What `serve` runs with when no flag or variable is given.
    fn default() -> Self {
        defaults()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_several_nats_server_urls_are_read() {
        assert_eq!(nats_servers("nats://127.0.0.1:4222").unwrap().len(), 1);
        assert_eq!(nats_servers("nats://a:4222, nats://b:4222").unwrap().len(), 2);
        assert!(nats_servers("").unwrap().is_empty());
        assert!(nats_servers("http://a:4222").is_err());
    }

    #[test]
    fn postgres_schemes_select_postgres() {
        for url in ["postgres://u@h/db", "postgresql://h/db"] {
            assert_eq!(DatabaseUrl::parse(url), Ok(DatabaseUrl::Postgres(url.into())));
        }
    }

    #[test]
    fn sqlite_forms_select_the_file() {
        for (raw, path) in [
            ("sqlite://data/n.db", "data/n.db"),
            ("sqlite:n.db", "n.db"),
            ("/var/lib/n.db", "/var/lib/n.db"),
            ("newsdesk.db", "newsdesk.db"),
        ] {
            assert_eq!(DatabaseUrl::parse(raw), Ok(DatabaseUrl::Sqlite(path.into())));
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn defaults_are_the_flags_defaults_and_ignore_the_environment() {
        let http = HttpSettings::default();
        assert_eq!((http.addr.as_str(), http.body_limit), (DEFAULT_ADDR, DEFAULT_BODY_LIMIT));
        assert_eq!((http.shutdown_timeout_secs, http.shutdown_drain_secs), (30, 0));
        assert_eq!((http.client_request_timeout_secs, http.keep_alive_secs), (30, 75));
        assert_eq!((http.rate_limit, http.rate_limit_burst, http.rate_limit_trust_forwarded), (100, None, false));
        assert_eq!((http.redis_timeout_ms, http.max_in_flight, http.max_connections), (5, 256, 10_000));
        assert!(http.workers.is_none() && http.cors_origins.is_empty() && http.cursor_secret.is_none());
        assert!(http.redis_url.is_none());
        let events = &http.events;
        assert_eq!(
            (events.nats_stream.as_str(), events.nats_subject_prefix.as_str()),
            ("NEWSDESK_CHANGES", "newsdesk.changes")
        );
        assert_eq!((events.nats_url.as_deref(), events.nats_duplicate_window_secs), (None, 600));
        assert!(http.discovery.public_url.is_none() && http.discovery.publication_name.is_none());
        assert_eq!(
            http.discovery.article_url_template,
            ArticleUrlTemplate::parse(DEFAULT_ARTICLE_URL_TEMPLATE).unwrap()
        );
        let db = DatabaseSettings::for_url(DatabaseUrl::Sqlite("x.db".into()));
        assert_eq!(db.url, DatabaseUrl::Sqlite("x.db".into()));
        assert_eq!((db.pool_size, db.timeout_secs, db.statement_timeout_ms), (10, 5, 5000));
    }

    #[test]
    fn a_replica_is_for_postgres_only() {
        let pg = DatabaseUrl::Postgres("postgres://p/db".into());
        let with = |url: &DatabaseUrl, replica: &str| DatabaseSettings {
            replica_url: Some(replica.into()),
            ..DatabaseSettings::for_url(url.clone())
        };
        assert_eq!(DatabaseSettings::for_url(pg.clone()).replica(), Ok(None));
        assert_eq!(with(&pg, " ").replica(), Ok(None));
        assert_eq!(with(&pg, "postgres://r/db").replica(), Ok(Some("postgres://r/db".into())));
        assert!(with(&pg, "replica.db").replica().unwrap_err().contains("postgres://"));
        let sqlite = DatabaseUrl::Sqlite("x.db".into());
        assert!(with(&sqlite, "postgres://r/db").replica().unwrap_err().contains("SQLite"));
        assert_eq!(DatabaseSettings::for_url(sqlite).replica_max_lag_ms, 2000);
    }

    #[test]
    fn nats_names_are_checked() {
        assert!(nats_stream_name("NEWSDESK_CHANGES").is_ok());
        for bad in ["", "news.desk", "a b", "a*", "a>"] {
            assert!(nats_stream_name(bad).is_err(), "{bad:?}");
        }
        assert!(nats_subject_prefix("newsdesk.changes").is_ok());
        for bad in ["", "newsdesk.", ".changes", "a..b", "a.*", "a.>", "a b"] {
            assert!(nats_subject_prefix(bad).is_err(), "{bad:?}");
        }
        assert_eq!(nats_url(" nats://127.0.0.1:4222 ").as_deref(), Ok("nats://127.0.0.1:4222"));
        assert!(nats_url("http://127.0.0.1:4222").is_err());
    }

    #[test]
    fn a_bad_article_url_template_stops_the_start() {
        let command = HttpSettings::augment_args(clap::Command::new("newsdesk"));
        let error = command
            .try_get_matches_from(["newsdesk", "--article-url-template", "{public_url}/{headline}"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown placeholder `{headline}`"), "{error}");
        let command = HttpSettings::augment_args(clap::Command::new("newsdesk"));
        assert!(command.try_get_matches_from(["newsdesk", "--public-url", "news.example.com"]).is_err());
    }

    #[test]
    fn description_hides_the_password() {
        let url = DatabaseUrl::Postgres("postgres://u:secret@db:5432/news?sslmode=disable".into());
        assert_eq!(url.describe(), "PostgreSQL at db:5432");
    }
}
