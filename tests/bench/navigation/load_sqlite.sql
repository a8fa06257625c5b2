-- The sections and tags archive of load.sql for SQLite (BENCHMARKS.md, "Sections
-- and tags"), into a file migrated by the service (`newsdesk migrate`), empty:
--   sqlite3 FILE -cmd '.parameter set :n 1000000' < tests/bench/navigation/load_sqlite.sql
-- The same shape as load.sql (not the same random draws): article n is nav-n;
-- every 20th a draft, every 20th archived, every 100th scheduled; 40 sections and
-- lower-case spellings of them; three tags from 24,000 pseudo-words, skewed. The
-- kept counts are then filled by the migration's own backfill (its down.sql and
-- up.sql, run after this script), as on an archive that existed before it.
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE syllable (i INTEGER PRIMARY KEY, s TEXT NOT NULL);
INSERT INTO syllable (i, s) SELECT key, value FROM json_each(
  '["ka","lo","mi","ren","tas","vo","pe","dri","sun","mar","bel","ko","zu","fa","ni","gor","ti","wen","ha","lu"]');
CREATE TEMP TABLE word (i INTEGER PRIMARY KEY, w TEXT NOT NULL);
INSERT INTO word (i, w)
SELECT g.value, a.s || b.s || c.s || d.s
FROM generate_series(0, 23999) AS g
JOIN syllable AS a ON a.i = g.value % 20 JOIN syllable AS b ON b.i = (g.value / 20) % 20
JOIN syllable AS c ON c.i = (g.value / 400) % 20 JOIN syllable AS d ON d.i = (g.value / 8000) % 20;
-- The draws in a table of their own: a view's random() would be called once per use.
CREATE TEMP TABLE draw (n INTEGER PRIMARY KEY, r1 REAL NOT NULL, r2 REAL NOT NULL, k3 INTEGER NOT NULL);
INSERT INTO draw (n, r1, r2, k3)
SELECT value, (abs(random()) % 1000000) / 1e6, (abs(random()) % 1000000) / 1e6, abs(random()) % 8000
FROM generate_series(1, :n);
BEGIN;
INSERT INTO articles (id, slug, title, summary, body, byline, status, published_at, section, tags, language,
                      source_name, source_url, version, created_at, updated_at, announced_public)
SELECT '018f0000-0000-7000-8000-' || printf('%012d', d.n), 'nav-' || d.n, 'Story ' || d.n, NULL,
       'Text of story ' || d.n, NULL,
       CASE WHEN d.n % 20 = 0 THEN 'draft' WHEN d.n % 20 = 10 THEN 'archived' ELSE 'published' END,
       CASE WHEN d.n % 20 = 0 THEN NULL
            WHEN d.n % 100 = 1 THEN '2026-12-31 00:00:00'
            ELSE datetime('2021-01-01', '+' || (d.n * 150) || ' seconds') END,
       CASE WHEN d.n % 97 = 0 THEN lower('Section ' || (d.n % 40)) ELSE 'Section ' || (d.n % 40) END,
       -- capitalised as the PostgreSQL script's initcap
       json_array(upper(substr(w1.w, 1, 1)) || substr(w1.w, 2), upper(substr(w2.w, 1, 1)) || substr(w2.w, 2), w3.w),
       'en', NULL, NULL, 1, datetime('now'), datetime('now'),
       d.n % 20 NOT IN (0, 10) AND d.n % 100 <> 1
FROM draw AS d
JOIN word AS w1 ON w1.i = CAST(8000 * d.r1 * d.r1 * d.r1 AS INTEGER) % 8000
JOIN word AS w2 ON w2.i = 8000 + CAST(8000 * d.r2 * d.r2 AS INTEGER) % 8000
JOIN word AS w3 ON w3.i = 16000 + d.k3;
INSERT INTO article_tags (article_id, tag_key, status, published_at)
SELECT DISTINCT a.id, lower(t.value), a.status, a.published_at FROM articles AS a, json_each(a.tags) AS t;
COMMIT;
ANALYZE;
SELECT count(*) FROM articles;
