"""The analysts' HTTP API on a real uvicorn server over stored articles: search with filters and
pages, one article with its evidence, statistics, the Atom feed read by feedparser, limits and
errors, and a database connection that cannot write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import feedparser
import httpx
import psycopg
import pytest

from serve.api import create_app
from tests.analyst_seed import SEED
from tests.live_api import serve_app


@pytest.fixture(scope="module")
def app_and_base(database_url: str, seeded: dict[str, int]) -> Iterator[tuple[Any, str]]:
    app = create_app(database_url)
    with serve_app(app) as base:
        yield app, base


@pytest.fixture(scope="module")
def api(app_and_base: tuple[Any, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app_and_base[1], timeout=30) as client:
        yield client


def urls(items: list[dict[str, Any]]) -> set[str]:
    return {i["url"] for i in items}


def url_of(key: str) -> str:
    return f"https://example.test/{key}.html"


def test_search_finds_kazakh_forms_and_marks_them(api: httpx.Client) -> None:
    response = api.get("/api/search", params={"q": "алаяқтарды", "cross_language": "false"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and body["total_exact"] and body["next"] is None
    assert urls(body["items"]) == {url_of("kk_phone_karaganda"), url_of("kk_internet_shymkent")}
    karaganda = next(i for i in body["items"] if i["url"] == url_of("kk_phone_karaganda"))
    assert [s["text"] for s in karaganda["snippet"] if s["mark"]] == ["алаяқтарын"]
    assert [s["text"] for s in karaganda["title_marked"] if s["mark"]] == ["алаяқтары"]
    assert karaganda["published"].endswith("+05:00")
    assert karaganda["topics"] == ["fraud"] and karaganda["subtopics"] == ["phone"]
    assert "190-бабы" in karaganda["evidence"]


def test_filters_and_pages(api: httpx.Client) -> None:
    ocg = api.get("/api/search", params=[("topic", "ocg"), ("region", "almaty_city")]).json()
    assert urls(ocg["items"]) == {url_of("ru_ocg_almaty"), url_of("kk_ocg_almaty")}
    recent = api.get("/api/search", params={"since": "yesterday", "lang": "kk"}).json()
    assert urls(recent["items"]) == {url_of("kk_phone_karaganda")}

    first = api.get("/api/search", params={"page_size": 3, "order": "newest"}).json()
    assert first["total"] == len(SEED) and len(first["items"]) == 3
    assert first["next"] == "/api/search?order=newest&page_size=3&page=2"
    second = api.get(first["next"]).json()
    assert not urls(first["items"]) & urls(second["items"])
    last = api.get("/api/search", params={"page_size": 3, "order": "newest", "page": 3}).json()
    assert len(last["items"]) == len(SEED) - 6 and last["next"] is None


def test_close_matches_are_marked_partial(api: httpx.Client) -> None:
    body = api.get("/api/search", params={"q": "мошенники Караганда лжесотрудник",
                                          "cross_language": "false"}).json()
    assert body["total"] == 0
    assert [(i["url"], i["partial"]) for i in body["items"]] == [
        (url_of("ru_phone_karaganda"), True)]
    strict = api.get("/api/search", params={"q": "мошенники Караганда лжесотрудник",
                                            "close_matches": "false",
                                            "cross_language": "false"}).json()
    assert strict["items"] == []


def test_one_article_with_tags_and_evidence_as_written(
    api: httpx.Client, seeded: dict[str, int]
) -> None:
    article = api.get(f"/api/articles/{seeded['kk_ocg_almaty']}").json()
    assert article["lang"] == "kk" and article["regions"] == ["almaty_city"]
    assert article["criminal_code_articles"] == ["262"]
    [tag] = article["tags"]
    assert tag["topic"] == "ocg" and tag["topic_name"] == "Organized crime"
    phrases = {e["phrase"] for e in tag["evidence"]}
    # Cut from the article as published: capital letters kept.
    assert "ұйымдасқан қылмыстық топ" in phrases
    for evidence in tag["evidence"]:
        text = article["title"] if evidence["field"] == "title" else article["body"]
        assert text[evidence["start"]:evidence["end"]] == evidence["phrase"]
    missing = api.get("/api/articles/999999")
    assert missing.status_code == 404
    assert missing.json() == {"code": "no_such_article", "message": "no such article",
                              "detail": "no such article"}


def test_statistics(api: httpx.Client) -> None:
    stats = api.get("/api/stats").json()
    assert stats["topics"] == ["fraud", "ocg"]
    assert sum(w["articles"] for w in stats["week"]) == len(SEED)
    almaty = next(r for r in stats["region"] if r["key"] == "almaty_city")
    assert (almaty["name"], almaty["articles"], almaty["by_topic"]) == ("Almaty", 3, {"ocg": 2})
    fraud_only = api.get("/api/stats", params={"topic": "fraud"}).json()
    assert {r["key"] for r in fraud_only["source"]} == {"zakon_kz", "tengrinews_kz", "polisia_kz"}
    assert sum(w["by_topic"].get("fraud", 0) for w in fraud_only["week"]) == 5
    weekly = api.get("/api/stats", params={"by": "week", "q": "алаяқ",
                                           "cross_language": "false"}).json()
    assert sum(w["articles"] for w in weekly["week"]) == 2 and weekly["region"] == []


def test_atom_feed_of_a_saved_query_reads_in_a_feed_reader(api: httpx.Client) -> None:
    response = api.get("/feeds/search.atom", params={"q": "мошенники", "topic": "fraud",
                                                     "cross_language": "false"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Dozor: \u201cмошенники\u201d, Fraud"
    links = [e.link for e in feed.entries]
    assert links == [url_of("ru_phone_karaganda"), url_of("ru_internet_noregion")]  # newest first
    entry = feed.entries[0]
    assert entry.id == url_of("ru_phone_karaganda")
    assert entry.published_parsed is not None and "мошенник" in entry.summary
    assert {t.term for t in entry.tags} == {"fraud", "region:karaganda"}
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link.endswith("/feeds/search.atom?cross_language=false&q=%D0%BC%D0%BE%D1%88%D0"
                              "%B5%D0%BD%D0%BD%D0%B8%D0%BA%D0%B8&topic=fraud")
    empty = feedparser.parse(api.get("/feeds/search.atom", params={"q": "жоқсөз"}).content)
    assert not empty.bozo and empty.entries == []


def test_limits_answer_422_or_400_without_internals(api: httpx.Client) -> None:
    cases = [
        ({"page_size": 101}, 422, "page_size"),
        ({"q": "а" * 201}, 422, "q"),
        ({"page": 0}, 422, "page"),
        ({"topic": "drugs"}, 400, "unknown topic 'drugs'"),
        ({"since": "next tuesday"}, 400, "cannot read 'next tuesday' as a date"),
        ({"since": "2025-02-01", "until": "2025-01-01"}, 400, "date range is empty"),
        ({"q": "-алаяқ"}, 400, "only excludes"),
    ]
    for params, status, expected in cases:
        response = api.get("/api/search", params=params)
        assert response.status_code == status, (params, response.text)
        assert expected in response.text
        for leak in ("Traceback", "SELECT", "psycopg", "File \"", "tsquery"):
            assert leak not in response.text, (params, response.text)


def test_the_api_reads_only(app_and_base: tuple[Any, str], api: httpx.Client) -> None:
    assert api.post("/api/search").status_code == 405
    assert api.delete("/api/articles/1").status_code == 405
    app, _ = app_and_base
    with app.state.pool.connection() as conn:
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert conn.execute("SELECT current_user").fetchone() == (
            conn.execute("SELECT dozor_role_name('reader')").fetchone()[0],)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("DELETE FROM articles")


def test_openapi_and_the_page_are_served(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    assert {"/api/search", "/api/articles/{article_id}", "/api/stats",
            "/feeds/search.atom"} <= set(spec["paths"])
    size = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"]
                if p["name"] == "page_size")
    assert size["schema"]["maximum"] == 100
    page = api.get("/")
    assert page.status_code == 200 and 'src="/static/app.js"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert api.get("/static/app.js").headers["content-type"].startswith(
        ("application/javascript", "text/javascript"))


def test_a_database_that_is_down_answers_503() -> None:
    # Nothing listens on port 9.
    app = create_app("postgresql://dozor@127.0.0.1:9/dozor", pool_timeout=1.0)
    with serve_app(app) as base:
        response = httpx.get(f"{base}/api/search", params={"q": "алаяқ"}, timeout=30)
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response.json()["detail"] == "the database is unavailable; try again later"
