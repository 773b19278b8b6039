"""Adaptive polling against fixed 2-hourly polling, on real publication times.

Replays the publication times of the dated Tengrinews week in ../shared/tagging-dev/
(week-tengrinews-2024-04.jsonl: 349 articles, 12-17 April 2024, read at run time, never copied)
through the policy of jobs/polling.py with the scheduler's own trigger (jobs/adaptive.py), and
prints per policy: polls per day, and the median and p95 freshness (publication -> the first
poll at or after it, in minutes; a crawl's own minutes are left out, the same for every row).

Scored on days the policy did not learn from: leave one day out (learn the hourly rates from
the five other days, replay the sixth), over the six days. The fixed rows learn nothing.

    .venv/bin/python bench/bench_polling.py [--shared DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from crawler.extract.dates import parse_date_text  # noqa: E402
from jobs.adaptive import AdaptivePollTrigger  # noqa: E402
from jobs.polling import (  # noqa: E402
    ALMATY,
    PollBounds,
    default_budget,
    hourly_rates,
    plan_polls,
)

WEEK_FILE = "tagging-dev/week-tengrinews-2024-04.jsonl"
# "Вчера 10:38" on 64 rows: the crawl that saw them ran on 18 April 2024 (README of the set).
CRAWLED_ON = datetime(2024, 4, 18, 12, 0, tzinfo=ALMATY)
GOAL_MINUTES = 20.0
MIN_INTERVAL = timedelta(minutes=15)  # the registry's default poll_min_interval

Scheduler = Callable[[datetime | None, datetime], datetime | None]


def load_times(shared: Path) -> list[datetime]:
    """The week's publication times, Asia/Almaty."""
    text = (shared / WEEK_FILE).read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.split("\n") if line.strip()]
    times = [parse_date_text(row["date_text"], CRAWLED_ON, "ru") for row in rows]
    missing = sum(t is None for t in times)
    if missing:
        raise SystemExit(f"{missing} date_text values did not parse")
    return sorted(t for t in times if t is not None)


def replay_day(day: date, published: list[datetime], fire: Scheduler) -> tuple[int, list[float]]:
    """Polls made on `day` and each item's delay in minutes, polling from that day's 00:00."""
    start = datetime.combine(day, datetime.min.time(), ALMATY)
    end = start + timedelta(days=1)
    polls, moment = [], fire(None, start)
    # Go on past midnight until the day's last item is seen; those polls count for the next day.
    while moment is not None and (moment < end or (polls and polls[-1] < published[-1])):
        polls.append(moment)
        moment = fire(moment, moment)
    delays = []
    for item in published:
        seen = next(p for p in polls if p >= item)
        delays.append((seen - item).total_seconds() / 60)
    return sum(p < end for p in polls), delays


def fixed(cron: str) -> Scheduler:
    """A plain cron, as Dozor polled before adaptive polling."""
    trigger = CronTrigger.from_crontab(cron, timezone=ALMATY)
    return lambda previous, now: trigger.get_next_fire_time(previous, now)


def every(polls_per_day: float) -> Scheduler:
    """Evenly spaced polls, this many a day."""
    step = timedelta(days=1) / polls_per_day
    return lambda previous, now: (previous + step) if previous else now


def adaptive(cron: str, budget: float | None,
             exponent: float = 0.5) -> Callable[[list[datetime], float], Scheduler]:
    """The learned policy capped by `cron`, `budget` polls a day (None: the default)."""
    ceiling = CronTrigger.from_crontab(cron, timezone=ALMATY)

    def learn(history: list[datetime], days: float) -> Scheduler:
        gap = ceiling.get_next_fire_time(None, CRAWLED_ON)
        gap = ceiling.get_next_fire_time(gap, gap) - gap
        bounds = PollBounds(MIN_INTERVAL, gap, budget)
        rates = hourly_rates(history, days)
        trigger = AdaptivePollTrigger(ceiling, plan_polls(
            rates, bounds, default_budget(rates, bounds), exponent))
        return trigger.get_next_fire_time
    return learn


def score(times: list[datetime], learner: Callable[[list[datetime], float], Scheduler] | None,
          scheduler: Scheduler | None = None) -> tuple[float, float, float]:
    """Polls a day, p50 and p95 minutes, leaving each day out of the learning in turn."""
    days = sorted({t.date() for t in times})
    all_delays: list[float] = []
    polls = 0
    for day in days:
        today = [t for t in times if t.date() == day]
        if learner is not None:
            history = [t for t in times if t.date() != day]
            scheduler = learner(history, float(len(days) - 1))
        assert scheduler is not None
        made, delays = replay_day(day, today, scheduler)
        polls += made
        all_delays += delays
    cuts = statistics.quantiles(all_delays, n=100, method="inclusive")
    return polls / len(days), statistics.median(all_delays), cuts[94]


def budget_for_goal(times: list[datetime], make: Callable[[float], object],
                    learned: bool) -> float | None:
    """The fewest polls a day (in steps of 2) whose p50 is within GOAL_MINUTES."""
    for budget in range(12, 145, 2):
        policy = make(float(budget))
        result = (score(times, policy) if learned  # type: ignore[arg-type]
                  else score(times, None, policy))  # type: ignore[arg-type]
        if result[1] <= GOAL_MINUTES:
            return result[0]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    args = parser.parse_args()
    times = load_times(args.shared)
    days = sorted({t.date() for t in times})
    print(f"Tengrinews, {len(times)} articles over {len(days)} days ({days[0]} to {days[-1]},"
          f" {len(times) / len(days):.0f} a day); leave-one-day-out for learned rows\n")
    rows = [
        ("fixed 2-hourly (cron 0 */2, today)", score(times, None, fixed("0 */2 * * *"))),
        ("adaptive, cron 0 */2 ceiling, default budget",
         score(times, adaptive("0 */2 * * *", None))),
    ]
    same = rows[1][1][0]
    rows += [
        (f"fixed, evenly {same:.0f} a day (same cost as above)", score(times, None, every(same))),
        ("adaptive, budget 12, cron 0 */6 ceiling", score(times, adaptive("0 */6 * * *", 12))),
        ("adaptive, budget 12, cron 0 */12 ceiling", score(times, adaptive("0 */12 * * *", 12))),
        ("adaptive, budget 12, 0 */12, polls ~ rate",
         score(times, adaptive("0 */12 * * *", 12, 1.0))),
        ("fixed, evenly 12 a day", score(times, None, every(12))),
    ]
    print(f"| {'policy':<48} | polls/day | p50 min | p95 min |")
    print(f"|{'-' * 50}|----------:|--------:|--------:|")
    for name, (polls, p50, p95) in rows:
        print(f"| {name:<48} | {polls:>9.1f} | {p50:>7.1f} | {p95:>7.1f} |")
    fixed_need = budget_for_goal(times, every, learned=False)
    adaptive_need = budget_for_goal(times, lambda b: adaptive("0 */2 * * *", b), learned=True)
    print(f"\nfewest polls a day for p50 <= {GOAL_MINUTES:.0f} min: fixed {_polls(fixed_need)},"
          f" adaptive (cron 0 */2 ceiling) {_polls(adaptive_need)}")


def _polls(value: float | None) -> str:
    return "not within 144" if value is None else f"{value:.1f}"


if __name__ == "__main__":
    main()
