"""Freshness figures (view analyst_source_freshness, migration 0040) and what adaptive polling
learns from: each source's recent publication times and its last poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import class_row

# Runs that poll the site; backfills, replays and imports store old news on purpose.
POLLING_MODES = ("scheduled", "manual", "daily")


@dataclass(slots=True)
class SourceFreshness:
    """One row of analyst_source_freshness: publication->stored delay, minutes."""

    source_id: str
    articles_7d: int
    p50_minutes_7d: Decimal | None
    p95_minutes_7d: Decimal | None
    articles_1d: int
    p50_minutes_1d: Decimal | None


def source_freshness(conn: psycopg.Connection[Any]) -> list[SourceFreshness]:
    """Every registered source's freshness over 7 days and 1 day, by id."""
    with conn.cursor(row_factory=class_row(SourceFreshness)) as cur:
        return cur.execute(
            "SELECT source_id, articles_7d, p50_minutes_7d, p95_minutes_7d, articles_1d,"
            " p50_minutes_1d FROM analyst_source_freshness ORDER BY source_id"
        ).fetchall()


def publication_times(
    conn: psycopg.Connection[Any], source_id: str, since: datetime,
) -> list[datetime]:
    """When the source published, from `since` on: minute-precision dates only (a day-only
    date is midnight, not an hour of publishing), archive imports left out."""
    rows = conn.execute(
        "SELECT a.published_at FROM articles a"
        " LEFT JOIN crawl_runs r ON r.id = a.first_run_id"
        " WHERE a.source_id = %(source)s AND a.published_at >= %(since)s"
        "   AND a.published_at <= now() AND a.published_precision = 'minute'"
        "   AND r.mode IS DISTINCT FROM 'import' AND r.mode IS DISTINCT FROM 'wayback'",
        {"source": source_id, "since": since},
    ).fetchall()
    return [row[0] for row in rows]


def last_polls(conn: psycopg.Connection[Any]) -> dict[str, datetime]:
    """Each source's latest polling run start."""
    rows = conn.execute(
        "SELECT source_id, max(started_at) FROM crawl_runs WHERE mode = ANY(%(modes)s)"
        " GROUP BY source_id", {"modes": list(POLLING_MODES)},
    ).fetchall()
    return {row[0]: row[1] for row in rows}


# The freshness warning of `dozor status` (docs/operations.md, "Freshness and polling").
MIN_ARTICLES_TO_JUDGE = 5  # fewer delays than this in the window say nothing about polling
DEGRADED_FACTOR = 2.0  # the last day's median this many times the week's...
DEGRADED_FLOOR_MINUTES = 30.0  # ...and above this (a week at 5 min, a day at 11 is no news)


def freshness_warnings(fresh: SourceFreshness, expected: timedelta | None) -> list[str]:
    """Sentences saying a source reaches Dozor late: the last day's median delay far worse
    than the week's, or the week's median beyond `expected` (the longest a poll may wait)."""
    warnings = []
    week, day = fresh.p50_minutes_7d, fresh.p50_minutes_1d
    if (week is not None and day is not None and fresh.articles_1d >= MIN_ARTICLES_TO_JUDGE
            and float(day) > DEGRADED_FACTOR * float(week)
            and float(day) > DEGRADED_FLOOR_MINUTES):
        warnings.append(f"freshness degraded: median delay {day:.0f} min over the last day"
                        f" ({fresh.articles_1d} articles), {week:.0f} min over 7 days: are runs"
                        " failing or late? see `dozor runs`")
    if (week is not None and expected is not None and fresh.articles_7d >= MIN_ARTICLES_TO_JUDGE
            and float(week) > expected.total_seconds() / 60):
        warnings.append(f"articles arrive late: median delay {week:.0f} min over 7 days, more"
                        f" than the {expected.total_seconds() / 60:.0f} min a poll may wait:"
                        " is `dozor schedule` keeping up, or does the site list items late?")
    return warnings
