-- An article's publication number: 1, 2, 3 … in the order articles were first
-- announced as public, given by the change log (db::changes::record) in the write
-- transaction that first announces the article, and kept for good: an article
-- unpublished and published again, edited or re-dated keeps its number; a deleted
-- one takes it with it. NULL: never announced as public. The sitemap archive is
-- cut by it (file n holds the numbers 50,000 × (n − 1) + 1 to 50,000 × n), so a
-- file's articles stay in it as the archive grows, and a file's start is a range
-- of this index, not a count of everything before it.
ALTER TABLE articles ADD COLUMN publication_seq BIGINT;

-- The backfill: the articles announced as public, in publication order (a
-- scheduled article whose time has passed is numbered when the scheduler
-- announces it, a second later).
UPDATE articles SET publication_seq = n.seq
FROM (SELECT id, row_number() OVER (ORDER BY published_at, id) AS seq FROM articles WHERE announced_public) AS n
WHERE articles.id = n.id;

CREATE UNIQUE INDEX articles_publication_seq_idx ON articles (publication_seq);
