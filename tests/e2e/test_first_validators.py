"""The first fetch of an article keeps its answer's ETag and Last-Modified, so the first revisit is
a conditional request a strict server answers with a 304 (real Scrapy crawls, a real mock
server, a real PostgreSQL).

The site answers 304 only to the very validator it sent, as nginx does by default: article 2001
sends an ETag only, 2002 a Last-Modified only, so a revisit asking with the fetch time instead
costs a full download. Run 1 stores both; two hours "pass"; run 2 revisits them. Then 2001 is
edited, and the WARC run 1 wrote is imported (`dozor import`) and replayed (`dozor collect
--replay`) into an emptied database: the validators recorded are the archived answer's, and
the next live run revisits with them.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from crawler.sources import all_sources
from tests.e2e.mock_site import (
    LoggedRequest,
    age,
    crawl_setup,
    dozor,
    empty_database,
    mock_server,
    now,
    request_log,
)

SOURCE_ID = "test_validators"
HOST = "news.validators.test"
FEED = f"https://{HOST}/rss.xml"
ARTICLES = {
    2001: ("moshenniki-pozvonili-ot-imeni-banka", "Мошенники позвонили от имени банка"),
    2002: ("osuzhdeny-uchastniki-opg", "Осуждены участники ОПГ в Караганде"),
}
# What each page's server sends, in its .headers.json: null leaves a header out.
SERVED = {
    2001: {":conditional": "exact", "Last-Modified": None},  # an ETag only
    2002: {":conditional": "exact", "ETag": None},  # a Last-Modified only
}

pytestmark = pytest.mark.slow


def url(number: int) -> str:
    return f"https://{HOST}/news/{number}-{ARTICLES[number][0]}.html"


def page(number: int, figure: str = "2 млн") -> str:
    # Text written for the project; the people and figures are invented.
    title = ARTICLES[number][1]
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2025-12-26T10:00:00+05:00"></head><body>
<article><h1>{title}</h1>
<p>Пострадавшая перевела {figure} тенге на «безопасный счет» после звонка якобы из банка.
Полиция возбудила уголовное дело по статье 190 УК РК и устанавливает звонивших.</p>
<p>Банки не просят называть код из SMS и переводить деньги: о таком звонке сообщайте в 102.</p>
</article></body></html>"""


