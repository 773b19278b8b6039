"""Backfill end to end: `dozor collect --since … --until …` walks Zakon.kz's load-more pages back
to the date, shows its progress, stops there and stores only the articles inside the window.

The saved site has load-more pages 1-7 (tests/fixtures/sites/zakon_kz/www.zakon.kz/news/):
December 2025 on pages 1-2, April 2025 on 3, March on 4, February on 5, January 2025 and
December 2024 on 6, November-December 2024 on 7.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.e2e.mock_site import LoggedRequest, crawl_setup, now, request_log
from tests.waiting import patience

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LISTING = "https://www.zakon.kz/news/?handler=LoadMoreNews&p={}&type=list"
IN_WINDOW = {
    "https://www.zakon.kz/incident/6371045-v-astane-zaderzhali-dropperov.html",  # 2025-03-27
    "https://www.zakon.kz/pravo/6360318-opg-vymogatelej-osudili-v-shymkente.html",  # 2025-03-11
    "https://www.zakon.kz/incident/6334567-pensionerka-perevela-moshennikam-12-mln.html",
    "https://www.zakon.kz/finansy/6321876-piramida-pod-vidom-investklub.html",  # 2025-02-04
    "https://www.zakon.kz/incident/6298803-lzhe-sotrudniki-knb-vymanili-dengi.html",  # 01-15
}


@dataclass(frozen=True)
class Backfill:
    """One `dozor collect --since 2025-01-01 --until 2025-03-31 --source zakon_kz`."""

    result: subprocess.CompletedProcess[str]
    log: list[LoggedRequest]
    stored: set[str]


@pytest.fixture(scope="module")
def backfill(
    database_url: str, mockserver: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backfill]:
    with crawl_setup(database_url, mockserver, tmp_path_factory.mktemp("data")):
        started = now()
        result = subprocess.run(
            [sys.executable, "-m", "jobs.cli", "collect", "--source", "zakon_kz",
             "--since", "2025-01-01", "--until", "2025-03-31"],
            cwd=PROJECT_ROOT, env=dict(os.environ), capture_output=True, text=True,
            timeout=patience(300),
        )
        log = request_log(mockserver, since=started)
        with psycopg.connect(database_url) as conn:
            stored = {str(r[0]) for r in conn.execute("SELECT url FROM articles")}
    yield Backfill(result, log, stored)


def test_the_backfill_succeeds_and_says_how_many_it_stored(backfill: Backfill) -> None:
    assert backfill.result.returncode == 0, backfill.result.stderr
    summary = backfill.result.stdout.splitlines()[1].split()
    assert summary[:2] == ["zakon_kz", "ok"]
    assert summary[3] == str(len(IN_WINDOW))  # the "new" column


def test_only_articles_inside_the_window_are_stored(backfill: Backfill) -> None:
    assert backfill.stored == IN_WINDOW


def test_the_walk_stops_at_the_page_that_crosses_since(backfill: Backfill) -> None:
    listing_pages = [r.url for r in backfill.log
                     if r.host == "www.zakon.kz" and "LoadMoreNews" in r.url]
    # Page 6 holds 2025-01-15 and 2024-12-24: it crosses 2025-01-01, so page 7 is never asked.
    assert listing_pages == [LISTING.format(p) for p in range(1, 7)]


def test_articles_outside_the_window_are_never_requested(backfill: Backfill) -> None:
    articles = {r.url for r in backfill.log if r.url.endswith(".html")}
    assert articles == IN_WINDOW


def test_progress_is_shown_page_by_page_as_it_goes_with_counts_and_time_left(
    backfill: Backfill,
) -> None:
    progress = [line.strip() for line in backfill.result.stderr.splitlines()
                if "of www.zakon.kz" in line]
    pages = [(1, "2025-12-26"), (2, "2025-12-26"), (3, "2025-04-03"), (4, "2025-03-11"),
             (5, "2025-02-04"), (6, "2024-12-24")]
    assert len(progress) == len(pages)
    found_so_far = []
    for line, (page, oldest) in zip(progress, pages, strict=True):
        match = re.fullmatch(
            rf"… backfill zakon_kz: listing page {page} of www\.zakon\.kz, 2 links, oldest"
            rf" {oldest}; (\d+) found, (\d+) stored so far(, (\d+)% of the window, about \d+"
            r" (s|min) left)?", line)
        assert match, line
        found_so_far.append(int(match[1]))
        # Pages newer than --until are outside the window: no share of it is done yet.
        share = int(match[4]) if match[4] else 0
        assert share == {3: 0, 4: 22, 5: 61, 6: 100}.get(page, 0), line
    assert found_so_far == sorted(found_so_far)
