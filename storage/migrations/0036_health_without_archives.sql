-- Runs that read archives (`dozor import`, `collect --from wayback`), like replays, say nothing
-- about whether the site can be read today: source health leaves them out of the last run, the
-- last success and the failures in a row; and the articles they stored first are old news, not
-- the site's recent yield. (Same columns as 0006: CREATE OR REPLACE keeps the grants.)

CREATE OR REPLACE VIEW source_health AS
WITH last_run AS (
    SELECT DISTINCT ON (source_id) source_id, started_at, finished_at, status, found, new
    FROM crawl_runs
    WHERE status <> 'running' AND mode NOT IN ('replay', 'import', 'wayback')
    ORDER BY source_id, started_at DESC, id DESC
),
running AS (
    SELECT source_id, min(started_at) AS started_at
    FROM crawl_runs WHERE status = 'running' GROUP BY source_id
),
last_success AS (
    -- 'partial' counts: the run completed and stored what it could.
    SELECT source_id, max(started_at) AS started_at
    FROM crawl_runs WHERE status IN ('ok', 'partial') AND mode NOT IN ('replay', 'import', 'wayback')
    GROUP BY source_id
),
failures_since_success AS (
    SELECT r.source_id, count(*) AS runs
    FROM crawl_runs r LEFT JOIN last_success s USING (source_id)
    WHERE r.status IN ('failed', 'timeout', 'killed')
      AND r.mode NOT IN ('replay', 'import', 'wayback')
      AND r.started_at > coalesce(s.started_at, '-infinity')
    GROUP BY r.source_id
),
recent_articles AS (
    SELECT source_id,
           count(*) FILTER (WHERE first_seen_at >= now() - interval '2 days') AS new_2d,
           count(*) FILTER (WHERE first_seen_at >= now() - interval '7 days') AS new_7d,
           count(*) FILTER (WHERE first_seen_at >= now() - interval '7 days'
                              AND status <> 'ok') AS not_ok_7d,
           count(*) FILTER (WHERE first_seen_at < now() - interval '7 days') AS new_prior_28d,
           count(*) FILTER (WHERE first_seen_at < now() - interval '7 days'
                              AND status <> 'ok') AS not_ok_prior_28d
    FROM articles
    WHERE first_seen_at >= now() - interval '35 days'
      AND NOT EXISTS (SELECT 1 FROM crawl_runs r WHERE r.id = articles.first_run_id
                                                   AND r.mode IN ('import', 'wayback'))
    GROUP BY source_id
)
SELECT
    s.id                                   AS source_id,
    s.paused,
    s.schedule,
    l.started_at                           AS last_run_at,
    l.status                               AS last_run_status,
    l.new                                  AS last_run_new,
    g.started_at                           AS running_since,
    ls.started_at                          AS last_success_at,
    coalesce(f.runs, 0)::integer           AS failures_since_success,
    coalesce(a.new_2d, 0)::integer         AS new_2d,
    coalesce(a.new_7d, 0)::integer         AS new_7d,
    coalesce(a.not_ok_7d, 0)::integer      AS not_ok_7d,
    coalesce(a.new_prior_28d, 0)::integer  AS new_prior_28d,
    coalesce(a.not_ok_prior_28d, 0)::integer AS not_ok_prior_28d
FROM sources s
LEFT JOIN last_run l ON l.source_id = s.id
LEFT JOIN running g ON g.source_id = s.id
LEFT JOIN last_success ls ON ls.source_id = s.id
LEFT JOIN failures_since_success f ON f.source_id = s.id
LEFT JOIN recent_articles a ON a.source_id = s.id;
