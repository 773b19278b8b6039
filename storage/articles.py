"""The `articles` table: idempotent upserts keyed by canonical URL, and what a crawl must skip."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import psycopg

from crawler.items import Article
from crawler.tagging.apply import ArticleAnalysis
from crawler.tagging.stem import SEARCH_TERMS_VERSION
from storage.tags import TagWrite, write_tags

StoreOutcome = Literal["new", "updated", "unchanged"]

# One statement decides new / updated / unchanged: the WHERE on the conflict branch makes an
# identical re-fetch a no-op (no row returned), and xmax = 0 marks a freshly inserted row.
UPSERT_ARTICLE = """
INSERT INTO articles (
    source_id, url, title, lead, body, body_normalized, author, lang, languages,
    published_at, modified_at, date_source, image_captions, status, status_reason,
    content_hash, fetched_at, first_run_id, last_run_id, warc_record, search_terms, parent_url,
    published_precision, etag, last_modified, search_terms_version
) VALUES (
    %(source_id)s, %(url)s, %(title)s, %(lead)s, %(body)s, %(body_normalized)s, %(author)s,
    %(lang)s, %(languages)s, %(published_at)s, %(modified_at)s, %(date_source)s,
    %(image_captions)s, %(status)s, %(status_reason)s, %(content_hash)s, %(fetched_at)s,
    %(run_id)s, %(run_id)s, %(warc_record)s, %(search_terms)s, %(parent_url)s,
    %(published_precision)s, %(etag)s, %(last_modified)s, %(search_terms_version)s
)
ON CONFLICT (url) DO UPDATE SET
    title = EXCLUDED.title, lead = EXCLUDED.lead, body = EXCLUDED.body,
    body_normalized = EXCLUDED.body_normalized, author = EXCLUDED.author,
    lang = EXCLUDED.lang, languages = EXCLUDED.languages,
    published_at = coalesce(EXCLUDED.published_at, articles.published_at),
    published_precision = CASE WHEN EXCLUDED.published_at IS NULL
        THEN articles.published_precision ELSE EXCLUDED.published_precision END,
    modified_at = EXCLUDED.modified_at, date_source = EXCLUDED.date_source,
    image_captions = EXCLUDED.image_captions, status = EXCLUDED.status,
    status_reason = EXCLUDED.status_reason, content_hash = EXCLUDED.content_hash,
    fetched_at = EXCLUDED.fetched_at, last_run_id = EXCLUDED.last_run_id,
    warc_record = EXCLUDED.warc_record, search_terms = EXCLUDED.search_terms,
    search_terms_version = EXCLUDED.search_terms_version,
    parent_url = coalesce(EXCLUDED.parent_url, articles.parent_url),
    -- The validators of the answer that gave the new text, as fetched_at is its time.
    etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
    version = articles.version + 1, last_changed_at = now()
