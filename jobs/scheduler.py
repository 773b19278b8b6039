"""The scheduler: a thin table over the source registry, one cron job per source, in PostgreSQL.

`dozor schedule` runs it. Each source's crawl runs on `Source.schedule` (cron, Asia/Almaty) as
the job `crawl:<source_id>` calling `jobs.tasks:crawl_source`, which runs the crawl in its own
process under the source's lock (jobs.runner). Jobs live in the table `apscheduler_jobs` of the
same database, so the schedule and a run missed while the scheduler or the database was down
survive a restart: the missed run runs once when they are back, if no more than
MISFIRE_GRACE late.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import create_engine

from crawler.config import load_config
from crawler.errors import DatabaseUnavailableError, LeaseLostError, SchedulerError, first_line
from crawler.sources import Source
from jobs.adaptive import ceiling_of, start_adaptive_polling
from jobs.runner import stop_running_crawls
from storage.db import CONNECT_TIMEOUT_S, connect, redact_url
from storage.leases import SCHEDULER_LEASE, acquire, heartbeat, owner_name, release

log = logging.getLogger(__name__)

ALMATY = ZoneInfo("Asia/Almaty")
CRAWL_JOB = "jobs.tasks:crawl_source"
JOB_PREFIX = "crawl:"
RETRY_PREFIX = "retry:"
JOBS_TABLE = "apscheduler_jobs"
# A run missed while the scheduler or PostgreSQL was down still runs when they are back, once
# (coalesce), if it is no later than this; APScheduler's default of 1 s would skip it silently.
# Half a day: a daily 06:00 run missed over a night's outage still happens in the morning.
MISFIRE_GRACE = timedelta(hours=12)
# A crawl that failed because PostgreSQL was unreachable is tried again this much later.
RETRY_AFTER_DATABASE_FAILURE = timedelta(minutes=10)
# While the job store's database is unreachable, look again this often.
JOBSTORE_RETRY_S = 10.0
# Crawls at once. Each is its own process waiting on polite per-host delays, not on CPU.
CRAWL_WORKERS = 4
# One scheduler per database holds the lease 'scheduler' (storage/leases.py): a second
# `dozor schedule` on the same job table would run every job twice. A lease, not an advisory
# lock: it survives a restart of PostgreSQL, which drops a session's advisory locks.


class DozorScheduler(BackgroundScheduler):  # type: ignore[misc]  # APScheduler 3 is untyped
    """APScheduler's BackgroundScheduler, kept alive when its database goes away mid-pass."""

    def _process_jobs(self) -> float | None:
        # shutdown() wakes the loop for one last pass, which would find an overdue job, fail to
        # submit it to the closed executor and still move it to its next slot: a missed run
        # lost by `dozor schedule list` or by a SIGTERM. A stopped scheduler does nothing.
        if self.state == STATE_STOPPED:
            return None
        # APScheduler retries a failed read of due jobs, but an error while writing a job's next
        # run time back (PostgreSQL gone between the two) would end its thread for good.
        try:
            wait_seconds: float | None = super()._process_jobs()
        except Exception as exc:
            log.warning("job store unavailable, retrying in %.0f s: %s",
                        self.jobstore_retry_interval, first_line(exc))
            return float(self.jobstore_retry_interval)
        return wait_seconds


def crawl_job_id(source_id: str) -> str:
    """The scheduler's job id for a source's crawl."""
    return JOB_PREFIX + source_id


def source_trigger(source: Source) -> CronTrigger:
    """The cron trigger of a source's `schedule`, in Asia/Almaty."""
    try:
        return CronTrigger.from_crontab(source.schedule, timezone=ALMATY)
    except ValueError as exc:
        raise SchedulerError(
            f"source {source.id}: schedule {source.schedule!r} is not a 5-field cron: {exc}"
        ) from exc


def build_scheduler(
    database_url: str, *, misfire_grace: timedelta = MISFIRE_GRACE,
    retry_delay: timedelta = RETRY_AFTER_DATABASE_FAILURE, workers: int = CRAWL_WORKERS,
    jobstore_retry_s: float = JOBSTORE_RETRY_S,
) -> DozorScheduler:
    """A scheduler (not started) whose jobs are kept in `apscheduler_jobs` of this database."""
    def new_connection() -> psycopg.Connection[Any]:
        return psycopg.connect(database_url, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="dozor-scheduler")

    # A creator, not a URL: DATABASE_URL may be a URL or a libpq "key=value" string, and psycopg
    # reads both. pool_pre_ping replaces connections a database restart has broken.
    engine = create_engine("postgresql+psycopg://", creator=new_connection, pool_pre_ping=True)
    scheduler = DozorScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE),
            # Retries after a database failure: they cannot be written to the database that
            # just failed. A restart forgets them; the source's next slot runs it then.
            "retries": MemoryJobStore(),
            # The scheduler's own housekeeping (learning polling plans), redone at each start.
            "local": MemoryJobStore(),
        },
        executors={"default": ThreadPoolExecutor(workers)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(misfire_grace.total_seconds())},
        timezone=ALMATY,
        jobstore_retry_interval=jobstore_retry_s,
    )

    def retry_later(event: JobExecutionEvent) -> None:
        _retry_after_database_failure(scheduler, event, retry_delay)

    scheduler.add_listener(retry_later, EVENT_JOB_ERROR)
    return scheduler


