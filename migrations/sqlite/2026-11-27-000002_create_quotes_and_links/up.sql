-- Quotes; `seq` is the stable rowid alias that the FTS5 index refers to.
CREATE TABLE quotes (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    article_id    TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    speaker_name  TEXT NOT NULL,
    speaker_key   TEXT NOT NULL,
    speaker_title TEXT,
    context       TEXT,
    position      INTEGER NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (article_id, position)
);
CREATE INDEX quotes_speaker_idx ON quotes (speaker_key, created_at DESC, id DESC);
CREATE INDEX quotes_created_idx ON quotes (created_at DESC, id DESC);

CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, content = 'quotes', content_rowid = 'seq', tokenize = 'porter unicode61'
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO quotes_fts (rowid, text) VALUES (new.seq, new.text);
END;

CREATE TABLE related_links (
    id                TEXT PRIMARY KEY NOT NULL,
    article_id        TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    target_article_id TEXT REFERENCES articles (id) ON DELETE CASCADE,
    url               TEXT,
    title             TEXT,
    relation          TEXT NOT NULL CHECK (relation IN ('related', 'more', 'feature')),
    position          INTEGER NOT NULL,
    version           INTEGER NOT NULL CHECK (version >= 1),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CHECK ((target_article_id IS NULL) <> (url IS NULL)),
    CHECK (target_article_id <> article_id),
    UNIQUE (article_id, position),
    UNIQUE (article_id, target_article_id),
    UNIQUE (article_id, url)
);
CREATE INDEX related_links_target_idx ON related_links (target_article_id, article_id);
