//! Webhook subscription rows, their delivery log, and the synchronous queries the
//! `/v1/webhooks` routes make. The delivery queue the dispatcher works through is
//! `webhook_queue`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{webhook_attempts, webhook_deliveries, webhooks};
use super::write::immediate;
use super::{DbConn, WriteError};
use crate::domain::webhook::{ROTATION_OVERLAP, WebhookFields};

/// A delivery waiting for its (next) attempt, or being attempted now.
pub(crate) const PENDING: &str = "pending";
/// The receiver answered 2xx.
pub(crate) const DELIVERED: &str = "delivered";
/// The retry schedule ran out, or the receiver answered 410: only a retry by hand
/// sends it again.
pub(crate) const FAILED: &str = "failed";

/// Why a subscription was turned off through the API.
pub(crate) const DISABLED_BY_REQUEST: &str = "disabled through the API";

/// A subscription as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Identifiable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub events: String,
    pub description: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<NaiveDateTime>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failures_in_a_row: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl WebhookRow {
    /// The secrets that sign a delivery sent at `now`: the current one, and the
    /// previous one while its overlap lasts.
    pub(crate) fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_secret_expires_at)
            && until > now.naive_utc()
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// One event queued for one subscription.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Identifiable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub change_seq: i64,
    pub event_type: String,
    pub article_id: Option<String>,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One try at sending a delivery.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub attempted_at: NaiveDateTime,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub latency_ms: i64,
    pub next_retry_at: Option<NaiveDateTime>,
}

/// Stores a new subscription with its secret.
pub(crate) fn insert(
    conn: &mut DbConn,
    fields: &WebhookFields,
    secret: String,
    now: DateTime<Utc>,
) -> QueryResult<WebhookRow> {
    let at = now.naive_utc();
    let row = WebhookRow {
        id: uuid::Uuid::now_v7().to_string(),
        url: fields.url.clone(),
        events: fields.events.to_stored(),
        description: fields.description.clone(),
        secret,
        previous_secret: None,
        previous_secret_expires_at: None,
        enabled: fields.enabled,
        disabled_reason: (!fields.enabled).then(|| DISABLED_BY_REQUEST.to_owned()),
        failures_in_a_row: 0,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(webhooks::table).values(&row).execute(conn)?;
    Ok(row)
}

/// A page of subscriptions, oldest first, after the one with id `after`.
pub(crate) fn list(conn: &mut DbConn, after: Option<&str>, limit: i64) -> QueryResult<Vec<WebhookRow>> {
    let mut query = webhooks::table.select(WebhookRow::as_select()).order_by(webhooks::id.asc()).into_boxed();
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after.to_owned()));
    }
    query.limit(limit).load(conn)
}

/// One subscription by id.
pub(crate) fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<WebhookRow>> {
    webhooks::table.find(id).select(WebhookRow::as_select()).first(conn).optional()
}

/// Replaces a subscription's writable fields with what `fields_for` makes of the
/// stored one (a merge patch applied to it). Turning it on again clears the
/// failure count; turning it off records why.
pub(crate) fn update(
    conn: &mut DbConn,
    id: &str,
    fields_for: impl FnOnce(&WebhookRow) -> Result<WebhookFields, WriteError>,
    now: DateTime<Utc>,
) -> Result<WebhookRow, WriteError> {
    immediate(conn, |c| {
        let current = find(c, id)?.ok_or(WriteError::NotFound)?;
        let fields = fields_for(&current)?;
        let (failures_in_a_row, disabled_reason) = match (current.enabled, fields.enabled) {
            (false, true) => (0, None),
            (true, false) => (current.failures_in_a_row, Some(DISABLED_BY_REQUEST.to_owned())),
            _ => (current.failures_in_a_row, current.disabled_reason.clone()),
        };
        let row = WebhookRow {
            url: fields.url,
            events: fields.events.to_stored(),
            description: fields.description,
            enabled: fields.enabled,
            disabled_reason,
            failures_in_a_row,
            updated_at: now.naive_utc(),
            ..current
        };
        diesel::update(webhooks::table.find(id))
            .set((
                webhooks::url.eq(&row.url),
                webhooks::events.eq(&row.events),
                webhooks::description.eq(&row.description),
                webhooks::enabled.eq(row.enabled),
                webhooks::disabled_reason.eq(&row.disabled_reason),
                webhooks::failures_in_a_row.eq(row.failures_in_a_row),
                webhooks::updated_at.eq(row.updated_at),
            ))
            .execute(c)?;
        Ok(row)
    })
}

