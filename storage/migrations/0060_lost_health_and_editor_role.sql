-- Two repairs of earlier migrations.
--
-- 1. Source health counts 'lost' runs (0010: the run lost its lease, or its processes ended
--    without recording it) among the failures in a row again: 0036 redefined the view from
--    0006's body and dropped that. Same columns as 0036: CREATE OR REPLACE keeps the grants.
--
-- 2. The web page's saved-search editor becomes a per-database role, like 0011's analyst and
--    reader: <database>_alert_editor. 0050's dozor_alert_editor belonged to the whole server
--    and could read every table of every Dozor database that ran 0050 (crawl errors, leases).
--    The new role reads what this database's reader reads (it is a member of it) and may change
--    saved_searches, nothing else. The server-wide role loses everything it had here; it is not
--    dropped, since other databases on the server may still hold its grants until they migrate.

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
    WHERE r.status IN ('failed', 'timeout', 'killed', 'lost')
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

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = dozor_role_name('alert_editor')) THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', dozor_role_name('alert_editor'));
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE '% not created: this user may not create roles (needs CREATEROLE);'
            ' saved searches are then managed with `dozor alerts` only',
            dozor_role_name('alert_editor');
END
$$;

DO $$
DECLARE
    editor text := dozor_role_name('alert_editor');
    reader text := dozor_role_name('reader');
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = editor) THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), editor);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', editor);
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = reader) THEN
            EXECUTE format('GRANT %I TO %I', reader, editor);
        END IF;
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON saved_searches TO %I', editor);
        EXECUTE format('GRANT USAGE ON SEQUENCE saved_searches_id_seq TO %I', editor);
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_alert_editor') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dozor_alert_editor;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM dozor_alert_editor;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM dozor_alert_editor;
        REVOKE USAGE ON SCHEMA public FROM dozor_alert_editor;
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM dozor_alert_editor', current_database());
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE '% not granted: this user does not own the tables', editor;
END
$$;
