"""robots.txt kept between runs (RFC 9309 §2.4), end to end on the politeness test site.

Before the crawl, the data dir holds two copies as earlier runs would have left them: a fresh
one of polite.test whose rules differ from the site's (it forbids /news/2-, the site forbids
/private/), and a three-day-old one of status.fail.test, whose robots.txt answers 503. The
crawl must follow the fresh copy without asking polite.test for robots.txt, and use the old
copy for status.fail.test instead of refusing the host.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.robots_cache import RobotsCache
from jobs.tasks import collect
from tests.e2e.mock_site import LoggedRequest, crawl_setup, now, request_log


@pytest.fixture(scope="module")
def log(
    database_url: str, mockserver: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[LoggedRequest]]:
    data_dir = tmp_path_factory.mktemp("data")
    cache = RobotsCache(data_dir / "robots")
    cache.save("https", "polite.test", 200, b"User-agent: *\nDisallow: /news/2-\n")
    cache.save("https", "status.fail.test", 200, b"User-agent: *\nAllow: /\n")
    [old] = [p for p in (data_dir / "robots").glob("*.json") if "status" in p.name]
    kept = json.loads(old.read_text(encoding="utf-8"))
    old.write_text(json.dumps({**kept, "fetched_at": time.time() - 3 * 86400}), encoding="utf-8")
    with crawl_setup(database_url, mockserver, data_dir, "tests.e2e.sources_politeness"):
        started = now()
        collect(["test_polite"])
        yield request_log(mockserver, since=started)


def _paths(log: list[LoggedRequest], host: str) -> set[str]:
    return {r.url.removeprefix(f"https://{host}") for r in log if r.host == host}


def test_a_fresh_copy_is_followed_without_asking_for_robots_txt(
    log: list[LoggedRequest],
) -> None:
    paths = _paths(log, "polite.test")
    assert "/robots.txt" not in paths
    assert "/private/3-vnutrennyaya-zapiska.html" in paths  # allowed by the copy
    assert "/news/2-lzhe-investory.html" not in paths  # forbidden by the copy


def test_an_old_copy_stands_in_for_a_robots_txt_answering_5xx(log: list[LoggedRequest]) -> None:
    paths = _paths(log, "status.fail.test")
    assert "/robots.txt" in paths, "an old copy must not spare the request"
    assert len(paths) > 1, "the host was refused although a kept copy allows it"


def test_hosts_without_a_copy_are_asked_and_kept(log: list[LoggedRequest], tmp_path: Path) -> None:
    assert "/robots.txt" in _paths(log, "norobots.test")
