-- The change log (an outbox): one row per committed change to an article, a quote
-- or a related link, written in the same transaction as the change. The change
-- feed, webhook deliveries and the broker all read it in `seq` order; writers take
-- a transaction-scoped advisory lock before appending, so sequence numbers are
-- handed out in commit order and a reader never sees N+1 before N.
CREATE TABLE changes (
    seq           BIGSERIAL PRIMARY KEY,
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
-- Pruning by age.
CREATE INDEX changes_occurred_idx ON changes (occurred_at);

-- How far pruning has gone: a cursor at or below `pruned_through` asks for
-- records that are gone (a 410).
CREATE TABLE change_log_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through BIGINT NOT NULL
);
INSERT INTO change_log_state (id, pruned_through) VALUES (1, 0);

-- What subscribers were last told about the article's visibility to anonymous
-- readers: the change log emits `article.published` / `article.unpublished` when
-- the visibility rule's answer differs from it, at a write or, for an article
-- scheduled for later, when its time comes.
ALTER TABLE articles ADD COLUMN announced_public BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE articles SET announced_public = (status = 'published' AND published_at <= now() AT TIME ZONE 'UTC');
-- The scheduled articles still to announce, found without scanning the archive.
CREATE INDEX articles_unannounced_idx ON articles (published_at)
    WHERE status = 'published' AND NOT announced_public;
