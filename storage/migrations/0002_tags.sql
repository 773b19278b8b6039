-- Topic tags with their evidence, and the facts the tagger reads out of each article.

CREATE TABLE article_tags (
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic          text NOT NULL,                 -- fraud | ocg
    score          real NOT NULL,
    subtopics      text[] NOT NULL DEFAULT '{}',
    evidence       jsonb NOT NULL DEFAULT '[]',   -- [{"phrase", "rule", "field", "start", "end"}]
    rules_version  text NOT NULL,
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX article_tags_topic_idx ON article_tags (topic, article_id);
CREATE INDEX article_tags_subtopics_idx ON article_tags USING gin (subtopics);

ALTER TABLE articles
    ADD COLUMN kz_related              boolean,
    ADD COLUMN regions                 text[] NOT NULL DEFAULT '{}',
    ADD COLUMN criminal_code_articles  text[] NOT NULL DEFAULT '{}',
    ADD COLUMN agencies                text[] NOT NULL DEFAULT '{}',
    ADD COLUMN damage_kzt              bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN case_counts             integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN rules_version           text,
    ADD COLUMN tagged_at               timestamptz;
CREATE INDEX articles_regions_idx ON articles USING gin (regions);
