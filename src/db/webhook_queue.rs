//! The durable webhook queue: the fan-out that turns change records into one
//! delivery per matching subscription (remembering how far it has read, in the
//! same transaction), the claim that hands due deliveries to one dispatcher
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so that several processes share the
//! work without taking the same row), and the record of each attempt.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConn;
use super::schema::{changes, webhook_attempts, webhook_deliveries, webhook_fanout, webhooks};
use super::webhooks::{AttemptRow, DELIVERED, DeliveryRow, FAILED, PENDING, WebhookRow};
use super::write::immediate;
use crate::domain::webhook::EventPatterns;

/// Failed deliveries in a row after which a subscription is turned off.
pub(crate) const FAILURES_TO_DISABLE: i32 = 3;

/// What one fan-out round did.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FanOut {
    /// Change records read (a full batch means there may be more).
    pub read: usize,
    /// Deliveries queued from them.
    pub queued: usize,
}

/// Reads up to `batch` change records past the fan-out's position and queues one
/// delivery for each enabled subscription whose patterns match, moving the
/// position in the same transaction. Only one process fans out at a time (the
/// position's row is locked; a process that finds it locked skips its turn).
/// With no enabled subscription the position moves to the newest record without
/// reading any: a write-heavy service without webhooks pays one cheap query per
/// round, not the parsing of every record it writes.
pub(crate) fn fan_out(conn: &mut DbConn, batch: i64, now: DateTime<Utc>) -> QueryResult<FanOut> {
    immediate(conn, |c| {
        let Some(last_seq) = fanout_position(c)? else { return Ok(FanOut::default()) };
        // Read before the subscriptions: every record up to it was committed before
        // a subscription this round does not see was created.
        let newest: Option<i64> = changes::table.select(diesel::dsl::max(changes::seq)).first(c)?;
        let subscriptions: Vec<WebhookRow> =
            webhooks::table.filter(webhooks::enabled.eq(true)).select(WebhookRow::as_select()).load(c)?;
        if subscriptions.is_empty() {
            if let Some(newest) = newest.filter(|n| *n > last_seq) {
                move_position(c, newest)?;
            }
            return Ok(FanOut::default());
        }
        let records = super::changes::after(c, last_seq, batch)?;
        let Some(last) = records.last().map(|r| r.seq) else { return Ok(FanOut::default()) };
        let subscriptions: Vec<(WebhookRow, EventPatterns)> = subscriptions
            .into_iter()
            .filter_map(|s| match EventPatterns::from_stored(&s.events) {
                Ok(patterns) => Some((s, patterns)),
                Err(e) => {
                    log::error!("webhook {} has unreadable event patterns: {e}", s.id);
                    None
                }
            })
            .collect();
        let at = now.naive_utc();
        let mut rows = Vec::new();
        let read = records.len();
        for row in records {
            // Matched on the stored type first: most records interest nobody, and
            // need not be parsed.
            let matching: Vec<&WebhookRow> =
                subscriptions.iter().filter(|(_, p)| p.matches(&row.change_type)).map(|(s, _)| s).collect();
            if matching.is_empty() {
                continue;
            }
            let record = match crate::domain::change::ChangeRecord::try_from(row) {
                Ok(record) => record,
                Err(e) => {
                    log::error!("change record past {last_seq} cannot be read, not delivered: {e}");
                    continue;
                }
            };
            let event_type = record.change_type.as_str();
            let payload =
                serde_json::json!({"type": event_type, "timestamp": record.occurred_at, "data": &record}).to_string();
            for subscription in matching {
                rows.push(DeliveryRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    webhook_id: subscription.id.clone(),
                    change_seq: record.sequence,
                    event_type: event_type.to_owned(),
                    article_id: Some(record.article_id.to_string()),
                    payload: payload.clone(),
                    status: PENDING.to_owned(),
                    attempts: 0,
                    next_attempt_at: Some(at),
                    created_at: at,
                    updated_at: at,
                });
            }
        }
        let queued = insert_rows!(c, webhook_deliveries::table, &rows)?;
        move_position(c, last)?;
        Ok(FanOut { read, queued })
    })
}

fn move_position(conn: &mut DbConn, to: i64) -> QueryResult<()> {
    diesel::update(webhook_fanout::table.find(1)).set(webhook_fanout::last_seq.eq(to)).execute(conn).map(drop)
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
}

/// The fan-out's position, locked for this transaction; `None` on PostgreSQL when
/// another process holds it.
fn fanout_position(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    let sql = match conn.backend() {
        super::Backend::Postgres => "SELECT last_seq FROM webhook_fanout WHERE id = 1 FOR UPDATE SKIP LOCKED",
        super::Backend::Sqlite => "SELECT last_seq FROM webhook_fanout WHERE id = 1",
    };
    let found: Vec<Position> = diesel::sql_query(sql).load(conn)?;
    Ok(found.first().map(|p| p.last_seq))
}

/// A delivery handed to this process, with its subscription.
#[derive(Debug, Clone)]
pub(crate) struct Claimed {
    pub delivery: DeliveryRow,
    pub webhook: WebhookRow,
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = Text)]
    id: String,
}

