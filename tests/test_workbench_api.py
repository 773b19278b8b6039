"""The workbench through its HTTP API on a real uvicorn server: one story one row, cross-language
search, complete exports, the article view, the archived page, the pages' languages, saved
searches behind their own role."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from openpyxl import load_workbook
from psycopg import sql
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.extract.body import content_hash
from crawler.items import Article
from crawler.tagging.apply import analyse_article
from crawler.tagging.normalize import normalize_text
from serve.api import create_app
from storage.articles import store_article
from storage.db import role_name
from tests.analyst_seed import SEED, empty_tables, seed_now, store_seed, store_story_seed
from tests.live_api import serve_app

# Enough articles that a page of 20 (or 100) cannot hold them: exports must give every one.
BULK = 45
ARCHIVED_HTML = (b"<html><head><script>document.title='pwned'</script></head>"
                 b"<body><h1>\xd0\x90\xd1\x80\xd1\x85\xd0\xb8\xd0\xb2</h1>"
                 b"<img src='https://tracker.example/x.gif'></body></html>")


def store_bulk(conn: psycopg.Connection[Any], count: int) -> None:
    """`count` short Russian fraud reports from Pavlodar, one a day back from yesterday."""
    now = seed_now()
    for i in range(count):
        title = f"В Павлодаре задержан интернет-мошенник номер {i + 1}"
        body = (f"Полицейские Павлодарской области задержали мошенника, который обманул "
                f"{i + 2} покупателей через поддельный сайт. Возбуждено уголовное дело по статье"
                f" 190 УК РК, случай {i + 1}.")
        when = now - timedelta(days=1 + i, hours=2)
        article = Article(
            source_id="polisia_kz", url=f"https://polisia.kz/ru/bulk-{i + 1}", title=title,
            body=body, lang="ru", languages=("ru",), published_at=when, fetched_at=now,
            date_source="jsonld", body_normalized=normalize_text(body),
            content_hash=content_hash(title, body))
        store_article(conn, article, analyse_article(article), None)


def write_warc(folder: Path) -> str:
    """A WARC file with one archived response; its `<file>#<offset>` reference."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zakon_kz" / "1-test.warc.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record("https://www.zakon.kz/6473921-afm-piramida.html",
                                           "response", payload=io.BytesIO(ARCHIVED_HTML),
                                           length=len(ARCHIVED_HTML), http_headers=headers)
        writer.write_record(record)
    return "zakon_kz/1-test.warc.gz#0"


@pytest.fixture(scope="module")
def seed(database_url: str, tmp_path_factory: pytest.TempPathFactory,
         analysts_day: None) -> Iterator[dict[str, int]]:
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOZOR_DATA_DIR", str(data_dir))
        with psycopg.connect(database_url, autocommit=True) as conn:
            empty_tables(conn)
            ids = store_seed(conn)
            store_bulk(conn, BULK)
            ids |= store_story_seed(conn)
            reference = write_warc(data_dir / "warc")
            conn.execute("UPDATE articles SET warc_record = %s WHERE id = %s",
                         (reference, ids["story_ru_afm_pyramid"]))
            # An edit by the newsroom: the earlier text becomes a version.
            row = conn.execute("SELECT title, body, url, fetched_at FROM articles WHERE id = %s",
                               (ids["ru_ocg_almaty"],)).fetchone()
            assert row is not None
            edited = str(row[1]).replace("владельцев кафе и рынков", "владельцев кафе, рынков"
                                         " и автомоек")
            article = Article(
                source_id="zakon_kz", url=str(row[2]), title=str(row[0]), body=edited, lang="ru",
                languages=("ru",), published_at=seed_now() - timedelta(days=1), fetched_at=row[3],
                date_source="jsonld", body_normalized=normalize_text(edited),
                content_hash=content_hash(str(row[0]), edited))
            store_article(conn, article, analyse_article(article), None)
        yield ids
        with psycopg.connect(database_url, autocommit=True) as conn:
            empty_tables(conn)


