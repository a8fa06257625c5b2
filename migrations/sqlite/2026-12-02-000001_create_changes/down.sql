DROP INDEX articles_unannounced_idx;
ALTER TABLE articles DROP COLUMN announced_public;
DROP TABLE change_log_state;
DROP TABLE changes;
