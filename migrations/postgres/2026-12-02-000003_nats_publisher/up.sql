-- How far the change log has been published to NATS JetStream, one row per stream
-- (a new stream name starts again from the oldest record kept). Advanced only after
-- JetStream has acknowledged a record; the publishing process holds its row locked
-- (FOR UPDATE SKIP LOCKED) for the whole round, so one process publishes at a time
-- and records go out in sequence order.
CREATE TABLE nats_publisher (
    stream            TEXT PRIMARY KEY,
    published_through BIGINT NOT NULL
);