@pytest.fixture(scope="module")
def api(database_url: str, seed: dict[str, int]) -> Iterator[httpx.Client]:
    with serve_app(create_app(database_url)) as base, httpx.Client(
            base_url=base, timeout=30) as client:
        yield client


def test_one_story_one_row_with_its_outlets_and_languages(
    api: httpx.Client, seed: dict[str, int]
) -> None:
    found = api.get("/api/search", params={"q": "пирамида", "region": "karaganda"}).json()
    assert found["unit"] == "stories"
    [story] = found["items"]
    # The earliest article stands for the story; the others are counted beside it.
    assert story["id"] == seed["story_kk_afm_pyramid"]
    assert (story["story_articles"], story["story_languages"]) == (3, ["kk", "ru"])
    assert story["story_sources"] == ["tengrinews_kz", "zakon_kz"]
    # Only the Russian articles match: the earliest of them stands for the story.
    russian = api.get("/api/search", params={"q": "пирамиду", "region": "karaganda",
                                             "lang": "ru"}).json()
    assert [i["id"] for i in russian["items"]] == [seed["story_ru_afm_pyramid"]]
    expanded = api.get("/api/search", params={"q": "пирамида", "region": "karaganda",
                                              "stories": "false"}).json()
    assert expanded["unit"] == "articles" and len(expanded["items"]) == 3
    # Counts too: stories by default, articles when asked; per source, each outlet once.
    stats = api.get("/api/stats", params={"region": "karaganda", "by": "region"}).json()
    articles = api.get("/api/stats", params={"region": "karaganda", "by": "region",
                                             "stories": "false"}).json()
    karaganda = next(r for r in stats["region"] if r["key"] == "karaganda")
    assert karaganda["articles"] == next(
        r for r in articles["region"] if r["key"] == "karaganda")["articles"] - 2
    by_source = api.get("/api/stats", params={"q": "пирамида", "region": "karaganda",
                                              "by": "source"}).json()["source"]
    assert {r["key"]: r["articles"] for r in by_source} == {"zakon_kz": 1, "tengrinews_kz": 1}


def test_a_russian_query_finds_kazakh_articles_and_says_so(api: httpx.Client) -> None:
    body = api.get("/api/search", params={"q": "мошенники Караганда", "stories": "false"}).json()
    langs = {i["lang"] for i in body["items"] if not i["partial"]}
    assert langs == {"kk", "ru"}
    assert "алаяқ" in body["also_searched"] and "Қарағанды" in body["also_searched"]
    kazakh = next(i for i in body["items"] if i["lang"] == "kk")
    assert any(s["mark"] and s["kind"] == "hit" for s in kazakh["snippet"])
    only_ru = api.get("/api/search", params={"q": "мошенники Караганда", "stories": "false",
                                             "cross_language": "false"}).json()
    assert {i["lang"] for i in only_ru["items"] if not i["partial"]} == {"ru"}
    assert only_ru["also_searched"] == []
    ocg = api.get("/api/search", params={"q": "ОПГ"}).json()
    assert {i["lang"] for i in ocg["items"]} == {"kk", "ru"}


def test_without_words_marks_are_evidence_not_hits(api: httpx.Client) -> None:
    body = api.get("/api/search", params={"topic": "ocg"}).json()
    marks = [s for i in body["items"] for s in i["snippet"] + i["title_marked"] if s["mark"]]
    assert marks and {s["kind"] for s in marks} == {"evidence"}


