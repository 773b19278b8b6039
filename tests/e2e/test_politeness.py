"""Politeness end to end: one real crawl of the politeness test site, read from the server's log.

Every figure here is what the mock server saw (GET /_log), not what the crawler says it did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import psycopg
import pytest

from crawler.config import DEFAULT_USER_AGENT
from jobs.runner import RunOutcome
from jobs.tasks import collect
from tests.e2e.mock_site import LoggedRequest, crawl_setup, now, request_log

CRAWL_DELAY_S = 1.0  # tests/fixtures/sites/test_polite/polite.test/robots.txt


@dataclass(frozen=True)
class Crawl:
    """One crawl of test_polite: the run, the server's log, the rows stored."""

    outcome: RunOutcome
    log: list[LoggedRequest]
    titles: dict[str, str]
    errors: list[dict[str, Any]]

    def requests_to(self, host: str) -> list[LoggedRequest]:
        return [r for r in self.log if r.host == host]


@pytest.fixture(scope="module")
def crawl(
    database_url: str, mockserver: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Crawl]:
    with crawl_setup(database_url, mockserver, tmp_path_factory.mktemp("data"),
                     "tests.e2e.sources_politeness"):
        started = now()
        [(_, outcome)] = collect(["test_polite"])
        log = request_log(mockserver, since=started)
        with psycopg.connect(database_url) as conn:
            titles = dict(conn.execute("SELECT url, title FROM articles").fetchall())
            errors = conn.execute("SELECT errors FROM crawl_runs").fetchone()
    assert errors is not None
    yield Crawl(outcome, log, titles, errors[0])


def test_the_run_stores_what_it_may_and_is_partial_for_the_refused_hosts(crawl: Crawl) -> None:
    assert crawl.outcome.status == "partial", (crawl.outcome.run, crawl.outcome.message)
    assert set(crawl.titles) >= {
        "https://polite.test/news/1-zvonki-ot-banka.html",
        "https://polite.test/news/2-lzhe-investory.html",
        "https://norobots.test/news/4-bez-robots.html",
    }


def test_a_disallowed_article_is_never_requested(crawl: Crawl) -> None:
    paths = [r.url for r in crawl.requests_to("polite.test")]
    assert "https://polite.test/news/1-zvonki-ot-banka.html" in paths
    assert not [u for u in paths if "/private/" in u], "robots.txt says Disallow: /private/"
    assert "https://polite.test/private/3-vnutrennyaya-zapiska.html" not in crawl.titles


def test_requests_to_a_host_with_crawl_delay_are_spaced_by_it(crawl: Crawl) -> None:
    times = [r.t for r in crawl.requests_to("polite.test")]
    # robots.txt, the feed, two articles: Scrapy alone would send them back to back.
    assert len(times) == 4
    gaps = [b - a for a, b in pairwise(times)]
    assert min(gaps) >= CRAWL_DELAY_S, f"gaps {gaps} under Crawl-delay 1"


def test_a_host_whose_robots_txt_answers_5xx_is_not_crawled(crawl: Crawl) -> None:
    seen = {r.url for r in crawl.requests_to("status.fail.test")}
    assert seen == {"https://status.fail.test/robots.txt"}
    assert any(e["kind"] == "robots" and "HTTP 503" in e["message"]
               and "status.fail.test" in e["url"] for e in crawl.errors), crawl.errors


def test_a_host_whose_robots_txt_is_unreachable_is_not_crawled(crawl: Crawl) -> None:
    seen = {r.url for r in crawl.requests_to("drop.fail.test")}
    assert seen == {"https://drop.fail.test/robots.txt"}
    assert any(e["kind"] == "robots" and "robots.txt unreachable" in e["message"]
               and "drop.fail.test" in e["url"] for e in crawl.errors), crawl.errors


def test_a_host_whose_robots_txt_is_404_is_crawled_without_rules(crawl: Crawl) -> None:
    statuses = {r.url: r.status for r in crawl.requests_to("norobots.test")}
    assert statuses == {"https://norobots.test/robots.txt": 404,
                        "https://norobots.test/news/4-bez-robots.html": 200}


def test_every_request_names_dozor_and_a_contact(crawl: Crawl) -> None:
    agents = {r.user_agent for r in crawl.log}
    assert agents == {DEFAULT_USER_AGENT}
    assert "DozorBot" in DEFAULT_USER_AGENT and "contact:" in DEFAULT_USER_AGENT


def test_one_request_at_a_time_per_host(crawl: Crawl) -> None:
    slow = [r for r in crawl.requests_to("fail.slow.test") if "/delay/" in r.url]
    assert len(slow) == 3  # each takes 0.3 s to answer
    for before, after in pairwise(slow):
        assert before.t_end is not None and after.t >= before.t_end, "two requests overlapped"


def test_a_429_is_retried_after_its_retry_after_and_the_article_stored(crawl: Crawl) -> None:
    tries = [r for r in crawl.log if "key=polite-wait" in r.url]
    assert [r.status for r in tries] == [429, 200]
    assert tries[0].t_end is not None
    assert tries[1].t - tries[0].t_end >= 2.0, "Retry-After: 2 not honoured"
    stored = [t for u, t in crawl.titles.items() if "key=polite-wait" in u]
    assert stored == ["Статья после ожидания polite-wait"]


def test_a_retry_after_past_the_cap_is_not_waited_for_and_is_recorded(crawl: Crawl) -> None:
    tries = [r for r in crawl.log if "key=polite-never" in r.url]
    assert [r.status for r in tries] == [429]
    assert not [u for u in crawl.titles if "key=polite-never" in u]
    [error] = [e for e in crawl.errors if "key=polite-never" in e["url"]]
    assert error["kind"] == "fetch"
    assert "Retry-After 3600 s" in error["message"] and "not waited for" in error["message"]
