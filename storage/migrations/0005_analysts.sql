-- The analysts' side: an index for newest-first pages, views for BI tools, a read-only role.
-- docs/analysts.md describes the views column by column and how to log in through the role.

-- Searches are served by GIN on articles.search_vector, btree on published_at, GIN on
-- regions (0001, 0002) and article_tags' (topic, article_id) and primary key. Newest-first
-- pages put undated articles last and break ties by id; articles_published_idx is
-- (published_at DESC) = NULLS FIRST, which cannot give that order without sorting every match.
-- Partial on status 'ok' (every analysts' query says so): counts per week then read this
-- index alone (index-only scan) instead of the whole table.
CREATE INDEX articles_published_id_idx ON articles (published_at DESC NULLS LAST, id DESC)
    WHERE status = 'ok';

-- One row per stored article (status 'ok'), its tags flattened into columns: what Metabase,
-- Superset, Excel or psql read without knowing the tables. Times in UTC and in Asia/Almaty.
CREATE VIEW analyst_articles AS
SELECT
    a.id,
    a.source_id,
    s.name                                              AS source_name,
    a.url,
    a.lang,
    a.title,
    a.lead,
    a.body,
    a.published_at,
    (a.published_at AT TIME ZONE 'Asia/Almaty')         AS published_local,
    (a.published_at AT TIME ZONE 'Asia/Almaty')::date   AS published_date,
    a.first_seen_at,
    coalesce(t.topics, '{}')                            AS topics,
    coalesce(t.subtopics, '{}')                         AS subtopics,
    coalesce('fraud' = ANY (t.topics), false)           AS is_fraud,
    coalesce('ocg' = ANY (t.topics), false)             AS is_ocg,
    t.fraud_score,
    t.ocg_score,
    coalesce(t.evidence_phrases, '{}')                  AS evidence_phrases,
    a.kz_related,
    a.regions,
    a.criminal_code_articles,
    a.agencies,
    a.damage_kzt,
    (SELECT sum(d) FROM unnest(a.damage_kzt) AS d)::bigint AS damage_kzt_total,
    a.case_counts,
    a.rules_version,
    a.version
FROM articles a
JOIN sources s ON s.id = a.source_id
LEFT JOIN LATERAL (
    SELECT
        array_agg(tag.topic ORDER BY tag.topic)                       AS topics,
        array(SELECT DISTINCT sub FROM article_tags t2, unnest(t2.subtopics) AS sub
              WHERE t2.article_id = a.id ORDER BY sub)                AS subtopics,
        max(tag.score) FILTER (WHERE tag.topic = 'fraud')             AS fraud_score,
        max(tag.score) FILTER (WHERE tag.topic = 'ocg')               AS ocg_score,
        array(SELECT DISTINCT e ->> 'phrase' FROM article_tags t3,
                     jsonb_array_elements(t3.evidence) AS e
              WHERE t3.article_id = a.id ORDER BY 1)                  AS evidence_phrases
    FROM article_tags tag
    WHERE tag.article_id = a.id
) t ON true
WHERE a.status = 'ok';

COMMENT ON VIEW analyst_articles IS
    'One row per stored article with its topic tags flattened; times in UTC (published_at) and Asia/Almaty (published_local, published_date).';

-- Counts per day (Asia/Almaty), topic, source and region. An article with two topics or two
-- regions counts in each of its rows: sum over one dimension at a time, or use
-- count(DISTINCT id) on analyst_articles for totals. topic and region are '' when absent
-- ('' rather than NULL so that BI tools group them instead of dropping them).
CREATE VIEW analyst_daily_counts AS
SELECT
    (a.published_at AT TIME ZONE 'Asia/Almaty')::date AS day,
    coalesce(tag.topic, '')                           AS topic,
    a.source_id,
    coalesce(region, '')                              AS region,
    a.lang,
    count(*)::integer                                 AS articles
FROM articles a
LEFT JOIN article_tags tag ON tag.article_id = a.id
LEFT JOIN LATERAL unnest(a.regions) AS region ON true
WHERE a.status = 'ok' AND a.published_at IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

COMMENT ON VIEW analyst_daily_counts IS
    'Articles per day (Asia/Almaty), topic, source, region and language; an article counts once per topic x region it has.';

-- A group role that can read and never write. Roles belong to the whole server, so it may
-- already exist (another database on the server made it); creating one needs CREATEROLE,
-- which a hosted database may refuse: then the views still work and the notice says why.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_analyst') THEN
        CREATE ROLE dozor_analyst NOLOGIN;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'dozor_analyst not created: this user may not create roles (needs CREATEROLE)';
    -- Two databases on one server migrating at once: the other one created it first.
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_analyst') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO dozor_analyst', current_database());
        GRANT USAGE ON SCHEMA public TO dozor_analyst;
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO dozor_analyst;
        -- Tables and views added by later migrations are readable too.
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO dozor_analyst;
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
            ON ALL TABLES IN SCHEMA public FROM dozor_analyst;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'dozor_analyst not granted SELECT: this user does not own the tables';
END
$$;
