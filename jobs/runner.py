"""Run one source's crawl as a subprocess, under a per-source lock, and record how it went."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import psycopg

from crawler.config import PROJECT_ROOT, Config
from crawler.errors import DatabaseUnavailableError, first_line
from crawler.sources import get_source
from jobs.logs import bound_run_id
from storage.db import connect
from storage.runs import CrawlRun, close_orphaned_runs, finish_run, record_counts, start_run
from storage.sources import save_validators

log = logging.getLogger(__name__)

# Advisory lock keys: (namespace, hashtext(source_id)); the namespace keeps them apart
# from other users of advisory locks in a shared database.
LOCK_NAMESPACE = 7305
# How often a supervised crawl checks for a stop request (the scheduler shutting down).
STOP_POLL_S = 0.5
# A crawl's progress, as the spider logs it in text or JSON lines: "backfill zakon_kz: listing
# page 3, 20 links, oldest 2025-04-03" (crawler/spiders/news.py).
PROGRESS_LINE = re.compile(r"(backfill [a-z0-9_]+: [^\"\n]*)")

# One event per crawl this process supervises; stop_running_crawls() sets them all.
_stop_requests: set[threading.Event] = set()
_stop_requests_lock = threading.Lock()


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


def judge_run(counts: dict[str, int], exit_code: int | None, timed_out: bool) -> str:
    """A run's status from what it stored and reported, not from the crawler's exit code."""
    if timed_out:
        return "timeout"
    if exit_code is not None and exit_code < 0:
        return "killed"
    stored = counts.get("new", 0) + counts.get("updated", 0) + counts.get("unchanged", 0)
    trouble = counts.get("failed", 0) + counts.get("rejected", 0)
    if exit_code not in (0, None):
        return "failed" if stored == 0 else "partial"
    if trouble == 0:
        return "ok"
    return "partial" if stored > 0 else "failed"


def crawl_command(request: CrawlRequest, run_id: int, stats_file: Path) -> list[str]:
    """The subprocess command line for one crawl."""
    command = [sys.executable, "-m", "jobs.crawl", request.source_id, "--run-id", str(run_id),
               "--stats-file", str(stats_file)]
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


def _first_error(report: dict[str, Any] | None, stderr_tail: str) -> str | None:
    if report and report.get("errors"):
        first = report["errors"][0]
        return f"{first.get('kind')}: {first.get('message')} ({first.get('url')})"
    lines = [ln for ln in stderr_tail.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else None


def run_crawl(
    request: CrawlRequest, config: Config, database_url: str, *, timeout_s: int | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Crawl one source in a subprocess unless another run of it holds the lock.

    `on_progress` gets the crawl's progress lines as they come ("backfill zakon_kz: listing
    page 3, 20 links, oldest 2025-04-03"), from another thread.
    """
    get_source(request.source_id)  # a clear error for an unknown id, before any row is written
    conn = connect(database_url, autocommit=True)
    try:
        locked = conn.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, request.source_id)
        ).fetchone()
        if not locked or not locked[0]:
            return RunOutcome(None, "skipped", "another run of this source is in progress")
        try:
            # Holding the lock, any 'running' row of this source is one whose runner died.
            close_orphaned_runs(conn, request.source_id)
            return _run_locked(conn, request, config, database_url, timeout_s, on_progress)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailableError(
                f"lost PostgreSQL during the run of {request.source_id}: {first_line(exc)}"
            ) from exc
        finally:
            # A lost connection has released the lock already.
            with contextlib.suppress(psycopg.OperationalError):
                conn.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))",
                    (LOCK_NAMESPACE, request.source_id),
                )
    finally:
        conn.close()


