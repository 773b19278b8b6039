"""Stories: articles grouped across outlets, edits and languages, one pass after each crawl.

A pass takes the articles not yet in a story (status 'ok', with a body) and compares each with
the grouped articles published within STORY_WINDOW of it, and with the ones placed earlier in
the pass: the same content hash, or a near duplicate by MinHash (candidates from an LSH index,
decided in crawler.extract.similarity), joins that story; anything else opens a new one. Then
its Kazakh or Russian translation on the same site, if found, is recorded as a pair and the
two stories become one. Updated-in-place articles keep their row and story; their earlier
texts are in article_versions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from datasketch import MinHashLSH

from crawler.extract.similarity import (
    LSH_THRESHOLD,
    NUM_PERM,
    Signature,
    TranslationCandidate,
    same_story_score,
    signature,
    translation_partners,
)

log = logging.getLogger(__name__)

# Republications follow within days; a story reappearing weeks later is a new story.
STORY_WINDOW = timedelta(days=7)
# Serialises grouping passes (after each crawl, `dozor dedup`); see storage.migrate's key.
STORIES_LOCK_KEY = 7_305_003

UNGROUPED = """
SELECT id, source_id, url, lang, coalesce(published_at, first_seen_at) AS day, published_at,
       content_hash, body
FROM articles WHERE story_id IS NULL AND status = 'ok' AND body IS NOT NULL
ORDER BY coalesce(published_at, first_seen_at), id
"""
GROUPED_NEAR = """
SELECT id, source_id, url, lang, coalesce(published_at, first_seen_at) AS day, published_at,
       content_hash, body, story_id
FROM articles
WHERE story_id IS NOT NULL AND status = 'ok' AND body IS NOT NULL
  AND coalesce(published_at, first_seen_at) BETWEEN %(start)s AND %(end)s
"""
STORY_SUMMARY = """
UPDATE stories s SET
    title = first.title, first_published_at = agg.first_at, last_published_at = agg.last_at,
    article_count = agg.n, sources = agg.sources, languages = agg.languages, updated_at = now()
