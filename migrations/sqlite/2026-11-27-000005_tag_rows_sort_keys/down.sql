DROP INDEX article_tags_published_idx;
ALTER TABLE article_tags DROP COLUMN published_at;
ALTER TABLE article_tags DROP COLUMN status;
