"""The task queue: crawls, imports, reprocessing and retags as procrastinate jobs in PostgreSQL.

Queue mode (DOZOR_QUEUE=1, or `dozor schedule --enqueue`): the elected scheduler only enqueues
what is due, and `dozor worker` processes on any number of machines run it from the shared
database. Without it, `dozor schedule` and `dozor collect` run crawls in their own process, as
on one machine. A crawl is still one subprocess under its source's lease (jobs.runner): the
lease, not the queue, keeps one run per source at a time across all machines.

A job whose worker died (no heartbeat for one lease TTL) is put back in the queue by any
live worker; its next attempt waits for the dead run's lease to expire, then crawls again
(articles already stored are found unchanged: stored once).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import socket
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from crawler.config import load_config
from crawler.errors import ConfigError, DatabaseUnavailableError, DozorError
from storage.db import resolve_database_url

log = logging.getLogger(__name__)

QUEUE_ENV = "DOZOR_QUEUE"
# Crawls wait on polite per-host delays, not on CPU: a few per worker process at once.
WORKER_CONCURRENCY = 4
# A crawl whose worker died or was stopped, or whose database went away, is tried again this
# many times in all, one lease TTL apart.
MAX_ATTEMPTS = 6
# A crawl whose source is busy (a backfill, a `dozor run` from a shell, another machine's
# crawl holds its lease) waits for it, not for a fixed count of tries: the wait doubles from
# one lease TTL up to BUSY_RETRY_CAP_S and the job gives up, loudly, after BUSY_PATIENCE_S
# in all. A daily crawl behind a six-hour backfill still runs the same day.
BUSY_RETRY_CAP_S = 30 * 60
BUSY_PATIENCE_S = 24 * 3600
# Finished jobs are kept this long (`dozor queue --hours`), then deleted.
KEEP_FINISHED_HOURS = 72
# Queues: crawls apart from the heavy one-off passes, so a worker can be given only one kind.
CRAWLS, PASSES = "crawls", "passes"


class SourceBusyError(DozorError):
    """Raised by a crawl job when another run holds its source's lease, from the worker;
    the job is tried again later."""


class CrawlInterruptedError(DozorError):
    """Raised by a crawl job whose run was stopped or lost its lease, from the worker; the
    job is tried again (by any worker) and finishes the crawl."""


RETRIED = (SourceBusyError, CrawlInterruptedError, DatabaseUnavailableError)


def queue_mode() -> bool:
    """Whether DOZOR_QUEUE asks the scheduler to enqueue crawls rather than run them."""
    raw = os.environ.get(QUEUE_ENV, "").strip().lower()
    if raw in ("", "0", "no", "false", "off"):
        return False
    if raw in ("1", "yes", "true", "on"):
        return True
    raise ConfigError(f"{QUEUE_ENV} must be 1 or 0, got {raw!r}")


def busy_waits(ttl_s: float) -> list[int]:
    """The waits, in seconds, between the tries of a crawl whose source stays busy: doubling
    from one lease TTL to BUSY_RETRY_CAP_S, as many as fit in BUSY_PATIENCE_S."""
    waits: list[int] = []
    wait = int(ttl_s) + 1
    while sum(waits) + wait <= BUSY_PATIENCE_S:
        waits.append(wait)
        wait = min(wait * 2, BUSY_RETRY_CAP_S)
    return waits


class LeaseTtlRetry(BaseRetryStrategy):
    """Try again after one lease TTL (DOZOR_LEASE_TTL): by then a dead holder's lease expired.
    A busy source is waited for longer (`busy_waits`)."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, RETRIED):
            return None
        ttl_s = load_config().lease_ttl_s
        if isinstance(exception, SourceBusyError):
            waits = busy_waits(ttl_s)
            if job.attempts >= len(waits):
                log.error("job %s (%s) gives up: the source stayed busy for %.1f h: %s",
                          job.id, job.task_name, sum(waits) / 3600, exception)
                return None
            wait = waits[job.attempts]
        elif job.attempts + 1 >= MAX_ATTEMPTS:
            log.error("job %s (%s) gives up after %d tries: %s", job.id, job.task_name,
                      job.attempts + 1, exception)
            return None
        else:
            wait = int(ttl_s) + 1
        log.warning("job %s (%s) will be tried again in %d s: %s", job.id, job.task_name, wait,
                    exception)
        return RetryDecision(retry_in={"seconds": wait})


