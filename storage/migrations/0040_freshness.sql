-- Freshness (issue 13): how long after publication an article reached Dozor, per source.
-- "Stored" is articles.first_seen_at (0001: set once, when the row is inserted; every article
-- already has it, so nothing to back-fill). The delay is first_seen_at - published_at, counted
-- only where it measures Dozor's polling:
--   * a time of day was published (published_precision 'minute', 0030): a day-only date is
--     that day's midnight, and 'day' or unknown (NULL, rows older than 0030) would count hours
--     the site never stated;
--   * the article was first stored by a polling run (scheduled or manual), not by a backfill,
--     a replay or an archive import, which store old news on purpose;
--   * it was published after the source's first run: older items are the backlog Dozor found
--     when it started, not news it was late for.
-- A publication time after the first sighting (a site's clock or time zone off by minutes) is
-- a delay of 0, not a negative one.
-- Analysts read it (the API's /api/freshness): named analyst_* so dozor_refresh_role_grants()
-- (0012) grants it to the analyst role after this migration.

CREATE VIEW analyst_source_freshness AS
WITH first_runs AS (
    SELECT source_id, min(started_at) AS started_at FROM crawl_runs GROUP BY source_id
),
delays AS (
    SELECT a.source_id, a.first_seen_at,
           extract(epoch FROM greatest(a.first_seen_at - a.published_at, interval '0'))
               / 60.0 AS delay_minutes
    FROM articles a
    JOIN crawl_runs r ON r.id = a.first_run_id
    JOIN first_runs f ON f.source_id = a.source_id
    WHERE a.first_seen_at >= now() - interval '7 days'
      AND a.published_precision = 'minute'
      AND r.mode IN ('scheduled', 'manual', 'daily')
      AND a.published_at >= f.started_at
)
SELECT
    s.id                                                    AS source_id,
    count(d.delay_minutes)::integer                         AS articles_7d,
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY d.delay_minutes))::numeric, 1)
                                                            AS p50_minutes_7d,
    round((percentile_cont(0.95) WITHIN GROUP (ORDER BY d.delay_minutes))::numeric, 1)
                                                            AS p95_minutes_7d,
    count(d.delay_minutes) FILTER (WHERE d.first_seen_at >= now() - interval '1 day')::integer
                                                            AS articles_1d,
    round((percentile_cont(0.5) WITHIN GROUP (ORDER BY d.delay_minutes)
           FILTER (WHERE d.first_seen_at >= now() - interval '1 day'))::numeric, 1)
                                                            AS p50_minutes_1d
FROM sources s
LEFT JOIN delays d ON d.source_id = s.id
GROUP BY s.id;
COMMENT ON VIEW analyst_source_freshness IS
    'Per source: publication->stored delay (minutes) of articles stored in the last 7 days and 1 day; minute-precision dates of polling runs only.';

