-- Webhook subscriptions, their durable delivery queue and its attempt log.
-- The secret is kept as given to the subscriber (it signs every delivery, so it
-- cannot be a digest); after a rotation the previous one keeps signing until
-- previous_secret_expires_at.
CREATE TABLE webhooks (
    id                         TEXT PRIMARY KEY NOT NULL,
    url                        TEXT NOT NULL,
    events                     TEXT NOT NULL,
    description                TEXT,
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at TIMESTAMP,
    enabled                    BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason            TEXT,
    failures_in_a_row          INTEGER NOT NULL DEFAULT 0,
    created_at                 TIMESTAMP NOT NULL,
    updated_at                 TIMESTAMP NOT NULL
);

-- How far the fan-out has read the change log: one row, moved in the same
-- transaction as the deliveries it creates.
CREATE TABLE webhook_fanout (
    id       INTEGER PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO webhook_fanout (id, last_seq) VALUES (1, 0);

-- One row per (subscription, change record): the body is fixed when the row is
-- made, so that every retry sends the same bytes under the same webhook-id.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    change_seq      BIGINT NOT NULL,
    event_type      TEXT NOT NULL,
    article_id      TEXT,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, change_seq)
);
-- The dispatcher's claim: due pending deliveries, oldest due first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The per-article order check: an earlier pending delivery of the same article.
CREATE INDEX webhook_deliveries_article ON webhook_deliveries (webhook_id, article_id, change_seq)
    WHERE status = 'pending';
-- The delivery log, newest first.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_attempts (
    id              TEXT PRIMARY KEY NOT NULL,
    delivery_id     TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at    TIMESTAMP NOT NULL,
    response_status INTEGER,
    error           TEXT,
    latency_ms      BIGINT NOT NULL,
    next_retry_at   TIMESTAMP
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
