-- A generated archive for the sections and tags benchmark (BENCHMARKS.md, "Sections
-- and tags"), into a migrated, empty PostgreSQL database:
--   psql "$URL" -v n=1000000 -f tests/bench/navigation/load.sql
-- Article n is nav-n; every 20th a draft, every 20th archived, every 100th
-- scheduled a day ahead. 40 sections (every 97th article spells its section in lower
-- case, a section of its own), three tags each from 24,000 pseudo-words (skewed:
-- a few in many articles, most in a few). Short bodies: the lists read no body.
-- The kept counts are then filled by the migration's own backfill (its down.sql
-- and up.sql, run after this script), as on an archive that existed before it.
\set ON_ERROR_STOP on
SELECT setseed(0.2026);
CREATE OR REPLACE FUNCTION nav_word(i int) RETURNS text IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
  SELECT ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + i % 20]
      || ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + (i / 20) % 20]
      || ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + (i / 400) % 20]
      || ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + (i / 8000) % 20]
$$;
DROP INDEX IF EXISTS articles_search_idx;
INSERT INTO articles (id, slug, title, summary, body, byline, status, published_at, section, tags, language,
                      source_name, source_url, version, created_at, updated_at, announced_public)
SELECT '018f0000-0000-7000-8000-' || lpad(n::text, 12, '0'), 'nav-' || n, 'Story ' || n, NULL, 'Text of story ' || n,
       NULL,
       CASE WHEN n % 20 = 0 THEN 'draft' WHEN n % 20 = 10 THEN 'archived' ELSE 'published' END,
       CASE WHEN n % 20 = 0 THEN NULL
            WHEN n % 100 = 1 THEN timestamp '2026-12-31'
            ELSE timestamp '2021-01-01' + (n * interval '150 second') END,
       CASE WHEN n % 97 = 0 THEN lower('Section ' || (n % 40)) ELSE 'Section ' || (n % 40) END,
       json_build_array(initcap(nav_word(k1)), initcap(nav_word(8000 + k2)), nav_word(16000 + k3))::text,
       'en', NULL, NULL, 1, now(), now(),
       n % 20 NOT IN (0, 10) AND n % 100 <> 1
FROM (SELECT n, (8000 * random() ^ 3)::int % 8000 AS k1, (8000 * random() ^ 2)::int % 8000 AS k2,
             (8000 * random())::int % 8000 AS k3
      FROM generate_series(1, :n) AS n) AS g;
INSERT INTO article_tags (article_id, tag_key, status, published_at)
SELECT a.id, lower(tag), a.status, a.published_at FROM articles AS a, json_array_elements_text(a.tags::json) AS tag;
VACUUM ANALYZE articles;
VACUUM ANALYZE article_tags;
SELECT count(*), pg_size_pretty(pg_total_relation_size('articles')) FROM articles;
