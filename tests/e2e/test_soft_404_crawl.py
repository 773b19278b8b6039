"""Soft-404s end to end (real Scrapy crawls through `dozor collect`, a real mock server, a real
PostgreSQL): a listing links a real article, one answered with 200 and a "Страница не найдена"
template, one redirected (301) to the home page and one redirected to the listing itself. Only
the real article is stored; the three others are counted as soft-404s in the run's row and the
summary. Then two hours "pass", the stored article's URL starts answering 200 with the Kazakh
"Бет табылмады" template, and the next run's revisit marks it removed, as a 404 would.
`dozor status` then shows the operator the source's soft-404s of the week by reason.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from crawler.sources import all_sources
from tests.e2e.mock_site import age, crawl_setup, dozor, mock_server

HOST = "news.soft404.test"
REAL = f"https://{HOST}/news/3001-moshenniki-ne-naydeny.html"
NOT_FOUND = f"https://{HOST}/news/3002-dropper-zaderzhan.html"
TO_HOME = f"https://{HOST}/news/3003-piramida-raskryta.html"
TO_LISTING = f"https://{HOST}/news/3004-opg-osuzhdena.html"

pytestmark = pytest.mark.slow

# Texts written for the project; the people and figures are invented.
ARTICLE = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Мошенники не найдены: пенсионерка полгода ждет возврата денег</title>
<meta property="article:published_time" content="2025-12-26T09:00:00+05:00"></head><body>
<article><h1>Мошенники не найдены: пенсионерка полгода ждет возврата денег</h1>
<p>Жительница Караганды перевела 2 млн тенге на «безопасный счет» после звонка якобы из службы
безопасности банка. Полгода спустя мошенники не найдены, а сайт, на который вела ссылка из SMS,
отвечает «Ошибка 404».</p>
<p>Досудебное расследование по статье 190 УК РК продолжается, сообщили в полиции.</p>
</article></body></html>"""
# The shape of a newsroom's not-found page (compare tests/fixtures/soft_404/*_not_found.html).
NOT_FOUND_RU = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Страница не найдена - Soft-404 test site</title></head><body>
<nav><a href="/">Главная</a> <a href="/news/">Новости</a></nav>
<h1>Страница не найдена</h1><p>Извините, запрашиваемая вами страница не найдена.</p>
<p><a href="/">Вернуться на главную</a></p></body></html>"""
NOT_FOUND_KK = """<!doctype html><html lang="kk"><head><meta charset="utf-8">
<title>Бет табылмады | Soft-404 test site</title></head><body>
<nav><a href="/">Басты бет</a></nav><div class="code">404</div>
<h1>Бет табылмады</h1><p>Кешіріңіз, сіз іздеген бет табылмады немесе жойылған.</p>
</body></html>"""
HOME = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>Soft-404 test site - новости</title></head><body>
<div class="teaser"><a href="/news/">Все новости</a><p>Полиция Карагандинской области задержала
шестерых владельцев банковских карт, через которые выводили деньги обманутых пенсионеров, и
возбудила уголовное дело о мошенничестве.</p></div></body></html>"""


def write_site(root: Path) -> Path:
    site = root / "test_soft404" / HOST
    news = site / "news"
    news.mkdir(parents=True)
    links = "".join(f'<li><a href="{url}">{url.rsplit("/", 1)[1]}</a></li>'
                    for url in (REAL, NOT_FOUND, TO_HOME, TO_LISTING))
    (news / "index.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><title>Новости</title></head>'
        f"<body><ul>{links}</ul></body></html>")
    (site / "index.html").write_text(HOME)
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (news / REAL.rsplit("/", 1)[1]).write_text(ARTICLE)
    (news / NOT_FOUND.rsplit("/", 1)[1]).write_text(NOT_FOUND_RU)
    for url, target in ((TO_HOME, f"https://{HOST}/"), (TO_LISTING, f"https://{HOST}/news/")):
        moved = news / url.rsplit("/", 1)[1]
        moved.write_text("")
        moved.with_name(moved.name + ".headers.json").write_text(
            json.dumps({":status": "301", "Location": target}))
    return site



