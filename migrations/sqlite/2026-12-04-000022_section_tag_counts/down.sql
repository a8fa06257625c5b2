DROP TABLE tag_counts;
DROP TABLE section_counts;
DROP TABLE counted_articles;
