-- Analysts' corrections of topic tags, the damage of the case with its sentence, and the
-- model version of each tag. docs/tagging.md describes how corrections are made and used.

-- One row per verdict, never updated: who confirmed or rejected which topic of which
-- article, when, and what the rules said then. The latest verdict per article and topic is
-- the one in force (current_tag_corrections); older ones stay as history.
CREATE TABLE tag_corrections (
    id             bigserial PRIMARY KEY,
    article_id     bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic          text NOT NULL CHECK (topic IN ('fraud', 'ocg')),
    verdict        text NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    analyst        text NOT NULL CHECK (length(analyst) BETWEEN 1 AND 200),
    note           text CHECK (length(note) <= 2000),
    kz_related     boolean,                 -- the analyst's view, when given
    rules_said     boolean NOT NULL,        -- whether the rules had assigned the topic
    rules_version  text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tag_corrections_article_idx ON tag_corrections (article_id, topic, created_at DESC);

CREATE VIEW current_tag_corrections AS
SELECT DISTINCT ON (article_id, topic)
       id, article_id, topic, verdict, analyst, note, kz_related, rules_said, rules_version,
       created_at
FROM tag_corrections
ORDER BY article_id, topic, created_at DESC, id DESC;

COMMENT ON VIEW current_tag_corrections IS
    'The verdict in force per article and topic: the latest of tag_corrections.';

-- Every verdict, for the analysts' side (which reads views, not tables).
CREATE VIEW analyst_tag_corrections AS
SELECT id, article_id, topic, verdict, analyst, note, kz_related, rules_said, rules_version,
       created_at
FROM tag_corrections;

COMMENT ON VIEW analyst_tag_corrections IS
    'Analysts'' verdicts on topic tags (confirm or reject), who and when; newest wins.';

-- article_tags keeps the topics in force: the rules' topics, less those an analyst
-- rejected, plus those an analyst confirmed that the rules missed (source 'analyst').
-- Retagging rewrites the rules' part and applies the corrections again.
ALTER TABLE article_tags
    ADD COLUMN source         text NOT NULL DEFAULT 'rules' CHECK (source IN ('rules', 'analyst')),
    ADD COLUMN corrected_by   text,
    ADD COLUMN corrected_at   timestamptz,
    ADD COLUMN model_version  text;

-- The damage of the case is one amount (damage_kzt keeps it as a one-element array for the
-- views that read it); damage_sentence is the sentence that states it, as written.
ALTER TABLE articles ADD COLUMN damage_sentence text;
