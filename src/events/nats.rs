//! The broker: with `NEWSDESK_EVENTS_NATS_URL`, every change record is also
//! published to a NATS JetStream stream, read from the change log (the outbox)
//! in sequence order. A record goes to `<prefix>.<type>` with its sequence number
//! as `Nats-Msg-Id`, and the position stored in the database advances only once
//! JetStream has acknowledged it: while NATS is down records wait in the log, then
//! go in order. A crash between the acknowledgement and the stored position sends
//! a record again, and JetStream drops the copy (same message id, within the
//! stream's duplicate window).

use std::time::Duration;

use async_nats::jetstream::context::{PublishError, PublishErrorKind};
use async_nats::jetstream::{self, stream};
use async_nats::{ConnectOptions, Event, HeaderMap, ServerAddr, connection::State, header};

use actix_web::rt::task::JoinHandle;

use super::StopSignal;
use crate::config::{EventSettings, nats_servers};
use crate::db::changes::{self, ChangeRow};
use crate::db::{Database, DbError, nats_publisher};
use crate::domain::change::ChangeRecord;

/// How often the log is read when no local write says something was appended
/// (other processes' records, and retries after a failure).
const POLL: Duration = Duration::from_secs(1);

/// Records per round: one database transaction, one acknowledgement each.
const BATCH: i64 = 500;

/// The header that says a record was sent without its `data` (the resource's
/// representation), which would not fit within the server's `max_payload`: the
/// consumer reads the resource itself.
const DATA_OMITTED: &str = "Newsdesk-Data-Omitted";

/// Where and how to publish.
#[derive(Debug, Clone)]
struct Target {
    servers: Vec<ServerAddr>,
    stream: String,
    prefix: String,
    duplicate_window: Duration,
    max_age: Duration,
}

/// Starts the publisher when a NATS URL is configured.
pub(crate) fn start(db: &Database, settings: &EventSettings, stop: StopSignal) -> Option<JoinHandle<()>> {
    let raw = settings.nats_url.as_deref()?;
    let servers = match nats_servers(raw) {
        Ok(servers) if !servers.is_empty() => servers,
        Ok(_) => return None,
        Err(e) => {
            // The settings' parser has already refused this; kept for safety.
            log::error!("NEWSDESK_EVENTS_NATS_URL: {e}; change records are not published");
            return None;
        }
    };
    let target = Target {
        servers,
        stream: settings.nats_stream.clone(),
        prefix: settings.nats_subject_prefix.clone(),
        duplicate_window: Duration::from_secs(settings.nats_duplicate_window_secs),
        max_age: Duration::from_secs(u64::from(settings.changes_retention_days) * 86_400),
    };
    // A pool of its own: a round holds its connection until JetStream has
    // acknowledged each record, and the other workers must not wait behind it.
    Some(actix_web::rt::spawn(run(db.for_workers(), target, stop)))
}

/// Connects (in the background, retrying for ever), then publishes whenever
/// records are appended, polling for the others.
async fn run(db: Database, target: Target, mut stop: StopSignal) {
    let connecting = ConnectOptions::new()
        .name("newsdesk")
        .retry_on_initial_connect()
        .max_reconnects(None)
        .event_callback(|event| async move {
            match event {
                Event::Connected => log::info!("NATS connected: publishing change records"),
                Event::Disconnected => log::warn!("NATS connection lost: change records wait in the database"),
                other => log::debug!("NATS: {other}"),
            }
        })
        .connect(target.servers.clone())
        .await;
    let client = match connecting {
        Ok(client) => client,
        Err(e) => {
            log::error!("NEWSDESK_EVENTS_NATS_URL: {e}; change records are not published");
            return;
        }
    };
    let mut publisher = Publisher { jetstream: jetstream::new(client.clone()), target, ready: false, failing: false };
    let mut more = true;
    loop {
        // Listening before reading, so that a commit during the round wakes the next.
        let appended = changes::appended().notified();
        tokio::pin!(appended);
        appended.as_mut().enable();
        if !more {
            tokio::select! {
                _ = tokio::time::timeout(POLL, appended) => {}
                () = stop.stopped() => return,
            }
        }
        more = false;
        if !db.is_migrated() || client.connection_state() != State::Connected {
            continue;
        }
        match publisher.round(&db).await {
            Ok(full) => {
                more = full;
                if std::mem::take(&mut publisher.failing) {
                    log::info!("publishing change records to NATS again");
                }
            }
            // Once per outage; the round is retried on the next tick.
            Err(e) if !publisher.failing => {
                publisher.failing = true;
                log::warn!("publishing change records to NATS failed (retried every second): {e}");
            }
            Err(e) => log::debug!("publishing change records to NATS failed again: {e}"),
        }
    }
}

