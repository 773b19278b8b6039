-- Soft-404s per source and reason over the last 7 days: the article links a source answered
-- with a not-found page or a redirect home (rejected, never stored) and the stored articles a
-- revisit found so (removed), so an operator sees a site whose articles turned into 'not
-- found' pages. Read from each run's stats (crawl_runs.stats), where a crawl counts them by
-- kind: dozor/soft_404/<reason> and dozor/revisit/soft_404/<reason> (reasons:
-- crawler/extract/soft_404.py, SOFT_404_KINDS). Runs recorded before this migration counted
-- only the totals: their soft-404s appear with reason 'unknown'. Archive reads (replay,
-- import, wayback) say nothing about the live site and are left out, as in source_health.
CREATE VIEW source_soft_404 AS
WITH counted AS (
    SELECT r.id, r.source_id, r.started_at, k.reason, k.rejected, k.removed
    FROM crawl_runs r
    CROSS JOIN LATERAL (
        SELECT substr(e.key, length('dozor/soft_404/') + 1) AS reason,
               e.value::integer AS rejected, 0 AS removed
        FROM jsonb_each_text(r.stats) e WHERE starts_with(e.key, 'dozor/soft_404/')
        UNION ALL
        SELECT substr(e.key, length('dozor/revisit/soft_404/') + 1), 0, e.value::integer
        FROM jsonb_each_text(r.stats) e WHERE starts_with(e.key, 'dozor/revisit/soft_404/')
        UNION ALL
        -- The totals less what the kinds account for: runs before 0065.
        SELECT 'unknown',
               coalesce((r.stats ->> 'dozor/soft_404')::integer, 0) - coalesce((
                   SELECT sum(e.value::integer) FROM jsonb_each_text(r.stats) e
                   WHERE starts_with(e.key, 'dozor/soft_404/')), 0),
               coalesce((r.stats ->> 'dozor/revisit/soft_404')::integer, 0) - coalesce((
                   SELECT sum(e.value::integer) FROM jsonb_each_text(r.stats) e
                   WHERE starts_with(e.key, 'dozor/revisit/soft_404/')), 0)
    ) k
    WHERE r.stats IS NOT NULL AND r.status <> 'running'
      AND r.mode NOT IN ('replay', 'import', 'wayback')
      AND r.started_at > now() - interval '7 days'
      AND (k.rejected > 0 OR k.removed > 0)
)
SELECT source_id, reason, sum(rejected)::integer AS rejected, sum(removed)::integer AS removed,
       count(DISTINCT id)::integer AS runs, max(started_at) AS last_seen_at
FROM counted
GROUP BY source_id, reason;

COMMENT ON VIEW source_soft_404 IS
    'Per source and reason, the soft-404s of the last 7 days: article links rejected (a not-found page or a redirect home) and stored articles found removed so on revisit.';
