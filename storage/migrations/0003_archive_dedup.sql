-- Documents, stories and translations: a PDF keeps the page that published it; the same news
-- republished by several outlets (or edited in place) is one story; the Kazakh and Russian
-- versions of one article on one site are a pair.

-- A document (a PDF letter or statistics) links back to the article page that published it.
ALTER TABLE articles ADD COLUMN parent_url text;
CREATE INDEX articles_parent_url_idx ON articles (parent_url) WHERE parent_url IS NOT NULL;

-- One story per event: its articles across outlets and languages (articles.story_id);
-- earlier contents of each article stay in article_versions. The summary columns are
-- recomputed from the articles whenever a grouping pass touches the story.
CREATE TABLE stories (
    id                  bigserial PRIMARY KEY,
    title               text,                           -- the earliest article's title
    first_published_at  timestamptz,
    last_published_at   timestamptz,
    article_count       integer NOT NULL DEFAULT 0,
    sources             text[] NOT NULL DEFAULT '{}',
    languages           text[] NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stories_first_published_idx ON stories (first_published_at DESC);

ALTER TABLE articles
    ADD COLUMN story_id     bigint REFERENCES stories (id) ON DELETE SET NULL,
    -- How the article was placed: first (opened the story) | exact | near; stories joined by
    -- a translation pair keep their articles' values
    ADD COLUMN story_match  text,
    ADD COLUMN story_score  real;                       -- similarity to the article it matched
CREATE INDEX articles_story_idx ON articles (story_id);
CREATE INDEX articles_ungrouped_idx ON articles (id) WHERE story_id IS NULL;

-- MinHash signatures of article bodies, kept so a grouping pass hashes only new or changed
-- articles; content_hash says which content the signature was computed from.
CREATE TABLE article_signatures (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    content_hash  text NOT NULL,
    shingles      integer NOT NULL,                     -- distinct word shingles hashed
    minhash       bytea NOT NULL                        -- hash values, uint64 little-endian
);

-- The Kazakh and Russian versions of one article on one site; the lower id first.
CREATE TABLE article_translations (
    article_id      bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    translation_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    method          text NOT NULL,                      -- url_id | time_numbers
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, translation_id),
    CHECK (article_id < translation_id)
);
CREATE INDEX article_translations_translation_idx ON article_translations (translation_id);
