//! Assembles the actix application (shared by the binary and the tests) and runs
//! the server.

use std::net::TcpListener;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::KeepAlive;
use actix_web::middleware::{Condition, ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, http::header, web};
use utoipa_swagger_ui::SwaggerUi;

use crate::config::HttpSettings;
use crate::db::Database;
use crate::discovery::Discovery;
use crate::domain::cursor::CursorSecret;
use crate::drain::Draining;
use crate::events::Workers;
use crate::http::auth::authenticate;
use crate::http::compress::compress;
use crate::http::fallback::{RouteTable, not_matched, render_problem};
use crate::http::head::{drop_body, route_as_get};
use crate::http::headers::security_headers;
use crate::http::idempotency::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED, idempotency};
use crate::http::in_flight::{InFlight, limit_in_flight};
use crate::http::json::BodyLimit;
use crate::http::observe::{REQUEST_ID, observe};
use crate::http::rate_limit::{RATE_LIMIT, RATE_LIMIT_POLICY, RateLimiter, SharedRateLimit, rate_limit};
use crate::http::read_replica::route_reads;
use crate::metrics::Metrics;

/// Limits shared by every worker's app.
#[derive(Clone)]
pub(crate) struct Limits {
    /// The configured body limit in bytes.
    pub body_limit: usize,
    /// Requests each worker serves at once.
    pub max_in_flight: u32,
    /// The shared rate limiter, or `None` when rate limiting is off.
    pub rate_limiter: Option<web::Data<RateLimiter>>,
    /// The rate limit's buckets in Redis, shared with the other replicas (with
    /// `NEWSDESK_REDIS_URL` and rate limiting on).
    pub shared_rate_limit: Option<web::Data<SharedRateLimit>>,
    /// Set on SIGTERM while the process drains (`/readyz` answers 503).
    pub draining: web::Data<Draining>,
    /// Where the site's pages are, for the discovery routes.
    pub discovery: web::Data<Discovery>,
    /// Webhook rules the routes apply (private addresses allowed or not).
    pub webhooks: web::Data<crate::config::WebhookSettings>,
}

impl Limits {
    /// The limits the settings ask for; fails on a Redis URL that cannot be used.
    pub(crate) fn from_settings(http: &HttpSettings) -> std::io::Result<Self> {
        let shared_rate_limit = match &http.redis_url {
            Some(url) if http.rate_limit > 0 && !url.trim().is_empty() => Some(web::Data::new(
                SharedRateLimit::new(url, Duration::from_millis(http.redis_timeout_ms))
                    .map_err(|e| std::io::Error::other(format!("NEWSDESK_REDIS_URL: {e}")))?,
            )),
            _ => None,
        };
        Ok(Self {
            body_limit: http.body_limit,
            max_in_flight: http.max_in_flight,
            rate_limiter: (http.rate_limit > 0).then(|| {
                web::Data::new(
                    RateLimiter::new(http.rate_limit, http.burst()).trusting_forwarded(http.rate_limit_trust_forwarded),
                )
            }),
            shared_rate_limit,
            draining: web::Data::new(Draining::default()),
            discovery: web::Data::new(Discovery::new(&http.discovery)),
            webhooks: web::Data::new(http.events.webhooks.clone()),
        })
    }
}

