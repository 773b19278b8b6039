-- The task queue (procrastinate, applied by storage/queue_schema.py as version 0046) keeps its
-- jobs, their arguments (paths of imported files, sources), workers and events in tables named
-- procrastinate_*: crawl internals, like the job store, never the analysts' or the reader's.
-- Same function as 0012 with that one exclusion more.

CREATE OR REPLACE FUNCTION dozor_refresh_role_grants() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    analyst text := dozor_role_name('analyst');
    reader text := dozor_role_name('reader');
    relation record;
    -- Never the reader's: runs' errors and pids, leases, validators, the migrations and job
    -- store, the saved searches' recipients and webhooks (0050), and the task queue's tables
    -- (procrastinate_*: jobs' arguments, workers, events).
    internal text[] := ARRAY['crawl_runs', 'leases', 'fetch_validators', 'schema_migrations',
                             'apscheduler_jobs', 'saved_searches', 'alert_deliveries'];
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = analyst)
       OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = reader) THEN
        RETURN;
    END IF;
    FOR relation IN
        SELECT c.relname, c.relkind FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
    LOOP
        IF relation.relkind IN ('v', 'm')
           AND (relation.relname LIKE 'analyst\_%' OR relation.relname = 'source_health')
           AND NOT has_table_privilege(analyst, format('%I', relation.relname), 'SELECT') THEN
            EXECUTE format('GRANT SELECT ON %I TO %I', relation.relname, analyst);
        END IF;
        IF relation.relname <> ALL (internal) AND relation.relname NOT LIKE 'procrastinate\_%'
           AND NOT has_table_privilege(reader, format('%I', relation.relname), 'SELECT') THEN
            EXECUTE format('GRANT SELECT ON %I TO %I', relation.relname, reader);
        END IF;
    END LOOP;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'analyst and reader roles not refreshed: this user does not own the tables';
END
$$;
COMMENT ON FUNCTION dozor_refresh_role_grants() IS
    'Grant this database''s analyst role every analyst_* view and its reader role the content tables (run after migrations).';
