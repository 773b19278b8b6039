"""The view source_soft_404 (migration 0065) over real crawl_runs rows: soft-404s of the last
7 days per source and reason, from the runs' stats; older runs' totals as 'unknown'; archive
reads and old runs left out. The crawl that writes these stats: tests/e2e/test_soft_404_crawl.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from crawler.extract.soft_404 import soft_404_kind
from serve.connection import connect_read_only
from storage.db import role_name
from storage.health import SoftNotFound, SourceHealth, soft_404_warning, soft_404s


def run(db: psycopg.Connection[Any], source: str, stats: dict[str, int], *, mode: str = "scheduled",
        days_ago: float = 1) -> None:
    db.execute("INSERT INTO crawl_runs (source_id, mode, status, started_at, finished_at, stats)"
               " VALUES (%s, %s, 'partial', now() - %s * interval '1 day', now(), %s)",
               (source, mode, days_ago, Jsonb(stats)))


def test_soft_404s_by_source_and_reason_in_the_last_week(
    db: psycopg.Connection[tuple[object, ...]], database_url: str,
) -> None:
    run(db, "zakon_kz", {"dozor/soft_404": 3, "dozor/soft_404/redirect_home": 2,
                         "dozor/soft_404/not_found_page": 1})
    run(db, "zakon_kz", {"dozor/soft_404": 1, "dozor/soft_404/redirect_home": 1,
                         "dozor/revisit/soft_404": 2, "dozor/revisit/soft_404/not_found_page": 2})
    # A run recorded before 0065 counted the total only.
    run(db, "tengrinews_kz", {"dozor/soft_404": 4, "dozor/revisit/soft_404": 1})
    # Left out: an archive read, a run older than a week, a run without soft-404s.
    run(db, "tengrinews_kz", {"dozor/soft_404": 9, "dozor/soft_404/redirect_home": 9},
        mode="import")
    run(db, "zakon_kz", {"dozor/soft_404": 5, "dozor/soft_404/redirect_home": 5}, days_ago=8)
    run(db, "orda_kz", {"dozor/found": 10})

    found = {source: [(r.reason, r.rejected, r.removed, r.runs) for r in rows]
             for source, rows in soft_404s(db).items()}
    assert found == {
        "zakon_kz": [("not_found_page", 1, 2, 2), ("redirect_home", 3, 0, 2)],
        "tengrinews_kz": [("unknown", 4, 1, 1)],
    }
    # The API's reader role may read the view (counts only), though not crawl_runs itself.
    with connect_read_only(database_url) as reader:
        assert reader.execute("SELECT current_user").fetchone() == (role_name(reader, "reader"),)
        assert {s: len(rows) for s, rows in soft_404s(reader).items()} == {
            "zakon_kz": 2, "tengrinews_kz": 1}


def test_each_reason_wording_has_its_kind() -> None:
    assert soft_404_kind("soft 404: a not-found page («Бет табылмады | …») served with HTTP 200"
                         ) == "not_found_page"
    assert soft_404_kind("redirected to the home page https://orda.kz/") == "redirect_home"
    assert soft_404_kind("soft 404: redirected to a section listing https://x.kz/news/"
                         ) == "redirect_listing"
    assert soft_404_kind("redirected to an error page https://x.kz/404") == "redirect_error_page"
    assert soft_404_kind("soft 404") == "other"


def _health(new_7d: int) -> SourceHealth:
    now = datetime.now(UTC)
    return SourceHealth("orda_kz", False, None, now, "ok", new_7d, None, now, 0, new_7d, new_7d,
                        0, 4 * new_7d, 0)


def _rows(**rejected: int) -> list[SoftNotFound]:
    now = datetime.now(UTC)
    return [SoftNotFound("orda_kz", reason, n, 0, 3, now) for reason, n in rejected.items()]


def test_status_warns_when_most_new_links_of_a_week_are_soft_404s() -> None:
    moved = soft_404_warning(_health(new_7d=4), _rows(redirect_home=9, not_found_page=1))
    assert moved == ("10 new article links in 7 days were soft-404s against 4 articles stored"
                     " (most redirected to the home page): has the site moved its articles or"
                     " changed its URLs?")
    # As many soft-404s as articles stored is half of the links: still a site to look at.
    assert soft_404_warning(_health(new_7d=6), _rows(not_found_page=6)) is not None


def test_status_stays_quiet_on_the_odd_deleted_article_and_on_removals() -> None:
    assert soft_404_warning(_health(new_7d=0), _rows(not_found_page=4)) is None  # < 5
    assert soft_404_warning(_health(new_7d=40), _rows(redirect_home=12)) is None  # 23 %
    assert soft_404_warning(_health(new_7d=40), []) is None
    removed = [SoftNotFound("orda_kz", "not_found_page", 0, 30, 3, datetime.now(UTC))]
    assert soft_404_warning(_health(new_7d=2), removed) is None  # revisits: sites delete items