/// The application with every route, middleware and fallback.
pub(crate) fn build_app(
    db: Database,
    api: utoipa::openapi::OpenApi,
    limits: Limits,
    metrics: web::Data<Metrics>,
    cursors: web::Data<CursorSecret>,
    cors_origins: Vec<String>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let route_table = web::Data::new(RouteTable::from_openapi(&api));
    let mut app = App::new()
        .app_data(web::Data::new(db))
        .app_data(route_table)
        .app_data(BodyLimit(limits.body_limit))
        .app_data(web::PayloadConfig::new(limits.body_limit))
        // One counter per worker: this function runs once per worker.
        .app_data(InFlight::new(limits.max_in_flight))
        .app_data(metrics)
        // The key list cursors are signed with (`http::params::cursor_secret`).
        .app_data(cursors);
    if let Some(limiter) = limits.rate_limiter {
        app = app.app_data(limiter);
    }
    if let Some(shared) = limits.shared_rate_limit {
        app = app.app_data(shared);
    }
    app = app.app_data(limits.draining).app_data(limits.discovery).app_data(limits.webhooks);
    // Innermost first: problems are rendered inside `idempotency` (which stores the
    // final answer) and inside `observe`, which sees (and logs, counts and tags with
    // the request id) the final response. Requests over a limit are turned away
    // before they claim an idempotency key; the headers go on everything, CORS
    // preflights included.
    // Authentication runs inside the problem renderer, so that its 401 is a full
    // problem document. Innermost of all, `route_reads` picks the pool for the
    // handler's reads (token lookups stay on the primary), and answers again only
    // the handler when the replica fails under it. `HEAD` is one rule in two halves
    // (`http::head`): innermost of all, it is routed as a `GET`; outermost, its body
    // is dropped after compression (`http::compress`, outside everything else, so
    // that every other layer deals in identity bodies) has set the headers the `GET`
    // would carry.
    app.wrap(from_fn(route_as_get))
        .wrap(from_fn(route_reads))
        .wrap(from_fn(authenticate))
        .wrap(ErrorHandlers::new().default_handler(render_problem))
        .wrap(from_fn(idempotency))
        .wrap(from_fn(limit_in_flight))
        .wrap(from_fn(rate_limit))
        .wrap(from_fn(observe))
        .wrap(Condition::new(!cors_origins.is_empty(), cors(&cors_origins)))
        .wrap(from_fn(security_headers))
        .wrap(from_fn(compress))
        .wrap(from_fn(drop_body))
        .configure(|cfg| crate::routes::configure(&mut utoipa_actix_web::service_config::ServiceConfig::new(cfg)))
        // No validator badge: Swagger UI would otherwise send the document to an
        // outside validator whenever /docs is not served on localhost.
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .external_url_unchecked("/openapi.json", crate::openapi::refined(&api))
                .config(utoipa_swagger_ui::Config::default().validator_url("none")),
        )
        .service(web::resource("/docs").route(web::get().to(docs_redirect)))
        .default_service(web::to(not_matched))
}

/// Cross-origin access for the configured origins: preflights answered, and the
/// headers clients need (`ETag`, `Location`, `Link`, …) readable by scripts.
fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin.trim()))
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([header::CONTENT_TYPE, header::IF_MATCH, header::IF_NONE_MATCH, header::AUTHORIZATION])
        .allowed_header("x-request-id")
        .allowed_header(IDEMPOTENCY_KEY)
        .expose_headers([header::ETAG, header::LOCATION, header::LINK, header::RETRY_AFTER])
        .expose_headers([REQUEST_ID, IDEMPOTENT_REPLAYED, RATE_LIMIT, RATE_LIMIT_POLICY])
        .max_age(3600)
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/docs/")).finish()
}

/// `0` turns keep-alive off; anything else is the idle timeout in seconds.
fn keep_alive(secs: u64) -> KeepAlive {
    if secs == 0 { KeepAlive::Disabled } else { KeepAlive::Timeout(Duration::from_secs(secs)) }
}

/// Starts serving on an already bound listener, with the event workers beside the
/// server; the database may still be migrating (requests get 503 until it is
/// ready). Once the server has stopped, stop the workers (`Workers::stop`).
pub fn start(db: Database, http: &HttpSettings, listener: TcpListener) -> std::io::Result<(Server, Workers)> {
    let cursors = web::Data::new(CursorSecret::new(http.cursor_secret.as_deref()));
    let api = crate::openapi::api_doc();
    let limits = Limits::from_settings(http)?;
    if let Some(shared) = &limits.shared_rate_limit {
        shared.connect_early();
    }
    let metrics = web::Data::new(Metrics::new());
    // An empty NEWSDESK_CORS_ORIGINS (as compose passes by default) means none.
    let origins: Vec<String> =
        http.cors_origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).map(str::to_owned).collect();
    let draining = limits.draining.clone();
    let workers = crate::events::start(&db, &http.events);
    let mut server = HttpServer::new(move || {
        build_app(db.clone(), api.clone(), limits.clone(), metrics.clone(), cursors.clone(), origins.clone())
    })
    // On SIGTERM or SIGINT: stop accepting, let in-flight requests finish.
    .shutdown_timeout(http.shutdown_timeout_secs)
    // Explicit, and longer than actix's 5 s defaults: see `HttpSettings`.
    .client_request_timeout(Duration::from_secs(http.client_request_timeout_secs))
    .keep_alive(keep_alive(http.keep_alive_secs))
    .max_connections(usize::try_from(http.max_connections).unwrap_or(usize::MAX))
    .listen(listener)?;
    if let Some(workers) = http.workers {
        server = server.workers(workers);
    }
    if http.shutdown_drain_secs == 0 {
        return Ok((server.run(), workers));
    }
    // SIGTERM drains first (`drain.rs`), so the signals are ours, not actix's.
    let server = server.disable_signals().run();
    let delay = Duration::from_secs(http.shutdown_drain_secs);
    actix_web::rt::spawn(crate::drain::stop_on_signal(server.handle(), draining, delay));
    Ok((server, workers))
}