# The tasks. Each opens what it needs from the environment (DATABASE_URL, DOZOR_*) of the worker.

@functools.cache
def _prepared_database() -> str:
    """The database URL, migrated and the registry synced once per worker process (not per
    job: with hundreds of sources, syncing the registry would cost each crawl a round trip)."""
    from jobs.tasks import prepare_database

    return prepare_database()


def crawl(source_id: str, since: str | None = None, until: str | None = None,
          origin: str = "site", mode: str = "scheduled") -> str:
    """Crawl one source (a backfill with since/until) unless paused; return the run's status."""
    from jobs.runner import CrawlRequest, run_crawl
    from jobs.tasks import group_after_crawl
    from serve.alerts.run import after_collection
    from storage.db import connect
    from storage.sources import paused_source_ids

    config = load_config()
    url = _prepared_database()
    with connect(url) as conn:
        paused = source_id in paused_source_ids(conn)
    if paused:
        log.info("queued crawl of %s skipped: paused", source_id)
        return "paused"
    request = CrawlRequest(source_id, _day(since), _day(until), mode, origin)
    outcome = run_crawl(request, config, url)
    if outcome.status == "skipped":
        raise SourceBusyError(f"{source_id}: {outcome.message}")
    group_after_crawl(url, outcome)
    after_collection(url)
    if outcome.status in ("killed", "lost"):
        raise CrawlInterruptedError(f"{source_id}: run {outcome.run.id if outcome.run else '?'}"
                                    f" ended {outcome.status}: {outcome.message}")
    log.info("queued crawl of %s: %s", source_id, outcome.status)
    return outcome.status


def import_files(locations: list[str]) -> dict[str, str]:
    """`dozor import` as a job: the WARC files or URLs must be readable from the worker."""
    from jobs.warc_import import WarcImport

    report = WarcImport(load_config(), _prepared_database()).import_files(tuple(locations))
    return {s.source.id: s.status for s in report.sources.values()}


def reprocess(source_id: str | None = None, since: str | None = None) -> dict[str, int]:
    """`dozor reprocess` as a job: the archive (DOZOR_DATA_DIR) must be the worker's."""
    from jobs.reprocessing import reprocess_articles
    from storage.db import connect

    config = load_config()
    with connect(_prepared_database(), autocommit=True) as conn:
        report = reprocess_articles(conn, config.archive_dir, source_id, _day(since))
    return {"articles": report.articles, "changed": report.changed,
            "missing": len(report.missing)}


def retag(source_id: str | None = None) -> int:
    """`dozor retag` as a job; the number of articles retagged."""
    from jobs.tasks import retag as run_retag

    return run_retag(source_id).articles


# name -> (function, queue)
TASKS: dict[str, tuple[Callable[..., Any], str]] = {
    "crawl": (crawl, CRAWLS),
    "import": (import_files, PASSES),
    "reprocess": (reprocess, PASSES),
    "retag": (retag, PASSES),
}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@contextlib.contextmanager
def open_queue(database_url: str) -> Iterator[procrastinate.App]:
    """A small synchronous app to enqueue with (the CLI, the scheduler's jobs)."""
    connector = procrastinate.SyncPsycopgConnector(
        conninfo=database_url, min_size=1, max_size=2,
        kwargs={"application_name": "dozor-enqueue"})
    app = procrastinate.App(connector=connector)
    with app.open():
        yield app


def enqueue(app: procrastinate.App, task: str, *, lock: str | None = None,
            **arguments: Any) -> int | None:
    """Put one job in the queue; its id, or None when the same job (`lock`) already waits."""
    _, queue = TASKS[task]
    try:
        job_id: int = app.configure_task(task, queue=queue, queueing_lock=lock).defer(
            **arguments)
    except AlreadyEnqueued:
        return None
    return job_id