def _retry_after_database_failure(
    scheduler: BackgroundScheduler, event: JobExecutionEvent, retry_delay: timedelta,
) -> None:
    prefix = next((p for p in (JOB_PREFIX, RETRY_PREFIX) if event.job_id.startswith(p)), None)
    if prefix is None or not isinstance(event.exception, DatabaseUnavailableError):
        return
    source_id = event.job_id[len(prefix):]
    when = datetime.now(ALMATY) + retry_delay
    log.error("crawl of %s failed: %s; trying again at %s", source_id, event.exception,
              when.strftime("%Y-%m-%d %H:%M:%S %Z"))
    scheduler.add_job(CRAWL_JOB, "date", run_date=when, args=[source_id],
                      id=RETRY_PREFIX + source_id, name=f"retry {source_id}",
                      jobstore="retries", replace_existing=True)


def _job_matches(job: Job, source: Source, trigger: CronTrigger, grace_s: int | None) -> bool:
    return (job.func_ref == CRAWL_JOB and tuple(job.args) == (source.id,)
            and repr(ceiling_of(job.trigger)) == repr(trigger) and job.misfire_grace_time == grace_s
            and job.coalesce and job.max_instances == 1)


def sync_jobs(scheduler: BackgroundScheduler, sources: Iterable[Source]) -> list[str]:
    """Make the job store hold one crawl job per source, on its schedule; say what changed.

    A job already stored with the same schedule is left alone: re-adding it would recompute its
    next run time from now and lose a run missed while the scheduler was down. Call it on a
    started scheduler (start(paused=True) first, resume() after), so the store is readable.
    """
    wanted = {crawl_job_id(s.id): s for s in sources}
    grace = scheduler._job_defaults.get("misfire_grace_time")
    changes = []
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id, jobstore="default")
            changes.append(f"removed {job.id}: no such source in the registry")
    for job_id, source in wanted.items():
        trigger = source_trigger(source)
        stored = scheduler.get_job(job_id, jobstore="default")
        if stored is not None and _job_matches(stored, source, trigger, grace):
            continue
        scheduler.add_job(CRAWL_JOB, trigger, args=[source.id], id=job_id,
                          name=f"crawl {source.id}", jobstore="default", replace_existing=True)
        changes.append(f"{'rescheduled' if stored else 'added'} {job_id}: {source.schedule}")
    return changes


def stop_scheduler(scheduler: BackgroundScheduler) -> None:
    """Take no more jobs, stop the crawls under way (each recorded 'killed'), wait for them."""
    if not scheduler.running:
        return
    scheduler.pause()
    waiter = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True},
                              name="scheduler-shutdown")
    waiter.start()
    # Asked again while waiting: a job handed to a worker just before the pause starts its
    # crawl a moment later, and must be stopped too.
    while waiter.is_alive():
        stopped = stop_running_crawls()
        if stopped:
            log.info("stopping %d running crawl(s)", stopped)
        waiter.join(0.5)


class SchedulerLease:
    """The one-scheduler-per-database lease, heartbeated by the scheduler's main loop."""

    def __init__(self, database_url: str) -> None:
        config = load_config()
        self.database_url = database_url
        self.ttl_s, self.heartbeat_s = config.lease_ttl_s, config.heartbeat_s
        self.conn: psycopg.Connection[Any] | None = connect(database_url, autocommit=True)
        lease = acquire(self.conn, SCHEDULER_LEASE, owner_name(), self.ttl_s)
        if lease is None:
            self.conn.close()
            raise SchedulerError(
                f"another `dozor schedule` is already running on {redact_url(database_url)}"
            )
        self.lease = lease
        self._next_beat = time.monotonic() + self.heartbeat_s

    def keep(self) -> None:
        """Heartbeat when due; SchedulerError once another scheduler holds the lease."""
        if time.monotonic() < self._next_beat:
            return
        self._next_beat = time.monotonic() + self.heartbeat_s
        try:
            if self.conn is None or self.conn.broken:
                self.conn = connect(self.database_url, autocommit=True)
            self.lease = heartbeat(self.conn, self.lease, self.ttl_s)
        except LeaseLostError as exc:
            raise SchedulerError(f"this scheduler lost its lease: {exc}") from exc
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            # Jobs cannot run without the database either; the lease is kept on its return.
            log.warning("scheduler heartbeat failed: %s", first_line(exc))
            self.conn = None

    def release(self) -> None:
        try:
            conn = self.conn or connect(self.database_url, autocommit=True)
            release(conn, self.lease)
            conn.close()
        except (psycopg.Error, DatabaseUnavailableError) as exc:
            log.warning("could not release the scheduler's lease: %s", first_line(exc))


@contextmanager
def scheduler_lock(database_url: str) -> Iterator[SchedulerLease]:
    """Hold the one-scheduler-per-database lease while the block runs, or raise SchedulerError."""
    lease = SchedulerLease(database_url)
    try:
        yield lease
    finally:
        lease.release()


def run_scheduler(
    database_url: str, sources: Iterable[Source], stop: threading.Event, **options: Any,
) -> None:
    """Run every source's crawl on its schedule until `stop` is set, then shut down cleanly."""
    with scheduler_lock(database_url) as lease:
        scheduler = build_scheduler(database_url, **options)
        scheduler.start(paused=True)
        try:
            sources = list(sources)
            for change in sync_jobs(scheduler, sources):
                log.info("schedule: %s", change)
            # Adaptive polling (jobs/adaptive.py): the cron stays each job's ceiling.
            start_adaptive_polling(scheduler, database_url, sources, crawl_job_id, "local")
            scheduler.resume()
            for job in scheduler.get_jobs(jobstore="default"):
                log.info("%s next runs at %s", job.id, _when(job.next_run_time))
            # A timeout, so the signal handler that sets `stop` runs promptly.
            while not stop.wait(1.0):
                lease.keep()
            log.info("shutting down: no new crawls; stopping the running ones")
        finally:
            stop_scheduler(scheduler)
        log.info("scheduler stopped")


def _when(moment: datetime | None) -> str:
    return moment.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M %Z") if moment else "never (paused)"
