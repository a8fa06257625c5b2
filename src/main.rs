//! The `newsdesk` binary: `serve` (the default), `migrate`, `seed`, `token`,
//! `openapi`, `healthcheck`.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use newsdesk::config::{DatabaseSettings, HttpSettings};
use newsdesk::db::Database;
use newsdesk::logging::{self, LogFormat};

#[derive(Parser)]
#[command(version, about = "Newsdesk: an open content API for news")]
struct Cli {
    /// Log lines as text or as one JSON object per line.
    #[arg(long, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default); pending migrations are applied first.
    Serve {
        #[command(flatten)]
        db: DatabaseSettings,
        /// Boxed: the largest settings by far, and the other commands need none.
        #[command(flatten)]
        http: Box<HttpSettings>,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DatabaseSettings,
    },
    /// Load a small example newsroom into an empty database.
    Seed {
        #[command(flatten)]
        db: DatabaseSettings,
        /// Load it even though the database already holds articles (alongside them).
        #[arg(long)]
        force: bool,
    },
    /// Manage API tokens (create, list, revoke); pending migrations are applied first.
    Token {
        #[command(subcommand)]
        action: TokenCommand,
    },
    /// Print the OpenAPI document to stdout.
    Openapi,
    /// Exit 0 if the service at NEWSDESK_ADDR answers `/readyz` with 200, else 1
    /// (for container health checks).
    Healthcheck {
        /// Address the service listens on (a wildcard address is asked on loopback).
        #[arg(long = "addr", env = "NEWSDESK_ADDR", default_value = newsdesk::config::DEFAULT_ADDR)]
        addr: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token and print it on stdout; it is shown this once.
    Create {
        #[command(flatten)]
        db: DatabaseSettings,
        /// What the token is for (shown in the list).
        #[arg(long)]
        name: String,
        /// A scope to grant: read:drafts, write (implies read:drafts) or admin
        /// (implies every scope). Repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// When the token stops working (RFC 3339); never when left out.
        #[arg(long)]
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// List every token (never the tokens themselves).
    List {
        #[command(flatten)]
        db: DatabaseSettings,
    },
    /// Revoke a token by id; it stops working at once.
    Revoke {
        #[command(flatten)]
        db: DatabaseSettings,
        /// The token's id (from `newsdesk token list`).
        id: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.log_format);
    let command = cli.command.unwrap_or_else(|| {
        // No subcommand: parse again as `serve` so its flags and env vars apply.
        match Cli::parse_from(["newsdesk", "serve"]).command {
            Some(command) => command,
            None => unreachable!("parsing `serve` yields the serve command"),
        }
    });
    let result = match command {
        Command::Serve { db, http } => serve(&db, &http),
        Command::Migrate { db } => migrate(&db),
        Command::Seed { db, force } => seed(&db, force),
        Command::Token { action } => token(action),
        Command::Openapi => print_openapi(),
        Command::Healthcheck { addr } => newsdesk::cli::healthcheck::check(&addr),
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error!("{e:#}");
            ExitCode::FAILURE
        }
    };
    // Log lines are written by a thread of their own: whatever it has not yet
    // written goes out now, before the process ends.
    logging::flush();
    code
}

fn serve(db: &DatabaseSettings, http: &HttpSettings) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&http.addr).map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", http.addr))?;
    let addr = listener.local_addr()?;
    let replica = db.replica().map_err(anyhow::Error::msg)?;
    let mut database = Database::new(db);
    log::info!("using {}", db.url.describe());
    if let Some(url) = replica {
        let describe = newsdesk::config::DatabaseUrl::Postgres(url.clone()).describe();
        log::info!("anonymous reads from the replica, {describe}, while it lags at most {} ms", db.replica_max_lag_ms);
        database = database.with_replica(url, Duration::from_millis(db.replica_max_lag_ms));
    }
    if matches!(db.url, newsdesk::config::DatabaseUrl::Postgres(_)) && http.cursor_secret.is_none() {
        // PostgreSQL usually means several replicas or a public service: the
        // built-in key is in the source, so anyone could forge cursors with it.
        log::warn!(
            "NEWSDESK_CURSOR_SECRET is not set: cursors are signed with the built-in key; set one, the same on every replica"
        );
    }
    // Bound, not ready: until the migrations are in, requests get a 503. Logged
    // before the migrations start, which may finish at once.
    log::info!("bound to {addr}; requests get 503 until the database is ready");
    let migrations = database.migrate_in_background(db.url.describe());
    let handle = database.clone();
    actix_web::rt::System::new().block_on(async {
        let (server, workers) = newsdesk::app::start(database, http, listener)?;
        announce_ready(migrations, addr);
        let stopped = server.await;
        // Deliveries in flight get the same time to finish as requests did.
        workers.stop(Duration::from_secs(http.shutdown_timeout_secs)).await;
        stopped
    })?;
    // The server has stopped; its workers may still be dropping their pool handles.
    // The pool's connections close here, before the process exits.
    if !handle.close(Duration::from_secs(5)) {
        log::warn!("database connections still in use 5 s after the server stopped");
    }
    log::info!("stopped");
    Ok(())
}

