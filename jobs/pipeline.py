"""extract -> tag -> store, for each RawPage the spider yields; the run's counts at the end."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import psycopg
from scrapy.crawler import Crawler

from crawler.config import load_config
from crawler.errors import DatabaseUnavailableError, first_line
from crawler.extract.body import extract_article
from crawler.items import RawPage
from crawler.politeness import record_error
from crawler.spiders.news import NewsSpider
from crawler.tagging.apply import analyse_article
from storage.articles import known_urls, store_article
from storage.db import connect, resolve_database_url
from storage.runs import record_counts
from storage.sources import load_validators

log = logging.getLogger(__name__)


def run_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The crawl_runs counters from Scrapy's stats."""
    def get(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    return {
        "found": get("dozor/found"), "skipped": get("dozor/skipped"), "new": get("dozor/new"),
        "updated": get("dozor/updated"), "unchanged": get("dozor/unchanged"),
        "failed": get("dozor/failed") + get("dozor/store_failed") + get("dozor/extract_failed"),
        "rejected": get("dozor/rejected"), "requests": get("downloader/request_count"),
    }


class StorePipeline:
    """Stores each article once per content version; a lost database fails items, not the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.conn: psycopg.Connection[Any] | None = None
        self.database_url: str | None = None
        self.stats_file = crawler.settings.get("DOZOR_STATS_FILE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self._spider()
        self.database_url = resolve_database_url(load_config())
        self.conn = connect(self.database_url)
        self.conn.autocommit = True
        source_id = spider.source.id
        spider.known = known_urls(self.conn, source_id)
        # Child sitemaps are not declared: validators are looked up by the source's hosts.
        spider.validators = load_validators(self.conn, spider.source_hosts())
        log.info("%s: %d articles already stored", source_id, len(spider.known))

    def _spider(self) -> NewsSpider:
        spider = self.crawler.spider
        if not isinstance(spider, NewsSpider):
            raise TypeError("StorePipeline serves the news spider only")
        return spider

    def _connection(self) -> psycopg.Connection[Any]:
        """The open connection, reconnecting once if the server went away."""
        if self.conn is None or self.conn.closed or self.conn.broken:
            assert self.database_url is not None
            self.conn = connect(self.database_url)
            self.conn.autocommit = True
        return self.conn

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        stats = self.crawler.stats
        source = self._spider().source
        try:
            article = extract_article(item, source)
            analysis = analyse_article(article)
        except Exception as exc:  # a bug on one page must not pass for a clean run
            stats.inc_value("dozor/extract_failed")
            record_error(self.crawler, "extract", item.url, f"{type(exc).__name__}: {exc}")
            log.exception("could not extract %s", item.url)
            return item
        try:
            outcome = store_article(self._connection(), article, analysis, item.run_id)
        except (psycopg.OperationalError, DatabaseUnavailableError) as exc:
            # The page stays unstored and uncounted as known: a re-run fetches it again.
            stats.inc_value("dozor/store_failed")
            record_error(self.crawler, "store", item.url, f"database: {first_line(exc)}")
            log.error("could not store %s: %s", item.url, first_line(exc))
            return item
        stats.inc_value(f"dozor/{outcome}")
        if article.status != "ok":
            stats.inc_value(f"dozor/status/{article.status}")
        return item

    def close_spider(self) -> None:
        spider = self._spider()
        stats = self.crawler.stats.get_stats()
        counts = run_counts(stats)
        errors = list(stats.get("dozor/errors") or [])
        run_id = spider.run_id
        plain_stats = {k: _jsonable(v) for k, v in stats.items()}
        report = {"counts": counts, "errors": errors, "stats": plain_stats,
                  # Saved by the runner only if it judges the run ok (see jobs/runner.py).
                  "validators": spider.new_validators}
        if self.stats_file:
            # The runner reads this even when the database is gone.
            Path(self.stats_file).write_text(json.dumps(report, ensure_ascii=False), "utf-8")
        try:
            conn = self._connection()
            if run_id is not None:
                record_counts(conn, run_id, counts, errors, plain_stats)
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            log.error("could not record the run's counts: %s", first_line(exc))
        finally:
            if self.conn is not None and not self.conn.closed:
                self.conn.close()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
