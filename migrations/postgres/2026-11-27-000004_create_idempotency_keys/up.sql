-- Responses to POST requests sent with an Idempotency-Key, so that a retry gets the
-- first answer instead of creating a second resource. `client` is a SHA-256 of the
-- request's credentials, so two clients never share a key. A row with a NULL
-- `response_status` is a request still being served.
CREATE TABLE idempotency_keys (
    client           TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    method           TEXT NOT NULL,
    path             TEXT NOT NULL,
    fingerprint      TEXT,
    response_status  INTEGER,
    response_headers TEXT,
    response_body    BYTEA,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (client, idempotency_key)
);
-- Expired keys are purged by age.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
