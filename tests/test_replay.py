"""`collect --replay`: a crawl answered from WARC files stores what the live crawl stored."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.archive import Exchange, WarcArchive
from crawler.replay import WarcReplayDownloadHandler
from jobs.tasks import collect
from storage.db import drop_database

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT_ROOT / "docs" / "sample" / "zakon_kz.warc.gz"
API_URL = ("https://www.gov.kz/api/v1/public/content-manager/news?projects=eq:qriim&page=0"
           "&size=20&sort-by=created_date:DESC")
STORED = ("SELECT url, title, body, lang, languages, published_at, status, content_hash"
          " FROM articles ORDER BY url")


def _exchange(url: str, body: bytes, method: str = "GET", language: str | None = None,
              status: int = 200) -> Exchange:
    request_headers = [("Accept-Language", language)] if language else []
    return Exchange(url, method, status, [("Content-Type", "application/json")], body,
                    request_headers)


def _handler(monkeypatch: pytest.MonkeyPatch, *warcs: Path) -> WarcReplayDownloadHandler:
    monkeypatch.setenv("DOZOR_REPLAY_WARCS", ":".join(str(w) for w in warcs))
    return WarcReplayDownloadHandler(get_crawler())


def _fetch(handler: WarcReplayDownloadHandler, request: Request) -> tuple[int, bytes]:
    response = asyncio.run(handler.download_request(request))
    return response.status, response.body


def test_replay_serves_the_latest_response_for_the_same_request_and_404_for_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    older = WarcArchive(tmp_path, "govkz_qriim", 1, datetime(2026, 2, 1, tzinfo=UTC))
    older.write(_exchange(API_URL, b'[{"id": 1}]', language="ru"))
    older.close()
    newer = WarcArchive(tmp_path, "govkz_qriim", 2, datetime(2026, 2, 2, tzinfo=UTC))
    newer.write(_exchange(API_URL, b'[{"id": 2}]', language="ru"))
    # The Kazakh page shares the URL and differs by Accept-Language only (sources.md).
    newer.write(_exchange(API_URL, b'[{"id": 3}]', language="kk"))
    newer.write(_exchange("https://www.gov.kz/api/v1/public/_/c/k6", b"{}", method="POST"))
    newer.close()
    handler = _handler(monkeypatch, *older.paths, *newer.paths)

    assert _fetch(handler, Request(API_URL, headers={"Accept-Language": "ru"})) == (
        200, b'[{"id": 2}]')
    assert _fetch(handler, Request(API_URL, headers={"Accept-Language": "kk"})) == (
        200, b'[{"id": 3}]')
    assert _fetch(handler, Request("https://www.gov.kz/api/v1/public/_/c/k6", method="POST"))[0] \
        == 200
    # Not archived: a GET of the ticket URL, a robots.txt (404 = no rules), any other page.
    assert _fetch(handler, Request("https://www.gov.kz/api/v1/public/_/c/k6"))[0] == 404
    assert _fetch(handler, Request("https://www.gov.kz/robots.txt"))[0] == 404
    assert _fetch(handler, Request("https://www.zakon.kz/news/"))[0] == 404


@pytest.fixture
def fresh_databases(pg_server_url: str) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the test server; drops them after the test."""
    names: list[str] = []

    def make() -> str:
        names.append(f"dozor_replay_{uuid.uuid4().hex[:8]}")
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(names[-1])))
        return psycopg.conninfo.make_conninfo(pg_server_url, dbname=names[-1])

    try:
        yield make
    finally:
        for name in names:
            drop_database(pg_server_url, name)  # and its per-database roles


def _replay_into(url: str, warcs: list[Path], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Replay zakon_kz from these WARC files into the database at `url`; its stored articles."""
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DOZOR_REPLAY_WARCS", ":".join(str(w) for w in warcs))
    # Nothing listens on port 9: a request that slipped past the archive would fail the run.
    monkeypatch.setenv("DOZOR_SITE_MIRROR", "http://127.0.0.1:9")
    [(_, outcome)] = collect(["zakon_kz"])
    assert outcome.status == "ok", outcome.message
    assert outcome.run is not None and (outcome.run.new, outcome.run.failed) == (4, 0)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT mode FROM crawl_runs").fetchall() == [("replay",)]
        return conn.execute(STORED).fetchall()


def test_replaying_a_crawl_into_a_fresh_database_stores_the_same_articles(
    crawl_env: dict[str, str], db: psycopg.Connection[tuple[object, ...]],
    fresh_databases: Callable[[], str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    [(_, live)] = collect(["zakon_kz"])
    assert live.status == "ok", live.message
    crawled = db.execute(STORED).fetchall()
    assert len(crawled) == 4
    warcs = sorted((Path(crawl_env["DOZOR_DATA_DIR"]) / "warc" / "zakon_kz").glob("*.warc.gz"))

    assert _replay_into(fresh_databases(), warcs, monkeypatch) == crawled

    # README, "Try it offline": the committed sample is a crawl of today's test pages.
    assert _replay_into(fresh_databases(), [SAMPLE], monkeypatch) == crawled, (
        "docs/sample/zakon_kz.warc.gz no longer matches the Zakon.kz test pages:"
        " run `.venv/bin/python -m tests.make_sample_warc` and commit the file"
    )
