-- Workloads 4 to 6: the first page of 20 published articles, newest first, every column.
SELECT id, slug, title, summary, body, byline, status, published_at, section, tags, language, source_name, source_url, version, created_at, updated_at FROM articles WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT 20;
