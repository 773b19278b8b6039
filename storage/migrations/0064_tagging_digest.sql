-- What the rules last said of an article (its tags and facts, versions left out), as a digest.
--
-- After a change of rules, `dozor retag` rewrote every article to stamp the new rules_version,
-- although most articles' tags and facts come out the same: a million row versions, each with
-- new entries in every index (the full-text GIN index above all), two thirds of a retag's
-- database time. Now an article is rewritten only when its digest changes, so rules_version
-- and tagged_at say which rules last changed what the article is tagged with. NULL: tagged
-- before this migration, written once by the next retag.
ALTER TABLE articles ADD COLUMN tagging_digest text;
