-- Workload 3: an article, its quotes and its links with each link's target (the three
-- statements the API's include=quotes,related_links needs at least).
\set k random(0, :articles / 10 - 1)
\set j random(1, 9)
SELECT id, slug, title, summary, body, byline, status, published_at, section, tags, language, source_name, source_url, version, created_at, updated_at FROM articles WHERE id = '018f0000-0000-7000-8000-' || lpad((10 * :k + :j)::text, 12, '0');
SELECT id, article_id, text, speaker_name, speaker_title, context, position, version, created_at, updated_at
  FROM quotes WHERE article_id = '018f0000-0000-7000-8000-' || lpad((10 * :k + :j)::text, 12, '0') ORDER BY position;
SELECT l.id, l.article_id, l.target_article_id, l.url, l.title, l.relation, l.position, l.version, l.created_at,
       l.updated_at, t.id, t.slug, t.title, t.status
  FROM related_links l LEFT JOIN articles t ON t.id = l.target_article_id
  WHERE l.article_id = '018f0000-0000-7000-8000-' || lpad((10 * :k + :j)::text, 12, '0') ORDER BY l.position;