def test_exports_hold_every_match_streamed(api: httpx.Client, seed: dict[str, int]) -> None:
    params = {"region": "pavlodar", "topic": "fraud"}
    counts = api.get("/api/count", params=params).json()
    assert counts == {"articles": BULK, "stories": BULK}
    response = api.get("/api/export", params={**params, "format": "csv", "ui": "ru"})
    assert response.status_code == 200 and response.headers["x-total-count"] == str(BULK)
    assert response.headers["content-disposition"].startswith('attachment; filename="dozor-')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == BULK and len({r["id"] for r in rows}) == BULK
    assert rows[0]["regions"] == "Павлодарская область" and rows[0]["topics"] == "Мошенничество"
    assert rows[0]["criminal_code_articles"] == "190" and rows[0]["story_outlets"] == "1"
    assert "body" not in rows[0]

    lines = api.get("/api/export", params={**params, "format": "jsonl", "body": "true"}
                    ).text.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == BULK and records[0]["regions"] == ["pavlodar"]
    assert records[0]["body"].startswith("Полицейские") and records[0]["story_id"]

    book = load_workbook(io.BytesIO(api.get("/api/export", params={
        **params, "format": "xlsx", "ui": "kk"}).content))
    sheet = book.active
    assert sheet is not None and sheet.max_row == BULK + 1
    assert [c.value for c in sheet[1]][:3] == ["id", "Жарияланды (Алматы уақыты)", "Дереккөз id"]

    story = api.get("/api/export", params={"q": "пирамида", "region": "karaganda",
                                           "format": "jsonl"}).text.splitlines()
    assert {json.loads(r)["story_outlets"] for r in story} == {3}
    assert len(story) == 3  # every article of the story, each with its story


def test_the_article_view(api: httpx.Client, seed: dict[str, int]) -> None:
    view = api.get(f"/api/articles/{seed['story_ru_afm_pyramid']}/view",
                   params={"ui": "ru"}).json()
    evidence = [m for m in view["body_marks"] if m["topic"]]
    assert evidence and all(m["rules"] for m in evidence)
    assert {r["rule"] for r in view["rules"]} >= {"fraud.article:217"}
    assert "".join(m["text"] for m in view["body_marks"]).startswith("Агентство")
    assert view["facts"]["regions"] == ["Карагандинская область"]
    assert view["facts"]["agencies"] == ["Агентство по финансовому мониторингу"]
    [kazakh] = view["language_versions"]
    assert kazakh["id"] == seed["story_kk_afm_pyramid"] and kazakh["translation"]
    [repost] = view["other_outlets"]
    assert repost["source"] == "tengrinews_kz"
    assert view["story"]["articles"] == 3 and view["archived_page"] == (
        f"/archive/{seed['story_ru_afm_pyramid']}")

    edited = api.get(f"/api/articles/{seed['ru_ocg_almaty']}/view").json()
    [version] = edited["versions"]
    assert version["version"] == 1
    added = " ".join(c["text"] for c in version["body_changes"] if c["op"] == "+")
    assert "автомоек" in added and "Сотрудники полиции" in version["body_changes"][0]["text"]
    assert api.get("/api/articles/999999/view").status_code == 404


def test_the_archived_page_is_served_sandboxed(api: httpx.Client, seed: dict[str, int]) -> None:
    page = api.get(f"/archive/{seed['story_ru_afm_pyramid']}")
    assert page.status_code == 200 and page.content == ARCHIVED_HTML  # as fetched
    policy = page.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert "script-src" not in policy  # nothing allowed beyond default-src 'none'
    assert page.headers["x-content-type-options"] == "nosniff"
    assert api.get(f"/archive/{seed['kk_ocg_almaty']}").status_code == 404


def test_pages_speak_the_browsers_language(api: httpx.Client) -> None:
    kazakh = api.get("/", headers={"Accept-Language": "kk-KZ,kk;q=0.9,ru;q=0.8"})
    assert '<html lang="kk">' in kazakh.text and "Іздеу" in kazakh.text
    russian = api.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert '<html lang="ru">' in russian.text and "Найти" in russian.text
    assert '<html lang="kk">' in api.get("/", headers={"Accept-Language": "de"}).text
    catalog = api.get("/api/catalog", headers={"Accept-Language": "kk"}).json()
    assert {"id": "ocg", "name": "Ұйымдасқан қылмыс"} in catalog["topics"]
    assert api.get("/api/catalog").json()["topics"][0]["name"] == "Fraud"  # programs: English
    # The switch wins over the browser and is remembered.
    chosen = api.get("/?ui=en", headers={"Accept-Language": "ru"})
    assert '<html lang="en">' in chosen.text and chosen.cookies.get("dozor_ui") == "en"
    again = httpx.get(str(api.base_url) + "/", cookies={"dozor_ui": "ru"},
                      headers={"Accept-Language": "kk"})
    assert '<html lang="ru">' in again.text
    api.cookies.clear()
    article = api.get("/article/1", params={"ui": "ru"})
    assert article.status_code == 200 and "Версии на других языках" in article.text


