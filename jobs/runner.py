"""Run one source's crawl as a subprocess, under a per-source lock, and record how it went."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from crawler.config import PROJECT_ROOT, Config
from crawler.sources import get_source
from storage.db import connect
from storage.runs import CrawlRun, finish_run, record_counts, start_run

log = logging.getLogger(__name__)

# Advisory lock keys: (namespace, hashtext(source_id)); the namespace keeps them apart
# from other users of advisory locks in a shared database.
LOCK_NAMESPACE = 7305


@dataclass(frozen=True, slots=True)
class CrawlRequest:
    """What to crawl: one source, optionally a backfill window."""

    source_id: str
    since: date | None = None
    until: date | None = None
    mode: str = "daily"


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
) -> RunOutcome:
    """Crawl one source in a subprocess unless another run of it holds the lock."""
    get_source(request.source_id)  # a clear error for an unknown id, before any row is written
    conn = connect(database_url, autocommit=True)
    try:
        locked = conn.execute(
            "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, request.source_id)
        ).fetchone()
        if not locked or not locked[0]:
            return RunOutcome(None, "skipped", "another run of this source is in progress")
        try:
            return _run_locked(conn, request, config, database_url, timeout_s)
        finally:
            conn.execute(
                "SELECT pg_advisory_unlock(%s, hashtext(%s))", (LOCK_NAMESPACE, request.source_id)
            )
    finally:
        conn.close()


def _run_locked(
    conn: Any, request: CrawlRequest, config: Config, database_url: str, timeout_s: int | None,
) -> RunOutcome:
    run_id = start_run(conn, request.source_id, request.mode)
    limit = timeout_s or config.crawl_timeout_s
    env = {**os.environ, "DATABASE_URL": database_url, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    with tempfile.TemporaryDirectory(prefix="dozor-run-") as tmp:
        stats_file = Path(tmp) / "report.json"
        stderr_path = Path(tmp) / "stderr.log"
        log.info("run %d: crawling %s", run_id, request.source_id)
        timed_out = False
        with stderr_path.open("wb") as stderr:
            process = subprocess.Popen(
                crawl_command(request, run_id, stats_file), cwd=PROJECT_ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
            )
            conn.execute("UPDATE crawl_runs SET pid = %s WHERE id = %s", (process.pid, run_id))
            try:
                exit_code: int | None = process.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                timed_out = True
                exit_code = _stop(process)
            except BaseException:
                # SIGTERM/KeyboardInterrupt in the parent: stop the crawl, record it, re-raise.
                _stop(process)
                finish_run(conn, run_id, "killed",
                           [{"kind": "runner", "url": "", "message": "stopped by the operator"}])
                raise
        stderr_tail = stderr_path.read_bytes()[-4000:].decode("utf-8", "replace")
        report = _read_report(stats_file)
    counts = report["counts"] if report else {}
    if report is not None:
        # The child normally wrote these itself; write again in case its database write failed.
        record_counts(conn, run_id, counts, report.get("errors", []), report.get("stats"))
    status = judge_run(counts, exit_code, timed_out)
    extra: list[dict[str, Any]] = []
    if timed_out:
        extra.append({"kind": "runner", "url": "", "message": f"stopped after {limit} s"})
    elif report is None:
        message = f"crawl exited {exit_code} without a report: {stderr_tail[-300:]}"
        extra.append({"kind": "runner", "url": "", "message": message})
    run = finish_run(conn, run_id, status, extra)
    return RunOutcome(run, status, _first_error(report, stderr_tail) if status != "ok" else None)


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

