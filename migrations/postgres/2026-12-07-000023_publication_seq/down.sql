DROP INDEX articles_publication_seq_idx;
ALTER TABLE articles DROP COLUMN publication_seq;
