-- Revisions: each article's history, one row per committed change to the article
-- or its quotes and links, written in the same transaction as its change records.
-- No foreign key: a deleted article's history outlives it (for the retention time),
-- so that the story can be found and restored as a new article.
-- Stored compactly: the newest revision of an article, and every 50th, hold the
-- whole snapshot (the article with its quotes and links, as JSON); each other one
-- holds only the delta that turns the next revision's snapshot back into its own
-- (JSON, see `domain::revision_delta`). An article deleted holds its last content
-- in its deletion's snapshot ('null' when it had no history before).
CREATE TABLE revisions (
    article_id    TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    recorded_at   TIMESTAMP NOT NULL,
    change        TEXT NOT NULL,
    -- The API token that made the change, with its name at the time; NULL for the
    -- command line and the seed.
    token_id      TEXT,
    token_name    TEXT,
    version       INTEGER NOT NULL,
    restored_from INTEGER,
    snapshot      TEXT,
    delta         TEXT,
    PRIMARY KEY (article_id, revision)
);
-- Pruning by age.
CREATE INDEX revisions_recorded_idx ON revisions (recorded_at);
