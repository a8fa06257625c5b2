DROP TABLE articles_fts_instances;
DROP TABLE articles_fts_rows;
