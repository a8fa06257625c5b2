-- Each tag row repeats its article's status and publication date (the service
-- rewrites an article's tag rows on every write of the article, so they never
-- disagree). "The newest published articles tagged X" is then one range of
-- article_tags_published_idx, whatever share of the archive carries the tag; joined
-- through article_id alone, a rarely used tag made the database walk the articles by
-- date until it had found a page of them.
ALTER TABLE article_tags ADD COLUMN status TEXT;
ALTER TABLE article_tags ADD COLUMN published_at TIMESTAMP;
UPDATE article_tags t SET status = a.status, published_at = a.published_at FROM articles a WHERE a.id = t.article_id;
ALTER TABLE article_tags ALTER COLUMN status SET NOT NULL;
CREATE INDEX article_tags_published_idx ON article_tags (tag_key, status, published_at DESC, article_id DESC);