def test_trend_per_day_with_names(api: httpx.Client) -> None:
    stats = api.get("/api/stats", params=[("by", "day"), ("by", "lang"), ("ui", "ru")]).json()
    days = [r["key"] for r in stats["day"]]
    assert days == sorted(days) and len(days[0]) == 10  # full dates: the year is there
    assert {r["name"] for r in stats["lang"]} == {"Казахский", "Русский"}
    assert stats["topic_names"] == {"fraud": "Мошенничество", "ocg": "Организованная преступность"}


def test_saved_searches_from_the_page_go_through_their_own_role(
    api: httpx.Client, database_url: str
) -> None:
    new = {"name": f"desk {uuid.uuid4().hex[:6]}", "query": "алаяқ",
           "filters": {"regions": ["karaganda"]}, "email": ["desk@example.kz"],
           "webhook": "env:DOZOR_WEBHOOK_DESK", "daily_cap": 5, "ui_lang": "ru"}
    created = api.post("/api/saved-searches", json=new)
    assert created.status_code == 201, created.text
    listed = api.get("/api/saved-searches").json()
    assert [s["name"] for s in listed] == [new["name"]]
    # A URL chosen from the page could point the server anywhere: refused.
    refused = api.post("/api/saved-searches", json={**new, "name": "x",
                                                    "webhook": "http://10.0.0.1/hook"})
    assert refused.status_code == 400 and "env:DOZOR_WEBHOOK_" in refused.text
    assert api.post("/api/saved-searches", json={**new, "name": "y", "email": [],
                                                 "webhook": None}).status_code == 400
    assert api.delete(f"/api/saved-searches/{created.json()['id']}").status_code == 204
    assert api.get("/api/saved-searches").json() == []

    with psycopg.connect(database_url, autocommit=True) as conn:
        editor = role_name(conn, "alert_editor")
        assert editor.endswith("_alert_editor") and editor != "dozor_alert_editor"
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(editor)))
        assert conn.execute("SELECT count(*) FROM saved_searches").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE articles SET title = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO alert_deliveries (saved_search_id, alert_key, status)"
                         " VALUES (1, 'x', 'sent')")
        # It reads what the reader reads: articles, never the crawl's internals.
        conn.execute("SELECT count(*) FROM articles")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM crawl_runs")
        conn.execute("RESET ROLE")
        # The analysts' role of this database (migration 0011).
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role_name(conn, "analyst"))))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM saved_searches")


def test_the_analyst_views_count_stories(database_url: str, seed: dict[str, int]) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role_name(conn, "analyst"))))
        articles = conn.execute("SELECT count(*) FROM analyst_articles").fetchone()
        stories = conn.execute("SELECT count(*) FROM analyst_stories").fetchone()
        assert articles == (len(SEED) + BULK + 3,) and stories == (len(SEED) + BULK + 1,)
        row = conn.execute(
            "SELECT articles, languages, sources, topics FROM analyst_stories WHERE"
            " lead_article_id = %s", (seed["story_kk_afm_pyramid"],)).fetchone()
        assert row == (3, ["kk", "ru"], ["tengrinews_kz", "zakon_kz"], ["fraud"])
        karaganda = conn.execute(sql.SQL(
            "SELECT sum(stories), sum(articles) FROM analyst_daily_stories"
            " WHERE topic = 'fraud' AND region = 'karaganda'")).fetchone()
        assert karaganda == (3, 5)  # the story once, the two phone-fraud reports
