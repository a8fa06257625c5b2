DROP TABLE related_links;
DROP TRIGGER quotes_fts_update;
DROP TRIGGER quotes_fts_delete;
DROP TRIGGER quotes_fts_insert;
DROP TABLE quotes_fts;
DROP TABLE quotes;
