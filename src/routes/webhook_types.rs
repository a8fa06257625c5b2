//! Webhook subscriptions and their deliveries as responses show them: the secret
//! only in the answers that make it (create, rotate).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::stored_uuid;
use crate::db::webhooks::{AttemptRow, DeliveryRow, WebhookRow};
use crate::domain::webhook::EventPatterns;
use crate::error::ApiError;

/// A webhook subscription (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f",
    "url": "https://hooks.example.com/newsdesk",
    "events": ["article.*"],
    "description": "front-end rebuilds",
    "enabled": true,
    "disabled_reason": null,
    "failures_in_a_row": 0,
    "previous_secret_expires_at": null,
    "created_at": "2024-03-28T09:00:00Z",
    "updated_at": "2024-03-28T09:00:00Z"
}))]
pub(crate) struct Webhook {
    /// Server-generated UUID (version 7).
    pub id: Uuid,
    /// Where deliveries are POSTed.
    pub url: String,
    /// The event patterns delivered.
    pub events: Vec<String>,
    /// What the subscription is for.
    pub description: Option<String>,
    /// Whether deliveries are being made. The service turns a subscription off when
    /// its receiver answers 410 or 3 deliveries in a row fail; `PATCH` with
    /// `{"enabled": true}` turns it on again.
    pub enabled: bool,
    /// Why it is off (`null` while enabled).
    pub disabled_reason: Option<String>,
    /// Deliveries that failed (the retry schedule ran out) since the last success.
    pub failures_in_a_row: i32,
    /// Until when the secret replaced by the last rotation still signs deliveries
    /// (beside the new one); `null` when none does.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// When it was made (UTC).
    pub created_at: DateTime<Utc>,
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<WebhookRow> for Webhook {
    type Error = ApiError;

    fn try_from(row: WebhookRow) -> Result<Self, ApiError> {
        let events = EventPatterns::from_stored(&row.events)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("webhook {} has unreadable events: {e}", row.id)))?;
        let now = crate::domain::time::now().naive_utc();
        Ok(Self {
            id: stored_uuid(&row.id)?,
            url: row.url,
            events: events.to_vec(),
            description: row.description,
            enabled: row.enabled,
            disabled_reason: row.disabled_reason,
            failures_in_a_row: row.failures_in_a_row,
            previous_secret_expires_at: row.previous_secret_expires_at.filter(|t| *t > now).map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        })
    }
}

/// A subscription with its signing secret: the answer to a create or a rotation,
/// the only times the secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f",
    "url": "https://hooks.example.com/newsdesk",
    "events": ["article.*"],
    "description": "front-end rebuilds",
    "enabled": true,
    "disabled_reason": null,
    "failures_in_a_row": 0,
    "previous_secret_expires_at": null,
    "created_at": "2024-03-28T09:00:00Z",
    "updated_at": "2024-03-28T09:00:00Z",
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwL4a0rPdpLzM="
}))]
pub(crate) struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret (`whsec_` and base64 of 32 random bytes), for verifying
    /// `webhook-signature` with any Standard Webhooks library. Shown only here.
    #[schema(pattern = "^whsec_[A-Za-z0-9+/]{43}=$")]
    pub secret: String,
}

/// One page of subscriptions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebhookPage {
    /// The subscriptions on this page.
    pub items: Vec<Webhook>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeliveryStatus {
    /// Waiting for its first attempt or a retry (or being sent now).
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// The retry schedule ran out, or the receiver answered 410; `retry` sends it again.
    Failed,
}

/// One event sent (or to be sent) to one subscription.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c4-0000-7000-8000-000000000001",
    "webhook_id": "0192f0c3-4a5b-7c6d-8e9f-0a1b2c3d4e5f",
    "sequence": 42,
    "type": "article.published",
    "article_id": "0192f0c1-8e1a-7cc0-8b3e-5f2a9e1d4b6a",
    "status": "pending",
    "attempt_count": 1,
    "next_attempt_at": "2024-03-28T09:00:10Z",
    "created_at": "2024-03-28T09:00:00Z",
    "updated_at": "2024-03-28T09:00:05Z",
    "attempts": [{
        "attempted_at": "2024-03-28T09:00:05Z",
        "response_status": 500,
        "error": null,
        "latency_ms": 31,
        "next_retry_at": "2024-03-28T09:00:10Z"
    }]
}))]
pub(crate) struct Delivery {
    /// The delivery's id, sent as `webhook-id` on every attempt.
    pub id: Uuid,
    /// The subscription.
    pub webhook_id: Uuid,
    /// The change record's sequence number.
    pub sequence: i64,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The article the change belongs to.
    pub article_id: Option<String>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts since it was last queued (a retry by hand starts again at 0).
    pub attempt_count: i32,
    /// When the next attempt is due (`null` once delivered or failed).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was queued (UTC).
    pub created_at: DateTime<Utc>,
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
}

/// One try at sending a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeliveryAttempt {
    /// When it was sent (UTC).
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status code; `null` when it did not answer.
    pub response_status: Option<i32>,
    /// What went wrong before an answer (refused connection, timeout, an address
    /// that is not public); `null` when it answered.
    pub error: Option<String>,
    /// Milliseconds from sending to the answer or the failure.
    pub latency_ms: i64,
    /// When it is tried again after this attempt; `null` for none.
    pub next_retry_at: Option<DateTime<Utc>>,
}

impl Delivery {
    /// A delivery row and its attempts.
    pub(crate) fn from_rows(row: DeliveryRow, attempts: Vec<AttemptRow>) -> Result<Self, ApiError> {
        let status = match row.status.as_str() {
            crate::db::webhooks::PENDING => DeliveryStatus::Pending,
            crate::db::webhooks::DELIVERED => DeliveryStatus::Delivered,
            crate::db::webhooks::FAILED => DeliveryStatus::Failed,
            other => return Err(ApiError::Internal(anyhow::anyhow!("delivery {} has status {other:?}", row.id))),
        };
        let attempts = attempts
            .into_iter()
            .map(|a| DeliveryAttempt {
                attempted_at: a.attempted_at.and_utc(),
                response_status: a.response_status,
                error: a.error,
                latency_ms: a.latency_ms,
                next_retry_at: a.next_retry_at.map(|t| t.and_utc()),
            })
            .collect();
        Ok(Self {
            id: stored_uuid(&row.id)?,
            webhook_id: stored_uuid(&row.webhook_id)?,
            sequence: row.change_seq,
            event_type: row.event_type,
            article_id: row.article_id,
            status,
            attempt_count: row.attempts,
            next_attempt_at: row.next_attempt_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
            attempts,
        })
    }
}

/// One page of a subscription's deliveries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeliveryPage {
    /// The deliveries on this page.
    pub items: Vec<Delivery>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}
