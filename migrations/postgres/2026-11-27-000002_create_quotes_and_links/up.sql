-- Quotes belong to one article and go with it (ON DELETE CASCADE). Positions are
-- unique per article; the service keeps them a gap-free 0..n sequence.
CREATE TABLE quotes (
    id            TEXT COLLATE "C" PRIMARY KEY,
    article_id    TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    speaker_name  TEXT NOT NULL,
    -- Lowercased speaker name, for case-insensitive search by speaker.
    speaker_key   TEXT NOT NULL,
    speaker_title TEXT,
    context       TEXT,
    position      INTEGER NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    search        TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    CONSTRAINT quotes_position_key UNIQUE (article_id, position)
);
CREATE INDEX quotes_speaker_idx ON quotes (speaker_key, created_at DESC, id DESC);
CREATE INDEX quotes_created_idx ON quotes (created_at DESC, id DESC);
CREATE INDEX quotes_search_idx ON quotes USING GIN (search);

-- Related links: from one article to another article or to a URL, never both,
-- never the article itself, each target at most once per article. Links pointing
-- at a deleted article go with it (ON DELETE CASCADE on target_article_id).
CREATE TABLE related_links (
    id                TEXT COLLATE "C" PRIMARY KEY,
    article_id        TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    target_article_id TEXT COLLATE "C" REFERENCES articles (id) ON DELETE CASCADE,
    url               TEXT,
    title             TEXT,
    relation          TEXT NOT NULL CHECK (relation IN ('related', 'more', 'feature')),
    position          INTEGER NOT NULL,
    version           INTEGER NOT NULL CHECK (version >= 1),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CONSTRAINT related_links_one_target CHECK ((target_article_id IS NULL) <> (url IS NULL)),
    CONSTRAINT related_links_not_self CHECK (target_article_id <> article_id),
    CONSTRAINT related_links_position_key UNIQUE (article_id, position),
    CONSTRAINT related_links_target_key UNIQUE (article_id, target_article_id),
    CONSTRAINT related_links_url_key UNIQUE (article_id, url)
);
CREATE INDEX related_links_target_idx ON related_links (target_article_id, article_id);
