-- Read-only views of the full-text index for related-post suggestions: each term
-- with the number of articles holding it, and each occurrence of a term (a term's
-- postings). They store nothing; FTS5 answers them from articles_fts itself, and
-- both are looked up by term.
CREATE VIRTUAL TABLE articles_fts_rows USING fts5vocab(articles_fts, 'row');
CREATE VIRTUAL TABLE articles_fts_instances USING fts5vocab(articles_fts, 'instance');