@dataclass
class Crawled:
    runs: list[subprocess.CompletedProcess[str]]
    run_rows: list[dict[str, Any]]
    articles: dict[str, dict[str, Any]]
    stored_after_first: set[str]
    status: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def crawled(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    sites = tmp_path_factory.mktemp("sites")
    site = write_site(sites)
    try:
        with mock_server(sites) as mirror, crawl_setup(
                database_url, mirror, tmp_path_factory.mktemp("data"), "tests.e2e.sources_soft404"):
            runs = [dozor("collect", "--source", "test_soft404")]
            with psycopg.connect(database_url) as conn:
                stored_after_first = {r[0] for r in conn.execute("SELECT url FROM articles")}
            age(database_url, 2)
            # The newsroom took the story down; its URL now answers 200 with the Kazakh template.
            (site / "news" / REAL.rsplit("/", 1)[1]).write_text(NOT_FOUND_KK)
            runs.append(dozor("collect", "--source", "test_soft404"))
            with psycopg.connect(database_url) as conn, conn.cursor(row_factory=dict_row) as cur:
                articles = {r["url"]: r for r in cur.execute(
                    "SELECT url, title, body, status, removed_at, removed_reason FROM articles")}
                run_rows = cur.execute("SELECT * FROM crawl_runs ORDER BY id").fetchall()
            status = dozor("status")
            yield Crawled(runs, run_rows, articles, stored_after_first, status)
    finally:
        all_sources.cache_clear()


def test_only_the_real_article_is_stored(crawled: Crawled) -> None:
    assert crawled.stored_after_first == {REAL}
    first = crawled.run_rows[0]
    assert (first["found"], first["new"]) == (4, 1)


def test_the_others_count_as_soft_404s_in_the_run(crawled: Crawled) -> None:
    first = crawled.run_rows[0]
    assert first["stats"]["dozor/soft_404"] == 3
    # A rejected outcome each, so found = new + ... + rejected still holds.
    assert first["rejected"] == 3 and first["failed"] == 0
    assert first["found"] == (first["new"] + first["updated"] + first["unchanged"]
                              + first["skipped"] + first["failed"] + first["rejected"])
    reasons = {e["url"]: e["message"] for e in first["errors"] if e["kind"] == "soft_404"}
    assert set(reasons) == {NOT_FOUND, TO_HOME, TO_LISTING}
    assert "Страница не найдена" in reasons[NOT_FOUND]
    assert reasons[TO_HOME] == f"redirected to the home page https://{HOST}/"
    assert reasons[TO_LISTING] == f"redirected to a section listing https://{HOST}/news/"


def test_the_summary_names_the_soft_404s(crawled: Crawled) -> None:
    first = crawled.runs[0]
    assert first.returncode == 0, first.stdout + first.stderr  # partial: the site was read
    [line] = [ln for ln in first.stdout.splitlines() if ln.startswith("test_soft404")]
    assert line.split()[1:5] == ["partial", "4", "1", "0"]
    assert "3 of 4 article links were soft-404s" in first.stdout
    assert "article links failed" not in first.stdout


def test_a_revisit_that_finds_a_soft_404_marks_the_article_removed(crawled: Crawled) -> None:
    removed = crawled.articles[REAL]
    assert removed["removed_at"] is not None
    assert removed["removed_reason"].startswith("soft 404: a not-found page («Бет табылмады")
    # Its text stays what was published, not the template.
    assert removed["title"].startswith("Мошенники не найдены") and "190 УК РК" in removed["body"]
    second = crawled.run_rows[1]
    assert second["stats"]["dozor/revisit/removed"] == 1
    assert second["stats"]["dozor/revisit/soft_404"] == 1
    assert "revisited 1 recent articles: 0 changed, 1 removed" in crawled.runs[1].stdout


def test_soft_404s_are_never_stored_on_later_runs(crawled: Crawled) -> None:
    assert set(crawled.articles) == {REAL}
    assert crawled.run_rows[1]["stats"]["dozor/soft_404"] == 3


def test_dozor_status_shows_the_weeks_soft_404s_by_reason(crawled: Crawled) -> None:
    out = crawled.status.stdout
    assert crawled.status.returncode in (0, 1), crawled.status.stderr  # 1: it warned
    lines = out.splitlines()
    start = lines.index(next(ln for ln in lines if ln.startswith("soft-404s in 7 days")))
    assert lines[start + 1].split()[:5] == ["source", "reason", "rejected", "removed", "runs"]
    row = re.compile(r"^(\S*)\s+(.+?)\s+(\d+)\s+(\d+)\s+(\d+) \d{4}-\d\d-\d\d \d\d:\d\d$")
    rows = [m.groups() for ln in lines[start + 2:] if (m := row.match(ln))]
    # Both runs rejected the same three links; the second run's revisit found the stored
    # article turned into a not-found page. Columns: rejected, removed, runs; the most first.
    assert rows == [
        ("test_soft404", "a not-found page (HTTP 200)", "2", "1", "2"),
        ("", "redirected to the home page", "2", "0", "2"),
        ("", "redirected to a section listing", "2", "0", "2"),
    ]
    assert "not recorded" not in out  # every count has its reason
