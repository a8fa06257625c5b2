-- How far the change log has been published to NATS JetStream (see the PostgreSQL
-- migration). On SQLite one process publishes.
CREATE TABLE nats_publisher (
    stream            TEXT PRIMARY KEY NOT NULL,
    published_through BIGINT NOT NULL
);
