DROP INDEX articles_slug_pattern_idx;
