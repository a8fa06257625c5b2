-- Kept counts behind GET /v1/sections and GET /v1/tags: how many articles anonymous
-- readers see per section and per tag. Counting them from the articles on every
-- read would scan the archive; instead each write transaction adjusts them, last,
-- for the articles it touched (db::counts, called from the change log), and the
-- scheduler's announcement counts a scheduled article when it becomes visible.
--
-- What each article contributes as last counted: its section and tags (as
-- stored) while it is counted as public, no row otherwise. A write compares this
-- with the article as it stands at commit, so a renamed section, a retag, an
-- unpublish or a delete takes back exactly what was counted before.
CREATE TABLE counted_articles (
    article_id TEXT PRIMARY KEY,
    section    TEXT,
    tags       TEXT NOT NULL
);

-- Sections as stored (exact: "World" and "world" are two sections). The key is
-- the lowercased name, for case-insensitive prefix search. Compared as bytes
-- (SQLite's BINARY; PostgreSQL's columns are told "C"), so that both backends
-- list names in the same order and a prefix is a range of keys. SQLite's lower()
-- folds ASCII only: a non-ASCII section counted by this backfill gets its
-- key right from the service at the next article counted in it.
CREATE TABLE section_counts (
    section       TEXT PRIMARY KEY,
    section_key   TEXT NOT NULL,
    article_count BIGINT NOT NULL
);
CREATE INDEX section_counts_key_idx ON section_counts (section_key, section);

-- Tags by their case-folded key, as articles are filtered by them; `tag` is the
-- spelling of the first article that brought the key into the list.
CREATE TABLE tag_counts (
    tag_key       TEXT PRIMARY KEY,
    tag           TEXT NOT NULL,
    article_count BIGINT NOT NULL
);

-- The backfill: the articles announced as public (a scheduled article whose time
-- has passed is counted when the scheduler announces it, a second later).
INSERT INTO counted_articles (article_id, section, tags)
SELECT id, section, tags FROM articles WHERE announced_public;

INSERT INTO section_counts (section, section_key, article_count)
SELECT section, lower(section), count(*) FROM counted_articles WHERE section IS NOT NULL GROUP BY section;

-- A tag's spelling from one of its articles (the service writes tag keys as the
-- lowercased tags; where the database's lower() disagrees, the key stands in).
INSERT INTO tag_counts (tag_key, tag, article_count)
SELECT c.tag_key,
       COALESCE((SELECT e.value FROM articles AS a, json_each(a.tags) AS e
                 WHERE a.id = c.example AND lower(e.value) = c.tag_key LIMIT 1), c.tag_key),
       c.n
FROM (SELECT t.tag_key, min(t.article_id) AS example, count(*) AS n
      FROM article_tags AS t JOIN counted_articles AS k ON k.article_id = t.article_id
      GROUP BY t.tag_key) AS c;
