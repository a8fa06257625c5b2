-- The change log (an outbox): one row per committed change to an article, a quote
-- or a related link, written in the same transaction as the change. SQLite has one
-- writer at a time, so `seq` follows commit order; AUTOINCREMENT never reuses a
-- number, even after the newest rows are pruned.
CREATE TABLE changes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    type          TEXT NOT NULL,
    occurred_at   TIMESTAMP NOT NULL,
    article_id    TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    -- The resource as the API shows it after the change (JSON); NULL for deletions.
    data          TEXT,
    -- The cache tags a CDN should purge (a JSON array).
    purge_tags    TEXT NOT NULL
);
CREATE INDEX changes_occurred_idx ON changes (occurred_at);

CREATE TABLE change_log_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through BIGINT NOT NULL
);
INSERT INTO change_log_state (id, pruned_through) VALUES (1, 0);

-- What subscribers were last told about the article's visibility (see the
-- PostgreSQL migration).
ALTER TABLE articles ADD COLUMN announced_public BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE articles SET announced_public = (status = 'published' AND published_at <= strftime('%Y-%m-%d %H:%M:%f', 'now'));
CREATE INDEX articles_unannounced_idx ON articles (published_at)
    WHERE status = 'published' AND NOT announced_public;
