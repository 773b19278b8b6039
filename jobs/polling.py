"""Adaptive polling: when to look at a source again, from when it published in past days.

Pure functions over plain data (no database, no scheduler), so the policy is tested with a
frozen clock and replayed by bench/bench_polling.py on real publication times.

The policy, in three steps:
1. `hourly_rates`: items a source published per hour of day (Asia/Almaty), averaged over the
   days learned from.
2. `plan_polls`: spend up to a budget of polls per day over the 24 hours in proportion to the square
   root of each hour's rate (the allocation that minimises the mean publication->seen delay
   when an hour polled n times leaves its items waiting 1/(2n) h on average), each hour's
   interval kept between the source's bounds: never shorter than `min_interval` (politeness),
   never longer than `max_interval` (the cron is the ceiling: never less often than it says).
3. `next_poll`: the first moment after the last poll at which the time since it reaches the
   interval wanted then, and never later than the cron's next slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")
HOURS = 24
# An hour that published nothing in the days learned from keeps a little weight: a first item
# at 04:00 is not waited for until the ceiling only because no night item was seen before.
QUIET_HOUR_RATE = 0.05  # items per hour
# Without a declared budget a source gets about one poll per this many items it publishes a
# day, never fewer polls than its cron gives: a busy newsroom is looked at often, a quiet
# agency at the cron's pace.
ITEMS_PER_POLL = 2.0
# Polls per hour follow rate ** SHARE_EXPONENT: 0.5 minimises the mean delay (see above); 1
# (polls in proportion to items) favours the median over the tail (bench/bench_polling.py).
SHARE_EXPONENT = 0.5
# Fewer items than this in the days learned from say nothing about the hours: keep the cron.
MIN_ITEMS_TO_LEARN = 20


@dataclass(frozen=True, slots=True)
class PollBounds:
    """The shortest and longest time between two polls of a source, and its daily budget."""

    min_interval: timedelta
    max_interval: timedelta
    polls_per_day: float | None = None  # None: from the learned rate (ITEMS_PER_POLL)

    def __post_init__(self) -> None:
        if not timedelta(0) < self.min_interval <= self.max_interval:
            raise ValueError(f"poll bounds need 0 < min_interval <= max_interval, got"
                             f" {self.min_interval} and {self.max_interval}")


@dataclass(frozen=True, slots=True)
class PollPlan:
    """The interval between polls wanted in each hour of the day (Asia/Almaty), in seconds."""

    intervals_s: tuple[float, ...]

    @property
    def polls_per_day(self) -> float:
        """Polls a day this plan makes (each hour contributes 3600 s / its interval)."""
        return sum(3600.0 / s for s in self.intervals_s)

    def interval_at(self, moment: datetime) -> timedelta:
        """The interval wanted at this moment."""
        return timedelta(seconds=self.intervals_s[moment.astimezone(ALMATY).hour])


def hourly_rates(published: Iterable[datetime], days: float) -> tuple[float, ...]:
    """Items per hour for each hour of the day (Asia/Almaty), over `days` days of history."""
    if days <= 0:
        raise ValueError(f"days must be positive, got {days}")
    counts = [0] * HOURS
    for moment in published:
        counts[moment.astimezone(ALMATY).hour] += 1
    return tuple(c / days for c in counts)


def default_budget(rates: tuple[float, ...], bounds: PollBounds) -> float:
    """Polls per day for a source without a declared budget: follows how much it publishes."""
    if bounds.polls_per_day is not None:
        return bounds.polls_per_day
    return max(ceiling_polls(bounds), sum(rates) / ITEMS_PER_POLL)


def ceiling_polls(bounds: PollBounds) -> float:
    """Polls per day when every hour is polled at the longest interval allowed."""
    return HOURS * 3600.0 / bounds.max_interval.total_seconds()


def plan_polls(rates: tuple[float, ...], bounds: PollBounds,
               budget: float | None = None, exponent: float = SHARE_EXPONENT) -> PollPlan:
    """Spread `budget` polls a day (default: `default_budget`) over the hours, in proportion
    to rate ** exponent, within bounds."""
    if len(rates) != HOURS:
        raise ValueError(f"need {HOURS} hourly rates, got {len(rates)}")
    total = default_budget(rates, bounds) if budget is None else budget
    most = 3600.0 / bounds.min_interval.total_seconds()
    least = 3600.0 / bounds.max_interval.total_seconds()
    weights = [max(rate, QUIET_HOUR_RATE) ** exponent for rate in rates]

    def polls(scale: float) -> list[float]:
        return [min(most, max(least, scale * w)) for w in weights]

    # The ceiling alone may spend the budget (or more): the cron wins, never fewer polls.
    if sum(polls(0.0)) >= total:
        return _plan(polls(0.0))
    # Budget is a cap, not a target: once the busiest hour is at the shortest interval, more
    # polls would only go to hours the history says are quiet.
    high = most / max(weights)
    if sum(polls(high)) <= total:
        return _plan(polls(high))
    low = 0.0
    for _ in range(60):  # bisection on the scale: the clamped sum grows with it
        middle = (low + high) / 2
        low, high = (middle, high) if sum(polls(middle)) < total else (low, middle)
    return _plan(polls(high))


def _plan(polls_per_hour: list[float]) -> PollPlan:
    return PollPlan(tuple(3600.0 / n for n in polls_per_hour))


def learned_plan(published: Iterable[datetime], days: float, bounds: PollBounds) -> PollPlan | None:
    """The plan learned from past publication times, or None (keep the cron) with too few."""
    times = list(published)
    if len(times) < MIN_ITEMS_TO_LEARN:
        return None
    return plan_polls(hourly_rates(times, days), bounds)


def next_poll(previous: datetime, plan: PollPlan, ceiling: datetime | None = None) -> datetime:
    """The next poll after `previous`: when the time since it reaches the interval wanted at
    that moment, and no later than `ceiling` (the cron's next slot)."""
    local = previous.astimezone(ALMATY)
    slot_start = local
    for _ in range(HOURS + 1):
        slot_end = (slot_start.replace(minute=0, second=0, microsecond=0)
                    + timedelta(hours=1))
        due = max(slot_start, local + plan.interval_at(slot_start))
        if due < slot_end:
            break
        slot_start = slot_end
    else:  # every interval is at most a day: unreachable, kept as a plain bound
        due = local + timedelta(days=1)
    if ceiling is not None and ceiling < due:
        return ceiling
    return due
