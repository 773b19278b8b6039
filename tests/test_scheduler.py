"""The real scheduler (APScheduler, PostgreSQL job store) firing real crawls of the mock sites."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pgserver
import psycopg
import pytest
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.errors import DatabaseUnavailableError, SchedulerError
from crawler.sources import all_sources, get_source
from jobs.scheduler import (
    ALMATY,
    CRAWL_JOB,
    DozorScheduler,
    build_scheduler,
    scheduler_lock,
    source_trigger,
    stop_scheduler,
    sync_jobs,
)
from tests.quiet_schedule import only_overdue
from tests.waiting import patience, wait_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Events:
    """APScheduler events seen by a listener, by kind, safe to read from the test thread."""

    def __init__(self, scheduler: DozorScheduler, mask: int) -> None:
        self.seen: list[JobEvent] = []
        self._lock = threading.Lock()
        scheduler.add_listener(self._add, mask)

    def _add(self, event: JobEvent) -> None:
        with self._lock:
            self.seen.append(event)

    def of(self, code: int, job_id: str | None = None) -> list[JobEvent]:
        with self._lock:
            return [e for e in self.seen
                    if e.code == code and (job_id is None or e.job_id == job_id)]


def sleep_until(moment: datetime) -> None:
    """Sleep until a wall-clock moment (at once if it has passed)."""
    time.sleep(max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds()))


@contextmanager
def running(scheduler: DozorScheduler, paused: bool = False) -> Iterator[DozorScheduler]:
    scheduler.start(paused=paused)
    try:
        yield scheduler
    finally:
        stop_scheduler(scheduler)


def runs_of(db: psycopg.Connection[tuple[object, ...]], source_id: str) -> list[tuple[object, ...]]:
    return db.execute(
        "SELECT id, status, mode, new, started_at, finished_at, errors FROM crawl_runs"
        " WHERE source_id = %s ORDER BY id", (source_id,)
    ).fetchall()


def test_sync_jobs_stores_one_cron_job_per_source_and_a_restart_keeps_a_missed_run(
    database_url: str, db: psycopg.Connection[tuple[object, ...]]
) -> None:
    zakon = get_source("zakon_kz")
    other = replace(zakon, id="other_kz", schedule="30 6 * * *")
    now = datetime.now(ALMATY)
    with running(build_scheduler(database_url), paused=True) as first:
        assert sorted(sync_jobs(first, [zakon, other])) == [
            "added crawl:other_kz: 30 6 * * *", "added crawl:zakon_kz: 0 */4 * * *"]
        synced = datetime.now(ALMATY)
        job = first.get_job("crawl:zakon_kz")
        assert (job.func_ref, job.args) == (CRAWL_JOB, ("zakon_kz",))
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 12 * 3600)
        expected = CronTrigger.from_crontab("0 */4 * * *", timezone=ALMATY)
        # The next slot after the sync (on a slow machine a slot may pass while it syncs).
        assert job.next_run_time in {expected.get_next_fire_time(None, now),
                                     expected.get_next_fire_time(None, synced)}
        assert str(job.next_run_time.tzinfo) == "Asia/Almaty"
        # As if the scheduler had been down at the last slot: the run is overdue.
        overdue = (now - timedelta(hours=1)).replace(microsecond=0)
        first.modify_job("crawl:zakon_kz", next_run_time=overdue)

    stored = db.execute("SELECT id FROM apscheduler_jobs ORDER BY id").fetchall()
    assert stored == [("crawl:other_kz",), ("crawl:zakon_kz",)]

    with running(build_scheduler(database_url), paused=True) as second:
        # Same registry: nothing changes, and the overdue run keeps its time (re-adding the job
        # would have moved it to the next slot and lost the run).
        assert sync_jobs(second, [zakon, other]) == []
        assert second.get_job("crawl:zakon_kz").next_run_time == overdue
        # A changed schedule is rescheduled; a source gone from the registry loses its job.
        changes = sync_jobs(second, [replace(zakon, schedule="15 * * * *")])
        assert sorted(changes) == ["removed crawl:other_kz: no such source in the registry",
                                   "rescheduled crawl:zakon_kz: 15 * * * *"]
        moved = second.get_job("crawl:zakon_kz").next_run_time
        assert moved > now and moved.minute == 15
        assert [j.id for j in second.get_jobs()] == ["crawl:zakon_kz"]


def test_jobs_fire_and_a_second_run_of_a_source_is_refused_in_and_across_processes(
    slow_site: str, database_url: str, db: psycopg.Connection[tuple[object, ...]]
) -> None:
    scheduler = build_scheduler(database_url)
    events = Events(scheduler, EVENT_JOB_EXECUTED | EVENT_JOB_MAX_INSTANCES)
    with running(scheduler):
        # Every second, while one crawl of the slow site takes several.
        scheduler.add_job(CRAWL_JOB, IntervalTrigger(seconds=1), args=[slow_site],
                          id=f"crawl:{slow_site}")
        wait_for(lambda: any(r[1] == "running" for r in runs_of(db, slow_site)), 20,
                 "the first scheduled run to start")
        # Another process (an operator's `dozor run`) is refused by the source's lock.
        other = subprocess.run([sys.executable, "-m", "jobs.cli", "run", slow_site],
                               cwd=PROJECT_ROOT, capture_output=True, text=True,
                               timeout=patience(60))
        assert other.returncode == 1, other.stderr
        assert "skipped: another run of this source is in progress" in other.stdout
        wait_for(lambda: events.of(EVENT_JOB_EXECUTED), 30, "the first run to end")
        assert events.of(EVENT_JOB_MAX_INSTANCES), "slots fired during the run were refused"

    runs = runs_of(db, slow_site)
    assert runs[0][1:4] == ("ok", "scheduled", 4)
    # One run at a time: each started after the one before it had finished.
    for before, after in itertools.pairwise(runs):
        assert before[5] is not None and after[4] >= before[5], (before, after)


def test_runs_missed_while_the_scheduler_was_down_are_caught_up_once_within_the_grace(
    crawl_env: dict[str, str], database_url: str, db: psycopg.Connection[tuple[object, ...]]
) -> None:
    start = datetime.now(ALMATY)
    with running(build_scheduler(database_url), paused=True) as down:
        # Three slots of zakon_kz pass while no scheduler runs...
        down.add_job(CRAWL_JOB, IntervalTrigger(seconds=1, start_date=start + timedelta(seconds=1),
                                                end_date=start + timedelta(seconds=3)),
                     args=["zakon_kz"], id="crawl:zakon_kz")
        # ...and a one-off run whose lateness will exceed its one-second grace.
        down.add_job(CRAWL_JOB, "date", run_date=start + timedelta(seconds=0.5),
                     args=["zakon_kz"], id="crawl:too_late", misfire_grace_time=1)
    sleep_until(start + timedelta(seconds=3.5))

    scheduler = build_scheduler(database_url)
    events = Events(scheduler, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    with running(scheduler):
        wait_for(lambda: events.of(EVENT_JOB_EXECUTED, "crawl:zakon_kz"), 30, "the catch-up run")
        # Once both triggers are spent no run can start; a second catch-up started before
        # would be stopped on leaving `running` and show as a second run below.
        wait_for(lambda: scheduler.get_jobs() == [], 10, "both triggers to be spent")
        assert events.of(EVENT_JOB_MISSED, "crawl:too_late")

    assert [r[1:4] for r in runs_of(db, "zakon_kz")] == [("ok", "scheduled", 4)]


def test_a_run_that_finds_the_database_down_fails_clearly_and_is_retried_later(
    crawl_env: dict[str, str], database_url: str, db: psycopg.Connection[tuple[object, ...]],
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, unused_port: int,
) -> None:
    # The job store stays on the test database; the crawl's DATABASE_URL points at a closed port.
    monkeypatch.setenv("DATABASE_URL", f"postgresql://dozor@127.0.0.1:{unused_port}/dozor")
    scheduler = build_scheduler(database_url, retry_delay=timedelta(seconds=2))
    events = Events(scheduler, EVENT_JOB_ERROR | EVENT_JOB_EXECUTED)
    with caplog.at_level("ERROR", logger="jobs.scheduler"), running(scheduler):
        scheduler.add_job(CRAWL_JOB, "date", args=["zakon_kz"], id="crawl:zakon_kz")
        wait_for(lambda: events.of(EVENT_JOB_ERROR), 20, "the failed run")
        [failure] = events.of(EVENT_JOB_ERROR)
        assert isinstance(failure.exception, DatabaseUnavailableError)
        assert f"cannot connect to PostgreSQL at postgresql://dozor@127.0.0.1:{unused_port}" in (
            str(failure.exception))
        assert runs_of(db, "zakon_kz") == [], "nothing half-written"
        monkeypatch.setenv("DATABASE_URL", database_url)  # the database is back
        wait_for(lambda: events.of(EVENT_JOB_EXECUTED, "retry:zakon_kz"), 30, "the retry")
    assert "crawl of zakon_kz failed: cannot connect to PostgreSQL" in caplog.text
    assert "trying again at" in caplog.text
    assert [r[1:4] for r in runs_of(db, "zakon_kz")] == [("ok", "scheduled", 4)]


def test_the_scheduler_outlives_its_database_going_away_and_then_catches_up_once(
    crawl_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Its own PostgreSQL, for both the job store and the crawl, stopped for a while.
    pgdata = tmp_path / "pg"
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    url = server.get_uri()
    monkeypatch.setenv("DATABASE_URL", url)
    scheduler = build_scheduler(url, jobstore_retry_s=0.5)
    events = Events(scheduler, EVENT_JOB_EXECUTED)
    try:
        with running(scheduler):
            # Three slots, the first one after the database has surely gone away.
            first_slot = datetime.now(ALMATY) + timedelta(seconds=patience(2))
            scheduler.add_job(CRAWL_JOB, IntervalTrigger(
                seconds=1, start_date=first_slot, end_date=first_slot + timedelta(seconds=2)),
                args=["zakon_kz"], id="crawl:zakon_kz")
            server.cleanup()
            assert datetime.now(ALMATY) < first_slot, (
                "stopping PostgreSQL outlasted DOZOR_TEST_TIME_SCALE: raise it")
            sleep_until(first_slot + timedelta(seconds=3))  # every slot passes while it is down
            assert events.of(EVENT_JOB_EXECUTED) == []
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
            wait_for(lambda: events.of(EVENT_JOB_EXECUTED), 30, "the catch-up after the outage")
            # No run can start once the trigger is spent (a second one would show below).
            wait_for(lambda: scheduler.get_jobs() == [], 10, "the trigger to be spent")
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT source_id, status, new FROM crawl_runs").fetchall()
        assert rows == [("zakon_kz", "ok", 4)], "one run for three missed slots"
    finally:
        server.cleanup()


def test_dozor_schedule_catches_up_logs_run_ids_and_a_sigterm_stops_and_records_the_crawl(
    slow_site: str, database_url: str, db: psycopg.Connection[tuple[object, ...]],
    tmp_path: Path,
) -> None:
    # The stored schedule says the slow site's daily run is overdue (missed while down).
    # No other source's cron comes due while the test runs, whatever the time of day.
    with running(build_scheduler(database_url), paused=True) as before:
        sync_jobs(before, all_sources().values())
        only_overdue(before, f"crawl:{slow_site}", timedelta(minutes=10))
    log_file = tmp_path / "scheduler.log"
    with log_file.open("wb") as log:
        service = subprocess.Popen(
            [sys.executable, "-m", "jobs.cli", "schedule"], cwd=PROJECT_ROOT,
            env={**os.environ, "DOZOR_LOG_FORMAT": "json"}, stdout=log, stderr=log,
        )
        try:
            wait_for(lambda: db.execute("SELECT 1 FROM articles WHERE source_id = %s LIMIT 1",
                                        (slow_site,)).fetchone(),
                     30, "the caught-up crawl to store its first article")
            service.send_signal(signal.SIGTERM)
            # The crawl is stopped, not waited for: its run is closed `killed` (below) within
            # seconds; a crawl left to finish would have closed it `ok`.
            wait_for(lambda: runs_of(db, slow_site)[0][1] != "running", 10,
                     "the scheduler to stop the crawl and record its run after SIGTERM")
            assert service.wait(timeout=patience(40)) == 0
        finally:
            if service.poll() is None:
                service.kill()
    [(run_id, status, mode, new, _, finished_at, errors)] = runs_of(db, slow_site)
    assert (status, mode) == ("killed", "scheduled")
    # Scrapy closes gracefully on SIGTERM: what it stored until then is counted on the row.
    assert finished_at is not None and new >= 1  # type: ignore[operator]
    assert {"kind": "runner", "url": "", "message": "stopped: the scheduler shut down"} in errors  # type: ignore[operator]

    lines = [json.loads(line) for line in log_file.read_text("utf-8").splitlines() if line]
    # The slow site's was the only run (no other cron came due): every crawl and runner line
    # carries its id.
    assert [row[0] for row in db.execute("SELECT id FROM crawl_runs")] == [run_id]
    crawl_lines = [ln for ln in lines if ln["logger"].startswith(("scrapy", "crawler"))]
    assert crawl_lines and {ln["run_id"] for ln in crawl_lines} == {run_id}
    runner_lines = [ln for ln in lines if ln["logger"] == "jobs.runner"]
    assert runner_lines and {ln["run_id"] for ln in runner_lines} == {run_id}
    messages = [ln["message"] for ln in lines]
    assert "received SIGTERM" in messages and messages[-1] == "scheduler stopped"

    # The restart kept the schedule: the daily run is next due at 05:30 in Almaty.
    with running(build_scheduler(database_url), paused=True) as after:
        next_run = after.get_job(f"crawl:{slow_site}").next_run_time
    assert (next_run.hour, next_run.minute) == (5, 30) and next_run > datetime.now(ALMATY)


def test_every_registry_schedule_is_a_cron_the_scheduler_accepts() -> None:
    bad = {}
    for source in all_sources().values():
        try:
            source_trigger(source)
        except SchedulerError as exc:
            bad[source.id] = str(exc)
    assert not bad, f"fix these sources' `schedule` (5-field cron, Asia/Almaty): {bad}"


def test_a_second_scheduler_on_the_same_database_refuses_to_start(database_url: str) -> None:
    with scheduler_lock(database_url):
        second = subprocess.run([sys.executable, "-m", "jobs.cli", "schedule"],
                                cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=patience(60),
                                env={**os.environ, "DATABASE_URL": database_url})
    assert second.returncode == 2
    assert second.stderr.splitlines()[-1].startswith(
        "dozor: another `dozor schedule` is already running on")
