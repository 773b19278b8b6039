-- The per-database roles of 0011 follow the schema as later migrations grow it (their numbers
-- come after this one): storage.migrate calls dozor_refresh_role_grants() after applying any
-- migration, under the migrations' lock.
--   <database>_analyst: every analyst view (named analyst_*) and source_health, nothing else;
--   <database>_reader:  those, and every table but the crawl's internals and who gets alerts.
-- Only missing privileges are granted, so a refresh with nothing new writes nothing.

CREATE FUNCTION dozor_refresh_role_grants() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    analyst text := dozor_role_name('analyst');
    reader text := dozor_role_name('reader');
    relation record;
    -- Never the reader's: runs' errors and pids, leases, validators, the migrations and job
    -- store, and the saved searches' recipients and webhooks (0050).
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
        IF relation.relname <> ALL (internal)
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
