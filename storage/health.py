"""The `source_health` view (migration 0004): each source's recent runs and yield, and warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import class_row

from crawler.extract.dates import ALMATY
from crawler.extract.soft_404 import SOFT_404_KIND_NAMES

# Warnings fire on these; each names what an operator would otherwise notice too late.
FAILED_RUNS_IN_A_ROW = 2  # one failed run is often a passing network error; two are a pattern
NO_RUN_FOR = timedelta(days=2)  # every source runs at least daily: the scheduler is not running
BUSY_PER_DAY = 3.0  # a source giving this many articles a day is expected to give some in 2 days
MIN_ARTICLES_TO_JUDGE = 5  # fewer articles in 7 days say nothing about extraction quality
NOT_OK_SHARE = 0.3  # share of this week's articles not 'ok' that is alarming...
NOT_OK_RISE = 0.2  # ...when it is also this much above the 28 days before (some sites always
#                    carry video-only or non-article pages)
SOFT_404_MIN = 5  # fewer not-found answers in 7 days are the odd deleted article...
SOFT_404_SHARE = 0.5  # ...more, and at least as many as the new articles stored: the site
#                       moved its articles, or the source's URL pattern now catches other pages


@dataclass(slots=True)
class SourceHealth:
    """One row of source_health."""

    source_id: str
    paused: bool
    schedule: str | None
    last_run_at: datetime | None
    last_run_status: str | None
    last_run_new: int | None
    running_since: datetime | None
    last_success_at: datetime | None
    failures_since_success: int
    new_2d: int
    new_7d: int
    not_ok_7d: int
    new_prior_28d: int
    not_ok_prior_28d: int


def source_health(conn: psycopg.Connection[Any]) -> list[SourceHealth]:
    """Every registered source's health, by id."""
    with conn.cursor(row_factory=class_row(SourceHealth)) as cur:
        return cur.execute(
            "SELECT source_id, paused, schedule, last_run_at, last_run_status, last_run_new,"
            " running_since, last_success_at, failures_since_success, new_2d, new_7d, not_ok_7d,"
            " new_prior_28d, not_ok_prior_28d FROM source_health ORDER BY source_id"
        ).fetchall()


def health_warnings(health: SourceHealth, now: datetime) -> list[str]:
    """What an operator should look at for this source, one sentence each; [] when healthy."""
    warnings = []
    # A source that never succeeded is worth a look at its first failure.
    threshold = FAILED_RUNS_IN_A_ROW if health.last_success_at else 1
    if health.failures_since_success >= threshold:
        since = (f"last success {health.last_success_at.astimezone(ALMATY):%Y-%m-%d %H:%M}"
                 if health.last_success_at else "never succeeded")
        warnings.append(f"{health.failures_since_success} failed runs in a row ({since});"
                        f" see `dozor runs --source {health.source_id}`")
    if not health.paused and health.running_since is None:
        if health.last_run_at is None:
            warnings.append("never run: is `dozor schedule` running?")
        elif now - health.last_run_at > NO_RUN_FOR:
            days = (now - health.last_run_at).days
            warnings.append(f"no run for {days} days: is `dozor schedule` running?")
    if health.new_7d == 0 and health.new_prior_28d > 0:
        warnings.append(f"no new articles in 7 days ({health.new_prior_28d} in the 28 days"
                        " before): has the site changed its feeds or listings?")
    elif health.new_2d == 0 and health.new_prior_28d / 28 >= BUSY_PER_DAY:
        warnings.append(f"no new articles in 2 days (usually {health.new_prior_28d / 28:.0f}"
                        " a day): has the site changed its feeds or listings?")
    if health.new_7d >= MIN_ARTICLES_TO_JUDGE:
        share = health.not_ok_7d / health.new_7d
        before = (health.not_ok_prior_28d / health.new_prior_28d) if health.new_prior_28d else 0.0
        if share >= NOT_OK_SHARE and share - before >= NOT_OK_RISE:
            warnings.append(f"extraction failing: {health.not_ok_7d} of {health.new_7d} articles"
                            f" in 7 days not 'ok' ({share:.0%}, was {before:.0%}):"
                            " has the site's layout changed?")
    return warnings


@dataclass(slots=True)
class SoftNotFound:
    """One row of source_soft_404 (migration 0065): a source's soft-404s of one reason in 7 days."""

    source_id: str
    reason: str
    rejected: int
    removed: int
    runs: int
    last_seen_at: datetime


def soft_404s(conn: psycopg.Connection[Any]) -> dict[str, list[SoftNotFound]]:
    """Each source's soft-404s of the last 7 days by reason, the most frequent first."""
    with conn.cursor(row_factory=class_row(SoftNotFound)) as cur:
        rows = cur.execute(
            "SELECT source_id, reason, rejected, removed, runs, last_seen_at"
            " FROM source_soft_404 ORDER BY source_id, rejected + removed DESC, reason"
        ).fetchall()
    by_source: dict[str, list[SoftNotFound]] = {}
    for row in rows:
        by_source.setdefault(row.source_id, []).append(row)
    return by_source


def soft_404_warning(health: SourceHealth, rows: list[SoftNotFound]) -> str | None:
    """A warning when most of a source's new article links of 7 days answered not-found pages
    or redirects (a site that moved its articles or changed its URLs); None otherwise. Stored
    articles removed on revisit do not warn: sites take down single items all the time."""
    rejected = sum(r.rejected for r in rows)
    if rejected < SOFT_404_MIN or rejected < SOFT_404_SHARE * (rejected + health.new_7d):
        return None
    top = max(rows, key=lambda r: r.rejected).reason
    return (f"{rejected} new article links in 7 days were soft-404s against {health.new_7d}"
            f" articles stored (most {SOFT_404_KIND_NAMES.get(top, top)}): has the site moved"
            " its articles or changed its URLs?")
