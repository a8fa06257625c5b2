-- Workloads 1 and 2: one article by primary key, every column the API returns.
-- A random published article, picked as tests/bench/workload.lua picks it.
\set k random(0, :articles / 10 - 1)
\set j random(1, 9)
SELECT id, slug, title, summary, body, byline, status, published_at, section, tags, language, source_name, source_url, version, created_at, updated_at FROM articles WHERE id = '018f0000-0000-7000-8000-' || lpad((10 * :k + :j)::text, 12, '0');
