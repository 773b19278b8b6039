"""The search page in a real headless Chromium (Debian's, driven by Playwright) over a real
uvicorn server: search box, filters, highlighted results, the weekly trend, nothing loaded
from outside the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from serve.api import create_app
from tests.analyst_seed import SEED, empty_tables, seed_now, store_seed
from tests.live_api import serve_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium: `make browser` (as root) or"
        " `apt-get install chromium`; Playwright's own browser download is not used",
    ),
]


@pytest.fixture(scope="module")
def site(database_url: str) -> Iterator[str]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_tables(conn)
        store_seed(conn)
    try:
        with serve_app(create_app(database_url)) as base:
            yield base
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            empty_tables(conn)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A fresh page that records every request and every script error."""
    context = browser.new_context()
    tab = context.new_page()
    tab.requests = []  # type: ignore[attr-defined]
    tab.problems = []  # type: ignore[attr-defined]
    tab.on("request", lambda r: tab.requests.append(r.url))
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("console", lambda m: tab.problems.append(m.text) if m.type == "error" else None)
    try:
        yield tab
    finally:
        context.close()


def wait_for_results(page: Any) -> None:
    page.wait_for_selector("body[data-ready='true']:not(.loading)")


def titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#results .result h3").all_inner_texts()]


def submit(page: Any) -> None:
    page.evaluate("document.body.dataset.ready = 'false'")
    page.locator("#search-button").click()
    wait_for_results(page)


def test_search_filters_highlights_and_trend(page: Any, site: str) -> None:
    page.goto(site + "/")
    wait_for_results(page)
    assert len(titles(page)) == len(SEED)
    # The weekly trend: one line for all articles and one per topic.
    assert page.locator("#trend-chart svg polyline").count() == 3
    assert "All matching: 8" in page.locator("#trend-chart .legend").inner_text()

    page.fill("#q", "алаяқтардың")
    submit(page)
    shown = titles(page)
    assert len(shown) == 2 and all("алаяқ" in t for t in shown)
    marks = page.locator("#results mark:not(.evidence-phrase)").all_inner_texts()
    assert {"алаяқтары", "алаяқтарын", "алаяқ", "алаяқты"} >= set(marks) and marks
    assert "2 articles with every word" in page.locator("#summary").inner_text()
    assert page.get_attribute("#feed-link", "href") == (
        "/feeds/search.atom?q=%D0%B0%D0%BB%D0%B0%D1%8F%D2%9B%D1%82%D0%B0%D1%80%D0%B4%D1%8B%D2%A3")

    # Filters: a topic and a region, no words.
    page.fill("#q", "")
    page.evaluate("document.body.dataset.ready = 'false'")
    page.select_option("#topic", "ocg")  # a change runs the search
    wait_for_results(page)
    assert sorted(titles(page)) == sorted(s.title for s in SEED if "ocg" in s.key)
    page.evaluate("document.body.dataset.ready = 'false'")
    page.select_option("#region", label="Almaty")
    wait_for_results(page)
    assert len(titles(page)) == 2
    assert "Tagged for:" in page.locator("#results .result").first.inner_text()

    # A date range: yesterday only (Asia/Almaty days), every topic.
    yesterday = (seed_now() - timedelta(days=1)).date().isoformat()
    page.select_option("#topic", "")
    page.select_option("#region", "")
    page.fill("#since", yesterday)
    page.fill("#until", yesterday)
    submit(page)
    assert sorted(titles(page)) == sorted(s.title for s in SEED if s.days_ago == 1)
    assert page.url.endswith(f"?since={yesterday}&until={yesterday}")

    # Everything came from the app itself, and no script failed.
    assert page.requests and all(u.startswith(site) for u in page.requests), page.requests
    assert page.problems == []


def test_a_refused_query_is_explained_on_the_page(page: Any, site: str) -> None:
    page.goto(site + "/?since=2025-02-01&until=2025-01-01")
    wait_for_results(page)
    error = page.locator("#error")
    assert error.is_visible()
    assert "the date range is empty" in error.inner_text()
    assert page.locator("#results .result").count() == 0
