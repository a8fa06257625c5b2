ALTER TABLE articles DROP COLUMN image;
