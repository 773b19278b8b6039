"""Revisits end to end: articles edited, removed and redirected after they were stored are caught
by the next crawls (real Scrapy crawls, a real mock server, a real PostgreSQL).

Run 1 stores four articles. Two hours "pass" (first_seen_at is moved back) and the site changes:
1001's figure is corrected, 1002 is deleted (404), 1003 redirects to the home page, 1004 stays.
Run 2 revisits all four with conditional requests. Then 30 hours pass: run 3 revisits the two
left, now with the ETags the revisits got. Requests to the host keep its delay throughout.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from crawler.sources import all_sources
from serve.api import create_app
from storage.history import due_revisits
from tests.e2e.mock_site import (
    LoggedRequest,
    age,
    crawl_setup,
    dozor,
    mock_server,
    now,
    request_log,
)
from tests.live_api import serve_app

HOST = "news.history.test"
DELAY_S = 0.3
ARTICLES = {
    1001: ("moshenniki-pohitili-u-pensionera", "Мошенники похитили у пенсионера 3 млн тенге"),
    1002: ("zaderzhan-dropper", "В Таразе задержан дроппер"),
    1003: ("piramida-v-shymkente", "В Шымкенте раскрыли финансовую пирамиду"),
    1004: ("opg-osudili", "Участников ОПГ осудили в Караганде"),
}

NEW_SHAPE = f"https://{HOST}/2025/12/26/moshenniki-snova-pozvonili-ot-imeni-banka"

pytestmark = pytest.mark.slow


def url(number: int) -> str:
    return f"https://{HOST}/news/{number}-{ARTICLES[number][0]}.html"


def page(number: int, figure: str = "3 млн") -> str:
    # Text written for the project; the people and figures are invented.
    title = ARTICLES[number][1].replace("3 млн", figure)
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2025-12-26T09:00:00+05:00"></head><body>
<article><h1>{title}</h1>
<p>Полиция сообщает, что пострадавший перевел мошенникам {figure} тенге после звонка якобы из
службы безопасности банка. Возбуждено уголовное дело по статье 190 УК РК.</p>
<p>Сотрудники полиции напоминают, что банки никогда не просят назвать код из SMS и не
предлагают перевести деньги на «безопасный счет».</p></article></body></html>"""


def write_site(root: Path) -> Path:
    site = root / "test_history" / HOST
    (site / "news").mkdir(parents=True)
    items = "".join(f"<item><title>{t}</title><link>{url(n)}</link>"
                    "<pubDate>Fri, 26 Dec 2025 09:00:00 +0500</pubDate></item>"
                    for n, (_, t) in ARTICLES.items())
    # An article under a URL shape the source's pattern does not know: drift, reported.
    items += f"<item><title>Новый формат</title><link>{NEW_SHAPE}</link></item>"
    (site / "rss.xml").write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
                                  f"<channel><title>History</title>{items}</channel></rss>")
    # The host's politeness budget: revisits are spaced by it like every other request.
    (site / "robots.txt").write_text(f"User-agent: *\nCrawl-delay: {DELAY_S}\nAllow: /\n")
    for number in ARTICLES:
        (site / "news" / f"{number}-{ARTICLES[number][0]}.html").write_text(page(number))
    return site


def change_site(site: Path) -> None:
    """The newsroom's edits: a corrected figure, a deletion, a redirect home."""
    news = site / "news"
    edited = news / f"1001-{ARTICLES[1001][0]}.html"
    edited.write_text(page(1001, figure="3,5 млн"))
    stamp = format_datetime(datetime.now(UTC) + timedelta(minutes=1), usegmt=True)
    edited.with_name(edited.name + ".headers.json").write_text(json.dumps({"Last-Modified": stamp}))
    (news / f"1002-{ARTICLES[1002][0]}.html").unlink()
    moved = news / f"1003-{ARTICLES[1003][0]}.html"
    moved.write_text("")
    moved.with_name(moved.name + ".headers.json").write_text(
        json.dumps({":status": "301", "Location": f"https://{HOST}/"}))



