//! The webhook dispatcher: fans new change records out into the delivery queue,
//! claims due deliveries and sends them, each on its own task (a slow receiver
//! holds up nobody else), and records every attempt. All state is in the database,
//! so a crash or a restart delays deliveries and loses none; several processes on
//! one PostgreSQL share the queue (`db::webhook_queue`).

mod send;

use std::sync::Arc;
use std::time::Duration;

use actix_web::rt::task::JoinHandle;
use tokio::sync::{Notify, Semaphore};

use super::StopSignal;

use crate::config::WebhookSettings;
use crate::db::webhook_queue::{self as queue, Claimed};
use crate::db::{Database, changes};
use crate::domain::time::now;
use send::Sender;

/// Change records read per fan-out round.
const FAN_OUT_BATCH: i64 = 500;

/// How long a commit's wake-up waits for others to share its round: a few
/// milliseconds of lag for far fewer rounds under a stream of writes.
const COALESCE: Duration = Duration::from_millis(10);

/// How long a claimed delivery stays this process's before another may take it:
/// longer than an attempt can last, so that a live sender is never raced, and
/// short enough that a crashed one's deliveries are soon sent by someone else.
fn lease(settings: &WebhookSettings) -> Duration {
    settings.timeout() * 2 + Duration::from_secs(5)
}

/// Starts the dispatcher on the current actix system.
pub(crate) fn start(db: &Database, settings: &WebhookSettings, stop: StopSignal) -> Option<JoinHandle<()>> {
    let sender = match Sender::new(settings) {
        Ok(sender) => sender,
        Err(e) => {
            log::error!("webhooks are not delivered: the HTTP client cannot be built: {e}");
            return None;
        }
    };
    Some(actix_web::rt::spawn(dispatch(db.clone(), settings.clone(), Arc::new(sender), stop)))
}

/// Runs rounds until told to stop, then waits for the deliveries in flight (each
/// holds a slot until its attempt is recorded).
async fn dispatch(db: Database, settings: WebhookSettings, sender: Arc<Sender>, mut stop: StopSignal) {
    let slots = Arc::new(Semaphore::new(settings.concurrency as usize));
    // Notified (one permit kept) when a send finishes: the next event of its
    // article may now be due.
    let finished = Arc::new(Notify::new());
    let poll = Duration::from_millis(settings.poll_ms);
    // Woken by a commit alone, a round has only new records to fan out: what is
    // due otherwise (retries, the next event of an article) comes with a finished
    // send or the poll.
    let mut after_commit = false;
    while !stop.is_stopped() {
        // Registered before the work, so that a commit during it is not missed.
        let appended = changes::appended().notified();
        tokio::pin!(appended);
        appended.as_mut().enable();
        let busy = db.is_migrated() && round(&db, &settings, &sender, &slots, &finished, after_commit).await;
        if busy {
            after_commit = false;
            continue;
        }
        after_commit = tokio::select! {
            () = &mut appended => true,
            () = finished.notified() => false,
            () = tokio::time::sleep(poll) => false,
            () = stop.stopped() => break,
        };
        if after_commit {
            // Commits close together share one round.
            tokio::time::sleep(COALESCE).await;
        }
    }
    let in_flight = settings.concurrency as usize - slots.available_permits();
    if in_flight > 0 {
        log::info!("stopping: waiting for {in_flight} webhook delivery attempt(s) in flight");
    }
    let _ = slots.acquire_many(settings.concurrency).await;
}

/// One round: fan out, then claim what there are free slots for and start
/// sending it (after a commit, only if the fan-out queued something). Whether
/// there may be more to do at once.
async fn round(
    db: &Database,
    settings: &WebhookSettings,
    sender: &Arc<Sender>,
    slots: &Arc<Semaphore>,
    finished: &Arc<Notify>,
    after_commit: bool,
) -> bool {
    let fanned = match db.run(|c| queue::fan_out(c, FAN_OUT_BATCH, now())).await {
        Ok(fanned) => fanned,
        Err(e) => {
            log::warn!("webhook fan-out failed (retried shortly): {e}");
            return false;
        }
    };
    let more_records = fanned.read == FAN_OUT_BATCH as usize;
    if after_commit && fanned.queued == 0 {
        return more_records;
    }
    let free = slots.available_permits();
    if free == 0 {
        return more_records;
    }
    let limit = i64::try_from(free).unwrap_or(i64::MAX);
    let at = now();
    let lease_until = at + chrono::TimeDelta::from_std(lease(settings)).unwrap_or(chrono::TimeDelta::minutes(1));
    let claimed = match db.run(move |c| queue::claim(c, at, lease_until, limit)).await {
        Ok(claimed) => claimed,
        Err(e) => {
            log::warn!("claiming webhook deliveries failed (retried shortly): {e}");
            return false;
        }
    };
    let full = claimed.len() == free;
    for delivery in claimed {
        let Ok(slot) = Arc::clone(slots).try_acquire_owned() else { break };
        let (db, sender, finished) = (db.clone(), Arc::clone(sender), Arc::clone(finished));
        actix_web::rt::spawn(async move {
            deliver(&db, &sender, delivery).await;
            drop(slot);
            finished.notify_one();
        });
    }
    more_records || full
}

/// Sends one attempt and records it. A failure to record leaves the delivery
/// claimed until its lease runs out, and then it is sent again (at least once).
async fn deliver(db: &Database, sender: &Sender, claimed: Claimed) {
    let attempt = sender.attempt(&claimed).await;
    log::debug!(
        "webhook delivery {} to {}: {:?} {:?}",
        claimed.delivery.id,
        claimed.webhook.id,
        attempt.status,
        attempt.verdict
    );
    // The database may be briefly away: try a few times before leaving it to
    // the lease.
    for wait in [0, 1, 2, 4] {
        tokio::time::sleep(Duration::from_secs(wait)).await;
        let (held, attempt) = (claimed.clone(), attempt.clone());
        match db.run(move |c| queue::record(c, &held, &attempt)).await {
            Ok(()) => return,
            Err(e) => log::warn!("recording webhook delivery {} failed: {e}", claimed.delivery.id),
        }
    }
}
