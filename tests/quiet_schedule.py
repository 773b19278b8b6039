"""A stored schedule on which one job is overdue and no other comes due during a test.

Tests that run the real scheduler sync the whole registry, whose crons fire every 30 minutes
to every 6 hours in Asia/Almaty (a CI run at 03:20 Almaty crawled azattyq_org and
govkz_prokuror in the middle of test_scheduler's SIGTERM test): what a test sees would depend on
the time of day it runs at. `sync_jobs` keeps a stored job's next run time when its schedule is
unchanged, so moving the other jobs a day ahead here keeps them quiet in `dozor schedule` too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler

from jobs.scheduler import ALMATY


def only_overdue(scheduler: BaseScheduler, job_id: str, missed: timedelta) -> None:
    """Make `job_id` due `missed` ago and every other stored job due only tomorrow."""
    now = datetime.now(ALMATY)
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id != job_id:
            scheduler.modify_job(job.id, jobstore="default", next_run_time=now + timedelta(days=1))
    scheduler.modify_job(job_id, jobstore="default", next_run_time=now - missed)
