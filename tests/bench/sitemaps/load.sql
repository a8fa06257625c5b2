-- A generated archive for the sitemap benchmark (BENCHMARKS.md, "Discovery: sitemap
-- files at a million articles"), into a migrated, empty PostgreSQL database:
--   psql "$URL" -v n=1000000 -f tests/bench/sitemaps/load.sql
-- Article n is map-n, published one minute after article n - 1 from 2020-01-01
-- (every 20th a draft, every 20th archived: 900,000 public at a million), each with
-- a full lead image (URL, alt text, caption, credit, size: about 260 bytes of
-- JSON, the worst case for an entry). One-character bodies and no full-text
-- index: a sitemap reads neither, and the load stays short. The articles are
-- stored as already announced; their publication numbers are then given by the
-- numbering migration's own backfill (its down.sql, then its up.sql, run after
-- this script), as on an archive that existed before it.
\set ON_ERROR_STOP on
DROP INDEX IF EXISTS articles_search_idx;
INSERT INTO articles (id, slug, title, summary, body, byline, status, published_at, section, tags, language,
                      source_name, source_url, version, created_at, updated_at, announced_public, image)
SELECT '018f0000-0000-7000-8000-' || lpad(n::text, 12, '0'), 'map-' || n, 'Story number ' || n, NULL, 'x', NULL,
       CASE WHEN n % 20 = 0 THEN 'draft' WHEN n % 20 = 10 THEN 'archived' ELSE 'published' END,
       CASE WHEN n % 20 = 0 THEN NULL ELSE timestamp '2020-01-01' + n * interval '1 minute' END,
       NULL, '[]', 'en', NULL, NULL, 1,
       timestamp '2020-01-01' + n * interval '1 minute', timestamp '2020-01-01' + n * interval '1 minute',
       n % 20 NOT IN (0, 10),
       json_build_object('url', 'https://images.example.com/2020/story-' || n || '-lead-image-full-size.jpg',
                         'alt', 'A photograph that goes with story number ' || n || ', described for readers',
                         'caption', 'The caption of the lead image of story number ' || n || ', as printed',
                         'credit', 'Photographer Name / The Example Agency', 'width', 1600, 'height', 900)::text
FROM generate_series(1, :n) AS n;
VACUUM ANALYZE articles;
SELECT count(*), pg_size_pretty(pg_total_relation_size('articles')) FROM articles;
