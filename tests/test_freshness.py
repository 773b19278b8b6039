"""Freshness in the product: the view analyst_source_freshness (0040), `dozor status` and
GET /api/freshness, on real PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

import httpx
import psycopg
from click.testing import CliRunner
from psycopg import sql

from jobs.cli import dozor
from serve.api import create_app
from storage.db import role_name
from storage.freshness import source_freshness
from tests.live_api import serve_app
from tests.test_operations import source_block

Conn = psycopg.Connection[tuple[object, ...]]
BATCHES = itertools.count()


def db_now(db: Conn) -> datetime:
    """The database's clock: the view counts its 7 days and its last day back from now() there.
    (An instant taken when the module was imported was older by the time a long run reached
    these tests, and a database on another host may keep another time.)"""
    row = db.execute("SELECT now()").fetchone()
    assert row is not None and isinstance(row[0], datetime)
    return row[0]


def add_run(db: Conn, source_id: str, mode: str, days_ago: float) -> int:
    started = db_now(db) - timedelta(days=days_ago)
    row = db.execute("INSERT INTO crawl_runs (source_id, mode, status, started_at, finished_at)"
                     " VALUES (%s, %s, 'ok', %s, %s) RETURNING id",
                     (source_id, mode, started, started)).fetchone()
    assert row is not None
    return int(str(row[0]))


def add_articles(db: Conn, source_id: str, run_id: int, seen_days_ago: float,
                 delays_min: Iterable[float], precision: str | None = "minute",
                 published_days_before: float = 0.0) -> None:
    """Articles first seen `seen_days_ago`, each published `delay` minutes before that."""
    seen = db_now(db) - timedelta(days=seen_days_ago)
    batch = next(BATCHES)
    rows = [(source_id, f"https://{source_id}.test/{batch}/{i}",
             seen - timedelta(minutes=delay, days=published_days_before), precision, seen, seen,
             run_id) for i, delay in enumerate(delays_min)]
    db.cursor().executemany(
        "INSERT INTO articles (source_id, url, content_hash, published_at, published_precision,"
        " fetched_at, first_seen_at, first_run_id) VALUES (%s, %s, 'h', %s, %s, %s, %s, %s)",
        rows)


def seed_zakon(db: Conn) -> None:
    add_run(db, "zakon_kz", "scheduled", days_ago=10)  # its first run
    polled = add_run(db, "zakon_kz", "scheduled", days_ago=2)
    add_articles(db, "zakon_kz", polled, 2, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    # Not Dozor's delays: a day-only date (midnight) and an unknown precision...
    add_articles(db, "zakon_kz", polled, 2, [600] * 5, precision="day")
    add_articles(db, "zakon_kz", polled, 2, [600] * 5, precision=None)
    # ...news published before Dozor first looked at the site...
    add_articles(db, "zakon_kz", polled, 2, [5] * 5, published_days_before=20)
    # ...and old news stored on purpose by a backfill and an archive import.
    for mode in ("backfill", "import"):
        add_articles(db, "zakon_kz", add_run(db, "zakon_kz", mode, 1), 1, [5000] * 5)
    # Stored more than 7 days ago: out of the window.
    add_articles(db, "zakon_kz", polled, 8, [3000] * 5)


def test_the_view_measures_polling_runs_minute_dates_after_the_first_run_only(db: Conn) -> None:
    seed_zakon(db)
    rows = {row.source_id: row for row in source_freshness(db)}
    zakon = rows["zakon_kz"]
    assert (zakon.articles_7d, zakon.p50_minutes_7d, zakon.p95_minutes_7d) == (
        10, Decimal("55.0"), Decimal("95.5"))
    assert (zakon.articles_1d, zakon.p50_minutes_1d) == (0, None)
    assert rows["tengrinews_kz"].articles_7d == 0, "every registered source has a row"


def test_a_publication_time_after_the_first_sighting_counts_as_no_delay(db: Conn) -> None:
    add_run(db, "zakon_kz", "scheduled", days_ago=10)
    add_articles(db, "zakon_kz", add_run(db, "zakon_kz", "manual", 0.5), 0.5, [-30, 10, 20])
    zakon = next(r for r in source_freshness(db) if r.source_id == "zakon_kz")
    assert (zakon.articles_1d, zakon.p50_minutes_1d) == (3, Decimal("10.0"))
    assert zakon.p95_minutes_7d is not None and zakon.p95_minutes_7d <= 20


def seed_degraded_and_late(db: Conn) -> None:
    # tengrinews_kz: 20 articles 10 minutes late this week, then 6 today 90 minutes late.
    add_run(db, "tengrinews_kz", "scheduled", days_ago=10)
    week = add_run(db, "tengrinews_kz", "scheduled", days_ago=3)
    add_articles(db, "tengrinews_kz", week, 3, [10] * 20)
    today = add_run(db, "tengrinews_kz", "scheduled", days_ago=0.1)
    add_articles(db, "tengrinews_kz", today, 0.1, [90] * 6)
    # nur_kz (polled at least every 2 h) took 5 hours all week long.
    add_run(db, "nur_kz", "scheduled", days_ago=10)
    add_articles(db, "nur_kz", add_run(db, "nur_kz", "scheduled", 3), 3, [300] * 8)


def test_dozor_status_shows_freshness_and_warns_when_it_degrades(db: Conn) -> None:
    seed_degraded_and_late(db)
    seed_zakon(db)
    result = CliRunner().invoke(dozor, ["status"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    tengri = source_block(result.output, "tengrinews_kz")
    assert any(w.startswith("! freshness degraded: median delay 90 min over the last day"
                            " (6 articles), 10 min over 7 days") for w in tengri), tengri
    nur = source_block(result.output, "nur_kz")
    assert any("median delay 300 min over 7 days, more than the 120 min" in w for w in nur), nur
    assert not any("freshness" in w or "late" in w for w in source_block(result.output,
                                                                          "zakon_kz"))
    table = result.output.split("freshness: publication -> stored")[1].splitlines()
    assert next(line for line in table if line.startswith("zakon_kz ")).split() == [
        "zakon_kz", "10", "55", "96", "-"]


def test_the_api_reports_freshness_per_source(db: Conn, database_url: str) -> None:
    seed_degraded_and_late(db)
    with serve_app(create_app(database_url)) as base:
        rows = {r["source_id"]: r for r in httpx.get(f"{base}/api/freshness", timeout=30).json()}
    assert rows["tengrinews_kz"] == {
        "source_id": "tengrinews_kz", "articles_7d": 26, "p50_minutes_7d": 10.0,
        "p95_minutes_7d": 90.0, "articles_1d": 6, "p50_minutes_1d": 90.0, "degraded": True}
    assert rows["nur_kz"]["degraded"] is False  # steady: late, but not worse than its week


def test_the_analyst_role_reads_the_view_not_the_runs_behind_it(db: Conn) -> None:
    seed_zakon(db)
    analyst = role_name(db, "analyst")
    with db.transaction():
        db.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(analyst)))
        assert db.execute("SELECT articles_7d FROM analyst_source_freshness"
                          " WHERE source_id = 'zakon_kz'").fetchone() == (10,)
        allowed = db.execute("SELECT has_table_privilege('crawl_runs', 'SELECT'),"
                             " has_table_privilege('articles', 'SELECT')").fetchone()
    assert allowed == (False, False)