@dataclass
class Revisited:
    database_url: str
    runs: list[subprocess.CompletedProcess[str]]
    logs: list[list[LoggedRequest]]
    articles: dict[str, dict[str, Any]]
    run_rows: list[dict[str, Any]]
    versions: list[tuple[Any, ...]]
    history: subprocess.CompletedProcess[str]
    api: dict[str, Any]
    api_removed: dict[str, Any]
    status: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def revisited(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Revisited]:
    sites = tmp_path_factory.mktemp("sites")
    site = write_site(sites)
    try:
        with mock_server(sites) as mirror, crawl_setup(
                database_url, mirror, tmp_path_factory.mktemp("data"), "tests.e2e.sources_history"):
            runs, logs = [], []

            def crawl() -> None:
                started = now()
                runs.append(dozor("collect", "--source", "test_history"))
                logs.append(request_log(mirror, since=started))

            crawl()
            age(database_url, 2)
            change_site(site)
            crawl()
            crawl()  # nothing due: the 6 h slot has not come
            age(database_url, 30)
            crawl()
            history = dozor("history", url(1001))
            status = dozor("status")
            with psycopg.connect(database_url) as conn, conn.cursor(
                    row_factory=psycopg.rows.dict_row) as cur:
                articles = {r["url"]: r for r in cur.execute(
                    "SELECT id, url, version, body, revisits, removed_at, removed_reason, etag"
                    " FROM articles")}
                run_rows = cur.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
                versions = conn.execute(
                    "SELECT a.url, v.version, v.body FROM article_versions v"
                    " JOIN articles a ON a.id = v.article_id").fetchall()
            with serve_app(create_app(database_url)) as base:
                api = httpx.get(f"{base}/api/articles/{articles[url(1001)]['id']}/history").json()
                api_removed = httpx.get(
                    f"{base}/api/articles/{articles[url(1002)]['id']}/history").json()
            yield Revisited(database_url, runs, logs, articles, run_rows, versions, history,
                            api, api_removed, status)
    finally:
        all_sources.cache_clear()


def test_every_run_succeeds(revisited: Revisited) -> None:
    for result in revisited.runs:
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_first_run_revisits_nothing(revisited: Revisited) -> None:
    assert not [r for r in revisited.logs[0] if r.if_modified_since]
    assert "revisited" not in revisited.runs[0].stdout


def test_an_edited_text_becomes_a_new_version(revisited: Revisited) -> None:
    edited = revisited.articles[url(1001)]
    assert edited["version"] == 2 and "3,5 млн" in edited["body"]
    [(version_url, number, old_body)] = revisited.versions
    assert (version_url, number) == (url(1001), 1) and "3 млн" in old_body


def test_a_404_and_a_redirect_home_mark_the_article_removed(revisited: Revisited) -> None:
    gone, moved = revisited.articles[url(1002)], revisited.articles[url(1003)]
    assert gone["removed_reason"] == "HTTP 404" and gone["removed_at"] is not None
    assert moved["removed_reason"] == f"redirected to https://{HOST}/"
    assert moved["removed_at"] is not None
    # Their stored text stays: analysts still read what was published.
    assert "Полиция сообщает" in gone["body"]
    assert revisited.articles[url(1004)]["removed_at"] is None


def test_revisits_are_conditional_requests(revisited: Revisited) -> None:
    second = {r.url: r for r in revisited.logs[1] if r.url in map(url, ARTICLES)}
    assert set(second) == {url(n) for n in ARTICLES}
    assert all(r.if_modified_since for r in second.values())
    assert second[url(1004)].status == 304
    # Later revisits send the ETag the last answer gave.
    fourth = {r.url: r for r in revisited.logs[3] if r.url in map(url, ARTICLES)}
    assert set(fourth) == {url(1001), url(1004)}
    assert all(r.if_none_match for r in fourth.values())
    assert {r.status for r in fourth.values()} == {304}


