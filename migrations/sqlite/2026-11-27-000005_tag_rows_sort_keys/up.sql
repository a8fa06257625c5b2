-- Each tag row repeats its article's status and publication date (the service
-- rewrites an article's tag rows on every write of the article, so they never
-- disagree). "The newest published articles tagged X" is then one range of
-- article_tags_published_idx, whatever share of the archive carries the tag.
ALTER TABLE article_tags ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE article_tags ADD COLUMN published_at TIMESTAMP;
UPDATE article_tags
   SET status = (SELECT a.status FROM articles a WHERE a.id = article_tags.article_id),
       published_at = (SELECT a.published_at FROM articles a WHERE a.id = article_tags.article_id);
CREATE INDEX article_tags_published_idx ON article_tags (tag_key, status, published_at DESC, article_id DESC);
