"""The Atom feed against hostile data and requests (finding 7): no script links, no identity
taken from the client's Host header. A real uvicorn server over the analysts' seed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest

from crawler.items import Article, content_hash
from crawler.tagging.apply import analyse_article
from serve.api import create_app
from storage.articles import store_article
from tests.live_api import serve_app

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_URLS = ("javascript:alert(document.cookie)//", "data:text/html,<script>alert(1)</script>",
                "JavaScript:void(0)")


@pytest.fixture(scope="module")
def api(database_url: str, seeded: dict[str, int]) -> Iterator[httpx.Client]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        for n, url in enumerate(HOSTILE_URLS):
            body = f"Мошенники похитили деньги у жителей, сообщила полиция. Случай {n}." * 5
            article = Article(source_id="zakon_kz", url=url, title=f"Мошенники {n}", body=body,
                              lang="ru", languages=("ru",), published_at=datetime.now(UTC),
                              fetched_at=datetime.now(UTC), body_normalized=body,
                              content_hash=content_hash(f"Мошенники {n}", body))
            store_article(conn, article, analyse_article(article), None)
    try:
        with serve_app(create_app(database_url)) as base, \
                httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM articles WHERE url = ANY(%s)", (list(HOSTILE_URLS),))


def feed_of(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    return ET.fromstring(response.content)


def hrefs(feed: ET.Element) -> list[str]:
    return [link.attrib["href"] for link in feed.iter(f"{ATOM}link")]


def test_no_link_of_the_feed_runs_script(api: httpx.Client) -> None:
    feed = feed_of(api.get("/feeds/search.atom"))
    entries = feed.findall(f"{ATOM}entry")
    assert entries, "the seed's articles are in the feed"
    for href in hrefs(feed):
        assert href.startswith(("https://", "http://", "/")), href
    ids = [e.findtext(f"{ATOM}id") or "" for e in entries]
    assert not [i for i in ids if i.lower().startswith(("javascript:", "data:"))], ids


def test_the_feed_s_identity_never_comes_from_the_host_header(api: httpx.Client) -> None:
    feed = feed_of(api.get("/feeds/search.atom", params={"topic": "fraud"},
                           headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}))
    text = ET.tostring(feed, encoding="unicode")
    assert "evil.example" not in text
    assert (feed.findtext(f"{ATOM}id") or "").startswith("tag:dozor,2025:feeds/search.atom")
    self_link = next(link.attrib["href"] for link in feed.findall(f"{ATOM}link")
                     if link.attrib.get("rel") == "self")
    assert self_link == "/feeds/search.atom?topic=fraud"


def test_a_configured_public_address_makes_the_links_absolute(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOZOR_PUBLIC_URL", "https://dozor.example.org/")
    feed = feed_of(api.get("/feeds/search.atom", params={"topic": "fraud"},
                           headers={"Host": "evil.example"}))
    by_rel: dict[str, Any] = {link.attrib.get("rel"): link.attrib["href"]
                              for link in feed.findall(f"{ATOM}link")}
    assert by_rel["self"] == "https://dozor.example.org/feeds/search.atom?topic=fraud"
    assert by_rel["alternate"] == "https://dozor.example.org/?topic=fraud"
    assert "evil.example" not in ET.tostring(feed, encoding="unicode")