struct Publisher {
    jetstream: jetstream::Context,
    target: Target,
    /// Whether the stream and its progress row are known to exist.
    ready: bool,
    /// Whether the last round failed (so that an outage is logged once).
    failing: bool,
}

/// Why a record could not be published.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{0}")]
    Publish(#[from] PublishError),
    #[error("{0}")]
    Record(#[from] DbError),
}

impl Publisher {
    /// One round: the stream ensured if need be, then up to `BATCH` records.
    /// Returns whether more may be waiting.
    async fn round(&mut self, db: &Database) -> Result<bool, String> {
        if !self.ready {
            self.ensure_stream().await?;
            let stream = self.target.stream.clone();
            db.run(move |c| nats_publisher::ensure(c, &stream)).await.map_err(|e| e.to_string())?;
            self.ready = true;
        }
        let (jetstream, target) = (self.jetstream.clone(), self.target.clone());
        // The round runs on a blocking thread, inside the database transaction that
        // holds the stream's row: each record is published from there and its
        // acknowledgement awaited before the next.
        let runtime = tokio::runtime::Handle::current();
        let round = db
            .run(move |c| {
                nats_publisher::publish_round(c, &target.stream, BATCH, |row| {
                    runtime.block_on(publish(&jetstream, &target.prefix, row))
                })
            })
            .await
            .map_err(|e| e.to_string())?;
        // Another process holds the row: it publishes.
        let Some(round) = round else { return Ok(false) };
        if let Some((from, to)) = round.missed {
            log::error!(
                "change records {from}..={to} were pruned before they were published to NATS (the publisher was \
                 behind by more than NEWSDESK_CHANGES_RETENTION_DAYS)"
            );
        }
        match round.error {
            None => Ok(round.full),
            Some(e) => {
                if let Failure::Publish(p) = &e
                    && matches!(p.kind(), PublishErrorKind::StreamNotFound)
                {
                    // Deleted, or a server that came back without its storage.
                    self.ready = false;
                }
                Err(format!("after {} record(s), through {}: {e}", round.published, round.through))
            }
        }
    }

    /// Creates the stream when it does not exist; an existing one is used as it is.
    async fn ensure_stream(&self) -> Result<(), String> {
        let subjects = format!("{}.>", self.target.prefix);
        let config = stream::Config {
            name: self.target.stream.clone(),
            subjects: vec![subjects.clone()],
            duplicate_window: self.target.duplicate_window,
            max_age: self.target.max_age,
            ..Default::default()
        };
        let stream = self
            .jetstream
            .get_or_create_stream(config)
            .await
            .map_err(|e| format!("cannot create or find the JetStream stream {}: {e}", self.target.stream))?;
        let config = &stream.cached_info().config;
        if !config.subjects.contains(&subjects) {
            log::warn!(
                "the JetStream stream {} exists with subjects {:?}, not {subjects}: records it does not capture fail",
                config.name,
                config.subjects
            );
        }
        Ok(())
    }
}

/// Publishes one record and waits for JetStream's acknowledgement. A record too
/// large for the server goes without its `data`, marked by a header.
async fn publish(jetstream: &jetstream::Context, prefix: &str, row: ChangeRow) -> Result<(), Failure> {
    let mut record = ChangeRecord::try_from(row)?;
    let subject = format!("{prefix}.{}", record.change_type.as_str());
    let mut headers = HeaderMap::new();
    headers.insert(header::NATS_MESSAGE_ID, record.sequence.to_string().as_str());
    let sent = jetstream.publish_with_headers(subject.clone(), headers.clone(), body(&record)?).await;
    let ack = match sent {
        Err(e) if matches!(e.kind(), PublishErrorKind::MaxPayloadExceeded) => {
            record.data = None;
            headers.insert(DATA_OMITTED, "too-large");
            jetstream.publish_with_headers(subject, headers, body(&record)?).await?
        }
        other => other?,
    };
    let ack = ack.await?;
    if ack.duplicate {
        log::debug!("NATS already had change record {} (a duplicate, dropped)", record.sequence);
    }
    Ok(())
}

fn body(record: &ChangeRecord) -> Result<bytes::Bytes, DbError> {
    serde_json::to_vec(record).map(Into::into).map_err(|e| DbError::Corrupt(e.to_string()))
}
