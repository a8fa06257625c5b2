//! The workers that keep the change log moving: announcing scheduled articles when
//! their time comes, pruning old records, and publishing them to NATS JetStream
//! when configured (`nats`). (Delivery to subscribers reads the same log.) Started
//! once per process by `app::start`; they stop with the server.

pub(crate) mod nats;

pub(crate) mod webhooks;

use std::time::Duration;

use chrono::Utc;

use crate::config::EventSettings;
use crate::db::{Database, changes, schedule};

/// How often scheduled articles are checked: "within a few seconds" of their time.
const SCHEDULE_TICK: Duration = Duration::from_secs(1);

/// How often old records are pruned.
const PRUNE_TICK: Duration = Duration::from_secs(3600);

/// Starts the workers on the current actix system.
pub fn start(db: &Database, settings: &EventSettings) {
    let db = db.for_workers();
    actix_web::rt::spawn(announce_scheduled(db.clone()));
    actix_web::rt::spawn(prune_old(db.clone(), settings.changes_retention_days));
    nats::start(&db, settings);
    // A pool of its own: a burst of deliveries never delays the announcements.
    webhooks::start(&db.for_workers(), &settings.webhooks);
}

/// Emits `article.published` for scheduled articles as their time comes. A failed
/// round (database down, still migrating) is retried on the next tick; nothing is
/// lost, since what is due stays due.
async fn announce_scheduled(db: Database) {
    let mut tick = tokio::time::interval(SCHEDULE_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
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

/// Deletes records past the retention, at start and then every hour.
async fn prune_old(db: Database, retention_days: u32) {
    let mut tick = tokio::time::interval(PRUNE_TICK);
    loop {
        tick.tick().await;
        if !db.is_migrated() {
            // Not ready yet: try again soon rather than in an hour.
            tokio::time::sleep(Duration::from_secs(5)).await;
            tick.reset_immediately();
            continue;
        }
        let before = Utc::now() - chrono::Duration::days(i64::from(retention_days));
        match db.run(move |c| changes::prune(c, before)).await {
            Ok(0) => {}
            Ok(n) => log::info!("pruned {n} change record(s) older than {retention_days} days"),
            Err(e) => log::warn!("pruning the change log failed (retried in an hour): {e}"),
        }
    }
}
