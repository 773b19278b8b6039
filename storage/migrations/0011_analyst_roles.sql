-- Least privilege, per database. Migration 0005's `dozor_analyst` belonged to the whole server:
-- it could connect to every Dozor database on it, read every table there (crawl errors, pids,
-- the job store) and take the advisory lock a crawl ran under. Each database now has its own
-- NOLOGIN roles, named after it (storage.db.database_role computes the same names):
--   <database>_analyst  BI tools and psql: the analyst views and nothing else;
--   <database>_reader   the API and `dozor search` (serve/connection.py): the content tables,
--                       read-only, never crawl_runs, leases, validators or the job store.
-- Nobody else may connect to the database; advisory-lock functions are Dozor's own. Creating
-- roles needs CREATEROLE and revoking on built-in functions needs a superuser: without them,
-- a notice says what was left undone and the rest applies.

CREATE FUNCTION dozor_role_name(kind text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN octet_length(current_database()) + 1 + octet_length(kind) <= 63
                THEN current_database() || '_' || kind
                -- Role names stop at 63 bytes: a longer name is replaced by its digest.
                ELSE 'dozor_' || left(md5(current_database()), 16) || '_' || kind END
$$;
COMMENT ON FUNCTION dozor_role_name(text) IS
    'The name of this database''s analyst or reader role: <database>_<kind>.';

-- Runs for analysts: when each source was read and what it gave, without the crawl's internals
-- (errors with hosts and messages, stats, pids, lease tokens).
CREATE VIEW analyst_runs AS
SELECT r.id, r.source_id, s.name AS source_name, r.mode, r.started_at, r.finished_at,
       (r.started_at AT TIME ZONE 'Asia/Almaty')::date AS started_date, r.status,
       r.found, r.new, r.updated, r.unchanged, r.skipped, r.failed, r.rejected,
       r.discovery_failed
FROM crawl_runs r
JOIN sources s ON s.id = r.source_id;
COMMENT ON VIEW analyst_runs IS
    'One row per crawl run: source, times, status and counts (found = new + updated + unchanged + skipped + failed + rejected).';

-- Grants a table or view to this database's reader role (for later migrations: the API reads
-- a new table only once it is granted here), if the role exists.
CREATE FUNCTION dozor_grant_to_reader(VARIADIC relations text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    relation text;
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = dozor_role_name('reader')) THEN
        FOREACH relation IN ARRAY relations LOOP
            EXECUTE format('GRANT SELECT ON %I TO %I', relation, dozor_role_name('reader'));
        END LOOP;
    END IF;
END
$$;

DO $$
DECLARE
    kind text;
BEGIN
    FOREACH kind IN ARRAY ARRAY['analyst', 'reader'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = dozor_role_name(kind)) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', dozor_role_name(kind));
        END IF;
    END LOOP;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE '% not created: this user may not create roles (needs CREATEROLE)',
            dozor_role_name('analyst');
END
$$;

DO $$
DECLARE
    analyst text := dozor_role_name('analyst');
    reader text := dozor_role_name('reader');
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = analyst) THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), analyst,
                       reader);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I, %I', analyst, reader);
        EXECUTE format('GRANT SELECT ON analyst_articles, analyst_daily_counts, analyst_runs,'
                       ' source_health TO %I, %I', analyst, reader);
        PERFORM dozor_grant_to_reader('articles', 'article_tags', 'article_versions',
                                      'article_signatures', 'article_translations', 'stories',
                                      'sources');
    END IF;
    -- Only Dozor's own roles (the owner, superusers) and these two may connect.
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'analyst roles not granted: this user does not own the database or tables';
END
$$;

-- The server-wide role of 0005 loses everything here (other databases it still serves lose it
-- when they migrate); logins that inherited it must be granted <database>_analyst.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_analyst') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM dozor_analyst;
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dozor_analyst;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM dozor_analyst;
        REVOKE USAGE ON SCHEMA public FROM dozor_analyst;
        EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM dozor_analyst', current_database());
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'dozor_analyst not revoked: this user does not own the tables';
END
$$;

-- Advisory locks are Dozor's: nobody else may take one here (a session could hold the
-- migrations' key, or any key a later Dozor version uses). Leases (0010) replaced them for runs.
DO $$
DECLARE
    function regprocedure;
BEGIN
    FOR function IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname LIKE 'pg%advisory%'
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', function);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', function, current_user);
    END LOOP;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'advisory-lock functions left executable by everyone: revoking them needs'
                     ' a superuser (the analyst roles cannot reach Dozor''s keys: runs hold leases)';
END
$$;
