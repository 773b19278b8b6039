"""Incremental by design, and one row per article: real passes over saved sites.

On the incremental test site: pass 1 stores the site. Pass 2, nothing having changed, must
fetch no article page, read the feed with a conditional request (answered 304), skip the
sitemap and the listing (the feed shows nothing new and they were read minutes ago) and take
robots.txt from the copy pass 1 kept: one request. Before pass 3 the article only the listing
shows is deleted, as if it were new, and the last readings set 7 hours back: pass 3 must read
the sitemap (conditionally) and the listing, and fetch that page and no other. Before pass 4
an article the feed lists is deleted and the feed's validators forgotten (the feed changed):
the listing is read at once. Then every registered source is crawled twice: the second pass
must fetch no article page and send at most two requests. `bench/bench_incremental.py`
prints what each pass costs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from crawler.sources import all_sources
from jobs.runner import RunOutcome
from jobs.sources_doc import registry_modules
from jobs.tasks import collect
from tests.e2e.mock_site import LoggedRequest, crawl_setup, now, request_log

ARTICLE_1001 = "https://www.canon.test/news/1001-delo-dropperov-v-sude/"
STORED = {
    ARTICLE_1001,
    # Linked only as https://m.canon.test/news/1002-lzhe-brokery (mobile host, no slash).
    "https://www.canon.test/news/1002-lzhe-brokery/",
    "https://www.canon.test/news/1003-tolko-v-karte-sajta/",
    "https://www.canon.test/news/1004-tolko-v-lente-razdela/",
}
NEW_ON_PASS_3 = "https://www.canon.test/news/1004-tolko-v-lente-razdela/"
FEED = "https://www.canon.test/rss.xml"
LISTING = "https://www.canon.test/news/"


@dataclass(frozen=True)
class Pass:
    """One collection pass: its outcome and what the server saw."""

    outcome: RunOutcome
    log: list[LoggedRequest]

    def article_requests(self) -> list[str]:
        return [r.url for r in self.log if "/news/1" in r.url or "/amp/" in r.url]

    def requests_for(self, url: str) -> list[LoggedRequest]:
        return [r for r in self.log if r.url == url]


@dataclass(frozen=True)
class Passes:
    first: Pass
    second: Pass
    third: Pass
    fourth: Pass
    stored_after_first: set[str]


@pytest.fixture(scope="module")
def passes(
    database_url: str, mockserver: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Passes]:
    def one_pass() -> Pass:
        started = now()
        [(_, outcome)] = collect(["test_incremental"])
        return Pass(outcome, request_log(mockserver, since=started))

    with crawl_setup(database_url, mockserver, tmp_path_factory.mktemp("data"),
                     "tests.e2e.sources_incremental"):
        first = one_pass()
        with psycopg.connect(database_url, autocommit=True) as conn:
            stored = {str(r[0]) for r in conn.execute("SELECT url FROM articles")}
        second = one_pass()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM articles WHERE url = %s", (NEW_ON_PASS_3,))
            conn.execute("UPDATE fetch_validators SET updated_at = now() - interval '7 hours'"
                         " WHERE url LIKE '%%#read'")
        third = one_pass()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM articles WHERE url = %s", (ARTICLE_1001,))
            conn.execute("DELETE FROM fetch_validators WHERE url = %s", (FEED,))
        fourth = one_pass()
    yield Passes(first, second, third, fourth, stored)


def test_one_article_reached_through_utm_amp_mobile_slash_and_fragment_links_is_one_row(
    passes: Passes,
) -> None:
    assert passes.stored_after_first == STORED
    # Fetched once, by its canonical URL: not the AMP copy, not the mobile host, no utm_.
    assert passes.first.article_requests().count(ARTICLE_1001) == 1
    assert sorted(passes.first.article_requests()) == sorted(STORED)


def test_the_first_pass_stores_every_article(passes: Passes) -> None:
    run = passes.first.outcome.run
    assert run is not None and passes.first.outcome.status == "ok"
    assert run.new == len(STORED)


def test_a_second_pass_over_an_unchanged_site_requests_no_article_page(passes: Passes) -> None:
    assert passes.second.article_requests() == []
    run = passes.second.outcome.run
    assert run is not None and passes.second.outcome.status == "ok"
    assert (run.new, run.updated) == (0, 0)


@pytest.mark.parametrize("url", ["https://www.canon.test/rss.xml",
                                 "https://www.canon.test/sitemap.xml"])
def test_feeds_and_sitemaps_are_reread_with_conditional_requests(passes: Passes, url: str) -> None:
    [first] = passes.first.requests_for(url)
    # Pass 3: the sitemap, waiting for the feed in pass 2, is due again.
    [second] = passes.third.requests_for(url)
    assert first.status == 200 and not first.if_none_match
    assert second.if_none_match, "the ETag stored by pass 1 was not sent"
    assert second.status == 304


def test_an_unchanged_pass_costs_one_conditional_request_and_skips_the_listing(
    passes: Passes,
) -> None:
    # The sitemap waits for the feed as the listing does.
    assert [(r.url, r.status) for r in passes.second.log] == [(FEED, 304)]
    run = passes.second.outcome.run
    assert run is not None and (run.new, run.skipped) == (0, 0)


def test_robots_txt_is_asked_once_and_kept_for_the_next_passes(passes: Passes) -> None:
    asked = [r for p in (passes.first, passes.second, passes.third, passes.fourth)
             for r in p.log if r.url.endswith("/robots.txt")]
    assert [r.url for r in asked] == ["https://www.canon.test/robots.txt"]
    assert not passes.third.requests_for("https://www.canon.test/robots.txt")


def test_a_listing_due_again_is_read_though_the_feeds_show_nothing_new(passes: Passes) -> None:
    [listing] = passes.third.requests_for(LISTING)
    assert listing.status == 200
    assert [r.status for r in passes.third.requests_for(FEED)] == [304]


def test_a_feed_listing_something_new_releases_the_listing_at_once(passes: Passes) -> None:
    assert [r.status for r in passes.fourth.requests_for(FEED)] == [200]
    assert [r.status for r in passes.fourth.requests_for(LISTING)] == [200]
    assert passes.fourth.article_requests() == [ARTICLE_1001]
    run = passes.fourth.outcome.run
    assert run is not None and run.new == 1


def test_a_pass_fetches_only_the_article_it_has_not_stored(passes: Passes) -> None:
    assert passes.third.article_requests() == [NEW_ON_PASS_3]
    run = passes.third.outcome.run
    assert run is not None and run.new == 1



@pytest.mark.parametrize("source_id", [source.id for source, _ in registry_modules()])
def test_every_source_requests_no_article_page_on_a_second_pass(
    source_id: str, crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]],
    mockserver: str,
) -> None:
    pattern = re.compile(all_sources()[source_id].article_url_pattern)
    collect([source_id])
    started = now()
    [(_, second)] = collect([source_id])
    log = request_log(mockserver, since=started)
    again = [r.url for r in log if pattern.search(r.url)]
    assert again == [], (
        f"{source_id} fetched stored articles again: the URL its discovery gives differs from"
        " the one stored (canonicalize_url) or its links were not matched to stored rows"
    )
    assert second.run is not None and second.run.new == 0
    assert len(log) <= 2, (
        f"{source_id}'s unchanged pass sent {len(log)} requests, more than 2:"
        f" {[(r.url, r.status) for r in log]}; robots.txt should come from the kept copy,"
        " listings wait for the feeds, paging stops at the first stored item"
    )
