//! The workers that keep the change log moving: announcing scheduled articles when
//! their time comes, pruning old records, and publishing them to NATS JetStream
//! when configured (`nats`). (Delivery to subscribers reads the same log.) Started
//! once per process by `app::start`; stopped by `Workers::stop` once the server has
//! stopped, so that a SIGTERM lets the webhook deliveries in flight finish.

pub(crate) mod nats;

pub(crate) mod webhooks;

use std::time::Duration;

use actix_web::rt::task::JoinHandle;
use chrono::Utc;
use tokio::sync::watch;

use crate::config::EventSettings;
use crate::db::{Database, changes, revisions, schedule};

/// How often scheduled articles are checked: "within a few seconds" of their time.
const SCHEDULE_TICK: Duration = Duration::from_secs(1);

/// How often old records are pruned.
const PRUNE_TICK: Duration = Duration::from_secs(3600);

/// The running workers of one process.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Tells every worker to stop and waits up to `grace` for them to finish what
    /// they hold: the webhook dispatcher claims nothing more and lets the deliveries
    /// in flight complete and be recorded (cut off, each would be sent again once
    /// its lease ran out), the publisher finishes its round. What is not done by
    /// then is left to the next start: nothing is lost either way.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, futures_util::future::join_all(self.tasks)).await.is_err() {
            log::warn!("event workers still busy {grace:?} after the stop; the next start finishes their work");
        }
    }
}

/// What a worker watches to know it should stop.
#[derive(Debug, Clone)]
pub(crate) struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    /// Whether `Workers::stop` has been called.
    pub(crate) fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once `Workers::stop` is called; never if the `Workers` were dropped
    /// without it (the workers then run as long as the runtime does).
    pub(crate) async fn stopped(&mut self) {
        if self.0.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Starts the workers on the current actix system.
pub fn start(db: &Database, settings: &EventSettings) -> Workers {
    let (stop, signal) = watch::channel(false);
    let signal = StopSignal(signal);
    let db = db.for_workers();
    let mut tasks = vec![
        actix_web::rt::spawn(announce_scheduled(db.clone(), signal.clone())),
        actix_web::rt::spawn(prune_old(db.clone(), settings.changes_retention_days, signal.clone())),
    ];
    tasks.extend(nats::start(&db, settings, signal.clone()));
    // A pool of its own: a burst of deliveries never delays the announcements.
    tasks.extend(webhooks::start(&db.for_workers(), &settings.webhooks, signal));
    Workers { stop, tasks }
}

/// Emits `article.published` for scheduled articles as their time comes. A failed
/// round (database down, still migrating) is retried on the next tick; nothing is
/// lost, since what is due stays due.
async fn announce_scheduled(db: Database, mut stop: StopSignal) {
    let mut tick = tokio::time::interval(SCHEDULE_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stop.stopped() => return,
        }
        if !db.is_migrated() {
            continue;
        }
        // Up to 100 per round; go on at once while there are more.
        loop {
            match db.run(|c| schedule::announce_due(c, Utc::now())).await {
                Ok(100..) => {}
                Ok(_) => break,
                Err(e) => {
                    log::warn!("announcing scheduled articles failed (retried in a second): {e}");
                    break;
                }
            }
        }
    }
}

/// Deletes change records and revisions past their retention, at start and then
/// every hour.
async fn prune_old(db: Database, retention_days: u32, mut stop: StopSignal) {
    let mut tick = tokio::time::interval(PRUNE_TICK);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stop.stopped() => return,
        }
        if !db.is_migrated() {
            // Not ready yet: try again soon rather than in an hour.
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
                () = stop.stopped() => return,
            }
            tick.reset_immediately();
            continue;
        }
        let before = Utc::now() - chrono::Duration::days(i64::from(retention_days));
        match db.run(move |c| changes::prune(c, before)).await {
            Ok(0) => {}
            Ok(n) => log::info!("pruned {n} change record(s) older than {retention_days} days"),
            Err(e) => log::warn!("pruning the change log failed (retried in an hour): {e}"),
        }
        // Revisions past their age limit, of articles nobody writes any more too
        // (a write prunes its own article's history as it goes).
        let retention = db.retention();
        match db.run(move |c| revisions::prune_old(c, retention, Utc::now())).await {
            Ok(0) => {}
            Ok(n) => log::info!("pruned {n} revision(s) older than {} days", retention.max_age_days),
            Err(e) => log::warn!("pruning old revisions failed (retried in an hour): {e}"),
        }
    }
}
