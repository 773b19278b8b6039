-- Dozor's first schema: the sources, the articles and one row per crawl run.

CREATE TABLE sources (
    id          text PRIMARY KEY,              -- registry id, e.g. 'zakon_kz'
    name        text NOT NULL,
    home        text NOT NULL,
    languages   text[] NOT NULL,
    kind        text NOT NULL,                 -- newsroom | official | telegram
    schedule    text,                          -- cron in Asia/Almaty
    paused      boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
    id           bigserial PRIMARY KEY,
    source_id    text NOT NULL REFERENCES sources (id),
    mode         text NOT NULL DEFAULT 'daily',      -- daily | backfill | replay | scheduled
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'ok', 'partial', 'failed', 'killed', 'timeout')),
    found        integer NOT NULL DEFAULT 0,   -- article links discovered
    skipped      integer NOT NULL DEFAULT 0,   -- already stored: not requested again
    new          integer NOT NULL DEFAULT 0,
    updated      integer NOT NULL DEFAULT 0,
    unchanged    integer NOT NULL DEFAULT 0,
    failed       integer NOT NULL DEFAULT 0,   -- fetch or store failures
    rejected     integer NOT NULL DEFAULT 0,   -- bombs, oversize, unparsable documents
    requests     integer NOT NULL DEFAULT 0,
    errors       jsonb NOT NULL DEFAULT '[]',  -- [{"kind":..., "url":..., "message":...}], capped
    stats        jsonb,                        -- Scrapy's stats at the end of the crawl
    pid          integer
);
CREATE INDEX crawl_runs_source_started_idx ON crawl_runs (source_id, started_at DESC);

CREATE TABLE articles (
    id               bigserial PRIMARY KEY,
    source_id        text NOT NULL REFERENCES sources (id),
    url              text NOT NULL UNIQUE,      -- canonical URL: the same story reached twice is one row
    title            text,
    lead             text,
    body             text,                      -- as found
    body_normalized  text,                      -- Kazakh look-alikes folded: what search and tags read
    author           text,
    lang             text,                      -- kk | ru | en
    languages        text[] NOT NULL DEFAULT '{}',
    published_at     timestamptz,
    modified_at      timestamptz,
    date_source      text,                      -- jsonld | meta | text | url | feed | api
    image_captions   text[] NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'ok', -- ok | empty | not_article | paywall | video_only | broken
    status_reason    text,
    content_hash     text NOT NULL,
    version          integer NOT NULL DEFAULT 1, -- +1 each time the stored content changes
    fetched_at       timestamptz NOT NULL,
    first_seen_at    timestamptz NOT NULL DEFAULT now(),
    last_changed_at  timestamptz NOT NULL DEFAULT now(),
    first_run_id     bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
    last_run_id      bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
    warc_record      text,                      -- '<warc file>#<offset>' of the response kept as evidence
    -- Stems of Kazakh and Russian words computed by crawler.tagging.stem (PostgreSQL has no Kazakh
    -- configuration); queries go through the same function, so 'simple' is the right config here.
    search_terms     text,
    search_vector    tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search_terms, ''))) STORED
);
CREATE INDEX articles_source_published_idx ON articles (source_id, published_at DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC);
CREATE INDEX articles_search_idx ON articles USING gin (search_vector);

-- Earlier contents of articles updated in place, so an edit by the newsroom stays visible.
CREATE TABLE article_versions (
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version       integer NOT NULL,
    title         text,
    body          text,
    content_hash  text NOT NULL,
    fetched_at    timestamptz NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Validators of feeds and sitemaps from the last fetch, for conditional requests next time.
CREATE TABLE fetch_validators (
    url            text PRIMARY KEY,
    etag           text,
    last_modified  text,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
