"""Adaptive polling in the scheduler: each source's crawl job fires on a learned plan, capped by
its cron (the policy is jobs/polling.py; this is the APScheduler glue).

A source's job `crawl:<id>` keeps its cron inside an `AdaptivePollTrigger`: the next run is
`jobs.polling.next_poll` after the previous one, never later than the cron's next slot. The job
`polling:replan` (in memory, every REPLAN_EVERY and at start) learns each source's plan from
its publication times of the last LEARN_DAYS days and puts it on the stored job.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import psycopg
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import SQLAlchemyError

from crawler.errors import DatabaseUnavailableError, first_line
from crawler.sources import Source
from jobs.polling import ALMATY, PollBounds, PollPlan, learned_plan, next_poll
from storage.db import connect
from storage.freshness import last_polls, publication_times

log = logging.getLogger(__name__)

LEARN_DAYS = 14  # two weeks: both weekdays and weekends seen twice, last month's habits gone
REPLAN_EVERY = timedelta(hours=1)
# A last poll older than this is not a starting point (the scheduler was off).
STALE_POLL = timedelta(days=1)
REPLAN_JOB = "polling:replan"
# The longest gap of a cron is found among its fire times over this span (a week covers
# day-of-week fields).
CRON_SPAN = timedelta(days=8)


class AdaptivePollTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 is untyped
    """Fires when the plan wants the next poll; the plan never waits longer than the cron."""

    __slots__ = ("ceiling", "plan")

    def __init__(self, ceiling: CronTrigger, plan: PollPlan) -> None:
        self.ceiling = ceiling
        self.plan = plan

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        # The plan's intervals are each at most the cron's longest gap (source_bounds): the
        # cron's pace is the ceiling, its exact minutes are not (aligning to them would add a
        # poll at each slot).
        if previous_fire_time is None:
            return next_poll(now, self.plan, self.ceiling.get_next_fire_time(None, now))
        return next_poll(previous_fire_time, self.plan)

    def __getstate__(self) -> dict[str, Any]:
        return {"version": 1, "ceiling": self.ceiling, "plan": self.plan.intervals_s}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.ceiling = state["ceiling"]
        self.plan = PollPlan(tuple(state["plan"]))

    def __repr__(self) -> str:
        minutes = ",".join(f"{s / 60:.0f}" for s in self.plan.intervals_s)
        return f"<AdaptivePollTrigger (ceiling={self.ceiling!r}, minutes=[{minutes}])>"


def ceiling_of(trigger: BaseTrigger) -> BaseTrigger:
    """The cron of a crawl job's trigger (itself when it is not adaptive)."""
    return trigger.ceiling if isinstance(trigger, AdaptivePollTrigger) else trigger


def cron_gap(cron: CronTrigger, now: datetime) -> timedelta:
    """The longest time between two slots of the cron over the next week."""
    gap, previous = timedelta(0), cron.get_next_fire_time(None, now)
    while previous is not None and previous - now < CRON_SPAN:
        following = cron.get_next_fire_time(previous, previous)
        if following is None:
            break
        gap, previous = max(gap, following - previous), following
    return gap or CRON_SPAN


def source_bounds(source: Source, cron: CronTrigger, now: datetime) -> PollBounds:
    """A source's poll bounds: its declared ones, the longest never beyond its cron's gap."""
    longest = cron_gap(cron, now)
    if source.poll_max_interval is not None:
        longest = min(longest, source.poll_max_interval)
    return PollBounds(min(source.poll_min_interval, longest), longest, source.polls_per_day)


def plan_trigger(source: Source, cron: CronTrigger, published: list[datetime],
                 now: datetime) -> AdaptivePollTrigger | None:
    """The source's adaptive trigger learned from `published`, or None (too few: the cron)."""
    # Whole days since the earliest item learned from: a source followed for 3 days is not
    # read as publishing a fifth as much over 14.
    days = min(LEARN_DAYS, math.ceil((now - min(published)) / timedelta(days=1))
               ) if published else LEARN_DAYS
    plan = learned_plan(published, days, source_bounds(source, cron, now))
    return None if plan is None else AdaptivePollTrigger(cron, plan)


def replan_polls(scheduler: BaseScheduler, database_url: str, sources: Iterable[Source],
                 job_id_of: Callable[[str], str]) -> list[str]:
    """Put each source's freshly learned plan on its crawl job; say which changed."""
    now = datetime.now(ALMATY)
    changes = []
    with connect(database_url) as conn:
        polled = last_polls(conn)
        for source in sources:
            job = scheduler.get_job(job_id_of(source.id), jobstore="default")
            if job is None:
                continue
            cron = ceiling_of(job.trigger)
            published = publication_times(conn, source.id, now - timedelta(days=LEARN_DAYS))
            trigger = plan_trigger(source, cron, published, now) or cron
            if repr(trigger) == repr(job.trigger):
                continue
            # From the last poll, not from now: a source polled long ago is due now (the
            # misfire grace runs it), and never later than the run already stored.
            previous = polled.get(source.id)
            if previous is not None and now - previous > STALE_POLL:
                previous = None  # from now: no walk through a long outage's slots
            due = trigger.get_next_fire_time(previous, now)
            if job.next_run_time is not None and due is not None:
                due = min(due, job.next_run_time)
            job.modify(trigger=trigger, next_run_time=due)
            changes.append(f"{job.id}: {trigger!r}")
    return changes


def start_adaptive_polling(scheduler: BaseScheduler, database_url: str, sources: Iterable[Source],
                           job_id_of: Callable[[str], str], jobstore: str) -> None:
    """Learn the plans now and again every REPLAN_EVERY (a job in an in-memory store)."""
    sources = list(sources)

    def replan() -> None:
        try:
            changes = replan_polls(scheduler, database_url, sources, job_id_of)
        except (psycopg.Error, SQLAlchemyError, DatabaseUnavailableError) as exc:
            # The plans in the job store (SQLAlchemy's) stand; the next replan learns again.
            log.warning("polling plans not learned: %s", first_line(exc))
            return
        for change in changes:
            log.info("polling plan: %s", change)

    replan()
    scheduler.add_job(replan, "interval", seconds=REPLAN_EVERY.total_seconds(),
                      id=REPLAN_JOB, name="learn polling plans", jobstore=jobstore,
                      replace_existing=True)