def enqueue_crawl(source_id: str) -> int | None:
    """Scheduler job in queue mode: enqueue a source's crawl, unless one already waits."""
    try:
        url = resolve_database_url(load_config())
        with open_queue(url) as app:
            job_id = enqueue(app, "crawl", lock=f"crawl:{source_id}", source_id=source_id)
    except Exception as exc:  # the pool's errors: psycopg's, or its own timeouts
        raise DatabaseUnavailableError(f"could not enqueue the crawl of {source_id}: {exc}")\
            from exc
    if job_id is None:
        log.info("crawl of %s already waits in the queue", source_id)
    else:
        log.info("crawl of %s enqueued as job %d", source_id, job_id)
    return job_id


class ExpectedRetryFilter(logging.Filter):
    """Drops the traceback procrastinate logs for a job retried on purpose (a busy source, an
    interrupted run, a database away): the warning above it already says why and when."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], RETRIED):
            record.exc_info, record.exc_text = None, None
        return True


def run_worker(database_url: str, *, concurrency: int = WORKER_CONCURRENCY,
               queues: Sequence[str] = (), name: str | None = None) -> None:
    """Run jobs from the queue until SIGTERM or SIGINT; running crawls are stopped (recorded
    'killed') and their jobs go back to the queue for another worker."""
    config = load_config()
    logging.getLogger("procrastinate.worker").addFilter(ExpectedRetryFilter())
    connector = procrastinate.PsycopgConnector(
        conninfo=database_url, min_size=1, max_size=concurrency + 3,
        kwargs={"application_name": "dozor-worker"})
    app = procrastinate.App(connector=connector)
    for task_name, (function, queue) in TASKS.items():
        app.task(name=task_name, queue=queue, retry=LeaseTtlRetry())(function)
    worker_name = name or f"{socket.gethostname()} pid {os.getpid()}"

    async def main() -> None:
        async with app.open_async():
            chosen: dict[str, Any] = {"queues": list(queues)} if queues else {}
            worker = asyncio.create_task(app.run_worker_async(
                **chosen, concurrency=concurrency, name=worker_name,
                install_signal_handlers=False, update_heartbeat_interval=config.heartbeat_s,
                stalled_worker_timeout=config.lease_ttl_s,
                # Crawls run in threads that wait on their subprocess: stopping one takes up to
                # 20 s, and the stopped run is recorded before its job goes back.
                shutdown_graceful_timeout=60))
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, _stop, worker, signum)
            janitor = asyncio.create_task(_requeue_stalled(app, config.lease_ttl_s,
                                                           config.heartbeat_s))
            try:
                await worker
            except asyncio.CancelledError:
                if not worker.cancelled():  # not our own stop (_stop): pass it on
                    raise
            finally:
                janitor.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await janitor

    log.info("worker %s: %d at once, queues %s", worker_name, concurrency,
             ", ".join(queues) or "all")
    asyncio.run(main())


def _stop(worker: asyncio.Task[None], signum: int) -> None:
    from jobs.runner import stop_running_crawls

    log.info("received %s: stopping the running jobs", signal.Signals(signum).name)
    stop_running_crawls()
    worker.cancel()  # procrastinate: take no more jobs, wait for the running ones


async def _requeue_stalled(app: procrastinate.App, ttl_s: float, every_s: float) -> None:
    """Put back in the queue the jobs of workers silent for a lease TTL (killed, machine gone);
    now and then delete finished jobs older than KEEP_FINISHED_HOURS."""
    beats = 0
    while True:
        await asyncio.sleep(every_s)
        beats += 1
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=ttl_s):
                with contextlib.suppress(Exception):  # another worker requeued it first
                    await app.job_manager.retry_job(job)
                    log.warning("job %s (%s %s) of a dead worker is back in the queue",
                                job.id, job.task_name, job.task_kwargs)
            if beats % 3600 == 1:
                await app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS,
                                                      include_failed=True)
        except Exception as exc:  # the database away: the worker itself waits for it too
            log.warning("could not look for stalled jobs: %s", exc)
