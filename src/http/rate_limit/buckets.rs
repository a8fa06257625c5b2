//! The process's own token buckets, one per client: the limit when no Redis is
//! configured, and the fallback when it fails.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::dev::ServiceRequest;
use actix_web::http::header;

/// Buckets kept before full (idle) ones are swept out, so that a scan from many
/// addresses cannot grow the map without bound.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The outcome of taking one request from a client's bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Whether the request may go ahead.
    pub allowed: bool,
    /// Whole requests left right now.
    pub remaining: u64,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// Seconds until one more request is allowed (0 while some remain).
    pub retry_after_secs: u64,
}

/// Token buckets of `burst` requests refilled at `rate` per second.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: f64,
    burst: f64,
    /// Whether the client address comes from `Forwarded` / `X-Forwarded-For`.
    trust_forwarded: bool,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// A limiter of `rate` requests per second with bursts of up to `burst`.
    pub(crate) fn new(rate: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(rate.max(1)),
            burst: f64::from(burst.max(1)),
            trust_forwarded: false,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the client address from the `Forwarded` or `X-Forwarded-For` header,
    /// for a service behind a reverse proxy that sets it (else every client would
    /// share the proxy's bucket). Only safe when the proxy overwrites the header:
    /// otherwise clients choose their own address.
    #[must_use]
    pub(crate) fn trusting_forwarded(mut self, trust: bool) -> Self {
        self.trust_forwarded = trust;
        self
    }

    /// The `RateLimit-Policy` value: the burst as quota over the seconds it takes to
    /// refill from empty.
    pub(crate) fn policy(&self) -> String {
        format!("\"default\";q={};w={}", self.burst, whole_secs(self.burst / self.rate))
    }

    /// Takes one request from `client`'s bucket at time `now`.
    pub(crate) fn check(&self, client: &str, now: Instant) -> Decision {
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= SWEEP_AT {
            buckets.retain(|_, b| self.refilled(b, now) < self.burst);
        }
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket { tokens: self.burst, at: now });
        let tokens = self.refilled(bucket, now);
        let allowed = tokens >= 1.0;
        let left = if allowed { tokens - 1.0 } else { tokens };
        *bucket = Bucket { tokens: left, at: now };
        self.decide(allowed, left)
    }

    /// The decision for a bucket holding `left` tokens after the request took one
    /// (or none, when it was refused): also what a shared bucket's answer becomes.
    pub(crate) fn decide(&self, allowed: bool, left: f64) -> Decision {
        let left = left.clamp(0.0, self.burst);
        Decision {
            allowed,
            remaining: left.floor() as u64,
            reset_secs: whole_secs((self.burst - left) / self.rate),
            retry_after_secs: if allowed { 0 } else { whole_secs((1.0 - left) / self.rate).max(1) },
        }
    }

    /// Requests per second refilled.
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// Most requests in a burst.
    pub(crate) fn burst(&self) -> f64 {
        self.burst
    }

    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.rate).min(self.burst)
    }
}

/// Seconds rounded up, so that a client waiting that long is never early.
#[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "small non-negative values")]
fn whole_secs(seconds: f64) -> u64 {
    seconds.max(0.0).ceil() as u64
}

impl RateLimiter {
    /// Who a request counts against: the hash of its credentials when it has any
    /// (so clients behind one proxy do not share a bucket), else its IP address.
    pub(crate) fn client_key(&self, req: &ServiceRequest) -> String {
        if let Some(credentials) = req.headers().get(header::AUTHORIZATION) {
            return format!("credentials:{}", crate::domain::digest::sha256_hex(&[credentials.as_bytes()]));
        }
        let forwarded = if self.trust_forwarded {
            req.connection_info().realip_remote_addr().map(|addr| {
                addr.parse::<std::net::SocketAddr>().map_or_else(|_| addr.to_owned(), |a| a.ip().to_string())
            })
        } else {
            None
        };
        let address = forwarded.or_else(|| req.peer_addr().map(|a| a.ip().to_string()));
        format!("ip:{}", address.as_deref().unwrap_or("unknown"))
    }
}