/// The due deliveries of enabled subscriptions that no earlier pending delivery
/// of the same article (for the same subscription) is waiting ahead of.
const DUE: &str = "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
     WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.enabled \
     AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
         AND e.article_id = d.article_id AND e.status = 'pending' AND e.change_seq < d.change_seq) \
     ORDER BY d.next_attempt_at, d.change_seq LIMIT $2";

/// Claims up to `limit` due deliveries: each one's next attempt moves to
/// `lease_until`, so that no other dispatcher takes it while this one sends it;
/// if this process dies mid-send, the lease runs out and another one sends it
/// again (at least once). The later events of the same article stay behind it,
/// since it is still pending.
pub(crate) fn claim(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    immediate(conn, |c| {
        let sql = match c.backend() {
            super::Backend::Postgres => format!("{DUE} FOR UPDATE OF d SKIP LOCKED"),
            super::Backend::Sqlite => DUE.to_owned(),
        };
        let ids: Vec<ClaimedId> =
            diesel::sql_query(sql).bind::<Timestamp, _>(now.naive_utc()).bind::<BigInt, _>(limit).load(c)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = ids.into_iter().map(|i| i.id).collect();
        diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
            .set(webhook_deliveries::next_attempt_at.eq(Some(lease_until.naive_utc())))
            .execute(c)?;
        let claimed: Vec<(DeliveryRow, WebhookRow)> = webhook_deliveries::table
            .inner_join(webhooks::table)
            .filter(webhook_deliveries::id.eq_any(&ids))
            .select((DeliveryRow::as_select(), WebhookRow::as_select()))
            .order_by(webhook_deliveries::change_seq.asc())
            .load(c)?;
        Ok(claimed.into_iter().map(|(delivery, webhook)| Claimed { delivery, webhook }).collect())
    })
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// What went wrong, if anything did before an answer (or the answer's reason).
    pub error: Option<String>,
    /// From sending to the answer (or the failure).
    pub latency_ms: i64,
    /// What follows from it.
    pub verdict: Verdict,
}

/// What an attempt means for the delivery and its subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// 2xx: done.
    Delivered,
    /// Try again after this wait, if the schedule has one (`None`: it has not).
    Retry(Option<TimeDelta>),
    /// 410: the receiver is gone for good; the subscription is turned off.
    Gone,
}

/// Records an attempt and what follows: the delivery done, due again, or failed
/// (and the subscription turned off after `FAILURES_TO_DISABLE` failures in a row,
/// or at once on 410). Nothing is recorded when the delivery is gone (its
/// subscription was deleted meanwhile).
pub(crate) fn record(conn: &mut DbConn, claimed: &Claimed, attempt: &Attempt) -> QueryResult<()> {
    immediate(conn, |c| {
        let at = attempt.at.naive_utc();
        let (status, next) = match attempt.verdict {
            Verdict::Delivered => (DELIVERED, None),
            Verdict::Retry(Some(wait)) => (PENDING, Some((attempt.at + wait).naive_utc())),
            Verdict::Retry(None) | Verdict::Gone => (FAILED, None),
        };
        let delivery = webhook_deliveries::table.find(&claimed.delivery.id);
        let changed = diesel::update(delivery)
            .set((
                webhook_deliveries::status.eq(status),
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::next_attempt_at.eq(next),
                webhook_deliveries::updated_at.eq(at),
            ))
            .execute(c)?;
        if changed == 0 {
            return Ok(());
        }
        let row = AttemptRow {
            id: uuid::Uuid::now_v7().to_string(),
            delivery_id: claimed.delivery.id.clone(),
            attempted_at: at,
            response_status: attempt.status.map(i32::from),
            error: attempt.error.clone(),
            latency_ms: attempt.latency_ms,
            next_retry_at: next,
        };
        diesel::insert_into(webhook_attempts::table).values(&row).execute(c)?;
        let subscription = webhooks::table.find(&claimed.webhook.id);
        match (attempt.verdict, status) {
            (Verdict::Delivered, _) => {
                // Only when there is a count to reset: every delivery of a busy
                // subscription would otherwise write (and lock) its one row.
                diesel::update(subscription.filter(webhooks::failures_in_a_row.ne(0)))
                    .set(webhooks::failures_in_a_row.eq(0))
                    .execute(c)?;
            }
            (Verdict::Gone, _) => {
                diesel::update(subscription)
                    .set((
                        webhooks::enabled.eq(false),
                        webhooks::disabled_reason.eq("the receiver answered 410 Gone"),
                        webhooks::updated_at.eq(at),
                    ))
                    .execute(c)?;
            }
            (_, FAILED) => {
                diesel::update(subscription)
                    .set(webhooks::failures_in_a_row.eq(webhooks::failures_in_a_row + 1))
                    .execute(c)?;
                let reason = format!("{FAILURES_TO_DISABLE} deliveries in a row failed");
                diesel::update(subscription.filter(webhooks::failures_in_a_row.ge(FAILURES_TO_DISABLE)))
                    .set((
                        webhooks::enabled.eq(false),
                        webhooks::disabled_reason.eq(reason),
                        webhooks::updated_at.eq(at),
                    ))
                    .execute(c)?;
            }
            _ => {}
        }
        Ok(())
    })
}
