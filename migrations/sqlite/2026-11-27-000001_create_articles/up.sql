-- Articles. `seq` is an SQLite-only rowid alias: FTS5 indexes rows by an integer
-- that must never change (VACUUM renumbers plain rowids), and diesel never sees it.
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    summary      TEXT,
    body         TEXT NOT NULL,
    byline       TEXT,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    published_at TIMESTAMP,
    section      TEXT,
    tags         TEXT NOT NULL DEFAULT '[]',
    language     TEXT NOT NULL,
    source_name  TEXT,
    source_url   TEXT,
    version      INTEGER NOT NULL CHECK (version >= 1),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE INDEX articles_status_published_idx ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC, id DESC);
CREATE INDEX articles_updated_idx ON articles (updated_at DESC, id DESC);
CREATE INDEX articles_section_idx ON articles (section, published_at DESC, id DESC);
CREATE INDEX articles_source_name_idx ON articles (source_name, published_at DESC, id DESC);
CREATE INDEX articles_language_idx ON articles (language, published_at DESC, id DESC);

CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_key    TEXT NOT NULL,
    PRIMARY KEY (article_id, tag_key)
);
CREATE INDEX article_tags_key_idx ON article_tags (tag_key, article_id);

-- Full-text search: an external-content FTS5 index over title, summary and body,
-- with the same English stemming idea as PostgreSQL's 'english' configuration,
-- kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body,
    content = 'articles', content_rowid = 'seq', tokenize = 'porter unicode61'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, summary, body)
    VALUES (new.seq, new.title, new.summary, new.body);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body)
    VALUES ('delete', old.seq, old.title, old.summary, old.body);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body)
    VALUES ('delete', old.seq, old.title, old.summary, old.body);
    INSERT INTO articles_fts (rowid, title, summary, body)
    VALUES (new.seq, new.title, new.summary, new.body);
END;
