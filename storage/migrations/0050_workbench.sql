-- The analysts' workbench: stories in the BI views (one story, one row), saved searches and
-- their alerts, and a role that may edit saved searches and nothing else.
-- docs/analysts.md describes the views and the roles.

-- Which article stands for its story: the earliest one (undated last, then by id), the one
-- that opened the news. Articles not yet grouped (story_id NULL) stand for themselves.
CREATE INDEX articles_story_published_idx ON articles (story_id, published_at, id)
    WHERE story_id IS NOT NULL;

-- analyst_articles of 0005 with the story columns appended (CREATE OR REPLACE VIEW may only
-- add columns at the end; the earlier ones are unchanged).
CREATE OR REPLACE VIEW analyst_articles AS
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
    a.version,
    -- the story: its id (NULL until grouped), size, outlets and languages
    a.story_id,
    coalesce(st.article_count, 1)                       AS story_articles,
    coalesce(st.sources, ARRAY[a.source_id])            AS story_sources,
    coalesce(st.languages, array_remove(ARRAY[a.lang], NULL)) AS story_languages,
    -- true for the one article that stands for its story: count these to count stories
    (a.story_id IS NULL OR NOT EXISTS (
        SELECT FROM articles b
        WHERE b.story_id = a.story_id AND b.status = 'ok' AND b.id <> a.id
          AND (coalesce(b.published_at, 'infinity'), b.id)
              < (coalesce(a.published_at, 'infinity'), a.id)))  AS story_lead
FROM articles a
JOIN sources s ON s.id = a.source_id
LEFT JOIN stories st ON st.id = a.story_id
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

-- One row per story: the leading article's title, date and link, and what all its articles
-- say together (topics, regions), across outlets and languages.
CREATE VIEW analyst_stories AS
SELECT
    coalesce(a.story_id, -a.id)                         AS story_key,
    a.story_id,
    a.id                                                AS lead_article_id,
    a.title,
    a.url,
    a.published_at,
    a.published_local,
    a.published_date,
    a.story_articles                                    AS articles,
    a.story_sources                                     AS sources,
    a.story_languages                                   AS languages,
    coalesce(m.topics, a.topics)                        AS topics,
    coalesce(m.regions, a.regions)                      AS regions,
    coalesce('fraud' = ANY (coalesce(m.topics, a.topics)), false) AS is_fraud,
    coalesce('ocg' = ANY (coalesce(m.topics, a.topics)), false)   AS is_ocg
FROM analyst_articles a
LEFT JOIN LATERAL (
    SELECT array(SELECT DISTINCT t.topic FROM articles b JOIN article_tags t
                   ON t.article_id = b.id
                 WHERE b.story_id = a.story_id AND b.status = 'ok' ORDER BY 1) AS topics,
           array(SELECT DISTINCT r FROM articles b, unnest(b.regions) AS r
                 WHERE b.story_id = a.story_id AND b.status = 'ok' ORDER BY 1) AS regions
    WHERE a.story_id IS NOT NULL
) m ON true
WHERE a.story_lead;

COMMENT ON VIEW analyst_stories IS
    'One row per story (republications and language versions together): the earliest article, and the topics and regions of all its articles.';

-- Stories per day (Asia/Almaty, the day of the story''s first article), topic and region: the
-- counts without republications and translations. A story with two topics or regions counts
-- in each of its rows, as in analyst_daily_counts.
CREATE VIEW analyst_daily_stories AS
SELECT
    s.published_date                                    AS day,
    coalesce(topic, '')                                 AS topic,
    coalesce(region, '')                                AS region,
    count(*)::integer                                   AS stories,
    sum(s.articles)::integer                            AS articles
FROM analyst_stories s
LEFT JOIN LATERAL unnest(CASE WHEN s.topics = '{}' THEN NULL ELSE s.topics END) AS topic ON true
LEFT JOIN LATERAL unnest(CASE WHEN s.regions = '{}' THEN NULL ELSE s.regions END) AS region ON true
WHERE s.published_date IS NOT NULL
GROUP BY 1, 2, 3;

COMMENT ON VIEW analyst_daily_stories IS
    'Stories per day (Asia/Almaty), topic and region; republications and language versions count once.';

-- ---------------------------------------------------------------------------------------
-- Saved searches and their alerts
-- ---------------------------------------------------------------------------------------

CREATE TABLE saved_searches (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 120),
    -- matches: new articles matching query + filters; spikes: a topic x region count above
    -- its recent baseline (query and filters narrow what is counted)
    kind           text NOT NULL DEFAULT 'matches' CHECK (kind IN ('matches', 'spikes')),
    query          text NOT NULL DEFAULT '' CHECK (length(query) <= 200),
    filters        jsonb NOT NULL DEFAULT '{}',        -- {"topics": [...], "regions": [...], ...}
    cross_language boolean NOT NULL DEFAULT true,
    email          text[] NOT NULL DEFAULT '{}',       -- recipients
    webhook        text,                               -- a URL, or env:NAME (the URL in $NAME)
    daily_cap      integer NOT NULL DEFAULT 20 CHECK (daily_cap BETWEEN 1 AND 500),
    ui_lang        text NOT NULL DEFAULT 'kk' CHECK (ui_lang IN ('kk', 'ru', 'en')),
    active         boolean NOT NULL DEFAULT true,
    -- articles first stored after this moment are new to the search (set at creation: an
    -- alert never replays the archive)
    checked_until  timestamptz NOT NULL DEFAULT now(),
    last_run_at    timestamptz,
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (cardinality(email) > 0 OR webhook IS NOT NULL)
);

-- What was delivered (or held back by the daily cap) per saved search: one row per story,
-- so a story is alerted once however many outlets repeat it.
CREATE TABLE alert_deliveries (
    id               bigserial PRIMARY KEY,
    saved_search_id  bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    alert_key        text NOT NULL,                    -- story:<id> | article:<id> | spike:<topic>:<region>:<day>
    article_id       bigint REFERENCES articles (id) ON DELETE SET NULL,
    status           text NOT NULL CHECK (status IN ('sent', 'capped')),
    channels         text[] NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (saved_search_id, alert_key)
);
CREATE INDEX alert_deliveries_day_idx ON alert_deliveries (saved_search_id, created_at);

-- The analyst role reads articles, not who gets alerts or where webhooks point.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_analyst') THEN
        REVOKE ALL ON saved_searches, alert_deliveries FROM dozor_analyst;
    END IF;
END
$$;

-- dozor_alert_editor: what the web page's saved-search forms run as. It reads what the analyst
-- reads and may change saved_searches only; articles stay unwritable for it. Created like
-- dozor_analyst (server-wide, needs CREATEROLE; without it a notice, and saved searches are
-- then managed with `dozor alerts` only).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_alert_editor') THEN
        CREATE ROLE dozor_alert_editor NOLOGIN;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'dozor_alert_editor not created: this user may not create roles (needs CREATEROLE)';
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'dozor_alert_editor') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO dozor_alert_editor', current_database());
        GRANT USAGE ON SCHEMA public TO dozor_alert_editor;
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO dozor_alert_editor;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO dozor_alert_editor;
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
            ON ALL TABLES IN SCHEMA public FROM dozor_alert_editor;
        GRANT INSERT, UPDATE, DELETE ON saved_searches TO dozor_alert_editor;
        GRANT USAGE ON SEQUENCE saved_searches_id_seq TO dozor_alert_editor;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'dozor_alert_editor not granted: this user does not own the tables';
END
$$;
