"""Run one source's crawl as a subprocess, under the source's lease, and record how it went.

A run holds its source's lease (storage/leases.py) from before its row is opened until it is
closed: one run per source at a time, across processes, machines and PostgreSQL restarts. The
runner heartbeats the lease while it waits for the crawl; the crawl checks the lease's token in
every transaction that writes (jobs/pipeline.py). A run that cannot show PostgreSQL a heartbeat
before its lease could expire, or whose lease was broken, stops its crawl and is recorded
'lost'; its record, like every run's, counts what the database holds (storage/runs.py).
The subprocess's standard error and its stop are jobs/crawl_process.py's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg

from crawler.config import PROJECT_ROOT, Config
from crawler.errors import (
    DatabaseUnavailableError,
    DateWindowError,
    LeaseLostError,
    first_line,
)
from crawler.extract.dates import ALMATY
from crawler.sources import get_source
from jobs.crawl_process import StderrTail, stop_crawl_process
from jobs.logs import bound_run_id
from jobs.verdicts import ended_early, ending_detail, judge_run, run_reason
from storage.db import connect
from storage.leases import (
    Lease,
    acquire,
    heartbeat,
    holder,
    owner_name,
    release,
    set_run,
    source_lease,
)
from storage.runs import CrawlRun, close_orphaned_runs, close_run, start_run
from storage.sources import save_validators

log = logging.getLogger(__name__)

# How often a supervised crawl checks for a stop request (the scheduler shutting down).
STOP_POLL_S = 0.5

# One event per crawl this process supervises; stop_running_crawls() sets them all.
_stop_requests: set[threading.Event] = set()
_stop_requests_lock = threading.Lock()


class Terminated(SystemExit):
    """Raised in the main thread when `dozor collect` or `dozor run` gets SIGTERM or SIGHUP:
    the runner stops the crawl and records the run 'killed' before the process exits."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signame = signal.Signals(signum).name


def exit_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into Terminated, so a stopped command records its run."""
    def terminate(signum: int, _frame: FrameType | None) -> None:
        raise Terminated(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, terminate)


def stop_running_crawls() -> int:
    """Ask every crawl this process supervises to stop now; return how many were newly asked."""
    with _stop_requests_lock:
        pending = [request for request in _stop_requests if not request.is_set()]
        for request in pending:
            request.set()
        return len(pending)


@dataclass(frozen=True, slots=True)
class CrawlRequest:
    """What to crawl: one source, optionally a backfill window."""

    source_id: str
    since: date | None = None
    until: date | None = None
    mode: str = "daily"
    origin: str = "site"  # or "wayback": the Internet Archive's captures of the site


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """A finished run as recorded in crawl_runs, plus the runner's own verdict."""

    run: CrawlRun | None
    status: str
    message: str | None = None


def check_window(since: date | None, until: date | None, today: date | None = None) -> None:
    """Refuse a backfill window that is empty or starts in the future (nothing to collect)."""
    today = today or datetime.now(ALMATY).date()
    if since and until and since > until:
        raise DateWindowError(f"--since {since} is after --until {until}: the window is empty")
    if since and since > today:
        raise DateWindowError(f"--since {since} is in the future (today is {today} in"
                              " Asia/Almaty): there is nothing to collect yet")


def crawl_command(
    request: CrawlRequest, run_id: int, stats_file: Path, lease_token: int | None = None,
) -> list[str]:
    """The subprocess command line for one crawl."""
    command = [sys.executable, "-m", "jobs.crawl", request.source_id, "--run-id", str(run_id),
               "--stats-file", str(stats_file)]
    if lease_token is not None:
        command += ["--lease-token", str(lease_token)]
    if request.since:
        command += ["--since", request.since.isoformat()]
    if request.until:
        command += ["--until", request.until.isoformat()]
    if request.origin != "site":
        command += ["--from", request.origin]
    return command


