"""Queue mode for real: `dozor worker` and `dozor schedule --enqueue` processes on one PostgreSQL.

Two workers and two schedulers share a scratch database and crawl the mock sites' slow test
source (tests/slow_site.py: four articles, one second each). A worker killed with SIGKILL
mid-crawl (with its crawl subprocess, as when its machine dies) leaves its job to the other
worker, which finishes the crawl: every article stored once. The active scheduler killed, the
standby one takes over well within a minute and enqueues what is due. Leases and heartbeats are
shortened by environment (DOZOR_LEASE_TTL, DOZOR_HEARTBEAT) so this takes seconds.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import psycopg
import pytest

from crawler.errors import ConfigError
from crawler.sources import all_sources
from jobs.queue import enqueue, open_queue, queue_mode
from jobs.scheduler import ENQUEUE_JOB, build_scheduler, stop_scheduler, sync_jobs
from storage.db import scratch_database
from tests.quiet_schedule import only_overdue
from tests.waiting import patience, wait_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Four heartbeats (scaled): a worker starved of CPU on a loaded machine keeps its leases.
LEASE_TTL_S = patience(4)


@pytest.fixture
def queue_env(pg_server_url: str, mockserver: str, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A scratch database and the environment of processes sharing it in queue mode."""
    modules = ",".join(dict.fromkeys(filter(None, [
        *os.environ.get("DOZOR_SOURCE_MODULES", "").split(","), "tests.slow_site"])))
    with scratch_database(pg_server_url, "dozor_queue") as url:
        env = {
            "DATABASE_URL": url, "DOZOR_SITE_MIRROR": mockserver,
            "DOZOR_DATA_DIR": str(tmp_path / "data"), "DOZOR_DOWNLOAD_DELAY": "0",
            "DOZOR_SOURCE_MODULES": modules, "DOZOR_STORE_BATCH": "1",
            "DOZOR_LEASE_TTL": f"{LEASE_TTL_S:g}", "DOZOR_HEARTBEAT": "1",
            "DOZOR_QUEUE": "1",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        all_sources.cache_clear()
        yield env
        all_sources.cache_clear()


class Processes:
    """`dozor` commands started as processes, each logging to its own file; all ended after."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = {**os.environ, **env}, logs
        self.started: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "jobs.cli", *args], cwd=PROJECT_ROOT,
                                   env=self.env, stdout=log, stderr=log)
        self.started[name] = (process, log)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text("utf-8", "replace")

    def by_pid(self, pid: int) -> str:
        return next(name for name, (p, _) in self.started.items() if p.pid == pid)

    def end(self) -> None:
        for process, _ in self.started.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, log in self.started.values():
            try:
                process.wait(timeout=patience(60))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


@pytest.fixture
def processes(queue_env: dict[str, str], tmp_path: Path) -> Iterator[Processes]:
    started = Processes(queue_env, tmp_path)
    try:
        yield started
    finally:
        started.end()


def lease_pid(conn: psycopg.Connection[Any], name: str) -> int | None:
    row = conn.execute("SELECT owner FROM leases WHERE name = %s AND expires_at > now()",
                       (name,)).fetchone()
    match = re.search(r"pid (\d+)$", str(row[0])) if row else None
    return int(match[1]) if match else None


def stored(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    row = conn.execute("SELECT count(*), count(DISTINCT url) FROM articles"
                       " WHERE source_id = 'slow_site'").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def runs(conn: psycopg.Connection[Any]) -> list[tuple[str, int]]:
    return [(str(s), int(n)) for s, n in conn.execute(
        "SELECT status, new FROM crawl_runs WHERE source_id = 'slow_site'"
        " ORDER BY id").fetchall()]


def test_a_worker_killed_mid_crawl_leaves_its_crawl_to_the_other_worker(
    queue_env: dict[str, str], processes: Processes,
) -> None:
    processes.start("worker1", "worker")
    processes.start("worker2", "worker")
    with open_queue(queue_env["DATABASE_URL"]) as app:
        job_id = enqueue(app, "crawl", lock="crawl:slow_site", source_id="slow_site")
        # The same crawl is not queued twice while it waits.
        assert enqueue(app, "crawl", lock="crawl:slow_site", source_id="slow_site") is None
    assert job_id is not None
    with psycopg.connect(queue_env["DATABASE_URL"], autocommit=True) as conn:
        wait_for(lambda: stored(conn)[0] >= 1, 120, "the first worker to store an article")
        holder = lease_pid(conn, "source:slow_site")
        assert holder is not None
        victim = processes.by_pid(holder)
        survivor = "worker2" if victim == "worker1" else "worker1"
        crawl_pid = conn.execute("SELECT pid FROM crawl_runs WHERE source_id = 'slow_site'"
                                 " AND status = 'running'").fetchone()
        # The machine dies: the worker and its crawl subprocess, no chance to record anything.
        os.kill(holder, signal.SIGKILL)
        if crawl_pid and crawl_pid[0]:
            os.kill(int(crawl_pid[0]), signal.SIGKILL)
        before = stored(conn)[0]
        assert before < 4, "the crawl was killed before its end"

        wait_for(lambda: conn.execute("SELECT status FROM procrastinate_jobs WHERE id = %s",
                                      (job_id,)).fetchone() == ("succeeded",),
                 90, "the other worker to finish the crawl job")
        assert stored(conn) == (4, 4)
        statuses = runs(conn)
        # The killed run is closed by the next one ('lost': its processes ended unrecorded);
        # the last run knew what the killed one stored and fetched the rest.
        assert statuses[0][0] == "lost" and statuses[-1] == ("ok", 4 - before)
        attempts = conn.execute("SELECT attempts FROM procrastinate_jobs WHERE id = %s",
                                (job_id,)).fetchone()
        assert attempts is not None and attempts[0] >= 1
    assert f"job {job_id} (crawl" in processes.log(survivor)  # it put the job back
    assert "queued crawl of slow_site: ok" in processes.log(survivor)


def _make_slow_site_due(database_url: str) -> None:
    """The stored schedule says the slow site's crawl is overdue (enqueued when read), and no
    other source's cron comes due during the test."""
    scheduler = build_scheduler(database_url, job_ref=ENQUEUE_JOB)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, all_sources().values(), ENQUEUE_JOB)
        only_overdue(scheduler, "crawl:slow_site", timedelta(minutes=5))
    finally:
        stop_scheduler(scheduler)