WHERE articles.content_hash IS DISTINCT FROM EXCLUDED.content_hash
RETURNING id, (xmax = 0) AS inserted
"""

# Before an update overwrites it, the old content is kept as a version.
KEEP_PREVIOUS_VERSION = """
INSERT INTO article_versions (article_id, version, title, body, content_hash, fetched_at)
SELECT id, version, title, body, content_hash, fetched_at FROM articles
WHERE url = %(url)s AND content_hash IS DISTINCT FROM %(content_hash)s
ON CONFLICT DO NOTHING
"""


def article_params(
    article: Article, run_id: int | None, search_terms: str | None
) -> dict[str, Any]:
    """The named parameters of UPSERT_ARTICLE for one article."""
    return {
        "source_id": article.source_id, "url": article.url, "title": article.title,
        "lead": article.lead, "body": article.body, "body_normalized": article.body_normalized,
        "author": article.author, "lang": article.lang, "languages": list(article.languages),
        "published_at": article.published_at, "modified_at": article.updated_at,
        "date_source": article.date_source, "image_captions": list(article.image_captions),
        "status": article.status, "status_reason": article.status_reason,
        "content_hash": article.content_hash, "fetched_at": article.fetched_at,
        "run_id": run_id, "warc_record": article.warc_record, "search_terms": search_terms,
        "parent_url": article.parent_url, "published_precision": article.date_precision,
        "etag": article.etag, "last_modified": article.last_modified,
        "search_terms_version": None if search_terms is None else SEARCH_TERMS_VERSION,
    }


def upsert_article(
    conn: psycopg.Connection[Any], article: Article, run_id: int | None,
    search_terms: str | None = None,
) -> tuple[StoreOutcome, int | None]:
    """Insert or update one article in its own transaction; say what happened and its id."""
    if not article.content_hash:
        raise ValueError(f"article {article.url} has no content hash; extract it first")
    params = article_params(article, run_id, search_terms)
    with conn.transaction():
        conn.execute(KEEP_PREVIOUS_VERSION, params)
        row = conn.execute(UPSERT_ARTICLE, params).fetchone()
    if row is None:
        return "unchanged", None
    return ("new" if row[1] else "updated"), int(row[0])


# A page stored without a usable text (empty, broken: often a transient "try later" page or a
# half-deployed redesign) is fetched again by the runs of the next days, then left alone.
RETRY_NOT_OK_FOR = "3 days"
RETRY_NOT_OK_AFTER = "6 hours"


def known_urls(conn: psycopg.Connection[Any], source_id: str) -> set[str]:
    """Canonical URLs a pass need not request again: stored fine, or given up on."""
    rows = conn.execute(
        "SELECT url FROM articles WHERE source_id = %(source)s AND (status = 'ok'"
        " OR first_seen_at < now() - %(give_up)s::interval"
        " OR fetched_at > now() - %(wait)s::interval)",
        {"source": source_id, "give_up": RETRY_NOT_OK_FOR, "wait": RETRY_NOT_OK_AFTER},
    )
    return {str(r[0]) for r in rows}


def replace_tags(
    conn: psycopg.Connection[Any], article_id: int, tags: Iterable[dict[str, Any]],
    facts: dict[str, Any], rules_version: str,
) -> None:
    """Replace an article's topic tags and tagged facts with a new tagging result."""
    write_tags(conn, [TagWrite(article_id, list(tags), facts, rules_version)])


def store_article(
    conn: psycopg.Connection[Any], article: Article, analysis: ArticleAnalysis,
    run_id: int | None,
) -> StoreOutcome:
    """Upsert an article and, when its content changed, its tags; return what happened."""
    with conn.transaction():  # one commit per article: its row and its tags land together
        outcome, article_id = upsert_article(conn, article, run_id, analysis.search_terms)
        if article_id is not None:
            replace_tags(conn, article_id, analysis.tag_rows(), analysis.facts(),
                         analysis.tags.rules_version)
    return outcome


def store_articles(
    conn: psycopg.Connection[Any], batch: Sequence[tuple[Article, ArticleAnalysis]],
    run_id: int | None,
) -> list[StoreOutcome]:
    """Upsert a batch of articles and, for those whose content changed, their tags.

    Call inside the transaction the batch commits in (the caller adds its own checks and
    counters to it); statements go out pipelined, a few round trips for the whole batch.
    """
    outcomes: list[StoreOutcome] = []
    start = 0
    while start < len(batch):
        # A URL met twice must see its first write: it starts the next sub-batch.
        seen: set[str] = set()
        end = start
        while end < len(batch) and batch[end][0].url not in seen:
            seen.add(batch[end][0].url)
            end += 1
        outcomes += _store_distinct(conn, batch[start:end], run_id)
        start = end
    return outcomes


def _store_distinct(
    conn: psycopg.Connection[Any], batch: Sequence[tuple[Article, ArticleAnalysis]],
    run_id: int | None,
) -> list[StoreOutcome]:
    for article, _ in batch:
        if not article.content_hash:
            raise ValueError(f"article {article.url} has no content hash; extract it first")
    params = [article_params(a, run_id, analysis.search_terms) for a, analysis in batch]
    outcomes: list[StoreOutcome] = []
    changed: list[tuple[int, ArticleAnalysis]] = []
    with conn.cursor() as cur:
        cur.executemany(KEEP_PREVIOUS_VERSION, params)
        cur.executemany(UPSERT_ARTICLE, params, returning=True)
        for _, analysis in batch:
            row = cur.fetchone()
            if row is None:
                outcomes.append("unchanged")
            else:
                outcomes.append("new" if row[1] else "updated")
                changed.append((int(row[0]), analysis))
            cur.nextset()
    write_tags(conn, [TagWrite(article_id, analysis.tag_rows(), analysis.facts(),
                               analysis.tags.rules_version) for article_id, analysis in changed])
    return outcomes
