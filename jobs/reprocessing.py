"""Reprocessing: stored articles extracted and tagged again from their archived answers, offline
(no network). Used by `dozor reprocess` and by the queue's reprocess job."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import psycopg

from crawler.archive import ArchiveReadError, read_response
from crawler.errors import UnknownSourceError
from crawler.extract.body import extract_article
from crawler.extract.dates import ALMATY
from crawler.items import RawPage
from crawler.sources import get_source
from crawler.tagging.apply import analyse_article
from storage.articles import replace_tags, store_article

log = logging.getLogger(__name__)

ARCHIVED_ARTICLES = """
SELECT id, source_id, url, warc_record, last_run_id FROM articles
WHERE warc_record IS NOT NULL
  AND (%(source)s::text IS NULL OR source_id = %(source)s)
  AND (%(since)s::timestamptz IS NULL OR coalesce(published_at, fetched_at) >= %(since)s)
ORDER BY id
"""


@dataclass
class ReprocessReport:
    """What a reprocessing pass did, article by article."""

    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # "<url>: <why>" for unreadable evidence


def reprocess_articles(
    conn: psycopg.Connection[Any], archive_dir: Path, source_id: str | None = None,
    since: date | None = None,
) -> ReprocessReport:
    """Re-extract, re-tag and re-store every archived article; reads only files and the database."""
    report = ReprocessReport()
    start = datetime.combine(since, time.min, ALMATY) if since else None
    rows = conn.execute(ARCHIVED_ARTICLES, {"source": source_id, "since": start}).fetchall()
    for article_id, row_source, url, reference, last_run_id in rows:
        report.articles += 1
        try:
            source = get_source(str(row_source))
            archived = read_response(archive_dir, str(reference))
        except (ArchiveReadError, UnknownSourceError) as exc:
            report.missing.append(f"{url}: {exc}")
            continue
        raw = RawPage(
            source_id=source.id, url=str(url), fetched_url=archived.url, status=archived.status,
            headers=archived.headers, body=archived.body, fetched_at=archived.fetched_at,
            run_id=last_run_id, link=archived.link, warc_record=str(reference),
        )
        article = extract_article(raw, source)
        analysis = analyse_article(article)
        # The run that last stored the article stays its last run: a reprocess is not a crawl.
        outcome = store_article(conn, article, analysis, last_run_id)
        if outcome == "unchanged":
            report.unchanged += 1
            # Same text, but the tagging rules may be newer than the stored tags.
            replace_tags(conn, int(article_id), analysis.tag_rows(), analysis.facts(),
                         analysis.tags.rules_version)
        else:
            report.changed += 1
            log.info("reprocessed %s: %s", url, outcome)
    return report
