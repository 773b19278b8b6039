-- A publication date says how much it knows (issue 15): 'minute' when the page, feed or data
-- gave a time of day, 'day' when it gave only the day. A day-only date is stored as that day's
-- midnight in Asia/Almaty and must be shown as a day, never as 00:00. Rows stored before this
-- migration have NULL (not known) until their text changes and they are stored again.
ALTER TABLE articles ADD COLUMN published_precision text
    CHECK (published_precision IN ('minute', 'day'));
