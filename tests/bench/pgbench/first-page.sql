-- Workloads 4 to 6: the first page of 20 published articles, newest first, every
-- column. "Published" as the API means it: status published and the date reached
-- (this also keeps the undated drafts, which sort first in a descending index, out
-- of the scan).
SELECT id, slug, title, summary, body, byline, status, published_at, section, tags, language, source_name, source_url, version, created_at, updated_at FROM articles WHERE status = 'published' AND published_at <= now() ORDER BY published_at DESC, id DESC LIMIT 20;
