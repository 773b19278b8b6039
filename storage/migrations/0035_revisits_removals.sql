-- History of an article after it was first stored: recent articles are fetched again on a
-- decaying schedule (crawler/revisits.py), with the validators of the last answer; a changed
-- text becomes a new version (article_versions keeps the earlier ones), and an article the
-- site took down (404/410, or a redirect to the home page) is marked removed, with the time.

ALTER TABLE articles
    ADD COLUMN revisits           smallint NOT NULL DEFAULT 0, -- revisit slots passed (1 h, 6 h, ...)
    ADD COLUMN last_revisited_at  timestamptz,
    ADD COLUMN etag               text,         -- validators of the last answer, sent on a revisit
    ADD COLUMN last_modified      text,
    ADD COLUMN removed_at         timestamptz,  -- when a revisit found the article gone
    ADD COLUMN removed_reason     text;         -- 'HTTP 404', 'HTTP 410', 'redirected to <home>'

-- Articles the site removed, newest first (`dozor history`, the analysts' article view).
CREATE INDEX articles_removed_idx ON articles (removed_at DESC) WHERE removed_at IS NOT NULL;
