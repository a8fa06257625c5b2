-- A generated archive for the related-post suggestions benchmark (BENCHMARKS.md,
-- "Related-post suggestions"), into a migrated, empty PostgreSQL database:
--   psql "$URL" -v n=1000000 -f tests/bench/suggestions/load.sql
-- Article n is story-n; every 20th a draft, every 20th archived. 2,000 topics
-- (by a hash of n), each with 30 words and 5 tags; bodies of 48 pseudo-words.
\set ON_ERROR_STOP on
SELECT setseed(0.2026);
CREATE OR REPLACE FUNCTION bench_word(i int) RETURNS text IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
  SELECT ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + i % 20]
      || ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + (i / 20) % 20]
      || ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + (i / 400) % 20]
      || ('{ka,lo,mi,ren,tas,vo,pe,dri,sun,mar,bel,ko,zu,fa,ni,gor,ti,wen,ha,lu}'::text[])[1 + (i / 8000) % 20]
$$;
-- Vocabulary: 30 very common words (ids 0..29), 500 medium ones (30..529),
-- 2,000 topics of 30 words each (1000 + 30 t ..), 100,000 rare ones (70000 ..).
DROP INDEX IF EXISTS articles_search_idx;
INSERT INTO articles (id, slug, title, summary, body, byline, status, published_at, section, tags, language,
                      source_name, source_url, version, created_at, updated_at, announced_public)
SELECT '018f0000-0000-7000-8000-' || lpad(n::text, 12, '0'), 'story-' || n,
       initcap(bench_word(1000 + 30 * t + (random() * 29)::int)) || ' ' || bench_word(1000 + 30 * t + (random() * 29)::int)
         || ' ' || bench_word(1000 + 30 * t + (random() * 29)::int) || ' ' || bench_word((random() * 29)::int),
       NULL,
       (SELECT string_agg(CASE WHEN k % 4 = 0 THEN bench_word(1000 + 30 * t + (random() * 29)::int)
                               WHEN k % 4 = 1 THEN bench_word((random() * 29)::int)
                               WHEN k % 8 = 2 THEN bench_word(30 + (random() * 499)::int)
                               WHEN k % 8 = 6 THEN bench_word(70000 + (random() * 99999)::int)
                               ELSE bench_word(1000 + 30 * t + (random() * 29)::int) END, ' ')
        FROM generate_series(1, 48 + n * 0) AS k),
       NULL,
       CASE WHEN n % 20 = 0 THEN 'draft' WHEN n % 20 = 10 THEN 'archived' ELSE 'published' END,
       CASE WHEN n % 20 = 0 THEN NULL ELSE timestamp '2021-01-01' + (n * interval '150 second') END,
       'section-' || (t % 12),
       json_build_array('topic-' || t || '-' || (n % 5), 'topic-' || t || '-' || ((n % 5 + 1 + (n / 5) % 4) % 5))::text,
       'en', NULL, NULL, 1, now(), now(), n % 20 NOT IN (0, 10)
FROM (SELECT n, (hashint4(n) & 2147483647) % 2000 AS t FROM generate_series(1, :n) AS n) AS g;
INSERT INTO article_tags (article_id, tag_key, status, published_at)
SELECT DISTINCT a.id, lower(tag), a.status, a.published_at FROM articles AS a, json_array_elements_text(a.tags::json) AS tag;
CREATE INDEX articles_search_idx ON articles USING GIN (search);
VACUUM ANALYZE articles;
VACUUM ANALYZE article_tags;
SELECT count(*), pg_size_pretty(pg_total_relation_size('articles')) FROM articles;