def write_site(root: Path) -> Path:
    site = root / SOURCE_ID / HOST
    (site / "news").mkdir(parents=True)
    items = "".join(f"<item><title>{t}</title><link>{url(n)}</link>"
                    "<pubDate>Fri, 26 Dec 2025 10:00:00 +0500</pubDate></item>"
                    for n, (_, t) in ARTICLES.items())
    (site / "rss.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                                  f"<channel><title>Validators</title>{items}</channel></rss>")
    (site / "rss.xml.headers.json").write_text('{":conditional": "exact"}')
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    for number, headers in SERVED.items():
        path = site / "news" / f"{number}-{ARTICLES[number][0]}.html"
        path.write_text(page(number))
        path.with_name(path.name + ".headers.json").write_text(json.dumps(headers))
    return site



def served_validators(mirror: str, number: int) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified the site answers now, as `curl -I` shows them."""
    answer = httpx.get(f"{mirror}/{HOST}/news/{number}-{ARTICLES[number][0]}.html")
    assert answer.status_code == 200
    return answer.headers.get("ETag"), answer.headers.get("Last-Modified")


def stored_validators(database_url: str) -> dict[str, tuple[Any, Any]]:
    with psycopg.connect(database_url) as conn:
        return {str(u): (e, m) for u, e, m in
                conn.execute("SELECT url, etag, last_modified FROM articles")}


def full_downloads(log: list[LoggedRequest], number: int) -> int:
    return sum(1 for r in log if r.url == url(number) and r.status == 200)


@dataclass
class Fetched:
    mirror: str
    runs: list[subprocess.CompletedProcess[str]]
    logs: list[list[LoggedRequest]]
    served: dict[int, tuple[str | None, str | None]]  # at run 1
    served_after_edit: dict[int, tuple[str | None, str | None]]
    after_first: dict[str, tuple[Any, Any]]
    imported: dict[str, tuple[Any, Any]]
    replayed: dict[str, tuple[Any, Any]]
    versions_after_revisit: dict[str, int]


@pytest.fixture(scope="module")
def fetched(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fetched]:
    sites = tmp_path_factory.mktemp("sites")
    site = write_site(sites)
    data_dir = tmp_path_factory.mktemp("data")
    try:
        with mock_server(sites) as mirror, crawl_setup(
                database_url, mirror, data_dir, "tests.e2e.sources_validators"):
            runs, logs = [], []

            def run(*args: str) -> None:
                started = now()
                runs.append(dozor(*args))
                logs.append(request_log(mirror, since=started))

            served = {n: served_validators(mirror, n) for n in ARTICLES}
            run("collect", "--source", SOURCE_ID)
            after_first = stored_validators(database_url)
            [first_warc] = (data_dir / "warc" / SOURCE_ID).glob("1-*.warc.gz")
            age(database_url, 2)
            run("collect", "--source", SOURCE_ID)
            # The newsroom edits 2001: its ETag changes, the archived one is now stale.
            edited = site / "news" / f"2001-{ARTICLES[2001][0]}.html"
            edited.write_text(page(2001, figure="2,4 млн"))
            served_after_edit = {n: served_validators(mirror, n) for n in ARTICLES}
            empty_database(database_url)
            run("import", str(first_warc))
            imported = stored_validators(database_url)
            empty_database(database_url)
            run("collect", "--replay", str(first_warc), "--source", SOURCE_ID)
            replayed = stored_validators(database_url)
            age(database_url, 2)
            run("collect", "--source", SOURCE_ID)
            with psycopg.connect(database_url) as conn:
                versions = {str(u): int(v) for u, v in
                            conn.execute("SELECT url, version FROM articles")}
            yield Fetched(mirror, runs, logs, served, served_after_edit, after_first,
                          imported, replayed, versions)
    finally:
        all_sources.cache_clear()


def test_every_command_succeeds(fetched: Fetched) -> None:
    for result in fetched.runs:
        assert result.returncode == 0, [*result.args[3:], result.stdout + result.stderr]


def test_the_first_fetch_stores_the_answer_s_validators(fetched: Fetched) -> None:
    assert fetched.served[2001][0] and fetched.served[2001][1] is None
    assert fetched.served[2002][0] is None and fetched.served[2002][1]
    assert fetched.after_first == {url(n): fetched.served[n] for n in ARTICLES}


def test_the_first_revisit_costs_a_304_not_a_second_download(fetched: Fetched) -> None:
    revisits = {r.url: r for r in fetched.logs[1] if r.url in map(url, ARTICLES)}
    assert revisits[url(2001)].if_none_match == fetched.served[2001][0]
    assert revisits[url(2002)].if_modified_since == fetched.served[2002][1]
    assert {r.status for r in revisits.values()} == {304}
    for number in ARTICLES:
        assert full_downloads(fetched.logs[0] + fetched.logs[1], number) == 1, number


def test_the_feed_is_reread_with_its_first_answer_s_validators(fetched: Fetched) -> None:
    [feed] = [r for r in fetched.logs[1] if r.url == FEED]
    assert feed.if_none_match and feed.status == 304


@pytest.mark.parametrize("how", ["imported", "replayed"])
def test_a_warc_s_article_is_stored_with_the_archived_answer_s_validators(
    fetched: Fetched, how: str,
) -> None:
    assert fetched.served_after_edit[2001] != fetched.served[2001]  # the live page moved on
    assert getattr(fetched, how) == {url(n): fetched.served[n] for n in ARTICLES}


def test_the_revisit_after_a_replay_asks_with_the_archived_validators(fetched: Fetched) -> None:
    revisits = {r.url: r for r in fetched.logs[-1] if r.url in map(url, ARTICLES)}
    # 2001 was edited since the archive: its old ETag no longer matches, the new text is read.
    assert revisits[url(2001)].if_none_match == fetched.served[2001][0]
    assert revisits[url(2001)].status == 200
    assert fetched.versions_after_revisit[url(2001)] == 2
    assert revisits[url(2002)].if_modified_since == fetched.served[2002][1]
    assert revisits[url(2002)].status == 304