FROM (
    SELECT story_id, count(*) AS n, min(published_at) AS first_at, max(published_at) AS last_at,
           array_agg(DISTINCT source_id ORDER BY source_id) AS sources,
           array_remove(array_agg(DISTINCT lang ORDER BY lang), NULL) AS languages
    FROM articles WHERE story_id = ANY(%(ids)s) GROUP BY story_id
) agg,
LATERAL (
    SELECT title FROM articles WHERE story_id = agg.story_id
    ORDER BY published_at NULLS LAST, id LIMIT 1
) first
WHERE s.id = agg.story_id
"""


@dataclass
class StoredArticle:
    """An article as grouping reads it."""

    id: int
    source_id: str
    url: str
    lang: str | None
    day: datetime
    published_at: datetime | None
    content_hash: str
    body: str
    story_id: int | None = None
    signature: Signature | None = None

    def candidate(self) -> TranslationCandidate:
        """The fields translation matching compares."""
        return TranslationCandidate(self.id, self.source_id, self.url, self.lang,
                                    self.published_at, self.body)


@dataclass
class GroupingReport:
    """What a grouping pass did."""

    articles: int = 0  # articles placed in a story
    new_stories: int = 0
    exact: int = 0
    near: int = 0
    translations: int = 0
    merged_stories: int = 0
    touched: set[int] = field(default_factory=set)


def _load_signatures(conn: psycopg.Connection[Any], articles: Sequence[StoredArticle]) -> None:
    """Attach stored signatures, computing and storing those missing or stale."""
    stored = {
        int(row[0]): (str(row[1]), int(row[2]), bytes(row[3]))
        for row in conn.execute(
            "SELECT article_id, content_hash, shingles, minhash FROM article_signatures"
            " WHERE article_id = ANY(%s)", ([a.id for a in articles],))
    }
    fresh = []
    for article in articles:
        kept = stored.get(article.id)
        if kept is not None and kept[0] == article.content_hash:
            article.signature = Signature.from_bytes(kept[2], kept[1])
        else:
            article.signature = signature(article.body)
            fresh.append(article)
    if fresh:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_signatures (article_id, content_hash, shingles, minhash)"
                " VALUES (%(id)s, %(hash)s, %(shingles)s, %(minhash)s)"
                " ON CONFLICT (article_id) DO UPDATE SET content_hash = EXCLUDED.content_hash,"
                " shingles = EXCLUDED.shingles, minhash = EXCLUDED.minhash",
                [{"id": a.id, "hash": a.content_hash, "shingles": a.signature.shingles,
                  "minhash": a.signature.to_bytes()} for a in fresh if a.signature],
            )


def _new_story(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("INSERT INTO stories DEFAULT VALUES RETURNING id").fetchone()
    assert row is not None
    return int(row[0])


def _assign(conn: psycopg.Connection[Any], article: StoredArticle, story_id: int, match: str,
            score: float | None) -> None:
    article.story_id = story_id
    conn.execute("UPDATE articles SET story_id = %s, story_match = %s, story_score = %s"
                 " WHERE id = %s", (story_id, match, score, article.id))


def _merge(conn: psycopg.Connection[Any], keep: int, drop: int,
           pool: Sequence[StoredArticle]) -> None:
    """Move every article of story `drop` into story `keep` and delete `drop`."""
    conn.execute("UPDATE articles SET story_id = %s WHERE story_id = %s", (keep, drop))
    conn.execute("DELETE FROM stories WHERE id = %s", (drop,))
    for article in pool:
        if article.story_id == drop:
            article.story_id = keep


def _best_near_duplicate(
    article: StoredArticle, lsh: MinHashLSH, by_id: dict[int, StoredArticle],
) -> tuple[StoredArticle, float] | None:
    assert article.signature is not None
    best: tuple[StoredArticle, float] | None = None
    for key in lsh.query(article.signature.minhash):
        other = by_id[int(key)]
        assert other.signature is not None
        score = same_story_score(article.signature, other.signature)
        if score is not None and (best is None or (score, -other.id) > (best[1], -best[0].id)):
            best = (other, score)
    return best


def _link_translations(
    conn: psycopg.Connection[Any], article: StoredArticle, pool: Sequence[StoredArticle],
    report: GroupingReport,
) -> None:
    same_source = [p.candidate() for p in pool
                   if p.source_id == article.source_id and p.lang != article.lang]
    by_id = {p.id: p for p in pool}
    for partner, method in translation_partners(article.candidate(), same_source):
        low, high = sorted((article.id, partner.id))
        inserted = conn.execute(
            "INSERT INTO article_translations (article_id, translation_id, method)"
            " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1", (low, high, method),
        ).fetchone()
        report.translations += inserted is not None
        other = by_id[partner.id]
        if other.story_id is not None and article.story_id is not None \
                and other.story_id != article.story_id:
            keep, drop = sorted((other.story_id, article.story_id))
            _merge(conn, keep, drop, pool)
            report.merged_stories += 1
            report.touched.discard(drop)
            report.touched.add(keep)


def group_stories(conn: psycopg.Connection[Any]) -> GroupingReport:
    """Place every ungrouped article in a story; one transaction for the whole pass."""
    report = GroupingReport()
    with conn.transaction():
        # One pass at a time: the scheduler and a CLI run may finish crawls together.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (STORIES_LOCK_KEY,))
        new = [StoredArticle(*row) for row in conn.execute(UNGROUPED).fetchall()]
        if not new:
            return report
        start, end = new[0].day - STORY_WINDOW, new[-1].day + STORY_WINDOW
        grouped = [StoredArticle(*row) for row in
                   conn.execute(GROUPED_NEAR, {"start": start, "end": end}).fetchall()]
        pool = grouped + new
        _load_signatures(conn, pool)
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        by_id: dict[int, StoredArticle] = {}
        by_hash: dict[str, StoredArticle] = {}
        placed: list[StoredArticle] = []

        def index(article: StoredArticle) -> None:
            assert article.signature is not None
            lsh.insert(str(article.id), article.signature.minhash)
            by_id[article.id] = article
            by_hash.setdefault(article.content_hash, article)
            placed.append(article)

        for article in grouped:
            index(article)
        for article in new:
            exact = by_hash.get(article.content_hash)
            near = None if exact else _best_near_duplicate(article, lsh, by_id)
            if exact is not None and exact.story_id is not None:
                _assign(conn, article, exact.story_id, "exact", 1.0)
                report.exact += 1
            elif near is not None and near[0].story_id is not None:
                _assign(conn, article, near[0].story_id, "near", near[1])
                report.near += 1
            else:
                _assign(conn, article, _new_story(conn), "first", None)
                report.new_stories += 1
            assert article.story_id is not None
            report.touched.add(article.story_id)
            report.articles += 1
            index(article)
            _link_translations(conn, article, placed, report)
        conn.execute(STORY_SUMMARY, {"ids": sorted(report.touched)})
    log.info("grouped %d articles: %d new stories, %d exact, %d near, %d translation pairs",
             report.articles, report.new_stories, report.exact, report.near, report.translations)
    return report
