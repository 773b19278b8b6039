-- Which stemmers built an article's search_terms (crawler.tagging.stem.SEARCH_TERMS_VERSION).
--
-- `dozor retag` after a change of the tagging rules rebuilt every article's search terms too,
-- although only the stemmers decide them: an eighth of the time of retagging a million
-- articles. Now it rebuilds them only where this differs from the running stemmers (NULL: built
-- before this migration, so the first retag rebuilds them once).
ALTER TABLE articles ADD COLUMN search_terms_version text;
