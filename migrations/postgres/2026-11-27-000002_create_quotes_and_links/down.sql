DROP TABLE related_links;
DROP TABLE quotes;
