-- Articles. Ids are canonical UUID strings (text keeps one schema for both
-- backends); timestamps are UTC without a zone, set by the service.
CREATE TABLE articles (
    id           TEXT COLLATE "C" PRIMARY KEY,
    slug         TEXT NOT NULL CONSTRAINT articles_slug_key UNIQUE,
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
    updated_at   TIMESTAMP NOT NULL,
    -- Full-text search over title, summary and body, kept by PostgreSQL itself.
    search       TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('english', body), 'C')
    ) STORED
);

-- One index per list order and filter; each ends in the sort key and id so that a
-- filtered, sorted keyset page is an index range scan.
CREATE INDEX articles_status_published_idx ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC, id DESC);
CREATE INDEX articles_updated_idx ON articles (updated_at DESC, id DESC);
CREATE INDEX articles_section_idx ON articles (section, published_at DESC, id DESC);
CREATE INDEX articles_source_name_idx ON articles (source_name, published_at DESC, id DESC);
CREATE INDEX articles_language_idx ON articles (language, published_at DESC, id DESC);
CREATE INDEX articles_search_idx ON articles USING GIN (search);

-- Tags as rows, matched case-insensitively through the lowercased key; the
-- article's `tags` column keeps them as sent, for display.
CREATE TABLE article_tags (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_key    TEXT NOT NULL,
    PRIMARY KEY (article_id, tag_key)
);
CREATE INDEX article_tags_key_idx ON article_tags (tag_key, article_id);
