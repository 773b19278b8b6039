-- Leases: one holder at a time for a named job ('source:<id>' for a source's runs, 'scheduler'
-- for `dozor schedule`), kept in a row, so they survive PostgreSQL restarts and the death of the
-- process holding them (a session-level advisory lock dies with its connection). A holder keeps
-- its lease by heartbeats; one that stops heartbeating loses it when `expires_at` passes (times
-- are the database's clock, never a client's). Every acquisition draws a new fencing token from
-- one sequence: a write of a run checks that its token is still the lease's, so a run that lost
-- its lease cannot write after the next holder took it. storage/leases.py is the API.

CREATE SEQUENCE lease_tokens;

CREATE TABLE leases (
    name          text PRIMARY KEY,                  -- 'source:zakon_kz' | 'scheduler'
    owner         text NOT NULL,                     -- '<host> pid <pid>' of the holder
    token         bigint NOT NULL,                   -- fencing token, from lease_tokens
    run_id        bigint,                            -- crawl_runs.id of the run holding it
    acquired_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);

-- A run's record says which lease it ran under, and why it ended as it did.
ALTER TABLE crawl_runs
    ADD COLUMN lease_token       bigint,
    -- One line for the operator when a run is not 'ok': why, and what was kept.
    ADD COLUMN reason            text,
    -- Feeds, sitemaps, listing and API pages, robots.txt that failed or were refused. They are
    -- not article links, so they stay out of found = new + updated + unchanged + skipped +
    -- failed + rejected.
    ADD COLUMN discovery_failed  integer NOT NULL DEFAULT 0;

-- 'lost': the run lost its lease (no heartbeat reached PostgreSQL in time, or an operator broke
-- it), or its processes ended without recording it; its counts are what the database holds.
ALTER TABLE crawl_runs DROP CONSTRAINT crawl_runs_status_check;
ALTER TABLE crawl_runs ADD CONSTRAINT crawl_runs_status_check
    CHECK (status IN ('running', 'ok', 'partial', 'failed', 'killed', 'timeout', 'lost'));

-- Runs close their orphans and count their articles by run id.
CREATE INDEX crawl_runs_running_idx ON crawl_runs (source_id) WHERE status = 'running';
CREATE INDEX articles_first_run_idx ON articles (first_run_id);
CREATE INDEX articles_last_run_idx ON articles (last_run_id);

-- Source health (as 0006) with 'lost' runs counted as failures. Same columns: CREATE OR REPLACE
-- keeps the grants.
CREATE OR REPLACE VIEW source_health AS
WITH last_run AS (
    SELECT DISTINCT ON (source_id) source_id, started_at, finished_at, status, found, new
    FROM crawl_runs
    WHERE status <> 'running' AND mode <> 'replay'
    ORDER BY source_id, started_at DESC, id DESC
),
running AS (
    SELECT source_id, min(started_at) AS started_at
    FROM crawl_runs WHERE status = 'running' GROUP BY source_id
),
last_success AS (
    -- 'partial' counts: the run completed and stored what it could.
    SELECT source_id, max(started_at) AS started_at
    FROM crawl_runs WHERE status IN ('ok', 'partial') AND mode <> 'replay'
    GROUP BY source_id
),
failures_since_success AS (
    SELECT r.source_id, count(*) AS runs
    FROM crawl_runs r LEFT JOIN last_success s USING (source_id)
    WHERE r.status IN ('failed', 'timeout', 'killed', 'lost') AND r.mode <> 'replay'
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
