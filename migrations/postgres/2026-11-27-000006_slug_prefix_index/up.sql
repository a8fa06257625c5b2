-- A derived slug is made unique by looking up `slug LIKE 'base-%'` (articles.rs,
-- free_slug). Under any collation but "C" the unique index cannot serve a LIKE
-- prefix, and every create without a slug read the whole table: 2.3x slower creates
-- at 100,000 articles than at 10,000. text_pattern_ops compares bytes, as LIKE needs.
CREATE INDEX articles_slug_pattern_idx ON articles (slug text_pattern_ops);
