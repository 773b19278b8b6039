"""The adaptive polling policy (jobs/polling.py) and its trigger, on a frozen clock."""

from __future__ import annotations

import itertools
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from crawler.sources import get_source
from jobs.adaptive import AdaptivePollTrigger, ceiling_of, cron_gap, plan_trigger, source_bounds
from jobs.polling import (
    ALMATY,
    PollBounds,
    PollPlan,
    hourly_rates,
    learned_plan,
    next_poll,
    plan_polls,
)

NOW = datetime(2026, 4, 20, 3, 0, tzinfo=ALMATY)  # a Monday, 03:00 in Almaty
BOUNDS = PollBounds(timedelta(minutes=15), timedelta(hours=2))


def busy_mornings(days: int = 14, per_hour: int = 6) -> list[datetime]:
    """A source publishing `per_hour` items in each of 09:00-12:00 (Almaty) every day."""
    start = (NOW - timedelta(days=days)).replace(hour=0)
    return [start + timedelta(days=d, hours=h, minutes=m * 60 // per_hour)
            for d in range(days) for h in (9, 10, 11) for m in range(per_hour)]


def test_rates_are_counted_per_hour_of_the_day_in_almaty() -> None:
    # 03:30 UTC is 08:30 in Almaty (UTC+5); two such days make one item an hour at 08.
    rates = hourly_rates([datetime(2026, 4, d, 3, 30, tzinfo=UTC) for d in (1, 2)], days=2)
    assert rates[8] == 1.0
    assert sum(rates) == 1.0


def test_the_budget_goes_to_the_publishing_hours_within_the_bounds() -> None:
    rates = hourly_rates(busy_mornings(), 14)
    plan = plan_polls(rates, BOUNDS, budget=18)
    assert plan.polls_per_day == pytest.approx(18, rel=1e-6)
    morning, night = plan.interval_at(NOW.replace(hour=10)), plan.interval_at(NOW)
    assert morning < timedelta(minutes=30) < night
    assert all(15 * 60 <= s <= 2 * 3600 for s in plan.intervals_s)
    # A budget is a cap: once the mornings are polled every 15 minutes (the politeness bound),
    # the rest is not spent on hours that published nothing.
    plan = plan_polls(rates, BOUNDS, budget=30)
    assert plan.polls_per_day == 3 * 4 + 21 * 0.5


def test_the_cron_is_the_ceiling_even_when_it_costs_more_than_the_budget() -> None:
    # Twelve 2-hourly polls already fill a budget of 10: no hour waits longer than 2 h.
    plan = plan_polls(hourly_rates(busy_mornings(), 14), BOUNDS, budget=10)
    assert set(plan.intervals_s) == {2 * 3600.0}
    # And a budget beyond the politeness bound polls every 15 minutes, no more.
    plan = plan_polls(hourly_rates(busy_mornings(), 14), BOUNDS, budget=1000)
    assert plan.interval_at(NOW.replace(hour=9)) == timedelta(minutes=15)


def test_without_a_budget_a_source_gets_up_to_one_poll_per_two_items() -> None:
    # 18 items a day: 9 polls a day would be fewer than the 2-hourly ceiling's 12.
    assert plan_polls(hourly_rates(busy_mornings(), 14), BOUNDS).polls_per_day == pytest.approx(12)
    # 51 items a day (10 an hour at 09-12, 1 an hour otherwise): up to 25.5 polls, all spent.
    spread = busy_mornings(per_hour=10) + [
        (NOW - timedelta(days=d)).replace(hour=h, minute=30)
        for d in range(1, 15) for h in range(24) if h not in (9, 10, 11)]
    plan = plan_polls(hourly_rates(spread, 14), BOUNDS)
    assert plan.polls_per_day == pytest.approx(25.5)
    assert plan.interval_at(NOW.replace(hour=10)) < plan.interval_at(NOW.replace(hour=20))


def test_too_little_history_keeps_the_cron_and_bad_bounds_are_refused() -> None:
    assert learned_plan(busy_mornings(days=1)[:10], 1, BOUNDS) is None
    with pytest.raises(ValueError, match="min_interval <= max_interval"):
        PollBounds(timedelta(hours=3), timedelta(hours=2))


def test_the_next_poll_comes_when_the_interval_of_that_moment_is_reached() -> None:
    plan = PollPlan(tuple(20 * 60.0 if 9 <= h < 12 else 2 * 3600.0 for h in range(24)))
    # 07:50, quiet: the 2 h interval would wait till 09:50, but at 09:00 the 20-minute
    # interval of the busy hours has long passed: poll at 09:00.
    assert next_poll(NOW.replace(hour=7, minute=50), plan) == NOW.replace(hour=9, minute=0)
    assert next_poll(NOW.replace(hour=10, minute=5), plan) == NOW.replace(hour=10, minute=25)
    # 11:50 + 20 min crosses into the quiet hours: 2 h after 11:50.
    assert next_poll(NOW.replace(hour=11, minute=50), plan) == NOW.replace(hour=13, minute=50)
    # Never later than a ceiling given.
    ceiling = NOW.replace(hour=12, minute=30)
    assert next_poll(NOW.replace(hour=11, minute=50), plan, ceiling) == ceiling


def test_a_source_declares_its_bounds_and_the_cron_caps_the_longest_wait() -> None:
    tengri = get_source("tengrinews_kz")
    cron = CronTrigger.from_crontab(tengri.schedule, timezone=ALMATY)
    assert cron_gap(cron, NOW) == timedelta(hours=2)
    bounds = source_bounds(tengri, cron, NOW)
    assert (bounds.min_interval, bounds.max_interval) == (timedelta(minutes=15),
                                                           timedelta(hours=2))
    daily = CronTrigger.from_crontab("0 6 * * 1-5", timezone=ALMATY)  # weekdays: Fri->Mon
    assert cron_gap(daily, NOW) == timedelta(days=3)


def test_the_trigger_follows_the_plan_survives_pickling_and_names_its_cron() -> None:
    cron = CronTrigger.from_crontab("0 */2 * * *", timezone=ALMATY)
    trigger = plan_trigger(get_source("tengrinews_kz"), cron, busy_mornings(per_hour=24), NOW)
    assert isinstance(trigger, AdaptivePollTrigger)
    copy = pickle.loads(pickle.dumps(trigger))
    assert repr(copy) == repr(trigger) and ceiling_of(copy) is not cron
    assert repr(ceiling_of(copy)) == repr(cron)
    fires, moment = [], NOW.replace(hour=0)
    while moment < NOW.replace(hour=0) + timedelta(days=1):
        fires.append(moment)
        moment = copy.get_next_fire_time(moment, moment)
    gaps = [b - a for a, b in itertools.pairwise(fires)]
    assert max(gaps) <= timedelta(hours=2)  # the cron's pace, at night too
    mornings = [g for a, g in zip(fires, gaps, strict=False) if 9 <= a.hour < 11]
    assert max(mornings) < timedelta(minutes=30)
    # First fire on a fresh job: no later than the cron's next slot.
    assert copy.get_next_fire_time(None, NOW) <= cron.get_next_fire_time(None, NOW)