def test_two_schedulers_elect_one_and_the_standby_takes_over_when_it_dies(
    queue_env: dict[str, str], processes: Processes,
) -> None:
    url = queue_env["DATABASE_URL"]
    _make_slow_site_due(url)
    with psycopg.connect(url, autocommit=True) as conn:
        first = processes.start("scheduler1", "schedule")
        wait_for(lambda: lease_pid(conn, "scheduler") == first.pid, 120,
                 "the first scheduler to become active")
        second = processes.start("scheduler2", "schedule", "--enqueue")
        processes.start("worker1", "worker")
        processes.start("worker2", "worker")
        wait_for(lambda: "standby" in processes.log("scheduler2"), 120, "the standby scheduler")
        # The active one enqueued the overdue crawl; a worker ran it.
        wait_for(lambda: [r[0] for r in runs(conn)] == ["ok"], 120, "the enqueued crawl")
        assert "crawl of slow_site enqueued" in processes.log("scheduler1")
        assert lease_pid(conn, "scheduler") == first.pid and second.poll() is None

        _make_slow_site_due(url)
        first.kill()
        killed_at = time.monotonic()
        wait_for(lambda: lease_pid(conn, "scheduler") == second.pid, 60,
                 "the standby scheduler to take over")
        took_over_s = time.monotonic() - killed_at
        wait_for(lambda: len(runs(conn)) == 2 and runs(conn)[-1][0] == "ok", 120,
                 "the crawl enqueued by the new active scheduler")
        assert runs(conn)[-1] == ("ok", 0) and stored(conn) == (4, 4)
    assert took_over_s < 60  # the lease's TTL and a standby's poll: well within a minute
    assert "now the active scheduler" in processes.log("scheduler2")
    assert "crawl of slow_site enqueued" in processes.log("scheduler2")


def dozor(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "jobs.cli", *args], cwd=PROJECT_ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=patience(120))
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_worker_runs_imports_retags_and_reprocessing_enqueued_from_the_command_line(
    queue_env: dict[str, str], processes: Processes,
) -> None:
    sample = PROJECT_ROOT / "docs" / "sample" / "zakon_kz.warc.gz"
    env = {**queue_env, "DOZOR_QUEUE": "0"}  # enqueueing works whatever the scheduler's mode
    lines = [dozor(env, "enqueue", "import", str(sample)),
             dozor(env, "enqueue", "retag", "--source", "zakon_kz"),
             dozor(env, "enqueue", "reprocess", "--source", "zakon_kz")]
    job_ids = [int(re.search(r"job (\d+)", line)[1]) for line in lines]  # type: ignore[index]
    # Nothing runs until a worker does: the command only queued them.
    with psycopg.connect(queue_env["DATABASE_URL"], autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        worker = processes.start("worker", "worker", "--concurrency", "1")
        wait_for(lambda: conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE id = ANY(%s) AND status IN"
            " ('succeeded', 'failed')", (job_ids,)).fetchone() == (3,), 240, "the three jobs")
        statuses = conn.execute("SELECT task_name, status FROM procrastinate_jobs"
                                " WHERE id = ANY(%s) ORDER BY id", (job_ids,)).fetchall()
        assert statuses == [("import", "succeeded"), ("retag", "succeeded"),
                            ("reprocess", "succeeded")]
        (stored_articles,) = conn.execute(
            "SELECT count(*) FROM articles WHERE source_id = 'zakon_kz'").fetchone() or (0,)
        assert stored_articles > 0
        (mode,) = conn.execute("SELECT mode FROM crawl_runs WHERE source_id = 'zakon_kz'"
                               ).fetchone() or ("",)
        assert mode == "import"
    # SIGTERM (docker stop): an idle worker leaves at once, cleanly.
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=patience(30)) == 0
    assert "Traceback" not in processes.log("worker")


@pytest.mark.parametrize(("value", "enqueues"), [("", False), ("0", False), ("1", True),
                                                  ("yes", True), ("off", False)])
def test_queue_mode_is_off_unless_asked(monkeypatch: pytest.MonkeyPatch, value: str,
                                        enqueues: bool) -> None:
    monkeypatch.setenv("DOZOR_QUEUE", value)
    assert queue_mode() is enqueues


def test_a_misspelt_queue_switch_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOZOR_QUEUE", "workers")
    with pytest.raises(ConfigError, match="DOZOR_QUEUE must be 1 or 0, got 'workers'"):
        queue_mode()