def _run_locked(
    conn: Any, request: CrawlRequest, config: Config, database_url: str, timeout_s: int | None,
    on_progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    run_id = start_run(conn, request.source_id, request.mode)
    with bound_run_id(run_id):
        return _supervise(conn, run_id, request, config, database_url, timeout_s, on_progress)


def _supervise(
    conn: Any, run_id: int, request: CrawlRequest, config: Config, database_url: str,
    timeout_s: int | None, on_progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    limit = timeout_s or config.crawl_timeout_s
    env = {**os.environ, "DATABASE_URL": database_url, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    with tempfile.TemporaryDirectory(prefix="dozor-run-") as tmp:
        stats_file = Path(tmp) / "report.json"
        log.info("run %d: crawling %s", run_id, request.source_id)
        process = subprocess.Popen(
            crawl_command(request, run_id, stats_file), cwd=PROJECT_ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )
        assert process.stderr is not None
        stderr = _StderrTail(process.stderr, forward=log.isEnabledFor(logging.INFO),
                             on_progress=on_progress)
        stop_request = threading.Event()
        with _stop_requests_lock:
            _stop_requests.add(stop_request)
        try:
            conn.execute("UPDATE crawl_runs SET pid = %s WHERE id = %s", (process.pid, run_id))
            exit_code, ending = _wait(process, limit, stop_request)
            if ending is not None:
                exit_code = _stop(process)
        except BaseException:
            # SIGTERM/KeyboardInterrupt in the parent: stop the crawl, record it, re-raise.
            _stop(process)
            # Reconnects if our connection is what broke; never masks the original exception.
            with contextlib.suppress(Exception):
                _record_end(conn, database_url, run_id, "killed", None,
                            [{"kind": "runner", "url": "", "message": "stopped by the operator"}])
            raise
        finally:
            with _stop_requests_lock:
                _stop_requests.discard(stop_request)
            stderr_tail = stderr.text()
        report = _read_report(stats_file)
    counts = report["counts"] if report else {}
    status = "killed" if ending == "stopped" else judge_run(counts, exit_code, ending == "timeout")
    extra: list[dict[str, Any]] = []
    if ending == "timeout":
        extra.append({"kind": "runner", "url": "", "message": f"stopped after {limit} s"})
    elif ending == "stopped":
        extra.append({"kind": "runner", "url": "", "message": "stopped: the scheduler shut down"})
    elif report is None:
        message = f"crawl exited {exit_code} without a report: {stderr_tail[-300:]}"
        extra.append({"kind": "runner", "url": "", "message": message})
    run = _record_end(conn, database_url, run_id, status, report, extra)
    log.info("run %d: %s ended %s (found %d, new %d, updated %d, failed %d, rejected %d)",
             run_id, request.source_id, status, run.found, run.new, run.updated, run.failed,
             run.rejected)
    return RunOutcome(run, status, _first_error(report, stderr_tail) if status != "ok" else None)


def _wait(
    process: subprocess.Popen[bytes], limit_s: float, stop_request: threading.Event,
) -> tuple[int | None, str | None]:
    """The crawl's exit code, or why it must be stopped: 'timeout' or 'stopped'."""
    deadline = time.monotonic() + limit_s
    while True:
        if stop_request.is_set():
            return None, "stopped"
        left = deadline - time.monotonic()
        if left <= 0:
            return None, "timeout"
        try:
            return process.wait(timeout=min(STOP_POLL_S, left)), None
        except subprocess.TimeoutExpired:
            continue


def _record_end(
    conn: Any, database_url: str, run_id: int, status: str, report: dict[str, Any] | None,
    extra: list[dict[str, Any]],
) -> CrawlRun:
    """Write the run's counts and status; once more on a fresh connection if ours was lost."""
    def write(target: Any) -> CrawlRun:
        if report is not None:
            # The child normally wrote these itself; write again in case its write failed.
            record_counts(target, run_id, report["counts"], report.get("errors", []),
                          report.get("stats"))
            if status == "ok":
                # Only a run that fetched everything it found may let the next one skip an
                # unchanged feed (304): a stopped or failed run would lose its unfetched links.
                for url, (etag, modified) in report.get("validators", {}).items():
                    save_validators(target, url, etag, modified)
        return finish_run(target, run_id, status, extra)

    try:
        return write(conn)
    except psycopg.OperationalError as exc:
        log.warning("run %d: lost the database connection (%s); reconnecting to record the run",
                    run_id, first_line(exc))
    with connect(database_url, autocommit=True) as fresh:
        return write(fresh)


class _StderrTail:
    """The crawl's standard error: its tail kept for messages, each line passed on when logging.

    When the runner logs at INFO (the scheduler, `dozor -v`), the crawl's own log lines (already
    formatted, with the run id) go to this process's standard error as they come.
    """

    def __init__(
        self, stream: IO[bytes], *, forward: bool,
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        self._on_progress = on_progress
        self._lines: deque[bytes] = deque(maxlen=200)
        self._forward = forward
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True,
                                        name="crawl-stderr")
        self._thread.start()

    def _pump(self, stream: IO[bytes]) -> None:
        with stream:
            for line in stream:
                self._lines.append(line)
                if self._on_progress is not None:
                    progress = PROGRESS_LINE.search(line.decode("utf-8", "replace"))
                    if progress:
                        self._on_progress(progress.group(1).strip())
                if self._forward:
                    try:
                        sys.stderr.write(line.decode("utf-8", "replace"))
                        sys.stderr.flush()
                    except (OSError, ValueError):
                        self._forward = False  # our stderr is gone; keep the tail only

    def text(self) -> str:
        """The last 4000 characters the crawl wrote, once its stderr is closed."""
        self._thread.join(timeout=10)
        return b"".join(self._lines)[-4000:].decode("utf-8", "replace")


def _stop(process: subprocess.Popen[bytes], grace_s: float = 20.0) -> int | None:
    """SIGTERM the crawl's process group (Scrapy closes cleanly), SIGKILL after a grace period."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            return process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    return process.poll()

