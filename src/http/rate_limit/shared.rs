//! The rate limit shared by every replica: with `NEWSDESK_REDIS_URL` set, each
//! client's token bucket lives in Redis and one atomic script call per request takes
//! a token from it (with Redis's own clock, so the replicas' clocks do not matter).
//! When Redis fails or takes longer than `NEWSDESK_REDIS_TIMEOUT_MS`, the request is
//! decided by the process's own limiter instead, Redis is left alone for a second,
//! and then tried again: the service never waits on Redis for longer than that, and
//! recovers by itself.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;

use super::buckets::{Decision, RateLimiter};

/// Takes one token from the bucket in `KEYS[1]` (rate `ARGV[1]` per second, at most
/// `ARGV[2]` tokens); answers whether the request may go ahead and the tokens left
/// (as text: Lua numbers come back truncated to integers otherwise). Idle buckets
/// expire once they would be full again.
const TAKE_TOKEN: &str = r"
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1]) or burst
local at = tonumber(stored[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, string.format('%.6f', tokens)}
";

/// How long Redis is left alone after it failed, before a request tries it again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// Least time between two log lines about Redis failing.
const LOG_EVERY: Duration = Duration::from_secs(60);

/// Who decided a request's rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The shared bucket in Redis.
    Redis,
    /// This process's own buckets, because Redis failed or was slow.
    Fallback,
}

#[derive(Default)]
struct Health {
    /// The connection, once made; dropped when it fails.
    conn: Option<MultiplexedConnection>,
    /// A connection attempt is under way (in a task of its own).
    connecting: bool,
    /// Requests skip Redis until then.
    skip_until: Option<Instant>,
    /// When a failure was last logged.
    logged_at: Option<Instant>,
    /// Failing since the last success, and whether that was logged.
    down: bool,
    down_logged: bool,
}

/// The Redis side of the rate limit, shared by every worker of a process.
pub(crate) struct SharedRateLimit {
    client: redis::Client,
    timeout: Duration,
    script: redis::Script,
    health: Arc<Mutex<Health>>,
}

impl SharedRateLimit {
    /// A limiter using the Redis server at `url` (`redis://host:port/db`); connects
    /// on first use.
    pub(crate) fn new(url: &str, timeout: Duration) -> redis::RedisResult<Self> {
        Ok(Self {
            client: redis::Client::open(url)?,
            timeout,
            script: redis::Script::new(TAKE_TOKEN),
            health: Arc::new(Mutex::new(Health::default())),
        })
    }

    /// Starts connecting (in the background), so that the first requests find the
    /// connection made.
    pub(crate) fn connect_early(&self) {
        drop(self.connection());
    }

    /// Whether the last call to Redis succeeded (for `/metrics`).
    pub(crate) fn is_available(&self) -> bool {
        let health = self.health();
        health.conn.is_some() && !health.down
    }

    /// Takes one request from `client`'s shared bucket, or from `local`'s own when
    /// Redis cannot answer in time.
    pub(crate) async fn check(&self, local: &RateLimiter, client: &str) -> (Decision, Source) {
        if let Some(mut conn) = self.connection() {
            let mut call = self.script.key(format!("newsdesk:rate:{client}"));
            call.arg(local.rate()).arg(local.burst());
            match tokio::time::timeout(self.timeout, call.invoke_async::<(u8, String)>(&mut conn)).await {
                Ok(Ok((allowed, tokens))) => {
                    if let Ok(left) = tokens.parse::<f64>() {
                        self.succeeded();
                        return (local.decide(allowed == 1, left), Source::Redis);
                    }
                    self.failed(&format!("the script answered {tokens:?}"), false);
                }
                Ok(Err(e)) => self.failed(&e.to_string(), true),
                Err(_) => self.failed(&format!("no answer within {:?}", self.timeout), false),
            }
        }
        (local.check(client, Instant::now()), Source::Fallback)
    }

    fn health(&self) -> MutexGuard<'_, Health> {
        lock(&self.health)
    }

    fn succeeded(&self) {
        self.health().succeeded();
    }

    fn failed(&self, why: &str, broken: bool) {
        self.health().failed(why, broken);
    }

    /// The connection to use now, if any; starts connecting in the background when
    /// there is none (the request at hand is decided locally meanwhile).
    fn connection(&self) -> Option<MultiplexedConnection> {
        let mut health = self.health();
        if health.skip_until.is_some_and(|until| Instant::now() < until) {
            return None;
        }
        if health.conn.is_some() {
            return health.conn.clone();
        }
        if !health.connecting {
            health.connecting = true;
            let client = self.client.clone();
            let shared = Arc::clone(&self.health);
            let script = self.script.clone();
            let config = redis::AsyncConnectionConfig::new().set_connection_timeout(Some(RETRY_AFTER));
            actix_web::rt::spawn(async move {
                let connect = async {
                    let mut conn = client.get_multiplexed_async_connection_with_config(&config).await?;
                    // Loaded now, so that each request's call is one EVALSHA round trip
                    // (the first would otherwise take two, and run past the timeout).
                    script.load_async(&mut conn).await?;
                    redis::RedisResult::Ok(conn)
                };
                let result = tokio::time::timeout(RETRY_AFTER, connect).await.unwrap_or_else(|_| {
                    Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer within a second").into())
                });
                let mut health = lock(&shared);
                health.connecting = false;
                match result {
                    Ok(conn) => health.conn = Some(conn),
                    Err(e) => health.failed(&format!("cannot connect: {e}"), true),
                }
            });
        }
        None
    }
}

fn lock(health: &Mutex<Health>) -> MutexGuard<'_, Health> {
    health.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Health {
    fn succeeded(&mut self) {
        if self.down {
            if self.down_logged {
                log::info!("Redis answers again: the rate limit is shared across replicas again");
            }
            self.down = false;
            self.down_logged = false;
        }
    }

    /// Leaves Redis alone for a while; `broken` drops the connection (a new one is
    /// made on the next try) rather than keeping one that was only slow.
    fn failed(&mut self, why: &str, broken: bool) {
        let now = Instant::now();
        self.skip_until = Some(now + RETRY_AFTER);
        self.down = true;
        if broken {
            self.conn = None;
        }
        if self.logged_at.is_none_or(|at| now.duration_since(at) >= LOG_EVERY) {
            self.logged_at = Some(now);
            self.down_logged = true;
            log::warn!("Redis rate limit unavailable ({why}): each replica limits on its own until Redis answers");
        }
    }
}