/// Logs "ready" once the migrations (which retry until the database answers) are
/// in, and not before, so that the log never claims a service that only answers 503.
fn announce_ready(migrations: std::thread::JoinHandle<()>, addr: std::net::SocketAddr) {
    std::thread::spawn(move || {
        if migrations.join().is_ok() {
            log::info!("ready on http://{addr} (docs at /docs)");
        }
    });
}

fn migrate(db: &DatabaseSettings) -> anyhow::Result<()> {
    let applied = Database::new(db).migrate()?;
    log::info!("{}: {applied} migration(s) applied", db.url.describe());
    Ok(())
}

fn seed(db: &DatabaseSettings, force: bool) -> anyhow::Result<()> {
    let loaded = newsdesk::cli::seed::run(&Database::new(db), force)?;
    log::info!("{}: loaded the example newsroom ({loaded} articles); try GET /v1/articles", db.url.describe());
    Ok(())
}

fn token(action: TokenCommand) -> anyhow::Result<()> {
    let settings = match &action {
        TokenCommand::Create { db, .. } | TokenCommand::List { db } | TokenCommand::Revoke { db, .. } => db,
    };
    let database = Database::new(settings);
    database.migrate()?;
    match action {
        TokenCommand::Create { name, scopes, expires_at, .. } => {
            let (row, plaintext) = newsdesk::cli::token::create(&database, &name, &scopes, expires_at)?;
            log::info!("created token {} ({}) with scopes {}; it is shown only now", row.id, row.name, row.scopes);
            // Alone on stdout, so that scripts can capture it.
            println!("{plaintext}");
        }
        TokenCommand::List { .. } => {
            println!(
                "{:<36}  {:<10}  {:<20}  {:<20}  {:<20}  {:<20}  NAME",
                "ID", "STATE", "SCOPES", "CREATED", "LAST USED", "EXPIRES"
            );
            let format = |t: Option<chrono::NaiveDateTime>| {
                t.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            };
            let at = chrono::Utc::now().naive_utc();
            for row in newsdesk::cli::token::list(&database)? {
                let state = if row.revoked {
                    "revoked"
                } else if row.expires_at.is_some_and(|e| e <= at) {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{:<36}  {:<10}  {:<20}  {:<20}  {:<20}  {:<20}  {}",
                    row.id,
                    state,
                    row.scopes,
                    format(Some(row.created_at)),
                    format(row.last_used_at),
                    format(row.expires_at),
                    row.name
                );
            }
        }
        TokenCommand::Revoke { id, .. } => {
            newsdesk::cli::token::revoke(&database, &id)?;
            log::info!("revoked token {id}");
        }
    }
    Ok(())
}

fn print_openapi() -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(&newsdesk::openapi::document())?);
    Ok(())
}
