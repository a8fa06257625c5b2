//! One webhook attempt over HTTP: the Standard Webhooks request (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature`), sent with no redirects followed, a
//! time limit, and every address the host resolves to checked first (so that a
//! name that passed at creation cannot be turned to an internal address later).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::config::WebhookSettings;
use crate::db::webhook_queue::{Attempt, Claimed, Verdict};
use crate::domain::retry_schedule::RetrySchedule;
use crate::domain::time::now;
use crate::domain::webhook::signature_header;
use crate::domain::webhook_address::{check_url, is_public, refused_address};

/// The longest `Retry-After` honoured: a receiver cannot park a delivery for longer
/// than the schedule's own longest wait.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The most of an error kept in the delivery log.
const MAX_ERROR_LEN: usize = 500;

/// Resolves host names like the system does, refusing a name any of whose
/// addresses is not public (unless private addresses are allowed).
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && let Some(bad) = found.iter().find(|a| !is_public(a.ip())) {
                let refused = format!("{host} resolves to {}: {}", bad.ip(), refused_address(&bad.ip().to_string()));
                return Err(refused.into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// The HTTP client every delivery of this process goes through.
pub(crate) struct Sender {
    client: reqwest::Client,
    allow_private: bool,
    schedule: RetrySchedule,
}

impl Sender {
    /// A client with the settings' time limit, no redirects, no proxy, and the
    /// guarded resolver.
    pub(crate) fn new(settings: &WebhookSettings) -> reqwest::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout())
            .connect_timeout(settings.timeout())
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("Newsdesk-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver { allow_private: settings.allow_private }))
            .build()?;
        Ok(Self { client, allow_private: settings.allow_private, schedule: settings.retry_schedule.clone() })
    }

    /// Sends one attempt of a claimed delivery and judges the outcome.
    pub(crate) async fn attempt(&self, claimed: &Claimed) -> Attempt {
        let at = now();
        let started = Instant::now();
        let result = self.send(claimed, at).await;
        let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let retry = claimed.delivery.attempts as usize + 1;
        let scheduled = self.schedule.wait_before(retry).and_then(|w| TimeDelta::from_std(w).ok());
        let (status, error, verdict) = match result {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    (Some(status.as_u16()), None, Verdict::Delivered)
                } else if status == reqwest::StatusCode::GONE {
                    (Some(status.as_u16()), None, Verdict::Gone)
                } else {
                    let asked = matches!(status.as_u16(), 429 | 503).then(|| retry_after(&response)).flatten();
                    // Retry-After replaces the schedule's wait, while retries remain.
                    let wait = scheduled.map(|w| asked.unwrap_or(w));
                    (Some(status.as_u16()), None, Verdict::Retry(wait))
                }
            }
            Err(error) => (None, Some(error), Verdict::Retry(scheduled)),
        };
        Attempt { at, status, error, latency_ms, verdict }
    }

    async fn send(&self, claimed: &Claimed, at: chrono::DateTime<chrono::Utc>) -> Result<reqwest::Response, String> {
        let webhook = &claimed.webhook;
        // An address in the URL itself is never resolved: check it here.
        check_url(&webhook.url, self.allow_private)?;
        let body = claimed.delivery.payload.clone();
        let id = claimed.delivery.id.as_str();
        let signature = signature_header(&webhook.signing_secrets(at), id, at, &body)?;
        self.client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", at.timestamp().to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e))
    }
}

/// `Retry-After` in seconds (the HTTP-date form is read too), capped.
fn retry_after(response: &reqwest::Response) -> Option<TimeDelta> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&chrono::Utc);
            (at - now()).to_std().unwrap_or(Duration::ZERO)
        }
    };
    TimeDelta::from_std(wait.min(MAX_RETRY_AFTER)).ok()
}

/// A failed request with its causes (reqwest's own message names only the step).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(MAX_ERROR_LEN).collect()
}
