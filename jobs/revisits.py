"""The revisits of a crawl (crawler/spiders/revisiting.py): loaded when it opens, recorded as
they come back. Registered before StorePipeline, it takes the revisit items, so a revisit never
counts as a link found, new or updated by the run: it is counted under `dozor/revisit/*`.

A revisited page goes through the functions StorePipeline calls (extract_article,
analyse_article, store_article): a changed text is an update whose earlier text lands in
article_versions. A soft-404 (a "page not found" or "Материал удалён" notice served with 200,
crawler/extract/soft_404.py) marks the article removed, as a 404 does; any other page that no
longer extracts as an article (a broken template) does not overwrite the stored text.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from scrapy.crawler import Crawler

from crawler.config import load_config
from crawler.errors import DatabaseUnavailableError, LeaseLostError, first_line
from crawler.extract.body import extract_article
from crawler.extract.soft_404 import soft_404_kind
from crawler.items import Article, RawPage
from crawler.politeness import record_error
from crawler.revisits import RevisitResult
from crawler.spiders.news import NewsSpider
from crawler.tagging.apply import ArticleAnalysis, analyse_article
from storage.articles import store_article
from storage.db import connect, resolve_database_url
from storage.history import due_revisits, record_revisit
from storage.leases import Lease, check, held, source_lease

log = logging.getLogger(__name__)


class RevisitPipeline:
    """Loads a source's due revisits at open; records each revisit's outcome."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.conn: psycopg.Connection[Any] | None = None
        self.database_url: str | None = None
        # The run's lease (jobs/runner.py passes its token): a new version is written only
        # while the run still holds it, as StorePipeline's batches are (fencing).
        self.lease_token: int | None = crawler.settings.getint("DOZOR_LEASE_TOKEN") or None
        self.lease: Lease | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RevisitPipeline:
        return cls(crawler)

    def _spider(self) -> NewsSpider:
        spider = self.crawler.spider
        if not isinstance(spider, NewsSpider):
            raise TypeError("RevisitPipeline serves the news spider only")
        return spider

    def _connection(self) -> psycopg.Connection[Any]:
        if self.conn is None or self.conn.closed or self.conn.broken:
            if self.database_url is None:
                self.database_url = resolve_database_url(load_config())
            self.conn = connect(self.database_url, autocommit=True)
        return self.conn

    def open_spider(self) -> None:
        spider = self._spider()
        if not spider.revisiting:
            return
        if self.lease_token is not None:
            self.lease = held(self._connection(), source_lease(spider.source.id),
                              self.lease_token)
            if self.lease is None:
                return  # StorePipeline closes the crawl: the lease was gone before it started
        spider.revisits = due_revisits(self._connection(), spider.source.id)
        if spider.revisits:
            log.info("%s: %d articles due for a revisit", spider.source.id, len(spider.revisits))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RevisitResult):
            if item.outcome != "failed":  # a failed revisit is asked again next run
                self._record(item.url, etag=item.etag, last_modified=item.last_modified,
                             removed_reason=item.reason if item.outcome == "removed" else None)
            return item
        if not isinstance(item, RawPage) or not item.revisit:
            return item  # StorePipeline's
        return self._store(item)

    def _store(self, page: RawPage) -> RevisitResult:
        stats = self.crawler.stats
        source = self._spider().source
        try:
            article = extract_article(page, source)
            analysis = analyse_article(article)
        except Exception as exc:  # one page's bug must not stop the crawl
            log.exception("could not extract the revisit of %s", page.url)
            stats.inc_value("dozor/revisit/failed")
            record_error(self.crawler, "revisit", page.url, f"{type(exc).__name__}: {exc}")
            return RevisitResult(source.id, page.url, "failed", page.status)
        outcome = "not_ok"
        # A not-found page served with 200, or a redirect to a listing: removed, as a 404 is.
        removed = article.status_reason if article.status == "soft_404" else None
        try:
            if article.status == "ok":
                outcome = self._write(article, analysis, page.run_id)
            elif removed:
                outcome = "removed"
                stats.inc_value("dozor/revisit/soft_404")
                stats.inc_value(f"dozor/revisit/soft_404/{soft_404_kind(removed)}")
                log.info("revisit of %s: %s; the article is marked removed", page.url, removed)
            self._record(page.url, etag=page.headers.get("etag"),
                         last_modified=page.headers.get("last-modified"), removed_reason=removed)
        except (psycopg.OperationalError, DatabaseUnavailableError, LeaseLostError) as exc:
            reason = "lease" if isinstance(exc, LeaseLostError) else "database"
            stats.inc_value("dozor/revisit/failed")
            record_error(self.crawler, "revisit", page.url, f"{reason}: {first_line(exc)}")
            return RevisitResult(source.id, page.url, "failed", page.status)
        stats.inc_value(f"dozor/revisit/{outcome}")
        if outcome == "updated":
            log.info("revisit of %s: the text changed, stored as a new version", page.url)
        return RevisitResult(source.id, page.url, outcome, page.status, removed)

    def _write(self, article: Article, analysis: ArticleAnalysis, run_id: int | None) -> str:
        """store_article in one transaction behind the lease check."""
        conn = self._connection()
        with conn.transaction():
            if self.lease is not None:
                check(conn, self.lease)
            return store_article(conn, article, analysis, run_id)

    def _record(self, url: str, **details: str | None) -> None:
        try:
            record_revisit(self._connection(), url, **details)
        except (psycopg.OperationalError, DatabaseUnavailableError) as exc:
            log.error("could not record the revisit of %s: %s", url, first_line(exc))

    def close_spider(self) -> None:
        if self.conn is not None and not self.conn.closed:
            self.conn.close()
