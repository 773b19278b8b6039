-- Pausing a saved search from the web page: when it was paused (the page shows "paused since")
-- and when it was last resumed. An alert pass never looks at articles stored before
-- `resumed_at`: what matched while the search was paused is not news to it (docs/analysts.md).
-- The editor role of 0060 holds UPDATE on the whole table, so these columns are covered.

ALTER TABLE saved_searches
    ADD COLUMN paused_at  timestamptz,
    ADD COLUMN resumed_at timestamptz;

UPDATE saved_searches SET paused_at = updated_at WHERE NOT active;
