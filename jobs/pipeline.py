"""extract -> tag -> store, for each RawPage the spider yields; the run's counts at the end.

Articles are written in batches (DOZOR_STORE_BATCH, or every heartbeat), one transaction each
that first checks the run's lease token (fencing: a run that lost its lease writes nothing more)
and also writes the run's counters so far, so a killed crawl leaves a true record. Every
heartbeat the crawl also checks that its lease is still its own and that its runner is alive,
and stops itself otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from crawler.config import load_config
from crawler.errors import DatabaseUnavailableError, LeaseLostError, first_line
from crawler.extract.body import extract_article
from crawler.items import Article, RawPage
from crawler.politeness import record_error
from crawler.spiders.news import NewsSpider
from crawler.tagging.apply import ArticleAnalysis, analyse_article
from jobs.verdicts import run_reason
from storage.articles import known_urls, store_articles
from storage.db import connect, resolve_database_url
from storage.leases import Lease, check, held, release, source_lease
from storage.runs import OUTCOMES, close_run, record_counts, record_progress
from storage.sources import load_read_times, load_validators

log = logging.getLogger(__name__)

# Reasons this pipeline closes the spider with (Scrapy's own: finished, shutdown, …).
LEASE_LOST = "dozor_lease_lost"
RUNNER_GONE = "dozor_runner_gone"
# Errors on which a batch is retried article by article: one bad row must not fail the rest.
ROW_ERRORS = (psycopg.DataError, psycopg.IntegrityError, ValueError)


def run_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The crawl_runs counters from Scrapy's stats."""
    def get(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    return {
        "found": get("dozor/found"), "skipped": get("dozor/skipped"), "new": get("dozor/new"),
        "updated": get("dozor/updated"), "unchanged": get("dozor/unchanged"),
        "failed": get("dozor/failed") + get("dozor/store_failed") + get("dozor/extract_failed"),
        "rejected": get("dozor/rejected"), "requests": get("downloader/request_count"),
        "discovery_failed": get("dozor/discovery_failed"),
    }


def drop_queued_downloads(crawler: Crawler, reason: str) -> int:
    """Drop the requests already handed to the downloader, so a stopping crawl stops now.

    Scrapy's close waits for every request the engine handed to the downloader (up to
    CONCURRENT_REQUESTS, queued per host behind the politeness delay): a crawl told to stop
    would go on fetching for minutes. They end in their errback unfetched, and the run's close
    counts them with the links never requested. Returns how many were dropped.
    """
    engine = crawler.engine
    if engine is None:
        return 0
    dropped = 0
    # Scrapy 2.19's Downloader.slots -> Slot.queue of (request, deferred): private, and pinned
    # in pyproject.toml with the politeness middleware's hooks.
    for slot in engine.downloader.slots.values():
        while slot.queue:
            request, queued = slot.queue.popleft()
            request.meta["dozor_stopped"] = reason
            queued.errback(IgnoreRequest(f"not fetched: the crawl stopped ({reason})"))
            dropped += 1
    return dropped


def write_batch(
    conn: psycopg.Connection[Any], batch: Sequence[tuple[Article, ArticleAnalysis]],
    run_id: int | None, lease: Lease | None, counts: dict[str, int],
) -> list[str]:
    """Store a batch in one transaction: the lease's token checked first (fencing), then the
    articles and their tags, then the run's counters (`counts` so far plus this batch's), so a
    killed crawl's record matches what it stored. LeaseLostError if the lease is gone."""
    with conn.transaction():
        if lease is not None:
            check(conn, lease)
        outcomes: list[str] = list(store_articles(conn, batch, run_id))
        if run_id is not None:
            progress = dict(counts)
            for outcome in outcomes:
                progress[outcome] += 1
            record_progress(conn, run_id, progress, lease)
    return outcomes


@dataclass(frozen=True, slots=True)
class _Extracted:
    """An article waiting in the batch, with the page it came from."""

    url: str
    article: Article
    analysis: ArticleAnalysis


class StorePipeline:
    """Stores each article once per content version; a lost database fails items, not the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.conn: psycopg.Connection[Any] | None = None
        self.database_url: str | None = None
        self.stats_file = crawler.settings.get("DOZOR_STATS_FILE")
        self.lease_token: int | None = crawler.settings.getint("DOZOR_LEASE_TOKEN") or None
        self.runner_pid = crawler.settings.getint("DOZOR_RUNNER_PID") or None
        self.config = load_config()
        self.lease: Lease | None = None
        self.batch: list[_Extracted] = []
        self.batch_since = 0.0
        self.closing: str | None = None
        self._ticker: LoopingCall | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self._spider()
        self.database_url = resolve_database_url(self.config)
        self.conn = connect(self.database_url, autocommit=True)
        source_id = spider.source.id
        if self.lease_token is not None:
            self.lease = held(self.conn, source_lease(source_id), self.lease_token)
            if self.lease is None:
                self._close(LEASE_LOST, "the lease was gone before the crawl started")
        spider.known = known_urls(self.conn, source_id)
        # Child sitemaps are not declared: validators are looked up by the source's hosts.
        spider.validators = load_validators(self.conn, spider.source_hosts())
        # Listings skipped while the feeds show nothing new are still read every few hours.
        spider.read_at = load_read_times(self.conn, spider.source_hosts())
        log.info("%s: %d articles already stored", source_id, len(spider.known))
        self._ticker = LoopingCall(self._tick)
        self._ticker.start(self.config.heartbeat_s, now=False)

    def _spider(self) -> NewsSpider:
        spider = self.crawler.spider
        if not isinstance(spider, NewsSpider):
            raise TypeError("StorePipeline serves the news spider only")
        return spider

    def _connection(self) -> psycopg.Connection[Any]:
        """The open connection, reconnecting once if the server went away."""
        if self.conn is None or self.conn.closed or self.conn.broken:
            assert self.database_url is not None
            self.conn = connect(self.database_url, autocommit=True)
        return self.conn

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        source = self._spider().source
        try:
            article = extract_article(item, source)
            analysis = analyse_article(article)
        except Exception as exc:  # a bug on one page must not pass for a clean run
            self.crawler.stats.inc_value("dozor/extract_failed")
            record_error(self.crawler, "extract", item.url, f"{type(exc).__name__}: {exc}")
            log.exception("could not extract %s", item.url)
            return item
        if article.status == "soft_404":
            # A removed or wrong URL the site answered as if all were well: no article to store.
            self._spider().soft_404(item.url, article.status_reason or "soft 404")
            return item
        if self.closing == LEASE_LOST:
            return item  # not stored, so not counted: the run's close counts it unfinished
        if not self.batch:
            self.batch_since = time.monotonic()
        self.batch.append(_Extracted(item.url, article, analysis))
        if len(self.batch) >= self.config.store_batch:
            self._flush()
        return item

    # -- writing ------------------------------------------------------------------------

    def _flush(self) -> None:
        """Write the waiting batch in one transaction, fenced by the lease."""
        batch, self.batch = self.batch, []
        if not batch:
            return
        try:
            outcomes = self._write(batch)
        except LeaseLostError as exc:
            self._fail(batch, "lease", f"not stored: {exc}")
            self._close(LEASE_LOST, str(exc))
            return
        except ROW_ERRORS as exc:
            log.warning("a batch of %d failed (%s); storing its articles one by one",
                        len(batch), first_line(exc))
            for one in batch:
                self._write_one(one)
            return
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            # The pages stay unstored and unknown: a re-run fetches them again.
            self._fail(batch, "store", f"database: {first_line(exc)}")
            return
        self._count(outcomes)

    def _write(self, batch: list[_Extracted]) -> list[str]:
        """One transaction: lease check, the articles and their tags, the run's counters."""
        for attempt in (1, 2):
            conn = self._connection()
            try:
                return write_batch(conn, [(e.article, e.analysis) for e in batch],
                                   self._spider().run_id, self.lease,
                                   run_counts(self.crawler.stats.get_stats()))
            except psycopg.OperationalError:
                # A restarted server: the broken connection is replaced once, then it counts.
                if attempt == 2 or not conn.broken:
                    raise
        raise AssertionError("unreachable")

    def _write_one(self, one: _Extracted) -> None:
        try:
            self._count(self._write([one]))
        except LeaseLostError as exc:
            self._fail([one], "lease", f"not stored: {exc}")
            self._close(LEASE_LOST, str(exc))
        except (psycopg.Error, DatabaseUnavailableError, ValueError) as exc:
            self._fail([one], "store", f"database: {first_line(exc)}")

    def _count(self, outcomes: list[str]) -> None:
        for outcome in outcomes:
            self.crawler.stats.inc_value(f"dozor/{outcome}")

    def _fail(self, batch: list[_Extracted], kind: str, message: str) -> None:
        for one in batch:
            self.crawler.stats.inc_value("dozor/store_failed")
            record_error(self.crawler, kind, one.url, message)
        log.error("could not store %d articles: %s", len(batch), message)

    # -- the heartbeat ------------------------------------------------------------------

    def _tick(self) -> None:
        """Every heartbeat: is the runner alive, is the lease ours; write what waits."""
        if self.closing:
            return
        if self.runner_pid and os.getppid() != self.runner_pid:
            self._close(RUNNER_GONE, f"its runner (pid {self.runner_pid}) is gone")
            return
        if self.batch and time.monotonic() - self.batch_since >= self.config.heartbeat_s:
            self._flush()
        run_id = self._spider().run_id
        if self.closing or run_id is None:
            return
        try:
            counts = run_counts(self.crawler.stats.get_stats())
            if not record_progress(self._connection(), run_id, counts, self.lease):
                self._close(LEASE_LOST, "the lease is no longer this run's")
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            # The runner judges a database that stays away (its lease deadline).
            log.warning("could not record progress: %s", first_line(exc))

    def _close(self, reason: str, message: str) -> None:
        """Stop the crawl: no new requests, what is in flight ends, the run is recorded."""
        if self.closing:
            return
        self.closing = reason
        log.error("stopping the crawl: %s", message)
        record_error(self.crawler, "runner", "", f"crawl stopped: {message}")
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))
            drop_queued_downloads(self.crawler, reason)

    # -- the end ------------------------------------------------------------------------

    def close_spider(self) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        if self.closing != LEASE_LOST:
            self._flush()

    def spider_closed(self, reason: str) -> None:
        """The run's report: counts (every found link settled), errors, stats, validators."""
        spider = self._spider()
        stats = self.crawler.stats.get_stats()
        counts = run_counts(stats)
        unsettled = counts["found"] - sum(counts[name] for name in OUTCOMES)
        if unsettled > 0:
            # Requests still queued or in flight when the crawl stopped: not stored, so the
            # next run fetches them.
            counts["failed"] += unsettled
            record_error(self.crawler, "unfinished", "",
                         f"{unsettled} links found but not fetched or stored: the crawl stopped"
                         f" ({self.closing or reason})")
        errors = list(stats.get("dozor/errors") or [])
        plain_stats = {k: _jsonable(v) for k, v in stats.items()}
        report = {"counts": counts, "errors": errors, "stats": plain_stats,
                  # Anything but 'finished' (start_error, a closespider limit, …) means the
                  # crawl did not read all it was to read: the runner says so on the run.
                  "finish_reason": reason,
                  # Saved by the runner only if it judges the run ok (see jobs/runner.py).
                  "validators": spider.new_validators}
        if self.stats_file:
            # The runner reads this even when the database is gone.
            Path(self.stats_file).write_text(json.dumps(report, ensure_ascii=False), "utf-8")
        try:
            self._record_report(spider.run_id, report)
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            log.error("could not record the run's counts: %s", first_line(exc))
        finally:
            if self.conn is not None and not self.conn.closed:
                self.conn.close()

    def _record_report(self, run_id: int | None, report: dict[str, Any]) -> None:
        if run_id is None or self.closing == LEASE_LOST:
            return
        conn = self._connection()
        if self.closing != RUNNER_GONE:
            with conn.transaction():
                if self.lease is not None:
                    check(conn, self.lease)
                record_counts(conn, run_id, report["counts"], report["errors"],
                              report["stats"])
            return
        # Nobody else will record this run: its runner died (kill -9 of `dozor collect` or of
        # the scheduler). Close it as the runner would, and give the lease back.
        detail = f"its runner (pid {self.runner_pid}) died; the crawl stopped itself"
        with conn.transaction():
            if self.lease is not None:
                check(conn, self.lease)
            run = close_run(conn, run_id, "killed", None, report=report,
                            extra_errors=[{"kind": "runner", "url": "", "message": detail}])
            conn.execute("UPDATE crawl_runs SET reason = %s WHERE id = %s",
                         (run_reason(run, detail), run_id))
        if self.lease is not None:
            release(conn, self.lease)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
