"""Adaptive polling in the real scheduler: APScheduler 3 with its PostgreSQL job store."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import time_machine
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.triggers.cron import CronTrigger
from click.testing import CliRunner

from crawler.sources import get_source
from jobs.adaptive import AdaptivePollTrigger, replan_polls
from jobs.cli import dozor
from jobs.polling import ALMATY, PollPlan
from jobs.scheduler import build_scheduler, crawl_job_id, stop_scheduler, sync_jobs
from tests.waiting import patience

Conn = psycopg.Connection[tuple[object, ...]]
FIRED: list[datetime] = []


def record_poll() -> None:
    """The job of the firing test: notes when it ran."""
    FIRED.append(datetime.now(UTC))


def seed_busy_mornings(db: Conn, source_id: str) -> None:
    """Fourteen days of a source publishing 24 items an hour 09:00-12:00, Almaty."""
    today = datetime.now(ALMATY).replace(hour=0, minute=0, second=0, microsecond=0)
    row = db.execute("INSERT INTO crawl_runs (source_id, mode, status, started_at) VALUES"
                     " (%s, 'scheduled', 'ok', %s) RETURNING id",
                     (source_id, today - timedelta(days=15))).fetchone()
    assert row is not None
    times = [today - timedelta(days=d) + timedelta(hours=h, minutes=m * 2.5)
             for d in range(1, 15) for h in (9, 10, 11) for m in range(24)]
    db.cursor().executemany(
        "INSERT INTO articles (source_id, url, content_hash, published_at, published_precision,"
        " fetched_at, first_seen_at, first_run_id) VALUES (%s, %s, 'h', %s, %s, %s, %s, %s)",
        [(source_id, f"https://busy.test/{i}", t, "minute", t, t, row[0])
         for i, t in enumerate(times)]
        # Day-only dates (midnight) must not teach the policy that the source publishes at 00.
        # (24 a day: counted, they would make 00:00-01:00 as busy as a morning hour.)
        + [(source_id, f"https://busy.test/day/{i}/{k}", today - timedelta(days=i), "day",
            today, today, row[0]) for i in range(1, 15) for k in range(24)])


@pytest.fixture
def before_the_mornings() -> Iterator[None]:
    """The clock at 05:00 Almaty today, running: the learning window (the last 14 days from
    now) then holds every seeded morning whole, whatever the hour the suite runs at (between
    09:00 and 12:00 it would cut the oldest morning and change the plan)."""
    start = datetime.now(ALMATY).replace(hour=5, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=True):
        yield


@pytest.mark.usefixtures("before_the_mornings")
def test_replanning_puts_a_learned_plan_on_the_stored_job_and_a_restart_keeps_it(
    database_url: str, db: Conn,
) -> None:
    tengri = get_source("tengrinews_kz")
    seed_busy_mornings(db, tengri.id)
    first = build_scheduler(database_url)
    first.start(paused=True)
    try:
        sync_jobs(first, [tengri])
        changes = replan_polls(first, database_url, [tengri], crawl_job_id)
        assert [c.split(":")[:2] for c in changes] == [["crawl", "tengrinews_kz"]]
        job = first.get_job(crawl_job_id(tengri.id))
        assert isinstance(job.trigger, AdaptivePollTrigger)
        plan = job.trigger.plan
        # 72 items a day, all in the mornings: polled every 15 minutes (the source's shortest
        # interval) then, at the cron's 2 h the rest of the day.
        assert plan.polls_per_day == 3 * 4 + 21 * 0.5
        assert plan.interval_at(datetime.now(ALMATY).replace(hour=10)) == timedelta(minutes=15)
        assert plan.interval_at(datetime.now(ALMATY).replace(hour=0)) == timedelta(hours=2)
        cron = CronTrigger.from_crontab(tengri.schedule, timezone=ALMATY)
        assert job.next_run_time <= cron.get_next_fire_time(None, datetime.now(ALMATY))
        next_run = job.next_run_time
    finally:
        stop_scheduler(first)

    listed = CliRunner().invoke(dozor, ["schedule", "list"], catch_exceptions=False).output
    line = next(line for line in listed.splitlines() if line.startswith("tengrinews_kz "))
    assert line.endswith("adaptive: 22 polls a day, every 15-120 min"), line

    # A restart reads the plan back from PostgreSQL; the same registry and the same history
    # change nothing, and the job keeps its next run time.
    second = build_scheduler(database_url)
    second.start(paused=True)
    try:
        assert sync_jobs(second, [tengri]) == []
        assert replan_polls(second, database_url, [tengri], crawl_job_id) == []
        job = second.get_job(crawl_job_id(tengri.id))
        assert isinstance(job.trigger, AdaptivePollTrigger) and job.trigger.plan == plan
        assert job.next_run_time == next_run
        # A new cron in the registry puts the plain cron back until the next replan.
        assert sync_jobs(second, [tengri.__class__(**{
            **{f: getattr(tengri, f) for f in tengri.__dataclass_fields__},
            "schedule": "0 */3 * * *"})]) == ["rescheduled crawl:tengrinews_kz: 0 */3 * * *"]
        assert isinstance(second.get_job(crawl_job_id(tengri.id)).trigger, CronTrigger)
    finally:
        second.remove_all_jobs()
        stop_scheduler(second)


def test_a_stored_adaptive_job_fires_at_the_plans_pace_not_the_crons(
    database_url: str, db: Conn,
) -> None:
    # A daily cron, a plan of one poll a second: the real scheduler (its PostgreSQL store,
    # its thread pool, coalescing and misfire grace) fires it every second. (`db` empties the
    # job table first: no crawl job another test stored runs in this scheduler.)
    FIRED.clear()
    daily = CronTrigger.from_crontab("0 6 * * *", timezone=ALMATY)
    scheduler = build_scheduler(database_url)
    done = threading.Event()

    def executed(event: JobExecutionEvent) -> None:
        if event.job_id == "poll:test" and len(FIRED) >= 4:
            done.set()

    scheduler.add_listener(executed, EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        scheduler.add_job("tests.test_adaptive_scheduler:record_poll",
                          AdaptivePollTrigger(daily, PollPlan((1.0,) * 24)), id="poll:test",
                          jobstore="default", next_run_time=datetime.now(ALMATY))
        assert done.wait(patience(30)), f"fired {len(FIRED)} times in {patience(30):g} s"
    finally:
        scheduler.remove_all_jobs()
        stop_scheduler(scheduler)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(FIRED)]
    # About a second apart (the daily cron's would be a day); a loaded machine fires late.
    assert all(0.5 < gap < patience(3) for gap in gaps[:3]), gaps