/// Deletes a subscription with its deliveries; `false` when there is none.
pub(crate) fn delete(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    immediate(conn, |c| {
        let deliveries = webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id));
        diesel::delete(
            webhook_attempts::table
                .filter(webhook_attempts::delivery_id.eq_any(deliveries.select(webhook_deliveries::id))),
        )
        .execute(c)?;
        diesel::delete(deliveries).execute(c)?;
        Ok(diesel::delete(webhooks::table.find(id)).execute(c)? > 0)
    })
}

/// Gives a subscription a new secret; the old one keeps signing for
/// `ROTATION_OVERLAP`. `None` when there is no such subscription.
pub(crate) fn rotate_secret(
    conn: &mut DbConn,
    id: &str,
    secret: String,
    now: DateTime<Utc>,
) -> QueryResult<Option<WebhookRow>> {
    immediate(conn, |c| {
        let Some(current) = find(c, id)? else { return Ok(None) };
        let row = WebhookRow {
            previous_secret: Some(current.secret.clone()),
            previous_secret_expires_at: Some((now + ROTATION_OVERLAP).naive_utc()),
            secret,
            updated_at: now.naive_utc(),
            ..current
        };
        diesel::update(webhooks::table.find(id))
            .set((
                webhooks::secret.eq(&row.secret),
                webhooks::previous_secret.eq(&row.previous_secret),
                webhooks::previous_secret_expires_at.eq(row.previous_secret_expires_at),
                webhooks::updated_at.eq(row.updated_at),
            ))
            .execute(c)?;
        Ok(Some(row))
    })
}

/// A page of a subscription's deliveries, newest first, before the one with id
/// `before`, each with its attempts (oldest first), in two queries.
pub(crate) fn deliveries(
    conn: &mut DbConn,
    webhook_id: &str,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(DeliveryRow, Vec<AttemptRow>)>> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .order_by(webhook_deliveries::id.desc())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.to_owned()));
    }
    let rows: Vec<DeliveryRow> = query.limit(limit).load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let attempts = attempts_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let own = attempts.iter().filter(|a| a.delivery_id == row.id).cloned().collect();
            (row, own)
        })
        .collect())
}

/// The attempts of these deliveries, oldest first.
pub(crate) fn attempts_of(conn: &mut DbConn, delivery_ids: &[&str]) -> QueryResult<Vec<AttemptRow>> {
    webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .select(AttemptRow::as_select())
        .order_by(webhook_attempts::id.asc())
        .load(conn)
}

/// Puts a delivered or failed delivery back in the queue, due now, with a fresh
/// retry schedule. A delivery still pending is a conflict: it is queued already.
pub(crate) fn retry_delivery(
    conn: &mut DbConn,
    webhook_id: &str,
    delivery_id: &str,
    now: DateTime<Utc>,
) -> Result<DeliveryRow, WriteError> {
    immediate(conn, |c| {
        let current: DeliveryRow = webhook_deliveries::table
            .find(delivery_id)
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .select(DeliveryRow::as_select())
            .first(c)
            .optional()?
            .ok_or(WriteError::NotFound)?;
        if current.status == PENDING {
            return Err(WriteError::Conflict("the delivery is already queued".into()));
        }
        let at = now.naive_utc();
        diesel::update(webhook_deliveries::table.find(delivery_id))
            .set((
                webhook_deliveries::status.eq(PENDING),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(Some(at)),
                webhook_deliveries::updated_at.eq(at),
            ))
            .execute(c)?;
        Ok(DeliveryRow {
            status: PENDING.to_owned(),
            attempts: 0,
            next_attempt_at: Some(at),
            updated_at: at,
            ..current
        })
    })
}
