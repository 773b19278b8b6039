"""Shared test fixtures: a real PostgreSQL database per test session, the mock sites server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from crawler.sources import all_sources
from tests.waiting import patience

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Commands print in the user's language (LANG); tests read English unless they ask otherwise.
os.environ["DOZOR_UI_LANG"] = "en"
# Test-only sources with golden pages under tests/fixtures/sites: test_sources.py reads every
# golden case at collection, so these are registered for the whole session (crawls inherit it).
SESSION_SOURCE_MODULES = ("tests.source_badpages",)
os.environ["DOZOR_SOURCE_MODULES"] = ",".join(
    dict.fromkeys([*filter(None, os.environ.get("DOZOR_SOURCE_MODULES", "").split(",")),
                   *SESSION_SOURCE_MODULES]))


def _server_url() -> str:
    """The PostgreSQL server tests create their databases on: DATABASE_URL, else embedded."""
    url = os.environ.get("DOZOR_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    from storage.db import start_embedded_server

    return start_embedded_server(PROJECT_ROOT / ".dozor" / "test")


def _with_dbname(url: str, dbname: str) -> str:
    return psycopg.conninfo.make_conninfo(url, dbname=dbname)


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """A connection string of the server tests use (any database on it)."""
    return _server_url()


@pytest.fixture(scope="session")
def database_url(pg_server_url: str, worker_id: str) -> Iterator[str]:
    """A fresh, migrated database for this test session (one per xdist worker), dropped after."""
    from jobs.tasks import prepare_database

    name = f"dozor_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_dbname(pg_server_url, name)
    old = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        prepare_database()
        yield url
    finally:
        if old is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = old
        from storage.db import drop_database  # its per-database roles go with it

        drop_database(pg_server_url, name)


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection to an emptied test database (the registry's sources kept)."""
    from tests.e2e.mock_site import empty_database

    empty_database(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def mockserver() -> Iterator[str]:
    """A real HTTP server subprocess serving tests/fixtures/sites; yields its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.mockserver.server", "--port", "0"],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise RuntimeError(f"mock server did not start: {url!r}")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def crawl_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, mockserver: str, tmp_path: Path
) -> dict[str, str]:
    """Environment for a real crawl against the mock sites into the test database."""
    env = {
        "DATABASE_URL": database_url,
        "DOZOR_SITE_MIRROR": mockserver,
        "DOZOR_DATA_DIR": str(tmp_path / "data"),
        # Tests need not wait a polite second between requests to 127.0.0.1.
        "DOZOR_DOWNLOAD_DELAY": "0",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    all_sources.cache_clear()
    return env


@pytest.fixture
def slow_site(crawl_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """crawl_env plus the test source `slow_site` (tests/slow_site.py), whose articles answer
    after a delay; its rows are removed afterwards, so other tests see only the registry."""
    from jobs.tasks import prepare_database

    monkeypatch.setenv("DOZOR_SOURCE_MODULES", "tests.slow_site")
    # Each article stored as it comes (not in batches), heartbeats every half second: tests
    # act between two of the slow site's articles. The lease outlives ten heartbeats (scaled),
    # so a runner starved of CPU on a loaded machine keeps it.
    monkeypatch.setenv("DOZOR_STORE_BATCH", "1")
    monkeypatch.setenv("DOZOR_HEARTBEAT", "0.5")
    monkeypatch.setenv("DOZOR_LEASE_TTL", f"{patience(5):g}")
    all_sources.cache_clear()
    prepare_database()  # its row in `sources`
    try:
        yield "slow_site"
    finally:
        all_sources.cache_clear()
        with psycopg.connect(crawl_env["DATABASE_URL"], autocommit=True) as conn:
            for table in ("articles", "crawl_runs", "sources"):
                column = "id" if table == "sources" else "source_id"
                conn.execute(sql.SQL("DELETE FROM {} WHERE {} = 'slow_site'").format(
                    sql.Identifier(table), sql.Identifier(column)))


@pytest.fixture
def unused_port() -> int:
    """A local port nothing listens on: a database or site that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def analysts_day() -> Iterator[None]:
    """The module's clock at noon in Almaty today, running (tests/analyst_seed.py says why):
    for modules that store the analysts' seed and then ask for 'yesterday'."""
    from tests.analyst_seed import analysts_day

    with analysts_day():
        yield


@pytest.fixture(scope="module")
def seeded(database_url: str, analysts_day: None) -> Iterator[dict[str, int]]:
    """The analysts' seed articles (tests/analyst_seed.py) stored once per module; ids by key."""
    from tests.analyst_seed import empty_tables, store_seed

    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_tables(conn)
        ids = store_seed(conn)
    yield ids
    with psycopg.connect(database_url, autocommit=True) as conn:
        empty_tables(conn)
