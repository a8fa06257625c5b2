//! Prometheus metrics: requests and their latency by route template (not raw path,
//! so the number of series stays bounded) and status, the connection pool, and the
//! service version. Rendered in the Prometheus text format at `GET /metrics`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

use crate::db::Database;

/// Labels of one request series.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// Labels of the rate limit's decisions.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    /// `redis` (the shared bucket) or `fallback` (this process's own).
    source: &'static str,
}

/// Latency buckets in seconds, from 1 ms to 10 s.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The service's metrics, shared by every worker.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    pool_size: Gauge,
    pool_in_use: Gauge,
    pool_idle: Gauge,
    pool_waiting: Gauge,
    pool_max: Gauge,
    queries: Gauge,
    replica_queries: Gauge,
    replica_in_use: Gauge,
    replica_lag: Gauge,
    rate_limit_decisions: Family<DecisionLabels, Counter>,
    rate_limit_redis_available: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every metric declared.
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("newsdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by method, route template and status",
            latency.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let gauge = Gauge::default();
            registry.register(name, help, gauge.clone());
            gauge
        };
        let pool_size = gauge(&mut registry, "db_pool_connections", "Open database connections");
        let pool_in_use = gauge(&mut registry, "db_pool_connections_in_use", "Database connections lent to requests");
        let pool_idle = gauge(&mut registry, "db_pool_connections_idle", "Open database connections not in use");
        let pool_waiting =
            gauge(&mut registry, "db_pool_waiting", "Requests waiting for a database connection right now");
        let pool_max = gauge(&mut registry, "db_pool_max_connections", "Most connections the pool may open");
        let queries = gauge(&mut registry, "db_queries", "SQL statements run since start-up on the primary");
        let replica_queries = gauge(
            &mut registry,
            "db_replica_queries",
            "SQL statements run since start-up on the read replica (NEWSDESK_DATABASE_REPLICA_URL)",
        );
        let replica_in_use = gauge(
            &mut registry,
            "db_replica_in_use",
            "1 while anonymous reads go to the read replica, 0 while they go to the primary (or there is none)",
        );
        let replica_lag = gauge(
            &mut registry,
            "db_replica_lag_milliseconds",
            "The read replica's lag at its last check, once a second (-1: unreachable or none)",
        );
        let rate_limit_decisions = Family::<DecisionLabels, Counter>::default();
        registry.register(
            "rate_limit_decisions",
            "Rate limit decisions with NEWSDESK_REDIS_URL set: by the shared bucket in Redis, or by this \
             process's own buckets because Redis failed or was slow",
            rate_limit_decisions.clone(),
        );
        let rate_limit_redis_available = gauge(
            &mut registry,
            "rate_limit_redis_available",
            "1 while Redis answers the shared rate limit, 0 while this process falls back to its own",
        );
        registry.register("build", "The running service", Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]));
        Self {
            registry,
            requests,
            latency,
            pool_size,
            pool_in_use,
            pool_idle,
            pool_waiting,
            pool_max,
            queries,
            replica_queries,
            replica_in_use,
            replica_lag,
            rate_limit_decisions,
            rate_limit_redis_available,
        }
    }

    /// Records who decided a request's rate limit, and whether Redis answers now.
    pub(crate) fn rate_limit_decided(&self, by_redis: bool, redis_available: bool) {
        let source = if by_redis { "redis" } else { "fallback" };
        self.rate_limit_decisions.get_or_create(&DecisionLabels { source }).inc();
        self.rate_limit_redis_available.set(i64::from(redis_available));
    }

    /// Records one answered request.
    pub(crate) fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let labels = RequestLabels { method: method.to_owned(), route: route.to_owned(), status };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// The metrics in the Prometheus text format, with the pool read now.
    pub(crate) fn render(&self, db: &Database) -> Result<String, std::fmt::Error> {
        let pool = db.pool_state();
        self.pool_size.set(i64::from(pool.connections));
        self.pool_idle.set(i64::from(pool.idle));
        self.pool_in_use.set(i64::from(pool.connections.saturating_sub(pool.idle)));
        self.pool_waiting.set(pool.waiting);
        self.pool_max.set(i64::from(pool.max));
        self.queries.set(i64::try_from(db.queries_run()).unwrap_or(i64::MAX));
        let replica = db.replica_state();
        self.replica_queries.set(replica.map_or(0, |r| i64::try_from(r.queries).unwrap_or(i64::MAX)));
        self.replica_in_use.set(i64::from(replica.is_some_and(|r| r.in_use)));
        self.replica_lag.set(replica.map_or(-1, |r| r.lag_ms));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}
