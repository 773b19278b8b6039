"""`dozor import`: article pages from WARC files through extract -> tag -> store, as a crawl does.

Each source met in the files gets a run of its own (`crawl_runs.mode = 'import'`), opened at its
first article and held under the source's run lock, like a crawl. An article goes through the
functions the crawl's StorePipeline calls (extract_article, analyse_article, store_article),
with the capture's WARC-Date as its fetch time, so relative dates resolve as on that day; its
response is copied into Dozor's own evidence archive, so `dozor reprocess` can read it again.
A capture older than the stored text is skipped: importing an old archive after a crawl never
turns an edited article back. The run's counters keep the crawl's invariant:
found = new + updated + unchanged + skipped + failed + rejected.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg

from crawler.archive import Exchange, WarcArchive
from crawler.config import Config
from crawler.discovery.drift import MAX_EXAMPLES, is_shape_drift
from crawler.discovery.urls import canonicalize_url
from crawler.errors import DatabaseUnavailableError, LeaseLostError, first_line
from crawler.extract.body import extract_article
from crawler.extract.soft_404 import soft_404_kind
from crawler.items import RawPage
from crawler.sources import Source, all_sources, get_source
from crawler.tagging.apply import analyse_article
from crawler.warc_import import (
    ArchivedArticle,
    SkippedRecord,
    SourceMatcher,
    WarcOpenError,
    open_warc,
    read_warc,
)
from jobs.verdicts import judge_run
from storage.articles import store_article
from storage.db import connect
from storage.history import stored_fetch_times
from storage.leases import (
    Lease,
    acquire,
    check,
    heartbeat,
    owner_name,
    release,
    set_run,
    source_lease,
)
from storage.runs import CrawlRun, close_orphaned_runs, finish_run, record_counts, start_run

log = logging.getLogger(__name__)

IMPORT_MODE = "import"
PROGRESS_EVERY_S = 2.0
RUN_COUNTERS = ("found", "new", "updated", "unchanged", "skipped", "failed", "rejected")


@dataclass
class SourceImport:
    """One source's run within an import."""

    source: Source
    run_id: int | None = None  # opened at the source's first article page
    archive: WarcArchive | None = None
    stored_at: dict[str, datetime] = field(default_factory=dict)  # of its stored articles
    counts: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)  # its records that were not imported
    soft_404: Counter[str] = field(default_factory=Counter)  # rejected not-found pages, by kind
    off_pattern: dict[str, None] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    run: CrawlRun | None = None
    status: str = "running"
    lease: Lease | None = None  # the source's lease: no crawl of it writes meanwhile
    next_heartbeat: float = 0.0


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """How far an import has come, for a progress line."""

    records: int
    articles_stored: int
    seconds: float

    @property
    def rate(self) -> float:
        """Records read per second."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


@dataclass
class ImportReport:
    """What an import read and stored."""

    records: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # every record not imported, by kind
    sources: dict[str, SourceImport] = field(default_factory=dict)
    unreadable_files: list[str] = field(default_factory=list)  # "<file>: <why>"
    seconds: float = 0.0

    @property
    def articles_stored(self) -> int:
        """Articles stored or found unchanged, over every source."""
        return sum(s.counts["new"] + s.counts["updated"] + s.counts["unchanged"]
                   for s in self.sources.values())


class WarcImport:
    """Imports WARC files into the database at `database_url`; one object per `dozor import`."""

    def __init__(self, config: Config, database_url: str,
                 on_progress: Callable[[ImportProgress], None] | None = None) -> None:
        self.config = config
        self.database_url = database_url
        self.on_progress = on_progress
        self.report = ImportReport()
        self.matcher = SourceMatcher(all_sources().values())
        self._conn: psycopg.Connection[Any] | None = None
        self._started = time.monotonic()
        self._last_progress = self._started  # the first line after PROGRESS_EVERY_S

    # -- connections and runs --------------------------------------------------------------

    def _connection(self) -> psycopg.Connection[Any]:
        """The open connection, reconnecting once if the server went away."""
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = connect(self.database_url, autocommit=True)
        return self._conn

    def _state(self, source_id: str) -> SourceImport:
        state = self.report.sources.get(source_id)
        if state is None:
            state = self.report.sources[source_id] = SourceImport(get_source(source_id))
        return state

    def _open_run(self, state: SourceImport) -> int:
        """The source's import run, opened under its lease at its first article."""
        if state.run_id is not None:
            return state.run_id
        source_id = state.source.id
        conn = self._connection()
        state.lease = self._take_lease(conn, source_id)
        state.next_heartbeat = time.monotonic() + self.config.heartbeat_s
        state.run_id = start_run(conn, source_id, IMPORT_MODE, state.lease.token)
        set_run(conn, state.lease, state.run_id)
        # We hold the lease: another 'running' row of the source is orphaned.
        close_orphaned_runs(conn, source_id, state.run_id)
        state.archive = WarcArchive(self.config.archive_dir, source_id, state.run_id)
        state.stored_at = stored_fetch_times(conn, source_id)
        return state.run_id

    def _take_lease(self, conn: psycopg.Connection[Any], source_id: str) -> Lease:
        """The source's lease (storage/leases.py), waited for while a crawl of it runs."""
        waited = False
        while True:
            lease = acquire(conn, source_lease(source_id), owner_name(), self.config.lease_ttl_s)
            if lease is not None:
                return lease
            if not waited:
                log.warning("%s: a crawl of it is running; the import waits for it to end",
                            source_id)
                waited = True
            time.sleep(self.config.heartbeat_s)

    def _keep_lease(self, state: SourceImport) -> None:
        """Heartbeat the source's lease when due (a long import outlives its first TTL)."""
        if state.lease is None or time.monotonic() < state.next_heartbeat:
            return
        state.next_heartbeat = time.monotonic() + self.config.heartbeat_s
        state.lease = heartbeat(self._connection(), state.lease, self.config.lease_ttl_s)

    # -- reading ---------------------------------------------------------------------------

    def import_files(self, locations: Sequence[str]) -> ImportReport:
        """Read every file or URL in turn; close the runs however the reading ended."""
        status = "killed"
        try:
            for location in locations:
                self._import_file(location)
            status = "done"
        except psycopg.OperationalError as exc:
            # Opening a run needs the database; articles already stored stay, a re-run is safe.
            raise DatabaseUnavailableError(
                f"lost PostgreSQL during the import: {first_line(exc)}") from exc
        finally:
            self._finish(interrupted=status != "done")
        return self.report

    def _import_file(self, location: str) -> None:
        try:
            stream = open_warc(location, self.config.user_agent)
        except WarcOpenError as exc:
            self.report.unreadable_files.append(str(exc))
            return
        with stream:
            try:
                for item in read_warc(stream, location, self.matcher):
                    self.report.records += 1
                    if isinstance(item, ArchivedArticle):
                        self._import_article(item)
                    else:
                        self._skip(item)
                    self._maybe_progress()
            except (OSError, http.client.HTTPException) as exc:
                # A remote file whose connection broke: what was read is stored.
                message = f"{location}: reading stopped after {self.report.records} records:" \
                          f" {first_line(exc)}"
                self.report.unreadable_files.append(message)

    def _skip(self, item: SkippedRecord) -> None:
        self.report.kinds[item.kind] += 1
        if item.source_id is None:
            return
        state = self._state(item.source_id)
        if item.kind == "too_large":
            # An article page past the size cap: found, and refused as a crawl refuses it.
            self._open_run(state)
            state.counts["found"] += 1
            state.counts["rejected"] += 1
            self._error(state, "rejected", item.url or "", "larger than the size cap")
            return
        state.kinds[item.kind] += 1
        if item.kind == "not_article" and item.url and is_shape_drift(
                canonicalize_url(item.url, urlsplit(state.source.home).hostname), state.source):
            state.off_pattern.setdefault(item.url, None)

    def _import_article(self, item: ArchivedArticle) -> None:
        state = self._state(item.source_id)
        run_id = self._open_run(state)
        state.counts["found"] += 1
        stored = state.stored_at.get(item.url)
        if stored is not None and stored > item.fetched_at:
            state.counts["skipped"] += 1  # an older capture than the text stored
            return
        assert state.archive is not None
        try:
            reference: str | None = state.archive.write(Exchange(
                url=item.record_url, method="GET", status=200, response_headers=item.headers,
                body=item.body, request_headers=[]))
        except OSError as exc:
            log.error("could not archive %s: %s", item.url, exc)
            reference = None
        page = RawPage(
            source_id=item.source_id, url=item.url, fetched_url=item.record_url, status=200,
            headers={k.lower(): v for k, v in item.headers}, body=item.body,
            fetched_at=item.fetched_at, run_id=run_id, warc_record=reference,
        )
        try:
            article = extract_article(page, state.source)
            analysis = analyse_article(article)
        except Exception as exc:  # a bug on one page must not stop the import
            log.exception("could not extract %s", item.url)
            state.counts["failed"] += 1
            self._error(state, "extract", item.url, f"{type(exc).__name__}: {exc}")
            return
        if article.status == "soft_404":
            # An archive keeps the not-found pages it met: as in a crawl, no article.
            reason = article.status_reason or "soft 404"
            state.counts["rejected"] += 1
            state.soft_404[soft_404_kind(reason)] += 1
            self._error(state, "soft_404", item.url, reason)
            return
        try:
            self._keep_lease(state)
            conn = self._connection()
            with conn.transaction():
                assert state.lease is not None
                check(conn, state.lease)  # fencing, as a crawl's writes
                outcome = store_article(conn, article, analysis, run_id)
        except LeaseLostError as exc:
            state.counts["failed"] += 1
            self._error(state, "lease", item.url, f"not stored: {exc}")
            return
        except (psycopg.OperationalError, DatabaseUnavailableError) as exc:
            state.counts["failed"] += 1
            self._error(state, "store", item.url, f"database: {first_line(exc)}")
            return
        state.counts[outcome] += 1
        state.stored_at[item.url] = max(item.fetched_at, stored or item.fetched_at)

    @staticmethod
    def _error(state: SourceImport, kind: str, url: str, message: str) -> None:
        if len(state.errors) < 50:
            state.errors.append({"kind": kind, "url": url, "message": message[:500]})

    def _maybe_progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_progress is None or (not force and now - self._last_progress < PROGRESS_EVERY_S):
            return
        self._last_progress = now
        self.report.seconds = now - self._started
        self.on_progress(ImportProgress(self.report.records, self.report.articles_stored,
                                        self.report.seconds))

    # -- closing ---------------------------------------------------------------------------

    def _finish(self, interrupted: bool) -> None:
        self.report.seconds = time.monotonic() - self._started
        self._maybe_progress(force=True)
        for state in self.report.sources.values():
            if state.run_id is not None:
                self._close_run(state, interrupted)
        if self._conn is not None:
            for state in self.report.sources.values():
                if state.lease is not None:
                    with contextlib.suppress(psycopg.Error):
                        release(self._conn, state.lease)
            with contextlib.suppress(psycopg.Error):
                self._conn.close()

    def _close_run(self, state: SourceImport, interrupted: bool) -> None:
        assert state.run_id is not None and state.archive is not None
        state.archive.close()
        counts = {name: state.counts[name] for name in RUN_COUNTERS}
        state.status = "killed" if interrupted else judge_run(counts, 0, None)
        stats: dict[str, Any] = {f"dozor/import/{k}": n for k, n in state.kinds.items()}
        if state.soft_404:  # the crawl's keys (crawler/spiders/failures.py), so runs compare
            stats["dozor/soft_404"] = state.soft_404.total()
            stats.update({f"dozor/soft_404/{k}": n for k, n in state.soft_404.items()})
        stats["dozor/off_pattern"] = len(state.off_pattern)
        stats["dozor/off_pattern_examples"] = list(state.off_pattern)[:MAX_EXAMPLES]
        try:
            conn = self._connection()
            record_counts(conn, state.run_id, counts, state.errors, stats)
            state.run = finish_run(conn, state.run_id, state.status)
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            log.error("could not record import run %d: %s", state.run_id, first_line(exc))
