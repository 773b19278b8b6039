"""A queued crawl whose source is busy waits for it, however long, and then runs.

A backfill started from a shell (or another machine's crawl) holds a source's lease for hours;
the daily crawl queued behind it must neither fail after a few tries nor pile up: it is tried
again with growing waits (one lease TTL, doubling, at most 30 min, for up to a day) and runs
once the lease is free. Real worker process, real PostgreSQL, the mock sites' slow source.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from procrastinate.jobs import Job

from jobs.queue import (
    BUSY_PATIENCE_S,
    BUSY_RETRY_CAP_S,
    MAX_ATTEMPTS,
    CrawlInterruptedError,
    LeaseTtlRetry,
    SourceBusyError,
    busy_waits,
)
from storage.leases import acquire, break_lease, source_lease
from tests.test_workers import LEASE_TTL_S, Processes, dozor, processes, queue_env, stored
from tests.waiting import wait_for

__all__ = ["processes", "queue_env"]  # fixtures, used by name


def job_row(conn: psycopg.Connection[Any], job_id: int) -> tuple[str, int]:
    row = conn.execute("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = %s",
                       (job_id,)).fetchone()
    assert row is not None
    return str(row[0]), int(row[1])


def test_a_crawl_queued_behind_a_busy_source_runs_when_the_source_is_free(
    queue_env: dict[str, str], processes: Processes,
) -> None:
    line = dozor(queue_env, "enqueue", "crawl", "slow_site")
    job_id = int(re.search(r"job (\d+)", line)[1])  # type: ignore[index]
    with psycopg.connect(queue_env["DATABASE_URL"], autocommit=True) as conn:
        backfill = acquire(conn, source_lease("slow_site"), "a backfill in a shell", 3600)
        assert backfill is not None
        processes.start("worker", "worker", "--concurrency", "1")
        # Busy: the job goes back to the queue, to be tried again after one lease TTL.
        wait_for(lambda: job_row(conn, job_id) == ("todo", 1), 40, "the first busy try")
        first, second = busy_waits(LEASE_TTL_S)[:2]
        wait_for(lambda: job_row(conn, job_id)[1] >= 2, 20 + first, "the second try")
        assert stored(conn) == (0, 0)
        listing = dozor(queue_env, "queue")
        line = next(x for x in listing.splitlines() if x.split()[:1] == [str(job_id)])
        assert line.split()[1:3] == ["crawl", "waiting"] and line.endswith(" slow_site")
        assert "1 waiting" in listing
        log = processes.log("worker")
        assert f"will be tried again in {first} s" in log
        assert f"will be tried again in {second} s" in log
        # The backfill ends: the next try crawls, and every article is stored once.
        break_lease(conn, source_lease("slow_site"))
        wait_for(lambda: job_row(conn, job_id)[0] == "succeeded", 40 + second, "the crawl")
        assert stored(conn) == (4, 4)
    listing = dozor(queue_env, "queue")
    assert re.search(rf"^\s*{job_id} crawl\s+done\s+\d+\s+-\s+slow_site$", listing, re.M), listing
    assert "Traceback" not in processes.log("worker")


def _job(attempts: int) -> Job:
    return Job(id=1, queue="crawls", lock=None, queueing_lock="crawl:x", task_name="crawl",
               attempts=attempts)


def test_a_busy_source_is_waited_for_a_day_other_faults_six_tries() -> None:
    waits = busy_waits(90)
    assert waits[:4] == [91, 182, 364, 728]
    assert max(waits) == BUSY_RETRY_CAP_S
    assert BUSY_PATIENCE_S - BUSY_RETRY_CAP_S < sum(waits) <= BUSY_PATIENCE_S
    retry = LeaseTtlRetry()
    busy = SourceBusyError("slow_site: busy")
    assert retry.get_retry_decision(exception=busy, job=_job(MAX_ATTEMPTS + 10)) is not None
    assert retry.get_retry_decision(exception=busy, job=_job(len(waits))) is None
    lost = CrawlInterruptedError("slow_site: run 3 ended lost")
    assert retry.get_retry_decision(exception=lost, job=_job(MAX_ATTEMPTS - 2)) is not None
    assert retry.get_retry_decision(exception=lost, job=_job(MAX_ATTEMPTS - 1)) is None
    assert retry.get_retry_decision(exception=ValueError("a bug"), job=_job(0)) is None