def _read_report(stats_file: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(stats_file.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data


class LeaseKeeper:
    """A run's lease and the connection the runner keeps it on, re-opened after a restart."""

    def __init__(self, database_url: str, conn: psycopg.Connection[Any], lease: Lease,
                 config: Config) -> None:
        self.database_url = database_url
        self._conn: psycopg.Connection[Any] | None = conn
        self.lease = lease
        self.ttl_s = config.lease_ttl_s
        self.heartbeat_s = config.heartbeat_s
        # The lease is surely ours until this monotonic time: the database measures its expiry
        # from a heartbeat it answered after we sent it. A heartbeat is left to stop the crawl.
        self._safe_until = time.monotonic() + self.ttl_s - self.heartbeat_s
        self._next_beat = time.monotonic() + self.heartbeat_s
        self.lost: str | None = None

    @property
    def conn(self) -> psycopg.Connection[Any]:
        """The connection, re-opened if the server went away (raises if it is still away)."""
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = connect(self.database_url, autocommit=True)
        return self._conn

    def beat_if_due(self) -> str | None:
        """Heartbeat when due; the reason the lease is lost, or None while it is ours."""
        now = time.monotonic()
        if self.lost or now < self._next_beat:
            return self.lost
        self._next_beat = now + self.heartbeat_s
        try:
            self.lease = heartbeat(self.conn, self.lease, self.ttl_s)
            self._safe_until = now + self.ttl_s - self.heartbeat_s
        except LeaseLostError as exc:
            self.lost = str(exc)
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            # Down, restarting, read-only or full: the lease is ours until _safe_until.
            log.warning("heartbeat of %s failed: %s", self.lease.name, first_line(exc))
            if time.monotonic() >= self._safe_until:
                silent = self.ttl_s - self.heartbeat_s
                self.lost = (f"no heartbeat reached PostgreSQL for {silent:.0f} s"
                             f" ({first_line(exc)})")
        return self.lost

    def release(self) -> None:
        """Give the lease back; a lost connection or lease needs nothing more."""
        with contextlib.suppress(psycopg.Error, DatabaseUnavailableError):
            release(self.conn, self.lease)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def run_crawl(
    request: CrawlRequest, config: Config, database_url: str, *, timeout_s: int | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Crawl one source in a subprocess unless another run of it holds the source's lease.

    `on_progress` gets the crawl's progress lines as they come ("backfill zakon_kz: listing
    page 3, 20 links, oldest 2025-04-03 …"), from another thread.
    """
    get_source(request.source_id)  # a clear error for an unknown id, before any row is written
    check_window(request.since, request.until)
    conn = connect(database_url, autocommit=True)
    try:
        name = source_lease(request.source_id)
        lease = acquire(conn, name, owner_name(), config.lease_ttl_s)
        if lease is None:
            return RunOutcome(None, "skipped", _busy_message(conn, name))
    except psycopg.Error as exc:
        conn.close()
        raise DatabaseUnavailableError(
            f"PostgreSQL failed before the run of {request.source_id}: {first_line(exc)}"
        ) from exc
    keeper = LeaseKeeper(database_url, conn, lease, config)
    try:
        run_id = start_run(keeper.conn, request.source_id, request.mode, lease.token)
        set_run(keeper.conn, lease, run_id)
        # Holding the lease, any other 'running' row of this source is one whose processes
        # ended without recording it.
        close_orphaned_runs(keeper.conn, request.source_id, run_id)
        with bound_run_id(run_id):
            return _supervise(keeper, run_id, request, config, timeout_s, on_progress)
    except (psycopg.Error, DatabaseUnavailableError) as exc:
        # Lost, read-only or full: the run could not be recorded; the next run of the source
        # closes its row with the counts the database holds.
        raise DatabaseUnavailableError(
            f"PostgreSQL failed during the run of {request.source_id}: {first_line(exc)}"
            " (the next run of the source records this one)"
        ) from exc
    finally:
        keeper.release()
        keeper.close()


def _busy_message(conn: psycopg.Connection[Any], name: str) -> str:
    held = holder(conn, name)
    if held is None:
        return "another run of this source is in progress"
    since = held.acquired_at.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M")
    run = f"run {held.run_id}, " if held.run_id else "starting, "
    return f"another run of this source is in progress ({run}{held.owner}, since {since})"


def _supervise(
    keeper: LeaseKeeper, run_id: int, request: CrawlRequest, config: Config,
    timeout_s: int | None, on_progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    limit = timeout_s or config.crawl_timeout_s
    env = {**os.environ, "DATABASE_URL": keeper.database_url,
           "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    with tempfile.TemporaryDirectory(prefix="dozor-run-") as tmp:
        stats_file = Path(tmp) / "report.json"
        log.info("run %d: crawling %s", run_id, request.source_id)
        process = subprocess.Popen(
            crawl_command(request, run_id, stats_file, keeper.lease.token), cwd=PROJECT_ROOT,
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        assert process.stderr is not None
        stderr = StderrTail(process.stderr, forward=log.isEnabledFor(logging.INFO),
                             log_format=config.log_format, run_id=run_id,
                             on_progress=on_progress)
        stop_request = threading.Event()
        with _stop_requests_lock:
            _stop_requests.add(stop_request)
        try:
            keeper.conn.execute("UPDATE crawl_runs SET pid = %s WHERE id = %s",
                                (process.pid, run_id))
            exit_code, ending = _wait(process, limit, stop_request, keeper)
            if ending is not None:
                # A lost lease leaves no time to wait: the crawl's writes are refused already.
                grace_s = keeper.heartbeat_s if ending == "lost" else 20.0
                exit_code = stop_crawl_process(process, grace_s)
        except BaseException as exc:
            # SIGTERM/KeyboardInterrupt in the parent: stop the crawl, record it, re-raise.
            stop_crawl_process(process)
            how = getattr(exc, "signame", None) or type(exc).__name__
            with contextlib.suppress(Exception):  # never masks the original exception
                _record_end(keeper, run_id, "killed", f"stopped: dozor received {how}",
                            _read_report(stats_file), [])
            raise
        finally:
            with _stop_requests_lock:
                _stop_requests.discard(stop_request)
            stderr_tail = stderr.text()
        report = _read_report(stats_file)
    status = judge_run(report["counts"] if report else {}, exit_code, ending, ended_early(report))
    detail = ending_detail(ending, exit_code, limit, keeper.lost, report, stderr_tail)
    unarchived = int(((report or {}).get("stats") or {}).get("dozor/archive_failed") or 0)
    if unarchived and status == "ok":
        # Stored, but without the evidence reprocessing and the archived page need.
        status = "partial"
        detail = f"{unarchived} responses not archived (disk full? see DOZOR_DATA_DIR)"
    extra = [{"kind": "runner", "url": "", "message": detail}] if detail else []
    run = _record_end(keeper, run_id, status, detail, report, extra)
    log.info("run %d: %s ended %s (found %d, new %d, updated %d, failed %d, rejected %d)",
             run_id, request.source_id, status, run.found, run.new, run.updated, run.failed,
             run.rejected)
    return RunOutcome(run, status, run.reason)


def _wait(
    process: subprocess.Popen[bytes], limit_s: float, stop_request: threading.Event,
    keeper: LeaseKeeper,
) -> tuple[int | None, str | None]:
    """The crawl's exit code, or why it must be stopped: 'timeout', 'stopped' or 'lost'."""
    deadline = time.monotonic() + limit_s
    while True:
        if stop_request.is_set():
            return None, "stopped"
        if keeper.beat_if_due() is not None:
            return None, "lost"
        left = deadline - time.monotonic()
        if left <= 0:
            return None, "timeout"
        try:
            return process.wait(timeout=min(STOP_POLL_S, left)), None
        except subprocess.TimeoutExpired:
            continue


def _record_end(
    keeper: LeaseKeeper, run_id: int, status: str, detail: str | None,
    report: dict[str, Any] | None, extra: list[dict[str, Any]],
) -> CrawlRun:
    """Close the run with true counts and its reason; once more on a fresh connection."""
    def write() -> CrawlRun:
        conn = keeper.conn
        run = close_run(conn, run_id, status, None, report=report, extra_errors=extra)
        reason = run_reason(run, detail)
        if reason:
            conn.execute("UPDATE crawl_runs SET reason = %s WHERE id = %s", (reason, run_id))
            run.reason = reason
        if status == "ok" and report is not None:
            # Only a run that fetched everything it found may let the next one skip an
            # unchanged feed (304): a stopped or failed run would lose its unfetched links.
            for url, (etag, modified) in report.get("validators", {}).items():
                save_validators(conn, url, etag, modified)
        return run

    try:
        return write()
    except (psycopg.OperationalError, DatabaseUnavailableError) as exc:
        log.warning("run %d: lost the database connection (%s); reconnecting to record the run",
                    run_id, first_line(exc))
    return write()