def test_revisits_follow_the_decaying_schedule(revisited: Revisited) -> None:
    assert not [r for r in revisited.logs[2] if r.url in map(url, ARTICLES)]
    # At 32 h the 1 h, 6 h and 24 h slots have passed: the next revisit is at 72 h.
    assert revisited.articles[url(1001)]["revisits"] == 3
    assert revisited.articles[url(1004)]["revisits"] == 3
    assert revisited.articles[url(1002)]["revisits"] == 1  # removed: never asked again


def test_revisits_count_in_the_run_summary_not_as_found_links(revisited: Revisited) -> None:
    assert ("revisited 4 recent articles: 1 changed, 2 removed, 1 unchanged"
            in revisited.runs[1].stdout)
    second = revisited.run_rows[1]
    assert second["stats"]["dozor/revisit/requests"] == 4
    for run in revisited.run_rows:
        assert run["found"] == (run["new"] + run["updated"] + run["unchanged"] + run["skipped"]
                                + run["failed"] + run["rejected"]), run["id"]
    # The feed answered 304 (unchanged): no link was found, yet the revisits were made.
    assert (second["found"], second["new"], second["updated"]) == (0, 0, 0)


def test_revisits_keep_the_host_s_delay(revisited: Revisited) -> None:
    log = [r for r in revisited.logs[1] if r.host == HOST]
    # Crawl-delay counts from each answer (crawler/politeness.py).
    gaps = [b.t - (a.t_end or a.t) for a, b in pairwise(log)]
    assert min(gaps) >= DELAY_S * 0.9, gaps


def test_dozor_history_shows_the_versions_with_a_diff(revisited: Revisited) -> None:
    out = revisited.history.stdout
    assert revisited.history.returncode == 0, revisited.history.stderr
    assert "version 1, fetched" in out and "version 2 (current), fetched" in out
    assert "-# Мошенники похитили у пенсионера 3 млн тенге" in out
    assert "+# Мошенники похитили у пенсионера 3,5 млн тенге" in out


def test_the_api_shows_versions_diffs_and_removals(revisited: Revisited) -> None:
    api = revisited.api
    assert [v["version"] for v in api["versions"]] == [1, 2]
    assert api["versions"][1]["current"] and api["removed"] is None
    [diff] = api["diffs"]
    assert any(line.startswith("+") and "3,5 млн" in line for line in diff["lines"])
    assert revisited.api_removed["removed_reason"] == "HTTP 404"
    assert revisited.api_removed["removed"] is not None


def test_due_revisits_are_capped_longest_overdue_first(revisited: Revisited) -> None:
    with psycopg.connect(revisited.database_url, autocommit=True) as conn:
        conn.execute("UPDATE articles SET revisits = 0, removed_at = NULL")
        conn.execute("UPDATE articles SET first_seen_at = now() - interval '3 hours'"
                     " WHERE url = %s", (url(1003),))
        due = due_revisits(conn, "test_history", limit=2)
    assert len(due) == 2 and due[0].url != url(1003)


def test_a_feed_link_of_an_unknown_url_shape_is_counted_and_warned(revisited: Revisited) -> None:
    stats = revisited.run_rows[0]["stats"]
    assert stats["dozor/off_pattern"] == 1 and stats["dozor/off_pattern_examples"] == [NEW_SHAPE]
    assert not [r for r in revisited.logs[0] if r.url == NEW_SHAPE]  # counted, not fetched
    # The feed did not change afterwards (304), so later runs saw no link: the warning stays.
    [line] = [ln for ln in revisited.status.stdout.splitlines() if "article_url_pattern" in ln]
    assert "1 link on its hosts looks like an article" in line
    assert f"(run {revisited.run_rows[0]['id']})" in line and NEW_SHAPE in line
