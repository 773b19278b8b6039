"""`dozor worker` (run queued jobs) and `dozor enqueue` (queue a crawl, import, reprocess or
retag for the workers): the task queue of jobs/queue.py, in the shared PostgreSQL."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

import click

from crawler.config import load_config
from crawler.sources import get_source
from jobs.logs import configure_logging
from jobs.queue import CRAWLS, PASSES, WORKER_CONCURRENCY, enqueue, open_queue, run_worker
from jobs.scheduler import ALMATY
from jobs.tasks import prepare_database
from storage.db import connect
from storage.queue_jobs import RECENT_HOURS, QueueJob, queue_jobs


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 64), default=WORKER_CONCURRENCY,
              show_default=True, help="Jobs at once (each crawl is its own subprocess).")
@click.option("--queue", "queues", multiple=True, type=click.Choice([CRAWLS, PASSES]),
              help="Only jobs of this queue (repeatable); default: all.")
def worker(concurrency: int, queues: tuple[str, ...]) -> None:
    """Run queued crawls, imports, reprocessing and retags until SIGTERM (any number of
    workers, on any number of machines, sharing DATABASE_URL)."""
    config = load_config()
    configure_logging(logging.INFO, config.log_format)
    run_worker(prepare_database(config), concurrency=concurrency, queues=queues)


@click.group("enqueue")
def enqueue_group() -> None:
    """Put a job in the queue for `dozor worker`; prints its job id."""


def _enqueued(what: str, job_id: int | None) -> None:
    if job_id is None:
        click.echo(f"{what}: already waiting in the queue")
    else:
        click.echo(f"{what}: job {job_id}")


@enqueue_group.command("crawl")
@click.argument("source_ids", nargs=-1, required=True, metavar="SOURCE...")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Backfill from this day on.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Backfill up to this day.")
def enqueue_crawl_command(source_ids: tuple[str, ...], since: datetime | None,
                          until: datetime | None) -> None:
    """Crawl these sources (once each; a crawl already waiting is not queued twice)."""
    for source_id in source_ids:
        get_source(source_id)  # unknown ids fail before anything is queued
    backfill = since is not None or until is not None
    with open_queue(prepare_database()) as app:
        for source_id in source_ids:
            job_id = enqueue(
                app, "crawl", lock=None if backfill else f"crawl:{source_id}",
                source_id=source_id, since=since.date().isoformat() if since else None,
                until=until.date().isoformat() if until else None,
                mode="backfill" if backfill else "daily")
            _enqueued(f"crawl {source_id}", job_id)


@enqueue_group.command("import")
@click.argument("locations", nargs=-1, required=True, metavar="FILE|URL...")
def enqueue_import(locations: tuple[str, ...]) -> None:
    """Import WARC files or URLs (paths as the worker's machine sees them)."""
    with open_queue(prepare_database()) as app:
        _enqueued("import", enqueue(app, "import", locations=list(locations)))


@enqueue_group.command("reprocess")
@click.option("--source", default=None, metavar="ID", help="Only this source's articles.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only articles published (or, undated, fetched) on or after this day.")
def enqueue_reprocess(source: str | None, since: datetime | None) -> None:
    """Extract and tag stored articles again from the worker's archive."""
    if source is not None:
        get_source(source)
    with open_queue(prepare_database()) as app:
        _enqueued("reprocess", enqueue(app, "reprocess", lock="reprocess", source_id=source,
                                       since=since.date().isoformat() if since else None))


@enqueue_group.command("retag")
@click.option("--source", default=None, metavar="ID", help="Only this source's articles.")
def enqueue_retag(source: str | None) -> None:
    """Re-apply the current tagging rules to stored articles."""
    if source is not None:
        get_source(source)
    with open_queue(prepare_database()) as app:
        _enqueued("retag", enqueue(app, "retag", lock="retag", source_id=source))


# What a job's status means to an operator.
STATUS_WORDS = {"todo": "waiting", "doing": "running", "succeeded": "done", "failed": "failed",
                "cancelled": "cancelled", "aborted": "aborted", "aborting": "aborting"}


def _job_subject(job: QueueJob) -> str:
    """What a job works on: a crawl's source (and days), an import's files, a pass's source."""
    args = job.args
    if job.task_name == "crawl":
        days = "..".join(d for d in (args.get("since"), args.get("until")) if d)
        return f"{args.get('source_id')}{' ' + days if days else ''}"
    if job.task_name == "import":
        return ", ".join(str(x) for x in args.get("locations", []))
    return str(args.get("source_id") or "all sources")


@click.command("queue")
@click.option("--hours", type=click.IntRange(1, 72), default=RECENT_HOURS, show_default=True,
              help="Also list jobs that ended this many hours back.")
def queue_command(hours: int) -> None:
    """The task queue: jobs waiting (with their tries and next try), running, and ended
    lately; times in Asia/Almaty."""
    with connect(prepare_database()) as conn:
        jobs = queue_jobs(conn, recent_hours=hours)
    click.echo(f"{'job':>6} {'task':<9} {'status':<9} {'tries':>5} {'next try':<19} subject")
    for job in jobs:
        waiting = job.status == "todo" and job.scheduled_at is not None
        next_try = job.scheduled_at.astimezone(ALMATY).strftime("%Y-%m-%d %H:%M:%S") \
            if waiting and job.scheduled_at else "-"
        click.echo(f"{job.id:>6} {job.task_name:<9} {STATUS_WORDS.get(job.status, job.status):<9}"
                   f" {job.attempts:>5} {next_try:<19} {_job_subject(job)}")
    counts = Counter(STATUS_WORDS.get(j.status, j.status) for j in jobs)
    click.echo(" · ".join(f"{n} {word}" for word, n in sorted(counts.items())) if jobs
               else f"the queue is empty (nothing ended in the last {hours} h)")


COMMANDS = [worker, enqueue_group, queue_command]
