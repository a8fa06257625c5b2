//! Per-client rate limiting: a token bucket per client (its bearer token when it
//! sends one, else its IP address), shared by every worker. Each response tells the
//! client where it stands (`RateLimit-Policy`, `RateLimit`, IETF httpapi draft
//! syntax); a request over the limit gets a 429 problem with `Retry-After`. With a
//! `SharedRateLimit` in app data the buckets live in Redis instead, shared by every
//! replica, and these buckets are the fallback.

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

mod buckets;
mod shared;

pub(crate) use buckets::RateLimiter;
pub(crate) use shared::{SharedRateLimit, Source};

use crate::error::ApiError;
use crate::http::observe::RequestId;
use crate::metrics::Metrics;

/// `RateLimit-Policy`: the quota and the window it refills over.
pub(crate) const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// `RateLimit`: what is left of the quota and when it is whole again.
pub(crate) const RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// Paths orchestrators and monitoring poll; limiting them would only blind them.
pub(crate) const EXEMPT: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// The middleware; without a `RateLimiter` in app data (limit 0) it passes everything.
pub(crate) async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let limiter = req.app_data::<web::Data<RateLimiter>>().cloned();
    let Some(limiter) = limiter.filter(|_| !EXEMPT.contains(&req.path())) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let client = limiter.client_key(&req);
    let decision = match req.app_data::<web::Data<SharedRateLimit>>().cloned() {
        Some(shared) => {
            let (decision, source) = shared.check(&limiter, &client).await;
            if let Some(metrics) = req.app_data::<web::Data<Metrics>>() {
                metrics.rate_limit_decided(source == Source::Redis, shared.is_available());
            }
            decision
        }
        None => limiter.check(&client, Instant::now()),
    };
    let mut res = if decision.allowed {
        next.call(req).await?.map_into_left_body()
    } else {
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        let problem = ApiError::TooManyRequests { retry_after: decision.retry_after_secs }
            .to_response(Some(req.path()), request_id.as_deref());
        req.into_response(problem).map_into_right_body()
    };
    let headers = res.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&limiter.policy()) {
        headers.insert(RATE_LIMIT_POLICY, policy);
    }
    let state = format!("\"default\";r={};t={}", decision.remaining, decision.reset_secs);
    if let Ok(state) = HeaderValue::from_str(&state) {
        headers.insert(RATE_LIMIT, state);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::buckets::Decision;
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_until_tokens_refill() {
        let limiter = RateLimiter::new(2, 3);
        let start = Instant::now();
        let decisions: Vec<Decision> = (0..4).map(|_| limiter.check("a", start)).collect();
        assert_eq!(decisions.iter().map(|d| d.remaining).collect::<Vec<_>>(), [2, 1, 0, 0]);
        assert!(decisions[..3].iter().all(|d| d.allowed));
        assert!(!decisions[3].allowed);
        assert_eq!(decisions[3].retry_after_secs, 1);
        assert_eq!(decisions[2].reset_secs, 2, "3 tokens at 2/s take 1.5 s, rounded up");
        assert!(limiter.check("a", start + Duration::from_millis(500)).allowed, "one token back after 0.5 s");
    }

    #[test]
    fn clients_have_separate_buckets() {
        let limiter = RateLimiter::new(1, 1);
        let now = Instant::now();
        assert!(limiter.check("a", now).allowed);
        assert!(!limiter.check("a", now).allowed);
        assert!(limiter.check("b", now).allowed);
    }

    #[test]
    fn the_policy_names_quota_and_window() {
        assert_eq!(RateLimiter::new(100, 1000).policy(), "\"default\";q=1000;w=10");
    }
}
